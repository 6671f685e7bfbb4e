import type { InitializeHook, ResolveHook } from "node:module";

/**
 * Module customisation hooks (registered with `module.register` by module-import.ts,
 * only when a workload module is loaded). A team's workload module imports
 * `@threadbench/workloads` (and often `zod`); a project outside threadbench's checkout
 * usually has neither installed, and @threadbench/workloads is not published. When the
 * module's own resolution finds no such package, these hooks resolve it to threadbench's
 * own copy, so a workload module works wherever it lives. A package the project does
 * have always wins. This covers ES modules; module-import.ts covers `require`.
 */

export interface ResolveHooksData {
  /** Bare specifier -> file URL of threadbench's own copy. */
  provided: Record<string, string>;
}

let provided: Record<string, string> = {};

export const initialize: InitializeHook<ResolveHooksData> = (data) => {
  provided = { ...data.provided };
};

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const fallback = Object.hasOwn(provided, specifier) ? provided[specifier] : undefined;
    if (fallback && (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") {
      return { url: fallback, shortCircuit: true };
    }
    throw error;
  }
};
