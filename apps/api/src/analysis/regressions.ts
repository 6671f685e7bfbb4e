import { type ChangePointOptions, detectChangePoints } from "./change-points.js";
import { controlFalseDiscovery } from "./false-discovery.js";
import type { ConfidenceInterval } from "./summary.js";

/** A series' history, oldest first, as the store hands it over. */
export interface SeriesHistory {
  /** One value per run, e.g. the median wall time of the measurement in milliseconds. */
  values: readonly number[];
  /** The run of each value, same order. */
  runIds: readonly string[];
  /** Optional per-point standard uncertainty (e.g. spread of each run's repetitions). */
  uncertainties?: readonly number[];
}

/** Options of {@link detectRegressions}; change-point options pass through. */
export interface RegressionOptions extends Omit<ChangePointOptions, "uncertainties"> {
  /** Default "lower-is-better" (wall times): a step up is a regression. */
  direction?: "lower-is-better" | "higher-is-better";
  /**
   * Smallest relative step reported. Default 0.01: smaller steps, even if real, are below
   * what machine state (frequency, thermal, kernel) shifts between days.
   */
  minEffect?: number;
  /**
   * Only report changes introduced by one of the last `lastPoints` runs ("check this new
   * run against its history"). Note a change needs `minSegmentLength` points after it to
   * be told from outliers, so a one-run blip is never reported. Default: all changes.
   */
  lastPoints?: number;
}

/** A step change classified for the store. */
export interface DetectedChange {
  kind: "regression" | "improvement";
  /** Index of the first point at the new level. */
  index: number;
  /** The run that introduced the change. */
  runId: string;
  /** The last run before the change. */
  previousRunId: string | null;
  beforeMedian: number;
  afterMedian: number;
  /** Relative change of the median level with its interval. */
  relativeStep: ConfidenceInterval;
  pValue: number;
  confidence: number;
}

/**
 * Finds step changes in a series' history and classifies them as regressions or
 * improvements. A change is reported only when its interval excludes zero and its size
 * is at least minEffect.
 */
export function detectRegressions(series: SeriesHistory, options: RegressionOptions = {}): DetectedChange[] {
  const { direction = "lower-is-better", minEffect = 0.01, lastPoints, ...changeOptions } = options;
  const count = series.values.length;
  if (series.runIds.length !== count) {
    throw new TypeError(
      `series.runIds must have one entry per value (${count}), got ${series.runIds.length}`,
    );
  }
  const changes = detectChangePoints(series.values, {
    ...changeOptions,
    ...(series.uncertainties ? { uncertainties: series.uncertainties } : {}),
  });
  const firstReported = lastPoints === undefined ? 0 : count - lastPoints;
  const detected: DetectedChange[] = [];
  for (const change of changes) {
    const step = change.relativeStep;
    if (change.index < firstReported) continue;
    if (!(Math.abs(step.estimate) >= minEffect)) continue;
    if (!(step.lower > 0 || step.upper < 0)) continue;
    const worse = direction === "lower-is-better" ? step.estimate > 0 : step.estimate < 0;
    detected.push({
      kind: worse ? "regression" : "improvement",
      index: change.index,
      runId: series.runIds[change.index] as string,
      previousRunId: change.index > 0 ? (series.runIds[change.index - 1] as string) : null,
      beforeMedian: change.beforeMedian,
      afterMedian: change.afterMedian,
      relativeStep: step,
      pValue: change.pValue,
      confidence: change.confidence,
    });
  }
  return detected;
}

/** Options of {@link detectRegressionsAcrossSeries}. */
export interface ManySeriesOptions extends RegressionOptions {
  /** Target false discovery rate across all series. Default 0.05. */
  falseDiscoveryRate?: number;
}

/**
 * Checks many series at once (e.g. every cell of a finished run against its history)
 * and keeps only the changes that survive Benjamini-Hochberg control of the false
 * discovery rate across all of them. Each series is searched at level q; a series with
 * no candidate counts as one hypothesis with p = 1, which keeps the procedure
 * conservative. Returns one list per series, in input order.
 */
export function detectRegressionsAcrossSeries(
  seriesList: readonly SeriesHistory[],
  options: ManySeriesOptions = {},
): DetectedChange[][] {
  const { falseDiscoveryRate = 0.05, ...perSeries } = options;
  const candidates = seriesList.map((series) =>
    detectRegressions(series, { alpha: falseDiscoveryRate, ...perSeries }),
  );
  const pValues = candidates.flatMap((changes) =>
    changes.length > 0 ? changes.map((change) => change.pValue) : [1],
  );
  const { rejected } = controlFalseDiscovery(pValues, falseDiscoveryRate);
  let position = 0;
  return candidates.map((changes) => {
    if (changes.length === 0) {
      position++;
      return [];
    }
    return changes.filter(() => rejected[position++] === true);
  });
}
