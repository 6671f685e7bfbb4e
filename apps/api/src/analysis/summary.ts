import type { Summary } from "@threadbench/core";
import { createRandom, median, medianOfSorted } from "@threadbench/core";

/**
 * Min, max, median, mean, sample standard deviation and coefficient of variation.
 * Returns null for an empty list: no samples, no statistics.
 */
export function summarize(values: readonly number[]): Summary | null {
  const count = values.length;
  if (count === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  let { mean, stddev } = moments(values, 1);
  if (!Number.isFinite(mean) || !Number.isFinite(stddev)) {
    // Sums or squares overflowed (values near Number.MAX_VALUE): the same figures from
    // values scaled into [-1, 1], so a huge spread is never stored as none (non-finite
    // statistics are stored as null and read back as 0).
    const scale = Math.max(Math.abs(sorted[0] as number), Math.abs(sorted[count - 1] as number));
    const scaled = moments(values, scale);
    mean = scaled.mean * scale;
    stddev = scaled.stddev * scale;
  }
  return {
    count,
    min: sorted[0] as number,
    max: sorted[count - 1] as number,
    median: medianOfSorted(sorted),
    mean,
    stddev,
    cv: mean === 0 ? 0 : stddev / mean,
  };
}

/** Mean and sample standard deviation of `values / scale`. */
function moments(values: readonly number[], scale: number): { mean: number; stddev: number } {
  const count = values.length;
  const mean = values.reduce((total, value) => total + value / scale, 0) / count;
  const variance =
    count > 1 ? values.reduce((total, value) => total + (value / scale - mean) ** 2, 0) / (count - 1) : 0;
  return { mean, stddev: Math.sqrt(variance) };
}

/** The p-quantile (0 <= p <= 1) of sorted values, interpolating linearly (R's type 7). */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const count = sorted.length;
  if (count === 0) return Number.NaN;
  const position = (count - 1) * Math.min(1, Math.max(0, p));
  const below = Math.floor(position);
  const above = Math.min(count - 1, below + 1);
  const low = sorted[below] as number;
  return low + (position - below) * ((sorted[above] as number) - low);
}

/**
 * Median of the first `count` entries of a scratch array, reordering them in place
 * (Hoare's selection, linear on average). Used by bootstraps, which take thousands of
 * medians of resamples and cannot afford a sort each time: kept here rather than beside
 * the plain `median` in @threadbench/core, which copies and sorts (fine for a few calls).
 */
export function medianInPlace(scratch: Float64Array, count: number): number {
  if (count === 0) return Number.NaN;
  const upper = selectInPlace(scratch, count, count >> 1);
  if (count % 2 === 1) return upper;
  // After selection everything left of count/2 is <= upper: the lower middle is their max.
  let lower = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < count >> 1; index++) {
    const value = scratch[index] as number;
    if (value > lower) lower = value;
  }
  return (lower + upper) / 2;
}

function selectInPlace(values: Float64Array, count: number, rank: number): number {
  let left = 0;
  let right = count - 1;
  while (right > left) {
    const pivot = values[(left + right) >> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (rank <= j) right = j;
    else if (rank >= i) left = i;
    else break;
  }
  return values[rank] as number;
}

/** Options of {@link medianAbsoluteDeviation}. */
export interface MadOptions {
  /**
   * Multiply by 1.4826 so that the MAD estimates the standard deviation of normal data
   * (1 / Phi^-1(3/4)). Default true.
   */
  scaled?: boolean;
}

/**
 * Median absolute deviation from the median: a spread that a few outliers cannot move.
 * Scaled by default (comparable to a standard deviation); `{ scaled: false }` for the raw
 * value. NaN for an empty list.
 */
export function medianAbsoluteDeviation(values: readonly number[], options: MadOptions = {}): number {
  if (values.length === 0) return Number.NaN;
  const center = median(values);
  const raw = median(values.map((value) => Math.abs(value - center)));
  return (options.scaled ?? true) ? raw * madNormalConsistency : raw;
}

/** 1 / Phi^-1(3/4): makes the MAD a consistent estimator of sigma for normal data. */
export const madNormalConsistency = 1.482602218505602;

/** A two-sided interval around an estimate. */
export interface ConfidenceInterval {
  estimate: number;
  lower: number;
  upper: number;
  /** Nominal coverage, e.g. 0.95. */
  confidence: number;
}

/** Options of {@link bootstrapMedianInterval}. */
export interface BootstrapOptions {
  /** Nominal coverage in (0, 1). Default 0.95. */
  confidence?: number;
  /** Number of bootstrap resamples. Default 2000. */
  resamples?: number;
  /** Seed of the resampling; the same seed always gives the same interval. Default 1. */
  seed?: number;
}

/**
 * Percentile-bootstrap confidence interval of the median: resample with replacement,
 * take each resample's median, report the central `confidence` share of them.
 * Deterministic for a seed. Null for an empty list.
 */
export function bootstrapMedianInterval(
  values: readonly number[],
  options: BootstrapOptions = {},
): ConfidenceInterval | null {
  const count = values.length;
  if (count === 0) return null;
  const confidence = options.confidence ?? 0.95;
  const resamples = options.resamples ?? 2000;
  const random = createRandom(options.seed ?? 1);
  const scratch = new Float64Array(count);
  const medians = new Float64Array(resamples);
  for (let resample = 0; resample < resamples; resample++) {
    for (let index = 0; index < count; index++) {
      scratch[index] = values[random.integer(count)] as number;
    }
    medians[resample] = medianInPlace(scratch, count);
  }
  medians.sort();
  const tail = (1 - confidence) / 2;
  return {
    estimate: median(values),
    lower: quantileOfSorted(medians, tail),
    upper: quantileOfSorted(medians, 1 - tail),
    confidence,
  };
}
