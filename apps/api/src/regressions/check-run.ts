import { randomUUID } from "node:crypto";
import {
  type DetectedChange,
  detectRegressionsAcrossSeries,
  type RegressionOptions,
  type SeriesHistory,
} from "../analysis/regressions.js";
import {
  fitScaling,
  type ScalingFit,
  type ScalingPoint,
  type ScalingRegression,
  type ScalingRegressionOptions,
  scalingRegression,
} from "../analysis/scaling.js";
import { median } from "../analysis/summary.js";
import { type Database, isUniqueViolation } from "../db/client.js";
import { getRun, type StoredMeasurement, type StoredRunDetail } from "../db/run-repository.js";
import { NotFoundError } from "../errors.js";
import { type StoredRegression, toStoredRegressions } from "./regression-store.js";

/** Options of {@link checkRunAgainstHistory}. */
export interface CheckRunOptions {
  /**
   * Points of history per series (ending at the checked run). Default 200: enough for
   * the detector's 100-point windows on each side of a change, and one index scan.
   */
  historyLength?: number;
  /**
   * Report only changes introduced by one of the last `lastPoints` runs of each series
   * (the checked run included). Default 20: a change needs 5 runs after it before it can
   * be told from outliers, and small steps take longer (about 10-20 runs for 1-2 noise
   * sigmas, see src/analysis/README.md), so a change is reported by a later run's check
   * and attributed to the run that introduced it. Older changes are history, not news.
   */
  lastPoints?: number;
  /** False discovery rate across all series of the run. Default 0.05. */
  falseDiscoveryRate?: number;
  /** Passed to the detector (direction is always lower-is-better: wall times). */
  detection?: Omit<RegressionOptions, "lastPoints" | "direction">;
  /** Thresholds of the scaling check. */
  scaling?: ScalingRegressionOptions;
}

/** The scaling check of one mode of the run against the previous comparable run. */
export interface ScalingCheck {
  mode: string;
  /** The previous run of the same workload, params, scaling, testbed and branch. */
  baseRunId: string;
  baseFit: ScalingFit;
  headFit: ScalingFit;
  result: ScalingRegression;
}

/** What {@link checkRunAgainstHistory} did. */
export interface CheckRunResult {
  runId: string;
  /** Series of the run whose history was searched. */
  checkedSeries: number;
  /** Series of the run that are muted: not searched, nothing stored. */
  mutedSeries: string[];
  /**
   * Regressions and improvements stored by THIS check (re-checking stores nothing
   * twice). A change found now may have been introduced by an earlier run: see runId.
   */
  stored: StoredRegression[];
  /** Changes found that were already stored (same series, same change). */
  alreadyStored: number;
  /**
   * Scaling fits compared with the previous comparable run, one per parallel mode.
   * Not stored: the Regression table has no metric column to tell a scaling regression
   * from a wall-time one (see the module README).
   */
  scaling: ScalingCheck[];
}

/** A change is "the same" as a stored one when it lies this many points away or closer. */
const sameChangeRadius = 5;

/**
 * Checks each series of a stored run against its history on the same branch and testbed
 * (the series key already encodes workload, params, mode, threads, scaling, testbed and
 * branch) and stores the new step changes: regressions and improvements, with the run
 * that introduced them, the size with its interval, and the confidence. The false
 * discovery rate is controlled across all series of the run. Muted series are skipped.
 * Idempotent: a change already stored for a series (at the same run or within a few
 * points of it, where a later check may place it) is not stored again.
 *
 * Also fits Amdahl's law and the USL to each parallel mode's speedups and compares them
 * with the previous comparable run (returned, not stored).
 *
 * Runs that are not finished (queued, running) have nothing to check.
 */
export async function checkRunAgainstHistory(
  database: Database,
  runId: string,
  options: CheckRunOptions = {},
): Promise<CheckRunResult> {
  const run = await getRun(database, runId, { samples: false });
  const empty: CheckRunResult = {
    runId,
    checkedSeries: 0,
    mutedSeries: [],
    stored: [],
    alreadyStored: 0,
    scaling: [],
  };
  if (!run) throw new NotFoundError("run", runId);
  if (run.status === "queued" || run.status === "running") return empty;

  const measurements = run.measurements.filter(
    (measurement) => measurement.status === "succeeded" && measurement.wall !== null,
  );
  const keys = [...new Set(measurements.map((measurement) => measurement.seriesKey))];
  const muted = new Set(
    (
      await database.prisma.mutedSeries.findMany({
        where: { seriesKey: { in: keys } },
        select: { seriesKey: true },
      })
    ).map((row) => row.seriesKey),
  );
  const checked = measurements.filter((measurement) => !muted.has(measurement.seriesKey));

  const historyLength = clampInteger(options.historyLength ?? 200, 10, 10_000);
  const lastPoints = clampInteger(options.lastPoints ?? 20, 1, historyLength);
  const histories = await Promise.all(
    checked.map((measurement) =>
      readHistory(database, measurement, run.seeded, historyLength, run.workloadHash),
    ),
  );
  const detected = detectRegressionsAcrossSeries(histories, {
    ...options.detection,
    direction: "lower-is-better",
    lastPoints,
    falseDiscoveryRate: options.falseDiscoveryRate ?? 0.05,
  });

  // Changes are re-located (see refineChangeIndex) and reported only once they have
  // minSegmentLength points after them: until then a step is not told from outliers.
  const minSegmentLength = Math.max(1, options.detection?.minSegmentLength ?? 5);
  const { stored, alreadyStored } = await storeChanges(
    database,
    checked.map((measurement, index) => {
      const history = histories[index] as SeriesHistory;
      const count = history.values.length;
      return {
        seriesKey: measurement.seriesKey,
        history,
        changes: (detected[index] ?? [])
          .map((change) => relocate(change, history))
          .filter((change) => change.index <= count - minSegmentLength),
      };
    }),
  );

  return {
    runId,
    checkedSeries: checked.length,
    mutedSeries: [...muted].sort(),
    stored,
    alreadyStored,
    scaling: await checkScaling(database, run, options.scaling),
  };
}

/** One series' history, oldest first, ending at (and including) the measurement's run. */
async function readHistory(
  database: Database,
  measurement: StoredMeasurement,
  seeded: boolean,
  historyLength: number,
  workloadHash: string | null,
): Promise<SeriesHistory> {
  const rows = await database.prisma.measurement.findMany({
    where: {
      seriesKey: measurement.seriesKey,
      status: "succeeded",
      wallMedian: { not: null },
      recordedAt: { lte: measurement.recordedAt },
      // Seeded (synthetic) history and real history never mix. Workload modules (issue 9):
      // only runs of the same module source compare; a changed workloadHash is a changed
      // benchmark, not a regression of the code, so its history starts anew (built-ins
      // have null, which matches null).
      run: { seeded, workloadHash },
    },
    orderBy: [{ recordedAt: "desc" }, { id: "desc" }],
    take: historyLength,
    select: { runId: true, wallMedian: true, wallStddev: true, sampleCount: true },
  });
  rows.reverse();
  return {
    values: rows.map((row) => row.wallMedian as number),
    runIds: rows.map((row) => row.runId),
    // Standard error of each point's median (about 1.25 sigma / sqrt(n) for normal noise).
    uncertainties: rows.map((row) =>
      row.wallStddev !== null && row.sampleCount > 1
        ? (1.2533 * row.wallStddev) / Math.sqrt(row.sampleCount)
        : 0,
    ),
  };
}

async function storeChanges(
  database: Database,
  seriesList: ReadonlyArray<{ seriesKey: string; history: SeriesHistory; changes: DetectedChange[] }>,
): Promise<{ stored: StoredRegression[]; alreadyStored: number }> {
  const withChanges = seriesList.filter((series) => series.changes.length > 0);
  if (withChanges.length === 0) return { stored: [], alreadyStored: 0 };
  const existing = await database.prisma.regression.findMany({
    where: { seriesKey: { in: withChanges.map((series) => series.seriesKey) } },
    select: { seriesKey: true, runId: true, kind: true },
  });
  const createdIds: string[] = [];
  let alreadyStored = 0;
  for (const { seriesKey, history, changes } of withChanges) {
    const positions = new Map(history.runIds.map((id, index) => [id, index]));
    const known = existing
      .filter((row) => row.seriesKey === seriesKey)
      .map((row) => ({ kind: row.kind, index: positions.get(row.runId) }));
    for (const change of changes) {
      const duplicate = known.some(
        (row) =>
          row.kind === change.kind &&
          row.index !== undefined &&
          Math.abs(row.index - change.index) <= sameChangeRadius,
      );
      if (duplicate) {
        alreadyStored++;
        continue;
      }
      const now = new Date();
      const id = randomUUID();
      const step = change.relativeStep;
      try {
        await database.prisma.regression.create({
          data: {
            id,
            seriesKey,
            runId: change.runId,
            kind: change.kind,
            size: step.estimate,
            baselineValue: finiteOrNull(change.beforeMedian),
            currentValue: finiteOrNull(change.afterMedian),
            intervalLow: finiteOrNull(step.lower),
            intervalHigh: finiteOrNull(step.upper),
            confidence: change.confidence,
            status: "open",
            createdAt: now,
            updatedAt: now,
          },
        });
        createdIds.push(id);
        known.push({ kind: change.kind, index: change.index });
      } catch (error) {
        // A concurrent check of another run stored the same (series, run) first.
        if (!isUniqueViolation(error)) throw error;
        alreadyStored++;
      }
    }
  }
  if (createdIds.length === 0) return { stored: [], alreadyStored };
  const rows = await database.prisma.regression.findMany({
    where: { id: { in: createdIds } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return { stored: await toStoredRegressions(database, rows), alreadyStored };
}

/** Points considered on each side of a change when re-locating it. */
const refineWindow = 30;
/** How far (in points) a change may move when re-located. */
const refineRadius = 2;

/**
 * The rank-based split statistic is standardised by the segment sizes, so while the
 * new level has only a handful of points it prefers to take one more old point into the
 * short "after" segment: online, a step is first found one run early, at the last run
 * before it (seen in the 20%-step test). This moves the split, within +-2 points, to
 * the one with the smallest sum of absolute deviations from the two local medians (an
 * L1 two-segment fit), which puts a borderline point on the side of the level it
 * belongs to. Exported for tests; belongs in analysis/change-points.ts eventually.
 */
export function refineChangeIndex(values: readonly number[], index: number): number {
  const count = values.length;
  const first = Math.max(1, index - refineRadius);
  const last = Math.min(count - 1, index + refineRadius);
  const low = Math.max(0, index - refineWindow);
  const high = Math.min(count, index + refineWindow);
  let best = index;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let split = first; split <= last; split++) {
    const cost = absoluteDeviation(values.slice(low, split)) + absoluteDeviation(values.slice(split, high));
    // Strictly better only: ties keep the detector's choice (closest to it first).
    if (cost < bestCost - 1e-12 * Math.abs(bestCost) || (cost <= bestCost && split === index)) {
      best = split;
      bestCost = cost;
    }
  }
  return best;
}

function absoluteDeviation(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const center = median(values);
  return values.reduce((total, value) => total + Math.abs(value - center), 0);
}

function relocate(change: DetectedChange, history: SeriesHistory): DetectedChange {
  const index = refineChangeIndex(history.values, change.index);
  if (index === change.index) return change;
  return {
    ...change,
    index,
    runId: history.runIds[index] as string,
    previousRunId: index > 0 ? (history.runIds[index - 1] as string) : null,
  };
}

// ---------------------------------------------------------------------------------------
// Scaling

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

async function checkScaling(
  database: Database,
  run: StoredRunDetail,
  options: ScalingRegressionOptions | undefined,
): Promise<ScalingCheck[]> {
  const modes = [...new Set(run.measurements.map((measurement) => measurement.mode))].filter(
    (mode) => mode !== "sequential",
  );
  const headFits = modes
    .map((mode) => ({ mode, fit: fitScaling(scalingPoints(run, mode)) }))
    .filter(({ fit }) => new Set(fit.points.map((point) => point.threads)).size >= 2);
  if (headFits.length === 0) return [];
  const previous = await database.prisma.run.findFirst({
    where: {
      id: { not: run.id },
      workloadId: run.workloadId,
      paramsKey: run.paramsKey,
      scaling: run.scaling,
      testbedId: run.testbed?.id ?? null,
      branch: run.branch,
      seeded: run.seeded,
      // Same module source only (see readHistory).
      workloadHash: run.workloadHash,
      status: "succeeded",
      createdAt: { lt: run.createdAt },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  if (!previous) return [];
  const base = await getRun(database, previous.id, { samples: false });
  if (!base) return [];
  const checks: ScalingCheck[] = [];
  for (const { mode, fit: headFit } of headFits) {
    const baseFit = fitScaling(scalingPoints(base, mode));
    if (new Set(baseFit.points.map((point) => point.threads)).size < 2) continue;
    checks.push({
      mode,
      baseRunId: base.id,
      baseFit,
      headFit,
      result: scalingRegression(baseFit, headFit, options),
    });
  }
  return checks;
}

function clampInteger(value: number, min: number, max: number): number {
  return Math.min(Math.max(Math.trunc(value), min), max);
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
