import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UserInputError } from "../errors.js";
import { openCliStore, serverFlag, serverHelp } from "./cli-store.js";
import { type CliCommand, CliUsageError, parseFlags } from "./command.js";
import { formatStoredChanges } from "./comparison-format.js";

export const ingestCommand: CliCommand = {
  name: "ingest",
  summary: "Store results produced elsewhere (ingest format v1 JSON)",
  help: `
Usage: threadbench ingest FILE [--json]

Stores a run produced outside threadbench (CPython with or without the GIL, another
runtime, another harness) from a JSON file in the ingest format v1:
apps/api/ingest/threadbench-ingest-v1.schema.json, with examples next to it.

An invalid file is rejected whole, every problem listed by JSON path, and nothing is
stored. Ingesting again with the same idempotencyKey stores nothing twice and prints
the run stored the first time.

Flags:
  --json   Print {id, created, run} as JSON
${serverHelp}
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { json: { type: "boolean" }, ...serverFlag }, true);
    const [file, ...extra] = positionals;
    if (!file) throw new CliUsageError("expected a FILE to ingest");
    if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"`);
    const path = resolve(io.cwd, file);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new UserInputError([
        {
          path: "FILE",
          message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        },
      ]);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (error) {
      throw new UserInputError([
        {
          path: "(root)",
          message: `${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        },
      ]);
    }
    const store = await openCliStore(io, values.server);
    try {
      const { run, created, changes: check } = await store.ingest(payload);
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify({ id: run.id, created, run, regressions: check?.stored ?? [] }, null, 2)}\n`,
        );
      } else {
        io.stdout.write(
          created
            ? `stored run ${run.id} (${run.workloadId}, ${run.testbed?.runtime ?? "?"} ${run.testbed?.runtimeVersion ?? ""})\n`
            : `already stored as run ${run.id} (idempotency key "${run.idempotencyKey}"): nothing stored\n`,
        );
        for (const line of check ? formatStoredChanges(check) : []) io.stdout.write(`${line}\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
