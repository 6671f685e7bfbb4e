import { PassThrough } from "node:stream";
import { modeRank } from "@threadbench/core";
import { expect, it } from "vitest";
import { main } from "../cli/main.js";
import { UserInputError } from "../errors.js";
// biome-ignore lint/style/noRestrictedImports: checks the dashboard's sort argument maps onto the store's order
import { runOrder } from "../graphql/run-queries.js";
import { createServer } from "../server/create-server.js";
import { describeEachDatabase } from "../test/databases.js";
import { makePlan, makeRunResult } from "../test/run-factories.js";
import { testServerConfig } from "../test/server-config.js";
import {
  encodeRunCursor,
  latestSucceededRunPerWorkload,
  listRuns,
  type RunOrderDirection,
  type RunSortField,
  succeededCellsOfRuns,
} from "./run-list.js";
import { getRun } from "./run-reads.js";
import { createQueuedRun, finishRunWithoutResult, storeRunResult } from "./run-repository.js";
import { runInclude, toStoredMeasurement, toStoredRun } from "./run-rows.js";

describeEachDatabase("runs pages in every order", ({ open }) => {
  it("pages through runs sorted by workload, status or date without losing or repeating one", async () => {
    const database = await open();
    const workloadIds = [
      "sqrt-log",
      "sum-squares",
      "image-analysis",
      "sum-squares",
      "sqrt-log",
      "mandelbrot",
      "sum-squares",
    ];
    for (const [index, workloadId] of workloadIds.entries()) {
      const { run } = await createQueuedRun(database, { plan: makePlan({ workloadId }) });
      if (index % 3 === 1)
        await finishRunWithoutResult(database, run.id, { status: "cancelled", error: "test" });
      if (index % 3 === 2)
        await finishRunWithoutResult(database, run.id, { status: "failed", error: "test" });
    }
    const orders: Array<[RunSortField, RunOrderDirection]> = [
      ["workloadId", "asc"],
      ["workloadId", "desc"],
      ["status", "asc"],
      ["status", "desc"],
      ["createdAt", "asc"],
    ];
    for (const [field, direction] of orders) {
      const all = await listRuns(database, {}, { field, direction, limit: 100 });
      const paged: string[] = [];
      let cursor: string | null = null;
      for (;;) {
        const page: Awaited<ReturnType<typeof listRuns>> = await listRuns(
          database,
          {},
          { field, direction, limit: 2, cursor },
        );
        paged.push(...page.runs.map((run) => run.id));
        const last = page.runs.at(-1);
        if (!page.nextCursor || !last) break;
        expect(page.nextCursor).toBe(encodeRunCursor(last, field));
        cursor = page.nextCursor;
      }
      expect(paged).toEqual(all.runs.map((run) => run.id));
      const values = all.runs.map((run) => (field === "createdAt" ? run.createdAt.getTime() : run[field]));
      const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(values).toEqual(direction === "asc" ? sorted : sorted.reverse());
    }
  });

  it("rejects a cursor of another order at `after`", async () => {
    const database = await open();
    const { run } = await createQueuedRun(database, { plan: makePlan() });
    const dateCursor = encodeRunCursor(run, "createdAt");
    await expect(
      listRuns(database, {}, { field: "workloadId", direction: "asc", limit: 2, cursor: dateCursor }),
    ).rejects.toThrow(UserInputError);
  });
});

describeEachDatabase("what a branch review reads", ({ open }) => {
  it("finds each workload's latest succeeded run on a branch as listRuns does, and only succeeded cells", async () => {
    const database = await open();
    // Per workload on "feature": succeeded and failed runs in turn (the newest of
    // mandelbrot failed); main's runs and sqrt-log's failed-only runs must not count.
    const runs: Array<{ workloadId: string; branch: string; failed: boolean }> = [
      { workloadId: "sum-squares", branch: "feature", failed: false },
      { workloadId: "mandelbrot", branch: "feature", failed: false },
      { workloadId: "sum-squares", branch: "main", failed: false },
      { workloadId: "sqrt-log", branch: "feature", failed: true },
      { workloadId: "sum-squares", branch: "feature", failed: false },
      { workloadId: "mandelbrot", branch: "feature", failed: true },
      { workloadId: "image-analysis", branch: "main", failed: false },
    ];
    for (const [index, run] of runs.entries()) {
      const result = makeRunResult({
        seed: index,
        plan: { workloadId: run.workloadId, modes: ["sequential", "worker-threads"], threads: [1, 2] },
        startedAt: new Date(Date.UTC(2026, 0, 1 + index)).toISOString(),
      });
      // One failed cell in a succeeded run: the gate reads succeeded cells only.
      const cell = result.cells[3];
      if (index === 4 && cell) Object.assign(cell, { status: "failed", error: "worker crashed" });
      await storeRunResult(database, run.failed ? { ...result, status: "failed", error: "boom" } : result, {
        branch: run.branch,
      });
    }
    const latest = await latestSucceededRunPerWorkload(database, "feature");
    const expected = [];
    for (const workloadId of ["mandelbrot", "sqrt-log", "sum-squares"]) {
      const page = await listRuns(
        database,
        { branch: "feature", status: "succeeded", workloadId },
        { limit: 1 },
      );
      const head = page.runs[0];
      if (head) expected.push({ workloadId, runId: head.id });
    }
    expect(latest).toEqual(expected);
    expect(latest.map((entry) => entry.workloadId)).toEqual(["mandelbrot", "sum-squares"]);
    expect(await latestSucceededRunPerWorkload(database, "feature", "sum-squares")).toEqual(
      expected.filter((entry) => entry.workloadId === "sum-squares"),
    );
    expect(await latestSucceededRunPerWorkload(database, "feature", "sqrt-log")).toEqual([]);
    expect(await latestSucceededRunPerWorkload(database, "no-such-branch")).toEqual([]);

    const runIds = latest.map((entry) => entry.runId);
    const cells = await succeededCellsOfRuns(database, runIds);
    const stored = [];
    for (const runId of runIds) {
      const run = await getRun(database, runId, { samples: false });
      for (const measurement of run?.measurements ?? []) {
        if (measurement.status !== "succeeded") continue;
        stored.push({
          runId,
          mode: measurement.mode,
          threads: measurement.threads,
          wallMin: measurement.wall?.min ?? null,
          wallMedian: measurement.wall?.median ?? null,
          efficiency: measurement.efficiency,
          speedup: measurement.speedup,
        });
      }
    }
    const order = (a: { runId: string; mode: string; threads: number }, b: typeof a) =>
      a.runId.localeCompare(b.runId) || a.mode.localeCompare(b.mode) || a.threads - b.threads;
    expect(stored).toHaveLength(7);
    expect([...cells].sort(order)).toEqual(stored.sort(order));
  });
});

describeEachDatabase("one run read by hand-written SQL", ({ open }) => {
  it("reads a run, its measurements and samples exactly as Prisma's nested read maps them", async () => {
    const database = await open();
    const result = makeRunResult({
      seed: 7,
      plan: { workloadId: "shared-counter", modes: ["sequential", "worker-threads"], threads: [1, 2] },
    });
    const report = [{ strategy: "atomics", final: 4_000, expected: 4_000, lostUpdates: 0 }];
    const [first, , , last] = result.cells;
    if (first) first.sharedMemory = report as never;
    const sample = first?.samples[0];
    if (sample) Object.assign(sample, { sharedMemory: report, cpuMs: null });
    if (last)
      Object.assign(last, { status: "failed", error: "worker crashed", speedup: null, efficiency: null });
    const { run } = await storeRunResult(database, result, {
      branch: "feature/x",
      commitSha: "f".repeat(40),
      labels: ["nightly", "arm"],
    });
    const prismaRow = await database.prisma.run.findUnique({
      where: { id: run.id },
      include: {
        ...runInclude,
        measurements: {
          orderBy: [{ mode: "asc" }, { threads: "asc" }],
          include: { samples: { orderBy: { index: "asc" } } },
        },
      },
    });
    if (!prismaRow) throw new Error("the stored run is missing");
    const measurements = prismaRow.measurements.map((row) => toStoredMeasurement(row));
    measurements.sort((a, b) => modeRank(a.mode) - modeRank(b.mode) || a.threads - b.threads);
    const expected = { ...toStoredRun(prismaRow), measurements };
    expect(await getRun(database, run.id)).toEqual(expected);
    expect(expected.measurements[0]?.sharedMemory).toEqual(report);
    expect(expected.measurements[0]?.samples[0]?.sharedMemory).toEqual(report);
    expect(expected.labels).toEqual(["arm", "nightly"]);
    expect(await getRun(database, run.id, { samples: false })).toEqual({
      ...expected,
      measurements: measurements.map((measurement) => ({ ...measurement, samples: [] })),
    });
    expect(await getRun(database, "no-such-run")).toBeNull();
  });
});

it("reads GraphQL RunOrder values as a column and a direction", () => {
  expect(runOrder("WORKLOAD_ASC")).toEqual({ field: "workloadId", direction: "asc" });
  expect(runOrder("STATUS_DESC")).toEqual({ field: "status", direction: "desc" });
  expect(runOrder(undefined)).toEqual({ field: "createdAt", direction: "desc" });
});

describeEachDatabase("one run filter for every listing", ({ newUrl, reopen }) => {
  it("gives the dashboard's page, its totalCount and the CLI's `runs` the same runs for the same filters", async () => {
    const url = await newUrl();
    const database = await reopen(url);
    const workloadIds = ["sum-squares", "sqrt-log", "mandelbrot"];
    for (let index = 0; index < 12; index++) {
      const result = makeRunResult({
        seed: index,
        plan: {
          workloadId: workloadIds[index % 3],
          modes: index % 2 === 0 ? ["sequential", "worker-threads"] : ["sequential"],
          threads: index % 4 === 0 ? [1, 2] : [1],
        },
        startedAt: new Date(Date.UTC(2026, 0, 1 + index)).toISOString(),
      });
      await storeRunResult(database, result, {
        branch: index % 3 === 0 ? "main" : "feature",
        commitSha: `abcd${index.toString(16).padStart(36, "0")}`,
        labels: index % 5 === 0 ? ["nightly"] : [],
      });
    }
    const server = await createServer(testServerConfig(url));
    try {
      const cases: Array<{ graphql: Record<string, unknown>; cli: string[] }> = [
        { graphql: {}, cli: [] },
        { graphql: { workload: "sum-squares" }, cli: ["--workload", "sum-squares"] },
        { graphql: { branch: "main" }, cli: ["--branch", "main"] },
        {
          graphql: { mode: "worker-threads", threads: 2 },
          cli: ["--mode", "worker-threads", "--threads", "2"],
        },
        { graphql: { label: "nightly" }, cli: ["--label", "nightly"] },
        {
          graphql: { status: ["SUCCEEDED"], workload: "sqrt-log" },
          cli: ["--status", "succeeded", "--workload", "sqrt-log"],
        },
        { graphql: { commitSha: "abcd" }, cli: ["--commit", "abcd"] },
      ];
      for (const { graphql, cli } of cases) {
        const response = await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query:
              "query($filter: RunFilter) { runs(filter: $filter, first: 100) { totalCount nodes { id } } }",
            variables: { filter: graphql },
          }),
        });
        const body = (await response.json()) as {
          data: { runs: { totalCount: number; nodes: Array<{ id: string }> } };
        };
        const dashboard = body.data.runs.nodes.map((run) => run.id);
        const printed = await runCli(["runs", "--json", "--limit", "100", ...cli], url);
        const listed = (JSON.parse(printed) as { runs: Array<{ id: string }> }).runs.map((run) => run.id);
        expect(listed, JSON.stringify(graphql)).toEqual(dashboard);
        expect(body.data.runs.totalCount, JSON.stringify(graphql)).toBe(dashboard.length);
        expect(dashboard.length, "each case matches some runs").toBeGreaterThan(0);
      }
    } finally {
      await server.close();
    }
  });
});

async function runCli(argv: string[], databaseUrl: string): Promise<string> {
  const stdout = new PassThrough();
  let printed = "";
  stdout.on("data", (chunk) => {
    printed += String(chunk);
  });
  const code = await main(argv, {
    stdout,
    stderr: new PassThrough(),
    env: { DATABASE_URL: databaseUrl },
    cwd: process.cwd(),
    signal: new AbortController().signal,
  });
  expect(code).toBe(0);
  return printed;
}
