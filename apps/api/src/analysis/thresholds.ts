import { median } from "@threadbench/core";
import { normalQuantile, studentTQuantile, studentTSurvival } from "./distributions.js";
import { madNormalConsistency, quantileOfSorted } from "./summary.js";

/*
 * Thresholds of the CI gate: is one new run's value outside what the base branch's recent
 * runs make plausible? Modelled on Bencher's threshold models
 * (lib/bencher_boundary/src/limits: percentage, z-score, Student's t, IQR), over per-run
 * values rather than over one run's repetitions, because two runs of the same code differ
 * by more than the scatter of either one's repetitions (see src/analysis/README.md).
 *
 * Relative metrics (wall times, efficiencies) are modelled on the log scale: run-to-run
 * noise is multiplicative, and the limits are then relative changes ("+6.1%") that mean
 * the same for a 5 ms and a 5 s benchmark. Absolute metrics (serial fractions) are not.
 */

export const thresholdModels = ["mad", "t", "z", "iqr", "percentage"] as const;
/**
 * mad (default): the Student-t prediction interval with the median for the mean and the
 * scaled MAD (1.4826 x median absolute deviation) for the standard deviation, median +-
 * t(boundary, n-1) MAD sqrt(1 + 1/n): a fast or slow outlier run in the history (a busy
 * or a briefly idle machine) neither moves the center nor widens the limit, which with
 * 10 base runs decides between catching a 10% slowdown and not (see the gate's A/A
 * benchmark).
 * t: the same with mean and standard deviation (Bencher's t_test): honest with few runs
 * of normal noise, blind when one base run was an outlier.
 * z: mean +- z(boundary) s, as if the history's mean and sigma were exact (Bencher's z_score).
 * iqr: median +- boundary x IQR (Bencher's iqr; boundary is the multiplier, e.g. 3).
 * percentage: mean +- boundary (a fixed relative margin, e.g. 0.1 = 10%; no noise model).
 */
export type ThresholdModel = (typeof thresholdModels)[number];

/** One series' threshold. */
export interface Threshold {
  model: ThresholdModel;
  /**
   * mad, t and z: the one-sided probability the limit covers (0.5 < boundary < 1; 0.999
   * means one new run of unchanged code exceeds it once in a thousand checks if the model
   * holds). iqr: the multiplier of the interquartile range. percentage: the margin.
   */
  boundary: number;
  /** A change must also be at least this large to fail (relative, or absolute). */
  minEffect: number;
}

/** What the history predicts for one new run, and whether the head is outside it. */
export interface GateLimit {
  /** Runs of history used. */
  count: number;
  /** The history's center (geometric mean for relative t/z/percentage, median for iqr). */
  center: number;
  /** The value beyond which a run fails (max of the model's limit and the minimum effect). */
  limit: number;
  /**
   * The smallest change that fails: limit / center - 1 (relative) or limit - center
   * (absolute); positive for a limit above the center.
   */
  detectableChange: number;
}

export interface GateOutcome extends GateLimit {
  head: number;
  /** head / center - 1 (relative) or head - center (absolute). */
  change: number;
  /** Beyond the limit in the worse direction. */
  worse: boolean;
  /** Beyond the mirrored limit in the better direction (reported, never failing). */
  better: boolean;
  /**
   * One-sided probability of a value this far out for unchanged code under the t or mad
   * model (null for the other models or too little history).
   */
  pValue: number | null;
}

/** Fewest runs of history for each model: a spread needs two values. */
export function minimumHistory(model: ThresholdModel): number {
  return model === "percentage" ? 1 : model === "iqr" ? 4 : 2;
}

function mean(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0) / values.length;
}

function standardDeviation(values: readonly number[]): number {
  const center = mean(values);
  return Math.sqrt(values.reduce((total, value) => total + (value - center) ** 2, 0) / (values.length - 1));
}

/**
 * The limit for a worse value of one new run, from `history` (per-run values, any order).
 * `worse` is "up" for lower-is-better metrics and "down" for higher-is-better ones. Null
 * when the history is too short for the model.
 */
export function gateLimit(
  history: readonly number[],
  threshold: Threshold,
  options: { scale: "relative" | "absolute"; worse: "up" | "down" },
): GateLimit | null {
  const boundary = threshold.boundary;
  const relative = options.scale === "relative";
  const values = history.filter((value) => Number.isFinite(value) && (!relative || value > 0));
  const count = values.length;
  if (count < minimumHistory(threshold.model)) return null;
  const transformed = relative ? values.map(Math.log) : values;
  const sign = options.worse === "up" ? 1 : -1;
  let center: number;
  let margin: number;
  switch (threshold.model) {
    case "mad": {
      center = median(transformed);
      const spread = madNormalConsistency * median(transformed.map((value) => Math.abs(value - center)));
      margin = studentTQuantile(boundary, count - 1) * spread * Math.sqrt(1 + 1 / count);
      break;
    }
    case "t": {
      center = mean(transformed);
      const spread = standardDeviation(transformed) * Math.sqrt(1 + 1 / count);
      margin = studentTQuantile(boundary, count - 1) * spread;
      break;
    }
    case "z":
      center = mean(transformed);
      margin = normalQuantile(boundary) * standardDeviation(transformed);
      break;
    case "iqr": {
      const sorted = [...transformed].sort((a, b) => a - b);
      center = median(sorted);
      margin = boundary * (quantileOfSorted(sorted, 0.75) - quantileOfSorted(sorted, 0.25));
      break;
    }
    case "percentage":
      center = mean(transformed);
      // On the log scale a relative margin is a constant; on the absolute one, a share.
      margin = relative ? Math.log1p(boundary) : Math.abs(center) * boundary;
      break;
    default: {
      const unreachable: never = threshold.model;
      throw new TypeError(`unknown threshold model ${String(unreachable)}`);
    }
  }
  const effect = relative ? Math.log1p(threshold.minEffect) : threshold.minEffect;
  const reach = Math.max(Number.isFinite(margin) ? margin : Number.POSITIVE_INFINITY, effect);
  const limit = center + sign * reach;
  const back = (value: number) => (relative ? Math.exp(value) : value);
  const centerValue = back(center);
  return {
    count,
    center: centerValue,
    limit: back(limit),
    detectableChange: relative ? Math.expm1(limit - center) : limit - center,
  };
}

/** Judges one head value against its history's limit; null when the history is too short. */
export function judgeAgainstHistory(
  history: readonly number[],
  head: number,
  threshold: Threshold,
  options: { scale: "relative" | "absolute"; worse: "up" | "down" },
): GateOutcome | null {
  const limit = gateLimit(history, threshold, options);
  if (!limit) return null;
  const relative = options.scale === "relative";
  const change = relative ? head / limit.center - 1 : head - limit.center;
  const up = options.worse === "up";
  const mirrored = relative ? limit.center ** 2 / limit.limit : 2 * limit.center - limit.limit;
  let pValue: number | null = null;
  if ((threshold.model === "t" || threshold.model === "mad") && limit.count >= 2 && (!relative || head > 0)) {
    const values = history.filter((value) => Number.isFinite(value) && (!relative || value > 0));
    const transformed = relative ? values.map(Math.log) : values;
    const robust = threshold.model === "mad";
    const center = robust ? median(transformed) : mean(transformed);
    const scale = robust
      ? madNormalConsistency * median(transformed.map((value) => Math.abs(value - center)))
      : standardDeviation(transformed);
    const spread = scale * Math.sqrt(1 + 1 / values.length);
    const distance = ((relative ? Math.log(head) : head) - center) * (up ? 1 : -1);
    pValue = spread > 0 ? studentTSurvival(distance / spread, values.length - 1) : distance > 0 ? 0 : 1;
  }
  return {
    ...limit,
    head,
    change,
    worse: up ? head > limit.limit : head < limit.limit,
    better: up ? head < mirrored : head > mirrored,
    pValue,
  };
}
