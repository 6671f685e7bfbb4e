import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The workloads the harness implements: the free-threading article's four experiments,
 * each the twin of the Node workload with the same id (same parameters and checksum).
 */
export const pythonWorkloadIds: readonly string[] = [
  "sum-squares",
  "sqrt-log",
  "image-analysis",
  "shared-counter",
];

/** The oldest Python the harness runs on (MINIMUM_PYTHON in threadbench_harness/__init__.py). */
export const minimumPythonVersion = "3.8";

/** Words for error messages: what `--runtime` / `plan.runtime` accepts. */
export const allowedRuntimesText = `node, a Python >= ${minimumPythonVersion} command on PATH such as python3 or python3.13t, or a path to a Python executable`;

/** A bare command name that is plausibly a Python interpreter: python3, python3.13t, pypy3.10. */
const pythonCommandPattern = /^(python|pypy)(\d+(\.\d+)*t?)?$/;

/**
 * Classifies a runtime name as users give it. Returns null when it is neither `node`, a
 * Python command name nor a path: the caller reports it with `allowedRuntimesText`.
 * Paths are kept as given; the CLI makes relative ones absolute against its cwd.
 */
export function classifyRuntimeName(
  name: string,
): { kind: "node" } | { kind: "python"; executable: string } | null {
  const value = name.trim();
  if (value === "node") return { kind: "node" };
  if (pythonCommandPattern.test(value)) return { kind: "python", executable: value };
  if (value.includes("/") || value.includes(path.sep)) return { kind: "python", executable: value };
  return null;
}

/**
 * The folder that holds the `threadbench_harness` package (apps/api/python). This module
 * sits two folders below apps/api in both src/ (tsx, vitest) and dist/ (the built CLI),
 * so one relative path serves both, and it travels with the api package.
 */
export function harnessDirectory(): string {
  const directory = fileURLToPath(new URL("../../../python", import.meta.url));
  if (!existsSync(path.join(directory, "threadbench_harness", "__main__.py"))) {
    throw new Error(`the CPython harness is missing: expected ${directory}/threadbench_harness`);
  }
  return directory;
}
