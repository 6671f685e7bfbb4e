/**
 * The plain median, for everything that takes a few medians (benchmarks, charts,
 * fixtures, the seeder). The analysis keeps its own allocation-free variants
 * (`medianInPlace` in apps/api/src/analysis/summary.ts) for bootstraps that take
 * thousands of medians per request.
 */

/** Median of already sorted values; NaN for none. */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const count = sorted.length;
  if (count === 0) return Number.NaN;
  const middle = Math.floor(count / 2);
  return count % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Median of values in any order (the input is not modified); NaN for none. */
export function median(values: readonly number[]): number {
  return medianOfSorted([...values].sort((a, b) => a - b));
}
