import { stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AnyWorkload } from "@threadbench/workloads";
import { UserInputError } from "../errors.js";
import { defaultExport, importUserModule, type ModuleLoader } from "./module-import.js";
import { moduleWorkloadPrefix, registerModuleWorkload } from "./module-registry.js";
import { hashWorkloadModule } from "./workload-hash.js";

/** File name endings a workload module may have. */
export const workloadModuleExtensions = [".ts", ".mts", ".js", ".mjs"] as const;

/**
 * The namespaced id of a module: `module:` + its path relative to the project root,
 * `/`-separated, without the extension (`module:bench/resize`). The colon keeps it
 * apart from every built-in id; the path keeps it stable across machines and clones.
 */
export function moduleWorkloadId(root: string, file: string): string {
  const relative = path.relative(root, file).split(path.sep).join("/");
  return `${moduleWorkloadPrefix}${relative.slice(0, relative.length - path.extname(relative).length)}`;
}

/** What a pool member needs to load the same module: its id and absolute path. */
export interface WorkloadModuleRef {
  /** `module:bench/resize` */
  id: string;
  /** Absolute path of the module file. */
  file: string;
}

/** A workload module loaded and checked on the main thread, with its identity. */
export interface LoadedWorkloadModule extends WorkloadModuleRef {
  /** Path relative to the project root, `/`-separated (stored as Run.workloadModule). */
  relativePath: string;
  /** sha256 of the module and its local imports (stored as Run.workloadHash). */
  hash: string;
  /** The local files the hash covers, relative to the project root. */
  files: string[];
  /** How the file was imported on the main thread (pool members choose the same way). */
  loader: ModuleLoader;
  /** The module's default export, with `id` replaced by the namespaced id. */
  workload: AnyWorkload;
}

/**
 * A workload module that cannot be used: not found, no default export, not a workload,
 * throws while loading. The message starts with the file as the user named it, so the
 * CLI prints it as one line.
 */
export class WorkloadModuleError extends UserInputError {
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    const message = `${file}: ${problem}`;
    super([{ path: "workload", message }], message);
    this.name = "WorkloadModuleError";
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

interface FieldRule {
  field: string;
  expected: "string" | "function" | "boolean" | "zod object";
  description: string;
  optional?: boolean;
}

/** The `defineWorkload` contract (packages/workloads/src/types.ts), checked field by field. */
const contract: readonly FieldRule[] = [
  { field: "id", expected: "string", description: "a string" },
  { field: "title", expected: "string", description: "a string" },
  { field: "description", expected: "string", description: "a string, one paragraph" },
  { field: "parameters", expected: "zod object", description: "a zod object schema, z.object({ ... })" },
  { field: "unitName", expected: "string", description: 'a string, plural, e.g. "rows"' },
  { field: "units", expected: "function", description: "a function (params) => units of work in one task" },
  {
    field: "createTask",
    expected: "function",
    description: "a function (params, range, context) => { step(maxUnits), result() }",
  },
  {
    field: "combine",
    expected: "function",
    description: "a function (params, partials) => { checksum }",
  },
  { field: "requiresSharedMemory", expected: "boolean", description: "a boolean", optional: true },
  {
    field: "createShared",
    expected: "function",
    description: "a function (params, taskCount) => SharedArrayBuffer",
    optional: true,
  },
];

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function isZodObject(value: unknown): boolean {
  const candidate = value as { safeParse?: unknown; strict?: unknown; _zod?: { def?: { type?: unknown } } };
  return (
    typeof candidate?.safeParse === "function" &&
    typeof candidate.strict === "function" &&
    candidate._zod?.def?.type === "object"
  );
}

function fieldProblem(rule: FieldRule, value: unknown): string | null {
  if (value === undefined) return rule.optional ? null : `missing "${rule.field}" (${rule.description})`;
  switch (rule.expected) {
    case "string":
      return typeof value === "string" && value.trim() !== ""
        ? null
        : `"${rule.field}" is ${typeof value === "string" ? "empty" : kindOf(value)} (expected ${rule.description})`;
    case "function":
    case "boolean":
      return typeof value === rule.expected
        ? null
        : `"${rule.field}" is ${kindOf(value)} (expected ${rule.description})`;
    case "zod object": {
      if (isZodObject(value)) return null;
      const zod3 = (value as { _def?: { typeName?: unknown } } | null)?._def?.typeName !== undefined;
      return zod3
        ? `"parameters" is a zod 3 schema (expected zod 4: import { z } from "@threadbench/workloads")`
        : `"parameters" is ${kindOf(value)} (expected ${rule.description})`;
    }
    default: {
      const unreachable: never = rule.expected;
      throw new Error(`unknown rule ${String(unreachable)}`);
    }
  }
}

/**
 * Checks a default export against the workload contract and returns it under the
 * namespaced id. The module's object is not copied: a prototype link keeps methods
 * that use `this`, getters and class instances working.
 */
export function asModuleWorkload(value: unknown, id: string, file: string): AnyWorkload {
  if (value === null || typeof value !== "object") {
    throw new WorkloadModuleError(
      file,
      `the default export is ${kindOf(value)}, not a workload (export default defineWorkload({ ... }) from "@threadbench/workloads")`,
    );
  }
  const record = value as Record<string, unknown>;
  const problems = contract.flatMap((rule) => fieldProblem(rule, record[rule.field]) ?? []);
  if (problems.length > 0) {
    throw new WorkloadModuleError(file, `the default export is not a workload: ${problems.join("; ")}`);
  }
  return Object.create(record, {
    id: { value: id, enumerable: true },
  }) as AnyWorkload;
}

/**
 * A load failure in one line: the error, and where in the user's files it was thrown
 * (the first stack frame under the module's directory, outside node_modules).
 */
function describeLoadError(error: unknown, directory: string): string {
  if (!(error instanceof Error)) return String(error);
  const headline = `${error.name}: ${error.message.split("\n")[0]}`;
  const directoryUrl = pathToFileURL(directory).href;
  for (const line of (error.stack ?? "").split("\n").slice(1)) {
    if (!(line.includes(directory) || line.includes(directoryUrl)) || line.includes("node_modules")) continue;
    const match = /((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!match) continue;
    // tsx marks the URLs it loads with a query (?tsx-namespace=...).
    const location = (match[1] as string).split("?")[0] as string;
    const where = location.startsWith("file:") ? fileURLToPath(location) : location;
    return `${headline} (at ${path.relative(directory, where) || where}:${match[2]}:${match[3]})`;
  }
  return headline;
}

async function importWorkload(
  file: string,
  id: string,
  shownAs: string,
): Promise<{ workload: AnyWorkload; loader: ModuleLoader }> {
  let namespace: Record<string, unknown>;
  let loader: ModuleLoader;
  try {
    ({ namespace, loader } = await importUserModule(file));
  } catch (error) {
    throw new WorkloadModuleError(
      shownAs,
      `threw while loading: ${describeLoadError(error, path.dirname(file))}`,
      {
        cause: error,
      },
    );
  }
  const exported = defaultExport(namespace);
  if (!exported.found) {
    const named = Object.keys(namespace).filter((key) => key !== "default" && key !== "__esModule");
    throw new WorkloadModuleError(
      shownAs,
      `has no default export (expected export default defineWorkload({ ... })${
        named.length > 0 ? `; it exports ${named.map((name) => `"${name}"`).join(", ")}` : ""
      })`,
    );
  }
  return { workload: asModuleWorkload(exported.value, id, shownAs), loader };
}

export interface LoadWorkloadModuleOptions {
  /** As the user wrote it: `./bench/resize.ts`. */
  reference: string;
  /** What `reference` is relative to. */
  cwd: string;
  /** The project root: ids and stored paths are relative to it. */
  root: string;
}

/**
 * Loads a workload module on the main thread: finds the file, imports it (TypeScript
 * without a build step), checks its default export against the workload contract,
 * hashes it with its local imports, and registers it so the runner resolves its id.
 * Every failure is a WorkloadModuleError naming the file and what is wrong.
 */
export async function loadWorkloadModule(options: LoadWorkloadModuleOptions): Promise<LoadedWorkloadModule> {
  const file = path.resolve(options.cwd, options.reference);
  const shownAs = options.reference;
  const extension = path.extname(file);
  if (!(workloadModuleExtensions as readonly string[]).includes(extension)) {
    throw new WorkloadModuleError(
      shownAs,
      `is not a workload module (allowed: a file ending in ${workloadModuleExtensions.join(", ")})`,
    );
  }
  const found = await stat(file).catch(() => null);
  if (!found) throw new WorkloadModuleError(shownAs, `not found (looked for ${file})`);
  if (!found.isFile()) throw new WorkloadModuleError(shownAs, `is not a file (${file})`);

  const id = moduleWorkloadId(options.root, file);
  const { workload, loader } = await importWorkload(file, id, shownAs);
  let hashed: { hash: string; files: string[] };
  try {
    hashed = await hashWorkloadModule(file, options.root);
  } catch (error) {
    throw new WorkloadModuleError(
      shownAs,
      `cannot be hashed: ${describeLoadError(error, path.dirname(file))}`,
      {
        cause: error,
      },
    );
  }
  registerModuleWorkload(workload);
  return {
    id,
    file,
    relativePath: path.relative(options.root, file).split(path.sep).join("/"),
    hash: hashed.hash,
    files: hashed.files,
    loader,
    workload,
  };
}

/**
 * Loads a module in a piscina worker or a child process, at start-up and before the
 * member reports ready, so loading never counts as task time. The main thread loaded
 * and checked the same file first; a failure here still names the file.
 */
export async function loadPoolWorkloadModule(ref: WorkloadModuleRef): Promise<void> {
  registerModuleWorkload((await importWorkload(ref.file, ref.id, ref.file)).workload);
}

/** Checks a pool member's start-up data; anything else is a bug of the caller. */
export function isWorkloadModuleRef(value: unknown): value is WorkloadModuleRef {
  const candidate = value as Partial<WorkloadModuleRef> | null;
  return (
    typeof candidate?.id === "string" &&
    candidate.id.startsWith(moduleWorkloadPrefix) &&
    typeof candidate.file === "string" &&
    path.isAbsolute(candidate.file)
  );
}
