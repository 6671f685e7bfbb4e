import type { CellResult, RunPlan, RunResult } from "@threadbench/core";
import { expect, it } from "vitest";
import { summarize } from "../analysis/summary.js";
import type { Database } from "../db/client.js";
import {
  acknowledgeRegression,
  listMutedSeries,
  listRegressions,
  markFalseAlarm,
  markFixed,
  muteSeries,
  type StoredRegression,
  unmuteSeries,
} from "../db/regression-repository.js";
import { getRun } from "../db/run-reads.js";
import { storeRunResult } from "../db/run-repository.js";
import { describeEachDatabase } from "../test/databases.js";
import { makeRunResult } from "../test/run-factories.js";
import { afterRunStored } from "./after-run-stored.js";
import { checkRunAgainstHistory } from "./check-run.js";
import { compareRuns } from "./compare-runs.js";
import type { RegressionWebhookPayload } from "./webhook.js";

const dayMs = 24 * 3600 * 1000;
const origin = Date.UTC(2026, 0, 1);

interface PlantOptions {
  /** Task time (ms) of each run, oldest first: the level of every series at that run. */
  levels: readonly number[];
  branch?: string;
  plan?: Partial<RunPlan>;
  seed?: number;
  /** Called after each run is stored, as the run queue does. */
  afterEach?: (runId: string) => Promise<unknown>;
  transform?: (result: RunResult, index: number) => RunResult;
}

/** Stores one run per level, a day apart, through the real repository; ids oldest first. */
async function plantHistory(database: Database, options: PlantOptions): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, level] of options.levels.entries()) {
    let result = makeRunResult({
      seed: (options.seed ?? 1) + index * 7919,
      taskMs: level,
      startedAt: new Date(origin + index * dayMs).toISOString(),
      plan: { threads: [1, 2], repetitions: 5, ...options.plan },
    });
    if (options.transform) result = options.transform(result, index);
    const { run } = await storeRunResult(database, result, { branch: options.branch ?? "main" });
    ids.push(run.id);
    await options.afterEach?.(run.id);
  }
  return ids;
}

const flat = (level: number, count: number): number[] => Array.from({ length: count }, () => level);

/** Multiplies the wall times of one mode's cells at >= minThreads threads (a scaling loss). */
function slowDownCells(result: RunResult, mode: string, minThreads: number, factor: number): RunResult {
  const baselines = new Map(
    result.cells.filter((cell) => cell.mode === "sequential").map((cell) => [cell.threads, cell]),
  );
  const cells = result.cells.map((cell): CellResult => {
    if (cell.mode !== mode || cell.threads < minThreads) return cell;
    const samples = cell.samples.map((sample) => ({ ...sample, wallMs: sample.wallMs * factor }));
    const wall = summarize(samples.map((sample) => sample.wallMs));
    const baseline = baselines.get(cell.threads)?.wall?.median ?? null;
    const speedup = baseline !== null && wall ? baseline / wall.median : null;
    return { ...cell, samples, wall, speedup, efficiency: speedup === null ? null : speedup / cell.threads };
  });
  return { ...result, cells };
}

describeEachDatabase("regression checks", ({ open }) => {
  it("flags exactly the run that introduced a 20% step, with its size, checking after every run", async () => {
    const database = await open();
    const stored: string[] = [];
    const notified: string[] = [];
    const posted: RegressionWebhookPayload[] = [];
    const webhook = {
      send: (payload: RegressionWebhookPayload) => posted.push(payload),
      drain: async () => 0,
    };
    const ids = await plantHistory(database, {
      levels: [...flat(10, 30), ...flat(12, 15)],
      afterEach: async (runId) => {
        const result = await afterRunStored(database, runId, {
          notify: (regression) => notified.push(regression.id),
          webhook,
        });
        stored.push(...result.stored.map((regression) => regression.id));
      },
    });
    // Announced once each, to listeners and the webhook, with the introducing run.
    expect(notified.sort()).toEqual([...stored].sort());
    expect(posted.map((payload) => payload.run?.id)).toEqual(stored.map(() => ids[30]));
    await afterRunStored(database, ids.at(-1) as string, {
      notify: (regression) => notified.push(regression.id),
    });
    expect(notified).toHaveLength(4);
    const regressions = await listRegressions(database);
    // Four series (sequential and worker-threads at 1 and 2 threads), one step each.
    expect(regressions).toHaveLength(4);
    expect(stored).toHaveLength(4);
    for (const regression of regressions) {
      expect(regression.kind).toBe("regression");
      expect(regression.runId).toBe(ids[30]);
      expect(regression.status).toBe("open");
      expect(regression.size).toBeGreaterThan(0.17);
      expect(regression.size).toBeLessThan(0.23);
      expect(regression.interval?.lower).toBeLessThan(regression.size);
      expect(regression.interval?.upper).toBeGreaterThan(regression.size);
      // Five points after the step when it is first found: a wide but one-sided interval.
      expect(regression.interval?.lower).toBeGreaterThan(0.05);
      expect(regression.confidence).toBeGreaterThan(0.95);
      expect(regression.beforeValue).toBeLessThan(regression.afterValue as number);
      expect(regression.series?.branch).toBe("main");
      expect(regression.series?.workloadId).toBe("sum-squares");
    }
    expect(new Set(regressions.map((regression) => regression.seriesKey)).size).toBe(4);
  });

  it("stores nothing for a history with one outlier run, nor for pure noise", async () => {
    const database = await open();
    const levels = flat(10, 40);
    levels[20] = 15;
    let found = 0;
    await plantHistory(database, {
      levels,
      afterEach: async (runId) => {
        found += (await afterRunStored(database, runId)).stored.length;
      },
    });
    expect(found).toBe(0);
    expect(await listRegressions(database)).toEqual([]);
  });

  it("stores an improvement as such", async () => {
    const database = await open();
    const ids = await plantHistory(database, { levels: [...flat(10, 25), ...flat(8, 12)] });
    // Checked once, late: the change is still within the last 20 runs.
    const result = await checkRunAgainstHistory(database, ids.at(-1) as string);
    expect(result.stored.length).toBe(4);
    for (const improvement of result.stored) {
      expect(improvement.kind).toBe("improvement");
      expect(improvement.runId).toBe(ids[25]);
      expect(improvement.size).toBeCloseTo(-0.2, 1);
    }
  });

  it("is idempotent: checking the same runs again stores nothing twice", async () => {
    const database = await open();
    const ids = await plantHistory(database, {
      levels: [...flat(10, 30), ...flat(12, 12)],
      afterEach: (runId) => afterRunStored(database, runId),
    });
    const before = await listRegressions(database);
    expect(before).toHaveLength(4);
    for (const id of ids.slice(-8)) {
      const again = await checkRunAgainstHistory(database, id);
      expect(again.stored).toEqual([]);
    }
    const last = await checkRunAgainstHistory(database, ids.at(-1) as string);
    expect(last.stored).toEqual([]);
    // The stored changes are re-measured with the runs after them, not stored again.
    expect(last.updated).toBe(4);
    expect(last.moved).toBe(0);
    expect(await listRegressions(database)).toHaveLength(4);
  });

  it("stores nothing for muted series, and again after unmuting", async () => {
    const database = await open();
    const first = await plantHistory(database, { levels: [10] });
    const run = await getRun(database, first[0] as string, { samples: false });
    const keys = run?.measurements.map((measurement) => measurement.seriesKey) ?? [];
    for (const key of keys) await muteSeries(database, key, { by: "alice", reason: "noisy box" });
    expect((await listMutedSeries(database)).map((entry) => entry.mutedBy)).toEqual(keys.map(() => "alice"));
    const results: Array<Awaited<ReturnType<typeof afterRunStored>>> = [];
    await plantHistory(database, {
      levels: [...flat(10, 29), ...flat(12, 12)],
      seed: 1000,
      afterEach: async (runId) => {
        results.push(await afterRunStored(database, runId));
      },
    });
    expect(results.flatMap((result) => result.stored)).toEqual([]);
    expect(results.at(-1)?.mutedSeries).toEqual([...keys].sort());
    expect(results.at(-1)?.checkedSeries).toBe(0);
    expect(await listRegressions(database)).toEqual([]);
    for (const key of keys) expect(await unmuteSeries(database, key)).toBe(true);
    expect(await unmuteSeries(database, keys[0] as string)).toBe(false);
    await expect(muteSeries(database, "no-such-series")).rejects.toThrow(
      /series "no-such-series" was not found/,
    );
  });

  it("records who changed a regression's status, when, and why", async () => {
    const database = await open();
    const ids = await plantHistory(database, { levels: [...flat(10, 25), ...flat(12, 10)] });
    const { stored } = await checkRunAgainstHistory(database, ids.at(-1) as string);
    const [first, second, third] = stored;
    const acknowledged = await acknowledgeRegression(database, first?.id as string, {
      by: "alice",
      note: "looking into the new allocator",
    });
    expect(acknowledged).toMatchObject({
      status: "acknowledged",
      statusChangedBy: "alice",
      note: "looking into the new allocator",
    });
    expect(acknowledged.statusChangedAt).toBeInstanceOf(Date);
    const falseAlarm = await markFalseAlarm(database, second?.id as string, {
      by: "bob",
      note: "noisy neighbour",
    });
    expect(falseAlarm).toMatchObject({
      status: "false_alarm",
      statusChangedBy: "bob",
      note: "noisy neighbour",
    });
    const fixed = await markFixed(database, third?.id as string, { by: "carol", note: "fixed in abc123" });
    expect(fixed.status).toBe("fixed");
    expect((await listRegressions(database, { status: "open" })).map((regression) => regression.id)).toEqual(
      stored.slice(3).map((regression) => regression.id),
    );
    await expect(acknowledgeRegression(database, "missing", { by: "alice" })).rejects.toThrow(/not found/);
    await expect(acknowledgeRegression(database, first?.id as string, { by: " " })).rejects.toThrow(/by/);
  });

  it("compares two runs cell by cell with verdicts, and lists cells present in one run only", async () => {
    const database = await open();
    const plan = { repetitions: 10 };
    const [base, slower, faster, same] = await plantHistory(database, {
      levels: [10, 12, 8, 10],
      plan,
      seed: 42,
      transform: (result, index) =>
        index === 3
          ? makeRunResult({
              seed: 4242,
              taskMs: 10,
              startedAt: result.startedAt,
              plan: { ...plan, threads: [1, 2, 4] },
            })
          : result,
    });
    const slowerComparison = await compareRuns(database, base as string, slower as string);
    expect(
      slowerComparison.cells.map((cell) => (cell.kind === "compared" ? cell.verdict : cell.kind)),
    ).toEqual(["slower", "slower", "slower", "slower"]);
    const first = slowerComparison.cells[0];
    expect(first?.kind === "compared" && first.relativeChange?.estimate).toBeCloseTo(0.2, 1);
    expect(first?.kind === "compared" && first.pValue).toBeLessThan(0.01);
    expect(slowerComparison.verdicts).toEqual({ faster: 0, slower: 4, unchanged: 0, noisy: 0 });
    expect(slowerComparison.warnings).toEqual([]);

    const fasterComparison = await compareRuns(database, base as string, faster as string);
    expect(fasterComparison.verdicts.faster).toBe(4);

    const sameComparison = await compareRuns(database, base as string, same as string);
    expect(
      sameComparison.cells.map((cell) => [
        cell.mode,
        cell.threads,
        cell.kind === "compared" ? cell.verdict : cell.kind,
      ]),
    ).toEqual([
      ["sequential", 1, "unchanged"],
      ["sequential", 2, "unchanged"],
      ["sequential", 4, "head-only"],
      ["worker-threads", 1, "unchanged"],
      ["worker-threads", 2, "unchanged"],
      ["worker-threads", 4, "head-only"],
    ]);
    await expect(compareRuns(database, base as string, "missing")).rejects.toThrow(
      /run "missing" was not found/,
    );
  });

  it("says why a run twice as slow reads noisy when it has 3 repetitions, instead of leaving it unexplained", async () => {
    const database = await open();
    const [base, slower] = await plantHistory(database, {
      levels: [10, 20],
      plan: { repetitions: 3 },
      seed: 7,
    });
    const comparison = await compareRuns(database, base as string, slower as string);
    expect(comparison.verdicts).toEqual({ faster: 0, slower: 0, unchanged: 0, noisy: 4 });
    expect(comparison.warnings).toEqual([
      "the base run has 3 repetitions in every compared cell: a verdict needs at least 5 on each side, so those cells read noisy whatever the change; measure with 5 or more repetitions to tell",
      "the head run has 3 repetitions in every compared cell: a verdict needs at least 5 on each side, so those cells read noisy whatever the change; measure with 5 or more repetitions to tell",
    ]);
  });

  it("stores a loss of efficiency at the top thread count as efficiency and serial-fraction regressions, announced like any (issue 13)", async () => {
    const database = await open();
    const announced: StoredRegression[] = [];
    const posted: RegressionWebhookPayload[] = [];
    const webhook = {
      send: (payload: RegressionWebhookPayload) => posted.push(payload),
      drain: async () => 0,
    };
    const ids = await plantHistory(database, {
      levels: flat(10, 40),
      plan: { threads: [1, 2, 4] },
      transform: (result, index) => (index >= 28 ? slowDownCells(result, "worker-threads", 4, 1.6) : result),
      afterEach: (runId) =>
        afterRunStored(database, runId, { notify: (regression) => announced.push(regression), webhook }),
    });
    const rows = await listRegressions(database);
    const describe = (regression: StoredRegression) =>
      `${regression.metric} ${regression.kind} ${regression.series?.mode} x${regression.series?.threads} at run ${ids.indexOf(regression.runId)}`;
    expect(rows.map(describe).sort()).toEqual([
      "efficiency regression worker-threads x4 at run 28",
      "serial_fraction regression worker-threads x4 at run 28",
      "wall_time regression worker-threads x4 at run 28",
    ]);
    const efficiency = rows.find((regression) => regression.metric === "efficiency") as StoredRegression;
    // 1 - 1 / 1.6: positive is worse, and the levels are efficiencies.
    expect(efficiency.size).toBeGreaterThan(0.3);
    expect(efficiency.size).toBeLessThan(0.45);
    expect(efficiency.beforeValue).toBeGreaterThan(efficiency.afterValue as number);
    const serial = rows.find((regression) => regression.metric === "serial_fraction") as StoredRegression;
    expect(serial.size).toBeGreaterThan(0.02);
    expect(announced.map(describe).sort()).toEqual(rows.map(describe).sort());
    // The webhook posts the scaling changes too, each saying which metric changed.
    expect(posted.map((payload) => payload.regression.metric).sort()).toEqual([
      "efficiency",
      "serial_fraction",
      "wall_time",
    ]);
    expect(posted.every((payload) => payload.run?.id === ids[28])).toBe(true);
  });

  it("stores nothing for scaling when every cell slows down alike (a code change, not a scaling loss)", async () => {
    const database = await open();
    await plantHistory(database, {
      levels: [...flat(10, 30), ...flat(13, 12)],
      plan: { threads: [1, 2, 4] },
      afterEach: (runId) => afterRunStored(database, runId),
    });
    const rows = await listRegressions(database);
    expect(new Set(rows.map((regression) => regression.metric))).toEqual(new Set(["wall_time"]));
    expect(rows).toHaveLength(6);
  });
});
