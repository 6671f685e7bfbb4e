// Child process of the concurrency tests: ingests one payload file into DATABASE_URL,
// COUNT times at once through one client (argv[3], default 1), and prints one line of
// {"id": ..., "created": ...} per ingestion.
import { readFileSync } from "node:fs";
import { openDatabase } from "../db/client.js";
import { ingestRun } from "../db/ingest.js";

const database = await openDatabase();
try {
  const payload = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as unknown;
  const count = Number(process.argv[3] ?? 1);
  const outcomes = await Promise.all(Array.from({ length: count }, () => ingestRun(database, payload)));
  for (const { run, created } of outcomes)
    process.stdout.write(`${JSON.stringify({ id: run.id, created })}\n`);
} finally {
  await database.close();
}
