/**
 * `npm run bench` for the dashboard, over a large seeded history: first contentful paint
 * of every page, each page's time to first byte next to the time of its own GraphQL
 * queries (the same documents and variables, straight to the API), and the client render
 * time of the history chart at 1,000 to 100,000 points. Printed as medians, never asserted.
 *
 *   BENCH_RUNS=100000 (default) runs are seeded with `threadbench db seed` into a
 *   temporary SQLite database, or THREADBENCH_BENCH_DATABASE_URL points at an already
 *   seeded database (then nothing is seeded). BENCH_REPETITIONS (default 5).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import {
  BranchesQuery,
  BranchReviewQuery,
  CompareQuery,
  EfficiencyHistoryQuery,
  LatestRunsPerRuntimeQuery,
  NewRunRuntimesQuery,
  OverviewQuery,
  RunQuery,
  RunsQuery,
  SeriesAboutQuery,
  SeriesChartQuery,
  SeriesExplorerQuery,
} from "../src/graphql/queries";
import { browserAvailable, graphql, repoRoot, startStack } from "./harness";
import { type BenchPage, measurePerformance, printReport } from "./measure";

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
  const list = await graphql<{ seriesList: { key: string }[] }>(apiUrl, "{ seriesList(first: 60) { key } }");
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

/** Every page of the dashboard with the queries its server render awaits before the first byte. */
async function benchPages(apiUrl: string): Promise<{ pages: BenchPage[]; seriesPoints: number }> {
  const newest = await graphql<{
    runs: { nodes: { id: string; workloadId: string; testbed: { hostname: string } }[] };
  }>(
    apiUrl,
    `{ runs(first: 1, filter: { status: [SUCCEEDED] }) { nodes { id workloadId testbed { hostname } } } }`,
  );
  const run = newest.runs.nodes[0];
  if (!run) throw new Error("the database has no succeeded run");
  const pair = await graphql<{ runs: { nodes: { id: string }[] } }>(
    apiUrl,
    `query($workload: String) { runs(first: 2, filter: { status: [SUCCEEDED], workload: $workload }) { nodes { id } } }`,
    { workload: run.workloadId },
  );
  const [head, base] = pair.runs.nodes;
  const series = await heaviestSeries(apiUrl);
  const branches = await graphql<{ seriesFacets: { branches: string[] } }>(
    apiUrl,
    "{ seriesFacets { branches } }",
  );
  const branch = branches.seriesFacets.branches.find((name) => name !== "main" && name !== "") ?? "main";
  // The scaling page streams one efficiency history per (testbed, parallel mode) of its runs.
  const scalingRuns = await graphql<{
    latestRunsPerRuntime: {
      branch: string | null;
      testbed: { id: string } | null;
      measurements: { mode: string }[];
    }[];
  }>(
    apiUrl,
    `query($workload: String!, $machine: String!) { latestRunsPerRuntime(workload: $workload, machine: $machine) {
      branch testbed { id } measurements { mode } } }`,
    { workload: run.workloadId, machine: run.testbed.hostname },
  );
  const strips = scalingRuns.latestRunsPerRuntime.flatMap((scalingRun) =>
    [...new Set(scalingRun.measurements.map((measurement) => measurement.mode))]
      .filter((mode) => mode !== "sequential" && scalingRun.testbed)
      .map((mode) => ({
        document: EfficiencyHistoryQuery,
        variables: {
          workload: run.workloadId,
          testbedId: scalingRun.testbed?.id,
          mode,
          branch: scalingRun.branch,
          buckets: 48,
        },
      })),
  );
  const compare =
    base && head ? `/compare?a=${encodeURIComponent(base.id)}&b=${encodeURIComponent(head.id)}` : null;
  const pages: BenchPage[] = [
    { name: "overview", path: "/", queries: [{ document: OverviewQuery, variables: {} }] },
    {
      name: "runs",
      path: "/runs",
      queries: [
        {
          document: RunsQuery,
          variables: { filter: {}, orderBy: "CREATED_AT_DESC", first: 50, after: null },
        },
      ],
    },
    {
      name: "run",
      path: `/runs/${encodeURIComponent(run.id)}`,
      queries: [{ document: RunQuery, variables: { id: run.id } }],
    },
    {
      name: "series explorer",
      path: "/series",
      queries: [
        { document: SeriesExplorerQuery, variables: { filter: {}, orderBy: "NAME", first: 50, offset: 0 } },
      ],
    },
    {
      name: "series history",
      path: `/series/${encodeURIComponent(series.key)}`,
      queries: [{ document: SeriesAboutQuery, variables: { key: series.key } }],
      streamed: [
        {
          document: SeriesChartQuery,
          variables: { key: series.key, metric: "WALL_MEDIAN", maxPoints: 2000 },
        },
      ],
    },
    ...(compare && base && head
      ? [
          {
            name: "compare",
            path: compare,
            queries: [{ document: CompareQuery, variables: { base: base.id, head: head.id } }],
          },
        ]
      : []),
    {
      name: "scaling",
      path: `/scaling?workload=${encodeURIComponent(run.workloadId)}&machine=${encodeURIComponent(run.testbed.hostname)}`,
      queries: [
        {
          document: LatestRunsPerRuntimeQuery,
          variables: { workload: run.workloadId, machine: run.testbed.hostname, branch: null },
        },
      ],
      streamed: strips,
    },
    {
      name: "branch review",
      path: `/branches/${branch.split("/").map(encodeURIComponent).join("/")}?base=main`,
      // The title and base form are sent first; the checks stream in behind them.
      queries: [],
      streamed: [{ document: BranchReviewQuery, variables: { branch, base: "main", workload: null } }],
    },
    { name: "branches", path: "/branches", queries: [{ document: BranchesQuery, variables: {} }] },
    // The form comes from the workloads package; the runtimes it offers are the server's.
    { name: "new run", path: "/runs/new", queries: [{ document: NewRunRuntimesQuery, variables: {} }] },
    // No query at all: what `next start` spends on any page rendered per request.
    { name: "floor", path: "/bench/floor", queries: [], floor: true },
  ];
  return { pages, seriesPoints: series.points };
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
      const { pages, seriesPoints } = await benchPages(stack.apiUrl);
      const report = await measurePerformance({
        browser: stack.browser as Browser,
        webUrl: stack.webUrl,
        apiUrl: stack.apiUrl,
        pages,
        chartPoints: [1_000, 10_000, 100_000],
        repetitions,
      });
      printReport(
        report,
        `${configured ? "existing database" : `${runs.toLocaleString("en-US")} seeded runs`}; series history: ${seriesPoints.toLocaleString("en-US")} points, downsampled to 2,000`,
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
