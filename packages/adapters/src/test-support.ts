import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { harnessInput } from "./index.js";
import type { HarnessInput, InputFile } from "./types.js";

/** The package's fixtures folder: real files written by each harness (see fixtures/README.md). */
export const fixturesDirectory = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** A fixture file's text. */
export function fixtureText(path: string): string {
  return readFileSync(join(fixturesDirectory, path), "utf8");
}

/** A fixture file (or directory, for Criterion) as adapters read it. */
export function fixture(path: string): HarnessInput {
  const full = join(fixturesDirectory, path);
  if (statSync(full).isDirectory()) return harnessInput("", directoryFiles(full));
  return harnessInput(readFileSync(full, "utf8"));
}

function directoryFiles(root: string): InputFile[] {
  const files: InputFile[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push({ path: relative(root, path), text: readFileSync(path, "utf8") });
    }
  };
  walk(root);
  return files;
}
