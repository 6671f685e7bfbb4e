import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The monorepo root: the nearest directory above this module whose package.json
 * declares "workspaces". Works the same from `src/` (tsx, vitest) and `dist/` (node).
 */
export function repoRoot(): string {
  if (cached) return cached;
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, "package.json");
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { workspaces?: unknown };
        if (parsed.workspaces) {
          cached = directory;
          return directory;
        }
      } catch {
        // An unreadable package.json is not the root; keep walking up.
      }
    }
    const parent = dirname(directory);
    if (parent === directory) {
      throw new Error("threadbench: cannot find the repository root (a package.json with workspaces)");
    }
    directory = parent;
  }
}
