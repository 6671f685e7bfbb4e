import { join } from "node:path";
import { repoRoot } from "./repo-root.js";

/** Where the committed JSON Schema of the ingest format lives. */
export function ingestSchemaPath(): string {
  return join(repoRoot(), "apps", "api", "ingest", "threadbench-ingest-v1.schema.json");
}

/** The committed example payloads: CPython 3.13 with the GIL and free-threaded (3.13t). */
export function ingestExamplePaths(): string[] {
  const directory = join(repoRoot(), "apps", "api", "ingest");
  return ["example-cpython-3.13-gil.json", "example-cpython-3.13t-free-threaded.json"].map((file) =>
    join(directory, file),
  );
}
