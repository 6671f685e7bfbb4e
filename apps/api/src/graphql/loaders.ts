import type { Database } from "../db/client.js";
import {
  type MutedSeriesEntry,
  type StoredRegression,
  toStoredRegressions,
} from "../db/regression-repository.js";
import { runsByIds } from "../db/run-list.js";
import type { StoredRun } from "../db/run-rows.js";
import type { StoredSeries } from "../db/series-repository.js";
import { type StoredTestbed, toStoredTestbed } from "../db/testbed.js";
import { executionModes } from "../runner/types.js";
import type { RunQueue } from "../server/run-queue.js";
import type { MeasurementModel, SampleModel } from "./models.js";

/**
 * Collects keys requested in the same tick and loads them with one call, caching the
 * result for the rest of the request (the DataLoader pattern, without the dependency).
 * GraphQL resolves the fields of all items of a list before awaiting any of them, so a
 * page of 50 runs asks for 50 runs' measurements in one batch.
 */
export class BatchLoader<Key, Value> {
  readonly #batch: (keys: readonly Key[]) => Promise<Map<Key, Value>>;
  readonly #fallback: Value;
  readonly #cache = new Map<Key, Promise<Value>>();
  #pending: { key: Key; resolve: (value: Value) => void; reject: (error: unknown) => void }[] = [];

  constructor(batch: (keys: readonly Key[]) => Promise<Map<Key, Value>>, fallback: Value) {
    this.#batch = batch;
    this.#fallback = fallback;
  }

  load(key: Key): Promise<Value> {
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const promise = new Promise<Value>((resolve, reject) => {
      if (this.#pending.length === 0) {
        // After the current promise jobs, like DataLoader: lets every sibling enqueue first.
        void Promise.resolve().then(() => process.nextTick(() => this.#dispatch()));
      }
      this.#pending.push({ key, resolve, reject });
    });
    this.#cache.set(key, promise);
    return promise;
  }

  #dispatch(): void {
    const pending = this.#pending;
    this.#pending = [];
    this.#batch(pending.map((entry) => entry.key)).then(
      (values) => {
        for (const entry of pending) entry.resolve(values.get(entry.key) ?? this.#fallback);
      },
      (error: unknown) => {
        for (const entry of pending) entry.reject(error);
      },
    );
  }
}

/** Cells sort in the order modes run: every runtime's modes, one list (executionModes). */
const modeOrder: readonly string[] = executionModes;
const modeRank = (mode: string) => {
  const rank = modeOrder.indexOf(mode);
  return rank < 0 ? modeOrder.length : rank;
};

function groupBy<Key, Item>(items: readonly Item[], keyOf: (item: Item) => Key): Map<Key, Item[]> {
  const groups = new Map<Key, Item[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

export function createLoaders(database: Database, queue: RunQueue) {
  let queuePositions: Promise<Map<string, number>> | null = null;
  return {
    /** A run's measurements in execution order (mode, then threads). */
    measurementsByRun: new BatchLoader<string, MeasurementModel[]>(async (runIds) => {
      const rows = await database.prisma.measurement.findMany({ where: { runId: { in: [...runIds] } } });
      rows.sort(
        (a, b) =>
          modeRank(a.mode) - modeRank(b.mode) || a.mode.localeCompare(b.mode) || a.threads - b.threads,
      );
      return groupBy(rows, (row) => row.runId);
    }, []),
    /** A measurement's samples by index. */
    samplesByMeasurement: new BatchLoader<string, SampleModel[]>(async (measurementIds) => {
      const rows = await database.prisma.sample.findMany({
        where: { measurementId: { in: [...measurementIds] } },
        orderBy: [{ measurementId: "asc" }, { index: "asc" }],
      });
      return groupBy(rows, (row) => row.measurementId);
    }, []),
    testbedById: new BatchLoader<string, StoredTestbed | null>(async (ids) => {
      const rows = await database.prisma.testbed.findMany({ where: { id: { in: [...ids] } } });
      return new Map(rows.map((row) => [row.id, toStoredTestbed(row)]));
    }, null),
    runById: new BatchLoader<string, StoredRun | null>(async (ids) => {
      const runs = await runsByIds(database, ids);
      return new Map(runs.map((run) => [run.id, run]));
    }, null),
    seriesByKey: new BatchLoader<string, StoredSeries | null>(async (keys) => {
      const rows = await database.prisma.series.findMany({ where: { seriesKey: { in: [...keys] } } });
      return new Map(rows.map((row) => [row.seriesKey, row]));
    }, null),
    mutedSeriesByKey: new BatchLoader<string, MutedSeriesEntry | null>(async (keys) => {
      const rows = await database.prisma.mutedSeries.findMany({ where: { seriesKey: { in: [...keys] } } });
      return new Map(rows.map((row) => [row.seriesKey, row]));
    }, null),
    /** Regressions and improvements a run introduced, newest first. */
    regressionsByRun: new BatchLoader<string, StoredRegression[]>(async (runIds) => {
      const rows = await database.prisma.regression.findMany({
        where: { runId: { in: [...runIds] } },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      return groupBy(await toStoredRegressions(database, rows), (regression) => regression.runId);
    }, []),
    /** A series' regressions and improvements, newest first. */
    regressionsBySeries: new BatchLoader<string, StoredRegression[]>(async (keys) => {
      const rows = await database.prisma.regression.findMany({
        where: { seriesKey: { in: [...keys] } },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      return groupBy(await toStoredRegressions(database, rows), (regression) => regression.seriesKey);
    }, []),
    /**
     * The run of the point before a regression's run in its series, keyed by
     * `seriesKey \u0000 runId`: the history the detector saw (succeeded cells with a wall
     * time, seeded and real runs apart). One query for the points, then one per key.
     */
    previousRunInSeries: new BatchLoader<string, string | null>(async (keys) => {
      const pairs = keys.map((key) => {
        const [seriesKey, runId] = key.split("\u0000") as [string, string];
        return { seriesKey, runId };
      });
      const points = await database.prisma.measurement.findMany({
        where: { OR: pairs },
        select: {
          id: true,
          seriesKey: true,
          runId: true,
          recordedAt: true,
          run: { select: { seeded: true } },
        },
      });
      const previous = await Promise.all(
        points.map(async (point) => {
          const row = await database.prisma.measurement.findFirst({
            where: {
              seriesKey: point.seriesKey,
              status: "succeeded",
              wallMedian: { not: null },
              run: { seeded: point.run.seeded },
              OR: [
                { recordedAt: { lt: point.recordedAt } },
                { recordedAt: point.recordedAt, id: { lt: point.id } },
              ],
            },
            orderBy: [{ recordedAt: "desc" }, { id: "desc" }],
            select: { runId: true },
          });
          return [`${point.seriesKey}\u0000${point.runId}`, row?.runId ?? null] as const;
        }),
      );
      return new Map(previous);
    }, null),
    /** 1-based positions of queued runs, read once per request. */
    queuePosition(runId: string): Promise<number | null> {
      queuePositions ??= queue.queuedRunIds().then((ids) => new Map(ids.map((id, index) => [id, index + 1])));
      return queuePositions.then((positions) => positions.get(runId) ?? null);
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
