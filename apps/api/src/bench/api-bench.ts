/**
 * `npm run bench:api -w @threadbench/api`: the GraphQL API over HTTP against the same
 * data read in-process through the repository, on a seeded SQLite history (100,000 runs
 * by default; THREADBENCH_BENCH_RUNS to change). Prints requests per second and p50/p99
 * latency of (1) the dashboard's runs page query and (2) a 1,000-point series query,
 * and the ratio HTTP / in-process at p50 (target <= 3x). One connection at a time on
 * both sides, so latencies compare work, not queueing. Not a test: nothing asserts.
 */
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pino } from "pino";
import { openDatabase } from "../db/client.js";
import { dataDirectory } from "../db/database-url.js";
import { countRuns, listRuns } from "../db/run-list.js";
import { measurementsOfRuns } from "../db/run-reads.js";
import { seedDatabase } from "../db/seed.js";
import { longestSeriesKey, readSeriesHistory } from "../db/series-repository.js";
import { createServer } from "../server/create-server.js";
import { defaultLimits, type ServerConfig } from "../services/config.js";

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const runs = Number(process.env.THREADBENCH_BENCH_RUNS ?? 100_000);
const durationSeconds = Number(process.env.THREADBENCH_BENCH_SECONDS ?? 10);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Calls `work` back to back for `seconds`: req/s and p50/p99 in ms. */
async function inProcess(work: () => Promise<unknown>, seconds: number) {
  for (let index = 0; index < 5; index++) await work();
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const started = performance.now();
    await work();
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

async function overHttp(url: string, query: string, variables: Record<string, unknown>, seconds: number) {
  const body = JSON.stringify({ query, variables });
  const headers = { "content-type": "application/json" };
  const check = await fetch(url, { method: "POST", headers, body });
  const checked = (await check.json()) as { errors?: unknown };
  if (checked.errors) throw new Error(`the benchmark query fails: ${JSON.stringify(checked.errors)}`);
  const result = await autocannon({ url, method: "POST", headers, body, connections: 1, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx} non-2xx responses, ${result.errors} errors`);
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

function row(label: string, figures: { perSecond: number; p50: number; p99: number }): string {
  return `  ${label.padEnd(22)} ${figures.perSecond.toFixed(0).padStart(7)} req/s   p50 ${figures.p50.toFixed(2).padStart(8)} ms   p99 ${figures.p99.toFixed(2).padStart(8)} ms`;
}

async function main(): Promise<void> {
  const directory = join(dataDirectory(), "bench");
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `api-bench-${runs}.db`);
  const fresh = !existsSync(file);
  const database = await openDatabase(`file:${file}`);
  if (fresh) {
    process.stdout.write(`seeding ${runs} runs into ${file} (once; reused by later runs)...\n`);
    const report = await seedDatabase(database, { runs, seed: 1, until: new Date("2026-01-01T00:00:00Z") });
    process.stdout.write(
      `  ${report.runs} runs, ${report.measurements} measurements, ${report.samples} samples in ${report.seconds.toFixed(1)} s\n`,
    );
  }

  // The series with the most points, and the date from which its last 1,000 start.
  const largestKey = await longestSeriesKey(database);
  if (largestKey === null) throw new Error("the seeded database has no measurements");
  const lastPoints = await readSeriesHistory(database, largestKey, { last: 1000 });
  const from = lastPoints[0]?.recordedAt ?? new Date(0);

  const config: ServerConfig = {
    port: 0,
    host: "127.0.0.1",
    databaseUrl: undefined,
    tokens: [],
    nodeEnv: "production",
    logLevel: "warn",
    corsOrigins: [],
    limits: defaultLimits,
    progressIntervalMs: 100,
  };
  const server = await createServer(config, { logger: pino({ level: "warn" }), database });
  try {
    const runsPage = `query RunsPage { runs(first: 50) { totalCount pageInfo { hasNextPage endCursor }
      nodes { id status workloadId createdAt commitSha branch labels testbed { hostname runtimeVersion }
        measurements { mode threads wall { median } speedup } } } }`;
    const series = `query Series($key: ID!, $from: DateTime) { series(key: $key, from: $from, maxPoints: 1000) {
      totalPoints points { runId commitSha timestamp value low high } } }`;

    const runsInProcess = await inProcess(async () => {
      const page = await listRuns(database, {}, { limit: 50 });
      await countRuns(database);
      // What the resolvers call for the same query: the page, its count, and the cells
      // of its runs (the measurementsByRun loader's one batch).
      await measurementsOfRuns(
        database,
        page.runs.map((run) => run.id),
      );
    }, durationSeconds);
    const runsHttp = await overHttp(server.url, runsPage, {}, durationSeconds);
    const seriesInProcess = await inProcess(
      // What the series resolver reads (seriesHistoryOf): the range's points with their runs.
      () => readSeriesHistory(database, largestKey, { from }),
      durationSeconds,
    );
    const seriesHttp = await overHttp(
      server.url,
      series,
      { key: largestKey, from: from.toISOString() },
      durationSeconds,
    );

    process.stdout.write(
      `\nGraphQL over HTTP vs in-process repository (SQLite, ${runs} runs, 1 connection, ${durationSeconds} s each)\n`,
    );
    process.stdout.write("runs page (50 runs with measurements and testbeds, totalCount)\n");
    process.stdout.write(`${row("in-process", runsInProcess)}\n${row("GraphQL over HTTP", runsHttp)}\n`);
    const runsRatio = runsHttp.p50 / runsInProcess.p50;
    process.stdout.write(
      `  ratio at p50: ${runsRatio.toFixed(2)}x (target <= 3x: ${runsRatio <= 3 ? "ok" : "MISSED"})\n`,
    );
    process.stdout.write(`series (${lastPoints.length} points)\n`);
    process.stdout.write(`${row("in-process", seriesInProcess)}\n${row("GraphQL over HTTP", seriesHttp)}\n`);
    const seriesRatio = seriesHttp.p50 / seriesInProcess.p50;
    process.stdout.write(
      `  ratio at p50: ${seriesRatio.toFixed(2)}x (target <= 3x: ${seriesRatio <= 3 ? "ok" : "MISSED"})\n`,
    );
  } finally {
    await server.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
