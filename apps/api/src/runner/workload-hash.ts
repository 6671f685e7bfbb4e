import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

/** The local files a workload module consists of, and their combined hash. */
export interface WorkloadHash {
  /** Lowercase hex sha256; see {@link hashWorkloadModule}. */
  hash: string;
  /** The files hashed, relative to the root, `/`-separated, sorted. */
  files: string[];
}

function sha256(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

/**
 * The content hash of a workload module: the module file and every local file it
 * imports, statically or through `import()` of a literal (packages, anything under
 * node_modules, are not included: their versions are the lockfile's business).
 *
 * The import graph comes from esbuild's bundler (`metafile.inputs`), which resolves
 * what tsx and Node resolve (`./helper.js` naming `helper.ts`, extensionless paths,
 * index files) without running any of it; nothing is written. It is the same esbuild
 * tsx runs on, so it costs no new dependency tree, and a bundle pass over a few files
 * takes milliseconds.
 *
 * The hash is what `sha256sum` gives for the list, so a user can check it by hand:
 *   (cd ROOT && sha256sum FILE... | LC_ALL=C sort -k2 | sha256sum)
 * i.e. sha256 over lines "<sha256 of the file>  <path relative to root>\n" sorted by
 * path. A module that imports nothing local hashes one line.
 */
export async function hashWorkloadModule(file: string, root: string): Promise<WorkloadHash> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [file],
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    packages: "external",
    platform: "node",
    format: "esm",
    logLevel: "silent",
    // Node built-ins and anything esbuild cannot see into stay out of the graph.
    external: ["node:*"],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes("node_modules/") && !input.includes(":"))
    .map((input) => path.resolve(root, input));
  const files = [...new Set([path.resolve(file), ...inputs])];
  const lines = await Promise.all(
    files.map(async (absolute) => ({
      relative: path.relative(root, absolute).split(path.sep).join("/"),
      digest: sha256(await readFile(absolute)),
    })),
  );
  lines.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return {
    hash: sha256(lines.map((line) => `${line.digest}  ${line.relative}\n`).join("")),
    files: lines.map((line) => line.relative),
  };
}
