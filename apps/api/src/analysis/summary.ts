import type { Summary } from "../runner/types.js";

/** Median of already sorted values. */
export function medianOfSorted(sorted: readonly number[]): number {
  const count = sorted.length;
  if (count === 0) return Number.NaN;
  const middle = Math.floor(count / 2);
  return count % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Median of values in any order. */
export function median(values: readonly number[]): number {
  return medianOfSorted([...values].sort((a, b) => a - b));
}

/**
 * Min, max, median, mean, sample standard deviation and coefficient of variation.
 * Returns null for an empty list: no samples, no statistics.
 */
export function summarize(values: readonly number[]): Summary | null {
  const count = values.length;
  if (count === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((total, value) => total + value, 0) / count;
  const variance =
    count > 1
      ? values.reduce((total, value) => total + (value - mean) ** 2, 0) / (count - 1)
      : 0;
  const stddev = Math.sqrt(variance);
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
