import Module, { register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runnerEntryPoint } from "./entry-points.js";
import type { ResolveHooksData } from "./module-resolve-hooks.js";

/**
 * Imports a team's workload module (or project file) in the current thread: the main
 * thread, a piscina worker and a child process each call this for the same file, so
 * every mode runs the same code. Nothing here is loaded for built-in workloads: the
 * runner imports this file only when a plan names a module.
 *
 * TypeScript needs no build step from the user:
 * - where Node strips types itself (`process.features.typescript`, Node 22.6+ with the
 *   flag, 22.18+ and 23.6+ by default), the file is imported natively;
 * - otherwise, or when native stripping refuses the file (enums and other syntax that
 *   needs transforming, `./helper.js` naming a `helper.ts`, tsconfig paths), through
 *   tsx's scoped `tsImport`, which registers tsx's loader for this import only.
 * JavaScript (`.js`, `.mjs`) is imported natively.
 */

const typeScriptExtensions = new Set([".ts", ".mts", ".cts"]);

/**
 * Errors of native type stripping that tsx can get past: syntax that must be
 * transformed, modules inside node_modules, and resolution tsx does and Node does not.
 */
const retryWithTsx = new Set([
  "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX",
  "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING",
  "ERR_UNKNOWN_FILE_EXTENSION",
  "ERR_MODULE_NOT_FOUND",
]);

/** Packages a workload module may import without installing them (see module-resolve-hooks.ts). */
export const providedPackages = ["@threadbench/workloads", "zod"] as const;

let hooksRegistered = false;

/**
 * Makes the provided packages resolvable from a workload module that has no copy of
 * its own, for `import` (module-resolve-hooks.ts, through `module.register`) and for
 * `require` (a CommonJS module: a `.ts` or `.js` file under a package.json without
 * `"type": "module"`, which tsx runs as CommonJS). Both point at threadbench's own ES
 * module files, so `require` loads them through require(esm) and the module shares
 * threadbench's zod instance either way.
 */
function registerResolveHooks(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  const provided = Object.fromEntries(providedPackages.map((name) => [name, import.meta.resolve(name)]));
  const data: ResolveHooksData = { provided };
  register(pathToFileURL(runnerEntryPoint("module-resolve-hooks")), { data });
  provideToRequire(
    Object.fromEntries(Object.entries(provided).map(([name, url]) => [name, fileURLToPath(url)])),
  );
}

type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;

/**
 * Node 20 has no public hook for CommonJS resolution (`module.registerHooks` arrived in
 * 22.15), so this wraps `Module._resolveFilename`, the way tsx itself does: only after
 * the normal resolution failed, only for the provided package names.
 */
function provideToRequire(paths: Record<string, string>): void {
  const internals = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = internals._resolveFilename;
  internals._resolveFilename = function resolveWithProvided(this: unknown, request, ...rest) {
    try {
      return original.call(this, request, ...rest);
    } catch (error) {
      const fallback = Object.hasOwn(paths, request) ? paths[request] : undefined;
      if (fallback && (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") return fallback;
      throw error;
    }
  };
}

function nodeStripsTypes(): boolean {
  // Absent before Node 22.10 (and in @types/node 20); "strip" or "transform" where present.
  const features = process.features as { typescript?: string | false };
  return Boolean(features.typescript);
}

/** Which loader imported a module: "node", "node (type stripping)" or "tsx". */
export type ModuleLoader = "node" | "node (type stripping)" | "tsx";

/**
 * Imports `file` (absolute) and returns its module namespace and the loader that
 * imported it. Errors propagate as thrown by the module or the loader.
 */
export async function importUserModule(
  file: string,
): Promise<{ namespace: Record<string, unknown>; loader: ModuleLoader }> {
  const watch = watchLoading(file);
  try {
    return await importWithLoader(file);
  } finally {
    watch.done();
  }
}

/**
 * A process that ends while a user's module loads ends because of the module: it called
 * process.exit(), or its top-level await never settles and nothing else is left to wait
 * for (Node then exits with 13, or with 0 when the await is not the entry point's own,
 * and says nothing useful). One line on stderr names the module and the reason; the
 * second case exits 2, the code of a bad workload module.
 */
function watchLoading(file: string): { done(): void } {
  const onExit = (code: number) => {
    // Node 20 emits "exit" with 0 and sets 13 after it; Node 22 and later emit 13 (and print
    // their own warning about the await). Either way the exit code set here is the one kept.
    const unsettled = code === 0 || code === 13;
    const why = unsettled
      ? "its top-level await never settled (nothing was left to wait for)"
      : `it ended the process with exit code ${code} while loading`;
    process.stderr.write(`threadbench: the workload module ${file} did not load: ${why}\n`);
    if (unsettled) process.exitCode = 2;
  };
  process.on("exit", onExit);
  return { done: () => process.off("exit", onExit) };
}

async function importWithLoader(
  file: string,
): Promise<{ namespace: Record<string, unknown>; loader: ModuleLoader }> {
  registerResolveHooks();
  const url = pathToFileURL(file).href;
  if (!typeScriptExtensions.has(path.extname(file))) {
    return { namespace: (await import(url)) as Record<string, unknown>, loader: "node" };
  }
  if (nodeStripsTypes()) {
    try {
      return {
        namespace: (await import(url)) as Record<string, unknown>,
        loader: "node (type stripping)",
      };
    } catch (error) {
      if (!retryWithTsx.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
    }
  }
  const { tsImport } = await import("tsx/esm/api");
  return {
    namespace: (await tsImport(url, { parentURL: import.meta.url })) as Record<string, unknown>,
    loader: "tsx",
  };
}

/** The module's default export, unwrapped from CommonJS interop where tsx compiled it so. */
export function defaultExport(namespace: Record<string, unknown>): { found: boolean; value: unknown } {
  if (!("default" in namespace)) return { found: false, value: undefined };
  const value = namespace.default;
  // A TypeScript file tsx ran as CommonJS: `default` is module.exports, marked __esModule.
  if (value !== null && typeof value === "object" && (value as { __esModule?: unknown }).__esModule) {
    const inner = value as Record<string, unknown>;
    return "default" in inner ? { found: true, value: inner.default } : { found: false, value: undefined };
  }
  return { found: true, value };
}
