import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Absolute path of a compiled runner entry (`worker`, `child`, and the module hooks
 * that `module.register` loads for workload modules). Worker threads, child processes
 * and loader hooks load plain JavaScript, so when this module runs from TypeScript
 * sources (vitest, tsx) the compiled file under `dist/` is used: `npm run build`
 * (which `npm test` runs first through turbo) produces it.
 */
export function runnerEntryPoint(name: "worker" | "child" | "module-resolve-hooks"): string {
  const here = fileURLToPath(import.meta.url);
  const directory = path.dirname(here);
  const candidate = here.endsWith(".ts")
    ? path.resolve(directory, "../../dist/runner", `${name}.js`)
    : path.join(directory, `${name}.js`);
  if (!existsSync(candidate)) {
    throw new Error(
      `runner entry ${candidate} is missing: build the API first (npm run build -w @threadbench/api)`,
    );
  }
  return candidate;
}
