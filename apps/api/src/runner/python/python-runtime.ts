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

/**
 * THREADBENCH_PYTHON: the interpreters a server lets its clients name in a plan
 * (startRun), comma separated: command names (python3, python3.13t) or absolute paths.
 * Unset: none, so a client cannot make a machine start any program it names. The CLI
 * runs whatever its user types; this list guards plans that arrive over the network.
 */
export function parsePythonRuntimeList(value: string | undefined): {
  runtimes: string[];
  problems: string[];
} {
  const entries = (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const runtimes: string[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const runtime = classifyRuntimeName(entry);
    const named = runtime?.kind === "python" && (!entry.includes("/") || path.isAbsolute(entry));
    if (named) runtimes.push(entry);
    else {
      problems.push(
        `THREADBENCH_PYTHON entry "${entry}" is not allowed (allowed: Python interpreters clients may name in a plan, comma separated: command names such as python3 or python3.13t, or absolute paths)`,
      );
    }
  }
  return { runtimes: [...new Set(runtimes)], problems };
}

/**
 * Refuses a plan's Python interpreter unless this server allows it; `path` names the
 * field in the message (e.g. "plan.runtime"). Returns the issue, or null when allowed.
 */
export function disallowedRuntime(
  runtime: { kind: "node" } | { kind: "python"; executable: string } | undefined,
  allowed: readonly string[],
  path: string,
): { path: string; message: string } | null {
  if (!runtime || runtime.kind === "node" || allowed.includes(runtime.executable)) return null;
  return {
    path,
    message: `"${runtime.executable}" is not allowed on this server (allowed: ${["node", ...allowed].join(", ")}; the server's THREADBENCH_PYTHON lists the Python interpreters clients may name)`,
  };
}
