import type { AnyWorkload } from "@threadbench/workloads";

/**
 * Workload modules loaded in this thread or process, by their namespaced id
 * (`module:bench/resize`). Kept apart from the loader (workload-module.ts) so that
 * looking a workload up costs built-in runs no import of the loader.
 */
const loaded = new Map<string, AnyWorkload>();

/** Prefix of every module workload id: no built-in id contains a colon. */
export const moduleWorkloadPrefix = "module:";

export function isModuleWorkloadId(id: string): boolean {
  return id.startsWith(moduleWorkloadPrefix);
}

/**
 * True when a workload reference names a module (a file, or a `module:` id) rather than
 * a built-in: built-in ids are kebab-case words, never with a slash, a dot or a colon.
 */
export function looksLikeModuleReference(reference: string): boolean {
  return isModuleWorkloadId(reference) || /[/\\.]/.test(reference);
}

export function registerModuleWorkload(workload: AnyWorkload): void {
  loaded.set(workload.id, workload);
}

/** A module workload loaded in this thread, or undefined. */
export function findModuleWorkload(id: string): AnyWorkload | undefined {
  return loaded.get(id);
}
