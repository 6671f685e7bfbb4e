/**
 * Storage benchmark: is the Prisma data layer fast enough for a dashboard over years of CI?
 *
 *   npx tsx apps/api/src/bench/storage-bench.ts [--runs 100000] [--sqlite-only]
 *   node dist/bench/storage-bench.js            (after building apps/api)
 *
 * On a seeded 100,000-run history (about 575,000 measurements and 1.7 million samples)
 * in a temporary SQLite file, then in an ephemeral PostgreSQL cluster:
 * - the last 1,000 points of one series and a 50-run filtered page of runs, median
 *   latency through the repository (Prisma + driver adapter) versus the same query in raw
 *   SQL on the same driver (better-sqlite3 / pg), and their ratio (target <= 2x);
 * - bulk ingestion through `ingestRun`, in samples per second (target >= 20,000/s on SQLite).
 * Seeding takes a few minutes per provider. The machine is shared and noisy: compare
 * the ratios, measured in the same run, not the absolute times.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { median } from "@threadbench/core";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { type Database, openDatabase } from "../db/client.js";
import { createScratchDatabase, startEphemeralPostgres } from "../db/ephemeral-postgres.js";
import { ingestRun } from "../db/ingest.js";
import { listRuns, type RunFilter } from "../db/run-list.js";
import { seedDatabase } from "../db/seed.js";
import { readSeriesHistory } from "../db/series-repository.js";

const argv = process.argv.slice(2);
const runsFlag = argv.indexOf("--runs");
const runs = runsFlag >= 0 ? Number(argv[runsFlag + 1]) : 100_000;
const sqliteOnly = argv.includes("--sqlite-only");
const iterations = 31;

interface RawDriver {
  all(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Median latency of a and b, interleaved so that machine noise hits both alike. */
async function compare(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<{ a: number; b: number }> {
  for (let warmup = 0; warmup < 5; warmup++) {
    await a();
    await b();
  }
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    let start = performance.now();
    await a();
    timesA.push(performance.now() - start);
    start = performance.now();
    await b();
    timesB.push(performance.now() - start);
  }
  return { a: median(timesA), b: median(timesB) };
}

function rawDriver(database: Database): RawDriver {
  if (database.target.provider === "sqlite") {
    const connection = new BetterSqlite3(database.target.filePath, { readonly: true });
    return {
      async all(sql, params) {
        return connection
          .prepare(sql)
          .all(params.map((value) => (value instanceof Date ? value.getTime() : value))) as Record<
          string,
          unknown
        >[];
      },
      async close() {
        connection.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: database.target.url, max: 2 });
  return {
    async all(sql, params) {
      let index = 0;
      const text = sql.replace(/\?/g, () => `$${++index}`);
      return (await pool.query(text, params)).rows as Record<string, unknown>[];
    },
    async close() {
      await pool.end();
    },
  };
}

const toDate = (value: unknown): Date =>
  value instanceof Date
    ? value
    : typeof value === "number" || typeof value === "bigint"
      ? new Date(Number(value))
      : new Date(`${String(value)}Z`);

/** The series query of `readSeriesHistory`, by hand. */
async function rawSeries(raw: RawDriver, key: string): Promise<unknown[]> {
  const rows = await raw.all(
    `SELECT m.*, r."commitSha"
       FROM (SELECT "id", "runId", "recordedAt", "status", "sampleCount", "wallMedian", "wallMean", "wallStddev",
                    "wallMin", "wallMax", "cpuMedian", "speedup", "efficiency", "checksumStatus"
               FROM "Measurement"
              WHERE "seriesKey" = ?
              ORDER BY "recordedAt" DESC, "id" DESC
              LIMIT 1000) m
       JOIN "Run" r ON r."id" = m."runId"
      ORDER BY m."recordedAt" DESC, m."id" DESC`,
    [key],
  );
  return rows.reverse().map((row) => ({ ...row, recordedAt: toDate(row.recordedAt) }));
}

/** The page query of `listRuns` (with testbed and labels), by hand on the driver. */
async function rawPage(
  raw: RawDriver,
  provider: string,
  filter: Required<Pick<RunFilter, "workloadId" | "branch">>,
): Promise<unknown[]> {
  const labels =
    provider === "sqlite"
      ? `(SELECT group_concat("label", char(31)) FROM (SELECT "label" FROM "RunLabel" l WHERE l."runId" = r."id" ORDER BY "label")) AS "labelList"`
      : `(SELECT string_agg("label", chr(31) ORDER BY "label") FROM "RunLabel" l WHERE l."runId" = r."id") AS "labelList"`;
  const rows = await raw.all(
    `SELECT r.*, t."fingerprint" AS "testbed_fingerprint", t."hostname" AS "testbed_hostname", t."os" AS "testbed_os",
            t."osRelease" AS "testbed_osRelease", t."arch" AS "testbed_arch", t."cpuModel" AS "testbed_cpuModel",
            t."logicalCores" AS "testbed_logicalCores", t."memoryBytes" AS "testbed_memoryBytes", t."runtime" AS "testbed_runtime",
            t."runtimeVersion" AS "testbed_runtimeVersion", t."v8Version" AS "testbed_v8Version", t."createdAt" AS "testbed_createdAt",
            ${labels}
       FROM "Run" r LEFT JOIN "Testbed" t ON t."id" = r."testbedId"
      WHERE r."workloadId" = ? AND r."status" = ? AND r."branch" = ?
      ORDER BY r."createdAt" DESC, r."id" DESC
      LIMIT 51`,
    [filter.workloadId, "succeeded", filter.branch],
  );
  return rows.slice(0, 50).map((row) => ({
    ...row,
    params: typeof row.params === "string" ? JSON.parse(row.params) : row.params,
    modes: typeof row.modes === "string" ? JSON.parse(row.modes) : row.modes,
    threads: typeof row.threads === "string" ? JSON.parse(row.threads) : row.threads,
    createdAt: toDate(row.createdAt),
    labels: typeof row.labelList === "string" ? row.labelList.split("\u001f") : [],
  }));
}

function ingestPayload(key: string, measurements: number, samplesPerMeasurement: number): unknown {
  const modes = ["sequential", "threading", "multiprocessing", "asyncio"];
  return {
    formatVersion: 1,
    idempotencyKey: key,
    workload: "bench/ingest",
    params: { size: 1 },
    startedAt: "2026-01-01T00:00:00Z",
    testbed: {
      hostname: "bench",
      os: "linux",
      arch: "x64",
      cpuModel: "cpu",
      logicalCores: 4,
      memoryBytes: 2 ** 34,
      runtime: "cpython",
      runtimeVersion: "3.13.1t",
    },
    measurements: Array.from({ length: measurements }, (_, index) => {
      const threads = 1 + Math.floor(index / modes.length);
      return {
        mode: modes[index % modes.length],
        threads,
        checksum: "42",
        samples: Array.from({ length: samplesPerMeasurement }, (_, sample) => ({
          wallMs: 100 + ((sample * 7919) % 101) / 10,
          cpuMs: 99,
          // One per task (the format's rule; tasks default to threads).
          taskDurationsMs: Array.from({ length: threads }, (_, task) => 25.5 - task / 4),
        })),
      };
    }),
  };
}

interface ProviderFigures {
  provider: string;
  seedSeconds: number;
  samplesStored: number;
  seriesRepositoryMs: number;
  seriesRawMs: number;
  seriesRatio: number;
  pageRepositoryMs: number;
  pageRawMs: number;
  pageRatio: number;
  ingestSamplesPerSecond: number;
}

async function benchmark(url: string): Promise<ProviderFigures> {
  const database = await openDatabase(url);
  const raw = rawDriver(database);
  try {
    process.stderr.write(`[${database.provider}] seeding ${runs.toLocaleString("en-US")} runs...\n`);
    const seeded = await seedDatabase(database, {
      runs,
      seed: 7,
      onProgress: (done) => {
        if (done % 20_000 === 0)
          process.stderr.write(`[${database.provider}]   ${done.toLocaleString("en-US")}\n`);
      },
    });
    // The longest series (what a history chart of a busy benchmark shows).
    const [longest] = await raw.all(
      `SELECT "seriesKey", COUNT(*) AS "points" FROM "Measurement" GROUP BY "seriesKey" ORDER BY "points" DESC LIMIT 1`,
      [],
    );
    const key = String(longest?.seriesKey);
    const [series] = await raw.all(`SELECT "workloadId", "branch" FROM "Series" WHERE "seriesKey" = ?`, [
      key,
    ]);
    const filter = { workloadId: String(series?.workloadId), branch: String(series?.branch) };

    const check = await readSeriesHistory(database, key, { last: 1000 });
    const checkRaw = await rawSeries(raw, key);
    if (check.length !== checkRaw.length || (runs >= 100_000 && check.length !== 1000)) {
      throw new Error(`series has ${check.length}/${checkRaw.length} points, expected 1000`);
    }
    const seriesTimes = await compare(
      () => readSeriesHistory(database, key, { last: 1000 }),
      () => rawSeries(raw, key),
    );
    const page = await listRuns(database, { ...filter, status: "succeeded" }, { limit: 50 });
    const pageRaw = await rawPage(raw, database.provider, filter);
    if (page.runs.length !== 50 || pageRaw.length !== 50) throw new Error("the filtered page is not 50 runs");
    const pageTimes = await compare(
      () => listRuns(database, { ...filter, status: "succeeded" }, { limit: 50 }),
      () => rawPage(raw, database.provider, filter),
    );

    // Bulk ingestion: 8 runs of 10,000 samples each (20 cells x 500 repetitions).
    const perRunSamples = 20 * 500;
    const rates: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const payload = ingestPayload(`bench-${attempt}-${Date.now()}`, 20, 500);
      const start = performance.now();
      const { created } = await ingestRun(database, payload);
      const seconds = (performance.now() - start) / 1000;
      if (!created) throw new Error("ingestion did not store a run");
      rates.push(perRunSamples / seconds);
    }
    return {
      provider: database.provider,
      seedSeconds: Math.round(seeded.seconds),
      samplesStored: seeded.samples,
      seriesRepositoryMs: seriesTimes.a,
      seriesRawMs: seriesTimes.b,
      seriesRatio: seriesTimes.a / seriesTimes.b,
      pageRepositoryMs: pageTimes.a,
      pageRawMs: pageTimes.b,
      pageRatio: pageTimes.a / pageTimes.b,
      ingestSamplesPerSecond: median(rates),
    };
  } finally {
    await raw.close();
    await database.close();
  }
}

function print(figures: ProviderFigures[]): void {
  const format = (value: number, digits = 2) => value.toFixed(digits);
  const lines = [
    "",
    `storage benchmark: ${runs.toLocaleString("en-US")} seeded runs per provider, medians of ${iterations} interleaved repetitions`,
    "",
    "provider    query                          repository     raw SQL   ratio  target",
  ];
  for (const figure of figures) {
    lines.push(
      `${figure.provider.padEnd(11)} last 1,000 points of a series  ${format(figure.seriesRepositoryMs).padStart(8)} ms ${format(figure.seriesRawMs).padStart(8)} ms  ${format(figure.seriesRatio).padStart(5)}x  <= 2x ${figure.seriesRatio <= 2 ? "ok" : "MISSED"}`,
      `${figure.provider.padEnd(11)} 50-run filtered page           ${format(figure.pageRepositoryMs).padStart(8)} ms ${format(figure.pageRawMs).padStart(8)} ms  ${format(figure.pageRatio).padStart(5)}x  <= 2x ${figure.pageRatio <= 2 ? "ok" : "MISSED"}`,
    );
  }
  lines.push("", "provider    bulk ingestion (ingestRun, 10,000-sample runs)");
  for (const figure of figures) {
    const target =
      figure.provider === "sqlite"
        ? `  target >= 20,000/s ${figure.ingestSamplesPerSecond >= 20_000 ? "ok" : "MISSED"}`
        : "";
    lines.push(
      `${figure.provider.padEnd(11)} ${Math.round(figure.ingestSamplesPerSecond).toLocaleString("en-US")} samples/s${target}`,
    );
  }
  lines.push(
    "",
    `seeding: ${figures.map((figure) => `${figure.provider} ${figure.seedSeconds} s for ${figure.samplesStored.toLocaleString("en-US")} samples`).join("; ")}`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  process.stdout.write(`${JSON.stringify({ benchmark: "storage", runs, figures })}\n`);
}

const figures: ProviderFigures[] = [];
const directory = mkdtempSync(join(tmpdir(), "threadbench-storage-bench-"));
try {
  figures.push(await benchmark(`file:${join(directory, "bench.db")}`));
} finally {
  rmSync(directory, { recursive: true, force: true });
}
if (!sqliteOnly) {
  const given = process.env.TEST_DATABASE_URL?.trim();
  let cluster: Awaited<ReturnType<typeof startEphemeralPostgres>> | undefined;
  try {
    if (!given) cluster = await startEphemeralPostgres();
    const adminUrl = given || (cluster?.adminUrl as string);
    figures.push(await benchmark(await createScratchDatabase(adminUrl, "threadbench_bench")));
  } catch (error) {
    process.stderr.write(
      `PostgreSQL part skipped: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  } finally {
    await cluster?.stop();
  }
}
print(figures);
