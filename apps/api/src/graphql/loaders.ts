import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import {
  type MutedSeriesEntry,
  mutedSeriesByKeys,
  regressionsOf,
  type StoredRegression,
} from "../db/regression-repository.js";
import { runsByIds } from "../db/run-list.js";
import { measurementsOfRuns, samplesOfMeasurements } from "../db/run-reads.js";
import type { StoredRun } from "../db/run-rows.js";
import { previousRunsInSeries, type StoredSeries, seriesByKeys } from "../db/series-repository.js";
import { listTestbeds, type StoredTestbed } from "../db/testbed.js";
import type { RunQueue } from "../services/run-queue.js";
import type { MeasurementModel, SampleModel } from "./models.js";

/**
 * A per-request DataLoader whose batch function returns values by key: keys missing
 * from the map get `fallback`. GraphQL resolves the fields of all items of a list before
 * awaiting any of them, so a page of 50 runs asks for 50 runs' measurements in one batch.
 */
function loader<Key, Value>(
  batch: (keys: readonly Key[]) => Promise<Map<Key, Value>>,
  fallback: Value,
): DataLoader<Key, Value> {
  return new DataLoader<Key, Value>(async (keys) => {
    const values = await batch(keys);
    return keys.map((key) => values.get(key) ?? fallback);
  });
}

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
    measurementsByRun: loader<string, MeasurementModel[]>(
      (runIds) => measurementsOfRuns(database, runIds),
      [],
    ),
    /** A measurement's samples by index. */
    samplesByMeasurement: loader<string, SampleModel[]>(
      (measurementIds) => samplesOfMeasurements(database, measurementIds),
      [],
    ),
    testbedById: loader<string, StoredTestbed | null>(async (ids) => {
      const testbeds = await listTestbeds(database, { ids });
      return new Map(testbeds.map((testbed) => [testbed.id, testbed]));
    }, null),
    runById: loader<string, StoredRun | null>(async (ids) => {
      const runs = await runsByIds(database, ids);
      return new Map(runs.map((run) => [run.id, run]));
    }, null),
    seriesByKey: loader<string, StoredSeries | null>(async (keys) => {
      const rows = await seriesByKeys(database, keys);
      return new Map(rows.map((row) => [row.seriesKey, row]));
    }, null),
    mutedSeriesByKey: loader<string, MutedSeriesEntry | null>(async (keys) => {
      const rows = await mutedSeriesByKeys(database, keys);
      return new Map(rows.map((row) => [row.seriesKey, row]));
    }, null),
    /** Regressions and improvements a run introduced, newest first. */
    regressionsByRun: loader<string, StoredRegression[]>(
      async (runIds) => groupBy(await regressionsOf(database, { runIds }), (regression) => regression.runId),
      [],
    ),
    /** A series' regressions and improvements, newest first. */
    regressionsBySeries: loader<string, StoredRegression[]>(
      async (seriesKeys) =>
        groupBy(await regressionsOf(database, { seriesKeys }), (regression) => regression.seriesKey),
      [],
    ),
    /**
     * The run of the point before a regression's run in its series, keyed by
     * `seriesKey \u0000 runId` (db/series-repository.ts previousRunsInSeries).
     */
    previousRunInSeries: loader<string, string | null>(
      (keys) =>
        previousRunsInSeries(
          database,
          keys.map((key) => {
            const [seriesKey, runId] = key.split("\u0000") as [string, string];
            return { seriesKey, runId };
          }),
        ),
      null,
    ),
    /** 1-based positions of queued runs, read once per request. */
    queuePosition(runId: string): Promise<number | null> {
      queuePositions ??= queue.queuedRunIds().then((ids) => new Map(ids.map((id, index) => [id, index + 1])));
      return queuePositions.then((positions) => positions.get(runId) ?? null);
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
