import { describe, expect, it } from "vitest";
import { describeEachDatabase } from "../test/databases.js";
import { makePlan, makeRunResult } from "../test/run-factories.js";
import { listRuns } from "./run-list.js";
import { getRun } from "./run-reads.js";
import {
  createQueuedRun,
  deleteRun,
  markInterruptedRuns,
  markRunRunning,
  storeRunResult,
  updateRunLabels,
} from "./run-repository.js";
import type { StoredRun } from "./run-rows.js";
import { readSeriesHistory } from "./series-repository.js";

describeEachDatabase("run repository", ({ open }) => {
  it("stores a RunResult as is and reads it back (run, testbed, measurements, samples)", async () => {
    const database = await open();
    const result = makeRunResult({ seed: 7 });
    const { run, created } = await storeRunResult(database, result, {
      commitSha: "a".repeat(40),
      branch: "main",
      labels: ["nightly", "nightly", " ci "],
    });
    expect(created).toBe(true);
    expect(run.status).toBe("succeeded");
    expect(run.labels).toEqual(["ci", "nightly"]);
    expect(run.testbed?.cpuModel).toBe("Test CPU @ 3.0GHz");
    expect(run.testbed?.memoryBytes).toBe(16 * 1024 ** 3);
    expect(run.createdAt.toISOString()).toBe(result.startedAt);

    const detail = await getRun(database, run.id);
    expect(detail).not.toBeNull();
    expect(detail?.params).toEqual({ n: 1000 });
    expect(detail?.modes).toEqual(["sequential", "worker-threads"]);
    expect(detail?.threads).toEqual([1, 2, 4]);
    expect(detail?.environment).toEqual(result.environment);
    expect(detail?.measurements).toHaveLength(result.cells.length);
    for (const [index, cell] of result.cells.entries()) {
      const stored = detail?.measurements[index];
      expect(stored?.mode).toBe(cell.mode);
      expect(stored?.threads).toBe(cell.threads);
      // Prisma rounds Float parameters to ~15 significant digits on the way in (a
      // long-standing upstream bug, prisma/orm#11096): compare with a relative tolerance.
      expectClose(stored?.wall, cell.wall);
      expectClose(stored?.cpu, cell.cpu);
      expectClose(stored?.speedup, cell.speedup);
      expectClose(stored?.efficiency, cell.efficiency);
      expect(stored?.checksumStatus).toBe(cell.checksumStatus);
      expect(stored?.setupMs).toBe(cell.setupMs);
      expect(stored?.taskOverheadMs).toBe(cell.taskOverheadMs);
      expectClose(
        stored?.samples.map(({ index: i, wallMs, cpuMs, taskDurationsMs, checksum }) => ({
          index: i,
          wallMs,
          cpuMs,
          taskDurationsMs,
          checksum,
        })),
        cell.samples,
      );
    }
  });

  it("reuses one testbed per fingerprint and keys series by testbed and branch", async () => {
    const database = await open();
    const first = await storeRunResult(database, makeRunResult({ seed: 1 }), { branch: "main" });
    const second = await storeRunResult(
      database,
      makeRunResult({ seed: 2, startedAt: "2026-01-02T00:00:00.000Z" }),
      { branch: "main" },
    );
    const other = await storeRunResult(database, makeRunResult({ seed: 3 }), { branch: "feature" });
    expect(first.run.testbed?.id).toBe(second.run.testbed?.id);
    const [a, b, c] = await Promise.all(
      [first, second, other].map(({ run }) => getRun(database, run.id, { samples: false })),
    );
    expect(a?.measurements[0]?.seriesKey).toBe(b?.measurements[0]?.seriesKey);
    expect(a?.measurements[0]?.seriesKey).not.toBe(c?.measurements[0]?.seriesKey);
    const points = await readSeriesHistory(database, a?.measurements[0]?.seriesKey as string, { last: 10 });
    expect(points.map((point) => point.runId)).toEqual([first.run.id, second.run.id]);
    expect(points[0]?.wallMedian).toBe(a?.measurements[0]?.wall?.median);
  });

  it("takes a queued run through running to its stored result", async () => {
    const database = await open();
    const { run: queued } = await createQueuedRun(database, {
      plan: makePlan(),
      labels: ["pr-1"],
      branch: "main",
    });
    expect(queued.status).toBe("queued");
    const running = await markRunRunning(database, queued.id, { claimedBy: "elsewhere:1" });
    expect(running.status).toBe("running");
    await expect(markRunRunning(database, queued.id)).rejects.toThrow(/it is running, not queued/);
    const { run } = await storeRunResult(database, makeRunResult(), { runId: queued.id, branch: "main" });
    expect(run.id).toBe(queued.id);
    expect(run.status).toBe("succeeded");
    expect(run.labels).toEqual(["pr-1"]);
    await expect(storeRunResult(database, makeRunResult(), { runId: queued.id })).rejects.toThrow(
      /it is succeeded/,
    );
  });

  it("pages through runs newest first with a stable cursor and filters", async () => {
    const database = await open();
    const base = Date.parse("2026-02-01T00:00:00.000Z");
    const ids: string[] = [];
    for (let index = 0; index < 23; index++) {
      // Pairs of runs share a start time: the id breaks the tie.
      const startedAt = new Date(base + Math.floor(index / 2) * 60_000).toISOString();
      const { run } = await storeRunResult(
        database,
        makeRunResult({
          seed: index,
          startedAt,
          plan:
            index % 3 === 0
              ? { workloadId: "shared-counter", params: {}, modes: ["sequential"], threads: [1, 8] }
              : {},
        }),
        {
          branch: index % 2 ? "main" : "dev",
          labels: index % 5 === 0 ? ["weekly"] : [],
          commitSha: `c0ffee${index}`,
        },
      );
      ids.push(run.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listRuns(database, {}, { limit: 5, cursor });
      seen.push(...page.runs.map((run) => run.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    const all = (await listRuns(database, {}, { limit: 100 })).runs;
    expect(all.map((run) => run.id)).toEqual(seen);
    for (let index = 1; index < all.length; index++) {
      const previous = all[index - 1] as StoredRun;
      const current = all[index] as StoredRun;
      expect(
        previous.createdAt > current.createdAt ||
          (+previous.createdAt === +current.createdAt && previous.id > current.id),
      ).toBe(true);
    }

    const main = await listRuns(database, { branch: "main" }, { limit: 100 });
    expect(main.runs).toHaveLength(11);
    const counter = await listRuns(database, { workloadId: "shared-counter" }, { limit: 100 });
    expect(counter.runs).toHaveLength(8);
    const eight = await listRuns(database, { mode: "sequential", threads: 8 }, { limit: 100 });
    expect(eight.runs.map((run) => run.id).sort()).toEqual(counter.runs.map((run) => run.id).sort());
    const workers = await listRuns(database, { mode: "worker-threads" }, { limit: 100 });
    expect(workers.runs).toHaveLength(15);
    const weekly = await listRuns(database, { label: "weekly" }, { limit: 100 });
    expect(weekly.runs).toHaveLength(5);
    const commit = await listRuns(database, { commitSha: "c0ffee12" }, { limit: 100 });
    expect(commit.runs).toHaveLength(1);
    const window = await listRuns(
      database,
      { from: new Date(base + 2 * 60_000), to: new Date(base + 4 * 60_000), status: ["succeeded"] },
      { limit: 100 },
    );
    expect(window.runs).toHaveLength(4);
    const testbed = await listRuns(database, { testbedId: all[0]?.testbed?.id as string }, { limit: 1 });
    expect(testbed.runs).toHaveLength(1);
    expect(testbed.nextCursor).not.toBeNull();
    await expect(listRuns(database, {}, { cursor: "nonsense" })).rejects.toThrow(/cursor/);
  });

  it("marks runs left running by a dead process as interrupted, and leaves live ones alone", async () => {
    const database = await open();
    const plan = makePlan();
    const crashed = (await createQueuedRun(database, { plan })).run;
    await markRunRunning(database, crashed.id, {
      claimedBy: `${(await import("node:os")).hostname()}:999999999`,
    });
    const live = (await createQueuedRun(database, { plan })).run;
    await markRunRunning(database, live.id); // this very process: alive
    const silent = (await createQueuedRun(database, { plan })).run;
    await markRunRunning(database, silent.id, {
      claimedBy: "other-host:1",
      startedAt: new Date(Date.now() - 3_600_000),
    });
    const queued = (await createQueuedRun(database, { plan })).run;

    const marked = await markInterruptedRuns(database);
    expect(marked.sort()).toEqual([crashed.id, silent.id].sort());
    const after = await Promise.all([crashed, live, silent, queued].map((run) => getRun(database, run.id)));
    expect(after.map((run) => run?.status)).toEqual(["interrupted", "running", "interrupted", "queued"]);
    // The status says "interrupted"; the reason does not repeat it (`show` printed "interrupted: interrupted: ...").
    expect(after[0]?.error).toBe(
      "the process running it stopped (crash, kill or power loss) before it finished",
    );
    expect(after[0]?.finishedAt).not.toBeNull();
  });

  it("updates labels and deletes a run with everything under it", async () => {
    const database = await open();
    const { run } = await storeRunResult(database, makeRunResult(), { labels: ["a"] });
    expect((await updateRunLabels(database, run.id, ["b", "c", "b"])).labels).toEqual(["b", "c"]);
    await deleteRun(database, run.id);
    expect(await getRun(database, run.id)).toBeNull();
    expect(await database.prisma.measurement.count()).toBe(0);
    expect(await database.prisma.sample.count()).toBe(0);
    await expect(deleteRun(database, run.id)).rejects.toThrow(/not found/);
  });
});

/** Deep equality where numbers may differ by a relative 1e-12 (Prisma's float rounding). */
function expectClose(actual: unknown, expected: unknown, path = "value"): void {
  if (typeof expected === "number" && typeof actual === "number") {
    expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(Math.abs(expected) * 1e-12);
    return;
  }
  if (expected && typeof expected === "object" && actual && typeof actual === "object") {
    expect(Object.keys(actual).sort(), path).toEqual(Object.keys(expected).sort());
    for (const key of Object.keys(expected)) {
      expectClose(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
    }
    return;
  }
  expect(actual, path).toEqual(expected);
}

describe("series key", () => {
  it("is independent of parameter order and defaults", async () => {
    const { parametersKey } = await import("./run-rows.js");
    expect(parametersKey("external-bench", { b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });
});
