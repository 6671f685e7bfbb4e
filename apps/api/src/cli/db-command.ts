import { openDatabase } from "../db/client.js";
import { redact } from "../db/database-url.js";
import { SeedInterruptedError, seedDatabase } from "../db/seed.js";
import { type CliCommand, CliUsageError, parseFlags, parseInteger } from "./command.js";

export const dbCommand: CliCommand = {
  name: "db",
  summary: "Apply migrations or seed a synthetic history (db migrate | db seed)",
  help: `
Usage: threadbench db migrate [--json]
       threadbench db seed [--runs N] [--seed S] [--json]

migrate  Applies the committed migrations the database does not have yet (every
         threadbench process also does this when it starts). Needs no network.
seed     Adds a realistic synthetic history for development and benchmarks: several
         workloads, modes, thread counts, testbeds and branches, with noise and a few
         step changes. Every seeded run has seeded = true and the label "seeded", so it
         is never confused with real data.

The database is DATABASE_URL: unset = SQLite file data/threadbench.db; "file:PATH" =
SQLite; "postgres://..." = PostgreSQL.

Flags:
  --runs N   Runs to generate (default 1000, at most 10,000,000)
  --seed S   Random seed: the same seed gives the same history (default 1)
  --json     Print the report as JSON
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { runs: { type: "string" }, seed: { type: "string" }, json: { type: "boolean" } },
      true,
    );
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"`);
    if (action !== "migrate" && action !== "seed") {
      throw new CliUsageError(`expected "migrate" or "seed"${action ? `, not "${action}"` : ""}`);
    }
    if (action === "migrate" && (values.runs !== undefined || values.seed !== undefined)) {
      throw new CliUsageError("--runs and --seed belong to `db seed`");
    }
    const runs = values.runs === undefined ? 1000 : parseInteger("runs", values.runs, 1, 10_000_000);
    const seed = values.seed === undefined ? 1 : parseInteger("seed", values.seed, 0, 2 ** 31 - 1);
    const database = await openDatabase(io.env.DATABASE_URL);
    try {
      const where =
        database.target.provider === "sqlite" ? database.target.filePath : redact(database.target.url);
      if (action === "migrate") {
        const { applied, alreadyApplied } = database.migrations;
        if (values.json) {
          io.stdout.write(
            `${JSON.stringify({ provider: database.provider, applied, alreadyApplied }, null, 2)}\n`,
          );
        } else {
          io.stdout.write(
            applied.length > 0
              ? `applied ${applied.length} migration(s) to ${database.provider} ${where}:\n${applied.map((name) => `  ${name}`).join("\n")}\n`
              : `${database.provider} ${where} is up to date (${alreadyApplied.length} migration(s) applied)\n`,
          );
        }
        return 0;
      }
      const progressEvery = Math.max(1000, Math.round(runs / 20));
      const report = await seedDatabase(database, {
        runs,
        seed,
        signal: io.signal,
        onProgress: (done) => {
          if (!values.json && (done % progressEvery < 1000 || done === runs)) {
            io.stderr.write(
              `seeded ${done.toLocaleString("en-US")} / ${runs.toLocaleString("en-US")} runs\n`,
            );
          }
        },
      }).catch((error: unknown) => {
        if (!(error instanceof SeedInterruptedError)) throw error;
        io.stderr.write(`threadbench db: ${error.message}\n`);
        return null;
      });
      if (report === null) return 1;
      const summary = {
        provider: database.provider,
        runs: report.runs,
        measurements: report.measurements,
        samples: report.samples,
        series: report.seriesKeys.length,
        seconds: Math.round(report.seconds * 10) / 10,
      };
      if (values.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        io.stdout.write(
          `seeded ${summary.runs.toLocaleString("en-US")} runs (${summary.measurements.toLocaleString("en-US")} measurements, ${summary.samples.toLocaleString("en-US")} samples, ${summary.series} series) into ${database.provider} ${where} in ${summary.seconds} s; they carry the label "seeded"\n`,
        );
      }
      return 0;
    } finally {
      await database.close();
    }
  },
};
