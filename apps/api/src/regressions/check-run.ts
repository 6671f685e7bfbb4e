import type { RegressionMetric } from "@threadbench/core";
import { type ChangeKind, type KnownChange, planOnlineCheck } from "../analysis/online-check.js";
import { controlAcrossSeries } from "../analysis/regressions.js";
import { fitAmdahl, type ScalingPoint } from "../analysis/scaling.js";
import type { Step, StepDetectorOptions } from "../analysis/step-detector.js";
import type { Database } from "../db/client.js";
import {
  createRegression,
  mutedSeriesKeys,
  type RegressionEstimate,
  regressionsByIds,
  regressionsOfSeries,
  type StoredRegression,
  updateRegressionEstimate,
} from "../db/regression-repository.js";
import { getRun } from "../db/run-reads.js";
import type { StoredMeasurement, StoredRunDetail } from "../db/run-rows.js";
import { type DetectorHistoryRow, readDetectorHistories, runSpeedups } from "../db/series-repository.js";
import { NotFoundError } from "../errors.js";

/** Options of {@link checkRunAgainstHistory}. */
export interface CheckRunOptions {
  /**
   * Points of history per series (ending at the checked run). Default 200: the
   * detector uses at most 30 runs before and 30 after a change, and 120 runs for the
   * noise; one index scan.
   */
  historyLength?: number;
  /**
   * False discovery rate across all series of the run. Default 0.05. Each series has
   * already passed its own threshold; this only removes candidates when many series are
   * checked at once.
   */
  falseDiscoveryRate?: number;
  /** Passed to the detector for every metric (boundaries and direction are the check's). */
  detection?: Omit<StepDetectorOptions, "boundaries" | "uncertainties">;
  /** Metrics to check. Default all: wall_time, efficiency, serial_fraction. */
  metrics?: readonly RegressionMetric[];
}

/** What {@link checkRunAgainstHistory} did. */
export interface CheckRunResult {
  runId: string;
  /** Series (one per metric) of the run whose history was searched. */
  checkedSeries: number;
  /** Series keys of the run that are muted: not searched, nothing stored. */
  mutedSeries: string[];
  /**
   * Regressions and improvements stored by THIS check (re-checking stores nothing
   * twice). A change found now was introduced by an earlier run: see runId.
   */
  stored: StoredRegression[];
  /**
   * Changes stored before and re-measured now with the runs that followed them (size,
   * levels, confidence), some moved to the better-placed run nearby (`moved`).
   */
  updated: number;
  moved: number;
  /** Changes found that were already stored (same series, same change). */
  alreadyStored: number;
}

/**
 * Per metric: what is a worse change, the scale of the test and the smallest change
 * reported. Wall times and efficiencies are relative (a 2% step means the same at 5 ms
 * and at 5 s); serial fractions can be 0, so they are absolute (0.02 = two points of the
 * work become serial, the threshold the pairwise scaling check used).
 */
const metricSettings: Record<
  RegressionMetric,
  { direction: "lower-is-better" | "higher-is-better"; scale: "relative" | "absolute"; minEffect: number }
> = {
  wall_time: { direction: "lower-is-better", scale: "relative", minEffect: 0.01 },
  efficiency: { direction: "higher-is-better", scale: "relative", minEffect: 0.02 },
  serial_fraction: { direction: "lower-is-better", scale: "absolute", minEffect: 0.02 },
};

/** Modes whose efficiency is not a property of the code: the baseline, and the event loop (1/threads by design). */
const modesWithoutScaling = new Set(["sequential", "event-loop"]);

/** One history the check searches: a series key and a metric. */
interface MetricHistory {
  seriesKey: string;
  metric: RegressionMetric;
  values: number[];
  runIds: string[];
  uncertainties?: number[];
}

/**
 * Checks each series of a stored run against its history on the same branch and testbed
 * (the series key already encodes workload, params, mode, threads, scaling, testbed,
 * branch, project and harness) and stores the new step changes: regressions and
 * improvements of the median wall time of every cell, and of the efficiency and Amdahl
 * serial fraction of every parallel mode at its highest thread count, each with the run
 * that introduced it, its size with an interval, and a confidence. Changes stored before
 * are re-measured with the runs that followed (and moved by a run or two if the evidence
 * now places them better). The false discovery rate is controlled across the run's
 * series; muted series are skipped. Idempotent: checking a run twice stores nothing twice.
 *
 * Runs that are not finished (queued, running) have nothing to check.
 */
export async function checkRunAgainstHistory(
  database: Database,
  runId: string,
  options: CheckRunOptions = {},
): Promise<CheckRunResult> {
  const run = await getRun(database, runId, { samples: false });
  const result: CheckRunResult = {
    runId,
    checkedSeries: 0,
    mutedSeries: [],
    stored: [],
    updated: 0,
    moved: 0,
    alreadyStored: 0,
  };
  if (!run) throw new NotFoundError("run", runId);
  if (run.status === "queued" || run.status === "running") return result;

  const measurements = run.measurements.filter(
    (measurement) => measurement.status === "succeeded" && measurement.wall !== null,
  );
  const keys = [...new Set(measurements.map((measurement) => measurement.seriesKey))];
  const muted = await mutedSeriesKeys(database, keys);
  result.mutedSeries = [...muted].sort();
  const checked = measurements.filter((measurement) => !muted.has(measurement.seriesKey));
  const metrics = new Set(options.metrics ?? ["wall_time", "efficiency", "serial_fraction"]);
  const historyLength = clampInteger(options.historyLength ?? 200, 10, 10_000);

  const histories: MetricHistory[] = [];
  const rowsByKey = await readDetectorHistories(database, {
    keys: [...new Set(checked.map((measurement) => measurement.seriesKey))],
    recordedAt: checked[0]?.recordedAt,
    seeded: run.seeded,
    workloadHash: run.workloadHash,
    historyLength,
  });
  for (const measurement of checked) {
    const rows = rowsByKey.get(measurement.seriesKey) ?? [];
    if (metrics.has("wall_time")) histories.push(wallTimeHistory(measurement.seriesKey, rows));
    if (!isTopParallelCell(run, measurement)) continue;
    if (metrics.has("efficiency")) {
      const efficiency = rows.filter((row) => row.efficiency !== null && row.efficiency > 0);
      histories.push({
        seriesKey: measurement.seriesKey,
        metric: "efficiency",
        values: efficiency.map((row) => row.efficiency as number),
        runIds: efficiency.map((row) => row.runId),
      });
    }
    if (metrics.has("serial_fraction")) {
      histories.push(await serialFractionHistory(database, measurement, rows));
    }
  }
  result.checkedSeries = histories.length;

  const existing = await regressionsOfSeries(database, [
    ...new Set(histories.map((history) => history.seriesKey)),
  ]);
  const plans = histories.map((history) => {
    const positions = new Map(history.runIds.map((id, index) => [id, index]));
    const known: KnownChange[] = existing.flatMap((row) => {
      const index = positions.get(row.runId);
      return row.seriesKey === history.seriesKey && row.metric === history.metric && index !== undefined
        ? [{ id: row.id, index, kind: row.kind as ChangeKind, status: row.status }]
        : [];
    });
    const settings = metricSettings[history.metric];
    return planOnlineCheck(history.values, known, {
      minEffect: settings.minEffect,
      ...options.detection,
      scale: settings.scale,
      direction: settings.direction,
      ...(history.uncertainties ? { uncertainties: history.uncertainties } : {}),
    });
  });
  const kept = controlAcrossSeries(
    plans.map((plan) => plan.created.map(({ step }) => step.pValue)),
    options.falseDiscoveryRate ?? 0.05,
  );

  const createdIds: string[] = [];
  for (const [position, history] of histories.entries()) {
    const plan = plans[position];
    if (!plan) continue;
    result.alreadyStored += plan.alreadyStored;
    for (const update of plan.updated) {
      const outcome = await updateChange(database, history, update);
      if (outcome === "moved") result.moved++;
      if (outcome !== "gone") result.updated++;
    }
    for (const [index, { step, kind }] of plan.created.entries()) {
      if (kept[position]?.[index] !== true) continue;
      const id = await createChange(database, history, step, kind);
      if (id) createdIds.push(id);
      else result.alreadyStored++;
    }
  }
  result.stored = await regressionsByIds(database, createdIds);
  return result;
}

function wallTimeHistory(seriesKey: string, rows: readonly DetectorHistoryRow[]): MetricHistory {
  return {
    seriesKey,
    metric: "wall_time",
    values: rows.map((row) => row.wallMedian),
    runIds: rows.map((row) => row.runId),
    // Standard error of each run's median from its own repetitions (about 1.25 sigma /
    // sqrt(n) for normal noise): the detector never takes the run-to-run noise below it.
    uncertainties: rows.map((row) =>
      row.wallStddev !== null && row.sampleCount > 1
        ? (1.2533 * row.wallStddev) / Math.sqrt(row.sampleCount)
        : 0,
    ),
  };
}

/** The cell of a parallel mode at the run's highest thread count for that mode (above 1). */
function isTopParallelCell(run: StoredRunDetail, measurement: StoredMeasurement): boolean {
  if (modesWithoutScaling.has(measurement.mode) || measurement.threads < 2) return false;
  const threads = run.measurements
    .filter((other) => other.mode === measurement.mode && other.status === "succeeded")
    .map((other) => other.threads);
  return measurement.threads === Math.max(...threads);
}

/**
 * The Amdahl serial fraction of the measurement's mode in each run of its history, fitted
 * to that run's speedups of the mode (one query for all runs). Runs with fewer than two
 * thread counts have no fit and no point.
 */
async function serialFractionHistory(
  database: Database,
  measurement: StoredMeasurement,
  rows: readonly DetectorHistoryRow[],
): Promise<MetricHistory> {
  const runIds = rows.map((row) => row.runId);
  const cells = await runSpeedups(database, runIds, measurement.mode);
  const pointsByRun = new Map<string, ScalingPoint[]>();
  for (const cell of cells) {
    if (cell.speedup === null || !Number.isFinite(cell.speedup)) continue;
    const points = pointsByRun.get(cell.runId) ?? [];
    points.push({ threads: cell.threads, speedup: cell.speedup });
    pointsByRun.set(cell.runId, points);
  }
  const history: MetricHistory = {
    seriesKey: measurement.seriesKey,
    metric: "serial_fraction",
    values: [],
    runIds: [],
  };
  for (const runId of runIds) {
    const points = pointsByRun.get(runId) ?? [];
    if (new Set(points.map((point) => point.threads)).size < 2) continue;
    const fit = fitAmdahl(points);
    if (!fit) continue;
    history.values.push(fit.serialFraction);
    history.runIds.push(runId);
  }
  return history;
}

/**
 * The stored columns of a step: `size` and its interval signed so that positive is worse
 * (efficiency is higher-is-better, so its change is negated), levels in the metric's unit.
 */
function rowValues(metric: RegressionMetric, step: Step): RegressionEstimate {
  const worseUp = metricSettings[metric].direction === "lower-is-better";
  const { estimate, lower, upper } = step.change;
  return {
    size: worseUp ? estimate : -estimate,
    intervalLow: finiteOrNull(worseUp ? lower : -upper),
    intervalHigh: finiteOrNull(worseUp ? upper : -lower),
    baselineValue: finiteOrNull(step.before),
    currentValue: finiteOrNull(step.after),
    confidence: step.confidence,
  };
}

function createChange(
  database: Database,
  history: MetricHistory,
  step: Step,
  kind: ChangeKind,
): Promise<string | null> {
  return createRegression(database, {
    seriesKey: history.seriesKey,
    runId: history.runIds[step.index] as string,
    kind,
    metric: history.metric,
    ...rowValues(history.metric, step),
  });
}

/** Writes a re-measured change: new estimates, and the better-placed run when it moved. */
function updateChange(
  database: Database,
  history: MetricHistory,
  update: { id: string; step: Step; moved: boolean },
): Promise<"moved" | "updated" | "gone"> {
  return updateRegressionEstimate(
    database,
    update.id,
    rowValues(history.metric, update.step),
    update.moved ? (history.runIds[update.step.index] as string) : undefined,
  );
}

// ---------------------------------------------------------------------------------------
// Scaling points of one run (also what `threadbench check` fits)

/** The run's speedup-versus-threads points of one mode (its succeeded cells). */
export function scalingPoints(run: Pick<StoredRunDetail, "measurements">, mode: string): ScalingPoint[] {
  const cells = run.measurements.filter((measurement) => measurement.status === "succeeded");
  const sequential = new Map(
    cells.filter((cell) => cell.mode === "sequential").map((cell) => [cell.threads, cell]),
  );
  const points: ScalingPoint[] = [];
  for (const cell of cells) {
    if (cell.mode !== mode || cell.speedup === null || !Number.isFinite(cell.speedup) || !cell.wall) continue;
    const baseline = sequential.get(cell.threads) ?? sequential.get(1);
    const point: ScalingPoint = { threads: cell.threads, speedup: cell.speedup };
    // Relative standard errors of the two medians add up (in quadrature) in their ratio.
    if (baseline?.wall && cell.sampleCount > 1 && baseline.sampleCount > 1) {
      const relative = Math.hypot(
        (1.2533 * cell.wall.cv) / Math.sqrt(cell.sampleCount),
        (1.2533 * baseline.wall.cv) / Math.sqrt(baseline.sampleCount),
      );
      if (relative > 0 && Number.isFinite(relative)) point.spread = cell.speedup * relative;
    }
    points.push(point);
  }
  return points.sort((a, b) => a.threads - b.threads);
}

function clampInteger(value: number, min: number, max: number): number {
  return Math.min(Math.max(Math.trunc(value), min), max);
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
