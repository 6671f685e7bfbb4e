import { controlFalseDiscovery } from "./false-discovery.js";
import { type ChangeKind, kindOf, type OnlineCheckOptions } from "./online-check.js";
import { findSteps, type Step } from "./step-detector.js";
import type { ConfidenceInterval } from "./summary.js";

/** A series' history, oldest first, as the store hands it over. */
export interface SeriesHistory {
  /** One value per run, e.g. the median wall time of the measurement in milliseconds. */
  values: readonly number[];
  /** The run of each value, same order. */
  runIds: readonly string[];
  /** Optional per-point standard error (e.g. of each run's median, from its repetitions). */
  uncertainties?: readonly number[];
}

/** Options of {@link detectRegressions}: the step detector's and the direction. */
export type RegressionOptions = OnlineCheckOptions;

/** A step change classified for the store. */
export interface DetectedChange {
  kind: ChangeKind;
  /** Index of the first point at the new level. */
  index: number;
  /** The run that introduced the change. */
  runId: string;
  /** The last run before the change. */
  previousRunId: string | null;
  /** Levels before and after (robust estimates, in the values' unit). */
  before: number;
  after: number;
  /** after / before - 1 (relative scale) or after - before (absolute), with its interval. */
  change: ConfidenceInterval;
  statistic: number;
  pValue: number;
  confidence: number;
}

/** The store's view of a detected step. */
export function toDetectedChange(step: Step, series: SeriesHistory, kind: ChangeKind): DetectedChange {
  return {
    kind,
    index: step.index,
    runId: series.runIds[step.index] as string,
    previousRunId: step.index > 0 ? (series.runIds[step.index - 1] as string) : null,
    before: step.before,
    after: step.after,
    change: step.change,
    statistic: step.statistic,
    pValue: step.pValue,
    confidence: step.confidence,
  };
}

function checkLengths(series: SeriesHistory): void {
  const count = series.values.length;
  if (series.runIds.length !== count) {
    throw new TypeError(
      `series.runIds must have one entry per value (${count}), got ${series.runIds.length}`,
    );
  }
  if (series.uncertainties && series.uncertainties.length !== count) {
    throw new TypeError(
      `series.uncertainties must have one entry per value (${count}), got ${series.uncertainties.length}`,
    );
  }
}

/**
 * Finds the step changes of a whole history at once (what the online check would have
 * stored had it run after every run, without the stored rows): by default every change
 * with enough runs after it, or only those among the last `lastPoints` runs. Ordered by
 * index.
 */
export function detectRegressions(series: SeriesHistory, options: RegressionOptions = {}): DetectedChange[] {
  checkLengths(series);
  const { direction, ...detector } = options;
  const steps = findSteps(series.values, {
    lastPoints: Math.max(1, series.values.length),
    maxSteps: 50,
    ...detector,
    ...(series.uncertainties ? { uncertainties: series.uncertainties } : {}),
  });
  return steps.map((step) => toDetectedChange(step, series, kindOf(step, direction)));
}

/** Options of {@link detectRegressionsAcrossSeries}. */
export interface ManySeriesOptions extends RegressionOptions {
  /** Target false discovery rate across all series. Default 0.05. */
  falseDiscoveryRate?: number;
}

/**
 * Keeps, of candidates found in many series at once (each already past its own series'
 * threshold), those that survive Benjamini-Hochberg control of the false discovery rate
 * q over all of them: a series without candidate counts as one hypothesis with p = 1.
 * The per-series threshold decides what is a candidate; this can only remove some when
 * many series are checked together. Returns, per series, which candidates are kept.
 */
export function controlAcrossSeries(
  pValuesPerSeries: ReadonlyArray<readonly number[]>,
  falseDiscoveryRate = 0.05,
): boolean[][] {
  const pValues = pValuesPerSeries.flatMap((values) => (values.length > 0 ? values : [1]));
  const { rejected } = controlFalseDiscovery(pValues, falseDiscoveryRate);
  let position = 0;
  return pValuesPerSeries.map((values) => {
    if (values.length === 0) {
      position++;
      return [];
    }
    return values.map(() => rejected[position++] === true);
  });
}

/**
 * Checks many series at once (e.g. every cell of a run against its history): each series
 * at its own threshold (`threshold`, the detector's z), then the candidates of all of them
 * through Benjamini-Hochberg at `falseDiscoveryRate`. Returns one list per series, in
 * input order.
 */
export function detectRegressionsAcrossSeries(
  seriesList: readonly SeriesHistory[],
  options: ManySeriesOptions = {},
): DetectedChange[][] {
  const { falseDiscoveryRate = 0.05, ...perSeries } = options;
  const candidates = seriesList.map((series) => detectRegressions(series, perSeries));
  const kept = controlAcrossSeries(
    candidates.map((changes) => changes.map((change) => change.pValue)),
    falseDiscoveryRate,
  );
  return candidates.map((changes, index) =>
    changes.filter((_, position) => kept[index]?.[position] === true),
  );
}
