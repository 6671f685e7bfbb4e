/**
 * `npm run bench` for the dashboard: first contentful paint of the overview and of a
 * series history over a large seeded history, and the client render time of a
 * 10,000-point history chart. Printed as medians, never asserted.
 *
 *   BENCH_RUNS=100000 (default) runs are seeded with `threadbench db seed` into a
 *   temporary SQLite database, or THREADBENCH_BENCH_DATABASE_URL points at an
 *   already seeded database (then nothing is seeded).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { browserAvailable, graphql, repoRoot, startStack } from "./harness";
import { measurePerformance, printReport } from "./measure";

const runs = Number(process.env.BENCH_RUNS ?? 100_000);
const repetitions = Number(process.env.BENCH_REPETITIONS ?? 5);

function seed(databaseUrl: string): void {
  const cli = join(repoRoot, "apps", "api", "dist", "cli", "main.js");
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: build the API first (npm run build -w @threadbench/api).`);
  console.log(`[bench] seeding ${runs.toLocaleString("en-US")} runs (threadbench db seed)…`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [cli, "db", "seed", "--runs", String(runs), "--seed", "1"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" },
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("threadbench db seed failed");
  console.log(`[bench] seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The series with the most points among the first listed: the heaviest history page. */
async function heaviestSeries(apiUrl: string): Promise<{ key: string; points: number }> {
  const list = await graphql<{ seriesList: { key: string }[] }>(apiUrl, "{ seriesList(first: 50) { key } }");
  let best = { key: "", points: -1 };
  for (const { key } of list.seriesList) {
    const data = await graphql<{ series: { totalPoints: number } | null }>(
      apiUrl,
      "query($key: ID!) { series(key: $key, maxPoints: 3) { totalPoints } }",
      { key },
    );
    const points = data.series?.totalPoints ?? 0;
    if (points > best.points) best = { key, points };
  }
  if (!best.key) throw new Error("the seeded database has no series");
  return best;
}

async function main(): Promise<void> {
  if (!browserAvailable()) return;
  const configured = process.env.THREADBENCH_BENCH_DATABASE_URL;
  const directory = configured ? null : mkdtempSync(join(tmpdir(), "threadbench-bench-"));
  const databaseUrl = configured ?? `file:${join(directory as string, "bench.db")}`;
  try {
    if (!configured) seed(databaseUrl);
    const stack = await startStack({ databaseUrl });
    try {
      const series = await heaviestSeries(stack.apiUrl);
      const report = await measurePerformance(
        stack.browser as Browser,
        {
          overview: `${stack.webUrl}/`,
          series: `${stack.webUrl}/series/${encodeURIComponent(series.key)}`,
          chart: `${stack.webUrl}/bench/history-chart?points=10000`,
        },
        repetitions,
      );
      printReport(
        report,
        `${configured ? "existing database" : `${runs.toLocaleString("en-US")} seeded runs`}; series page: ${series.points.toLocaleString("en-US")} points, downsampled to 2,000`,
      );
    } finally {
      await stack.stop();
    }
  } finally {
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
