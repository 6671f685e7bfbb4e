import { beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../test/databases.js";
import { fixtureRun, fixtureRuntimes } from "../test/series-fixtures.js";
import type { Database } from "./client.js";
import { ingestRun } from "./ingest.js";
import {
  listSeries,
  listSeriesPage,
  openRegressionCounts,
  readRecentHistories,
  readRecentValues,
  readSeriesHistory,
  seriesFacets,
} from "./series-repository.js";
import { listTestbeds } from "./testbed.js";

// The one series filter and the one history reader, on SQLite and PostgreSQL, over a
// history of three runtimes on one machine (Node, CPython with the GIL, free-threaded
// CPython), two workloads and two branches.

const runsPerRuntime = 12;

describeEachDatabase("series repository", (databases) => {
  let database: Database;

  beforeAll(async () => {
    database = await databases.open();
    for (const runtime of fixtureRuntimes) {
      for (let index = 0; index < runsPerRuntime; index++) {
        const document = fixtureRun({
          index,
          runtime,
          key: `store-${runtime.runtimeVersion}`,
          branch: index % 4 === 3 ? "feature/pool" : "main",
          workload: index % 2 === 0 ? "sum-squares" : "monte-carlo-pi",
        });
        // A failed cell now and then: readers that want succeeded points leave it out.
        if (index === 5) {
          Object.assign(document.measurements[4] as object, {
            status: "failed",
            error: "worker crashed",
            samples: [],
          });
        }
        await ingestRun(database, document);
      }
    }
  });

  it("pages series with a total counted from the same filter", async () => {
    const all = await listSeries(database, {});
    const pageSize = 7;
    const seen: string[] = [];
    for (let offset = 0; offset < all.length; offset += pageSize) {
      const page = await listSeriesPage(database, { filter: {}, first: pageSize, offset });
      expect(page.totalCount).toBe(all.length);
      seen.push(...page.series.map((series) => series.seriesKey));
    }
    expect(seen).toEqual(all.map((series) => series.seriesKey));
    const filtered = await listSeriesPage(database, {
      filter: { mode: "threading", branch: "main" },
      first: 2,
      offset: 0,
    });
    const count = all.filter((series) => series.mode === "threading" && series.branch === "main").length;
    expect(filtered.totalCount).toBe(count);
    expect(filtered.totalCount).toBeGreaterThan(2);
    expect(filtered.series.every((series) => series.mode === "threading" && series.branch === "main")).toBe(
      true,
    );
  });

  it("filters by runtime name, runtime label, machine, search words, project and harness", async () => {
    const cpython = await listSeries(database, { runtime: "cpython" });
    const testbeds = await database.prisma.testbed.findMany();
    const cpythonIds = new Set(testbeds.filter((t) => t.runtime === "cpython").map((t) => t.id));
    expect(cpython.length).toBeGreaterThan(0);
    expect(cpython.every((series) => cpythonIds.has(series.testbedId as string))).toBe(true);

    const freeThreaded = testbeds.find((testbed) => testbed.runtimeVersion === "3.13.1t");
    const byLabel = await listSeries(database, { runtime: "cpython 3.13.1t" });
    expect(byLabel.length).toBeGreaterThan(0);
    expect(byLabel.every((series) => series.testbedId === freeThreaded?.id)).toBe(true);
    expect(await listSeries(database, { runtime: "jruby 9" })).toEqual([]);

    expect((await listSeries(database, { machine: "ci-runner-7" })).length).toBe(
      (await listSeries(database, {})).length,
    );
    expect(await listSeries(database, { machine: "elsewhere" })).toEqual([]);

    const searched = await listSeries(database, { search: "MONTE  pool" });
    expect(searched.length).toBeGreaterThan(0);
    expect(
      searched.every((series) => series.workloadId === "monte-carlo-pi" && series.branch === "feature/pool"),
    ).toBe(true);

    expect((await listSeries(database, { project: "default", harness: "threadbench" })).length).toBe(
      (await listSeries(database, {})).length,
    );
    expect(await listSeries(database, { harness: "pyperf" })).toEqual([]);
  });

  it("lists every stored mode, including ingested ones", async () => {
    const facets = await seriesFacets(database);
    expect(facets.modes).toEqual(["multiprocessing", "sequential", "threading", "worker-threads"]);
    expect(facets.threads).toEqual([1, 2, 4]);
    expect(facets.branches).toEqual(["feature/pool", "main"]);
    expect(facets.workloads).toEqual(["monte-carlo-pi", "sum-squares"]);
    expect(facets.testbedIds).toHaveLength(3);
  });

  it("reads one series' history oldest first, by range, by count and succeeded only", async () => {
    const [series] = await listSeries(database, {
      workloadId: "sum-squares",
      mode: "sequential",
      threads: 2,
      branch: "main",
      runtime: "node",
    });
    if (!series) throw new Error("fixture series missing");
    const all = await readSeriesHistory(database, series.seriesKey);
    // sum-squares runs are the even indexes, all on main (index % 4 === 3 is odd).
    expect(all.length).toBe(6);
    const times = all.map((point) => point.recordedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(all.every((point) => point.branch === "main" && point.commitSha?.length === 40)).toBe(true);

    const last2 = await readSeriesHistory(database, series.seriesKey, { last: 2 });
    expect(last2.map((point) => point.measurementId)).toEqual(
      all.slice(-2).map((point) => point.measurementId),
    );
    const middle = await readSeriesHistory(database, series.seriesKey, {
      from: all[1]?.recordedAt,
      to: all[3]?.recordedAt,
    });
    expect(middle.map((point) => point.measurementId)).toEqual(
      all.slice(1, 3).map((point) => point.measurementId),
    );
    const before = await readSeriesHistory(database, series.seriesKey, {
      before: all[2]?.recordedAt,
      last: 1,
    });
    expect(before.map((point) => point.measurementId)).toEqual([all[1]?.measurementId]);
  });

  it("reads the last points of many series in one query, the same as one by one", async () => {
    const series = await listSeries(database, { workloadId: "monte-carlo-pi" });
    const keys = series.map((row) => row.seriesKey);
    const recent = await readRecentHistories(database, keys, { last: 3, succeededOnly: true });
    expect([...recent.keys()]).toEqual(keys);
    for (const key of keys) {
      const single = await readSeriesHistory(database, key, { last: 3, succeededOnly: true });
      expect(recent.get(key)?.map((point) => point.measurementId)).toEqual(
        single.map((point) => point.measurementId),
      );
      expect(recent.get(key)?.every((point) => point.status === "succeeded")).toBe(true);
    }
    const failed = await database.prisma.measurement.findFirst({ where: { status: "failed" } });
    expect(failed).not.toBeNull();
    const withFailed = await readSeriesHistory(database, failed?.seriesKey as string);
    const withoutFailed = await readSeriesHistory(database, failed?.seriesKey as string, {
      succeededOnly: true,
    });
    expect(withFailed.length - withoutFailed.length).toBe(1);
    expect(await readRecentHistories(database, [], { last: 3 })).toEqual(new Map());
    // Without the runs' columns (sparklines): the same points, no commit.
    const bare = await readRecentHistories(database, keys, { last: 3, succeededOnly: true, withRuns: false });
    for (const key of keys) {
      expect(bare.get(key)?.map((point) => [point.measurementId, point.wallMedian])).toEqual(
        recent.get(key)?.map((point) => [point.measurementId, point.wallMedian]),
      );
      expect(bare.get(key)?.every((point) => point.commitSha === null && point.branch === null)).toBe(true);
    }
    const bareOne = await readSeriesHistory(database, keys[0] as string, { last: 2, withRuns: false });
    expect(bareOne.map((point) => point.measurementId)).toEqual(
      (await readSeriesHistory(database, keys[0] as string, { last: 2 })).map((point) => point.measurementId),
    );
  });

  it("reads a page of sparkline values that match the full histories, failed cells left out", async () => {
    const keys = (await listSeries(database, {})).map((row) => row.seriesKey);
    const failed = await database.prisma.measurement.findFirst({ where: { status: "failed" } });
    expect(keys).toContain(failed?.seriesKey);
    for (const column of ["wallMedian", "speedup"] as const) {
      const values = await readRecentValues(database, keys, { last: 4, column });
      const histories = await readRecentHistories(database, keys, {
        last: 4,
        succeededOnly: true,
        withRuns: false,
      });
      expect([...values.keys()]).toEqual(keys);
      for (const key of keys) {
        expect(values.get(key)?.length).toBeGreaterThan(0);
        expect(values.get(key)).toEqual(
          histories.get(key)?.map((point) => ({ value: point[column], recordedAt: point.recordedAt })),
        );
      }
    }
    expect(await readRecentValues(database, [], { last: 4, column: "wallMedian" })).toEqual(new Map());
    if (databases.provider === "sqlite") {
      // The wall-time medians come from the sparkline index alone, no Measurement row read.
      const plan = database
        .sqliteConnection?.()
        .prepare(
          `EXPLAIN QUERY PLAN SELECT "seriesKey", "recordedAt", "id", "wallMedian" FROM "Measurement"
           WHERE "seriesKey" = ? AND "status" = 'succeeded' ORDER BY "recordedAt" DESC, "id" DESC LIMIT 4`,
        )
        .all(keys[0]) as Array<{ detail: string }>;
      expect(plan.map((step) => step.detail).join("\n")).toContain(
        "COVERING INDEX Measurement_seriesKey_status_recordedAt_id_wallMedian_idx",
      );
    }
  });

  it("lists testbeds as Prisma reads them: every column, by hostname then age, by ids or machine", async () => {
    const expected = (
      await database.prisma.testbed.findMany({ orderBy: [{ hostname: "asc" }, { createdAt: "asc" }] })
    ).map((row) => ({ ...row, memoryBytes: Number(row.memoryBytes) }));
    expect(expected).toHaveLength(3);
    expect(await listTestbeds(database)).toEqual(expected);
    const [first, , third] = expected;
    expect(
      await listTestbeds(database, { ids: [third?.id as string, first?.id as string, "missing"] }),
    ).toEqual([first, third]);
    expect(await listTestbeds(database, { ids: [] })).toEqual([]);
    expect(await listTestbeds(database, { hostname: "ci-runner-7" })).toEqual(expected);
    expect(await listTestbeds(database, { hostname: "elsewhere" })).toEqual([]);
  });

  it("counts open regressions per series", async () => {
    const [series] = await listSeries(database, { mode: "threading" });
    const run = await database.prisma.run.findFirstOrThrow({ select: { id: true } });
    const now = new Date();
    for (const [index, status] of ["open", "open", "acknowledged"].entries()) {
      await database.prisma.regression.create({
        data: {
          id: `regression-${databases.provider}-${index}`,
          seriesKey: series?.seriesKey as string,
          runId: run.id,
          kind: "regression",
          metric: ["wall_time", "efficiency", "serial_fraction"][index] as string,
          size: 0.2,
          confidence: 0.99,
          status,
          createdAt: now,
          updatedAt: now,
        },
      });
    }
    const counts = await openRegressionCounts(database, [series?.seriesKey as string, "no-such-series"]);
    expect(counts.get(series?.seriesKey as string)).toBe(2);
    expect(counts.get("no-such-series")).toBeUndefined();
  });
});
