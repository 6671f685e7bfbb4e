import { createRandom, deriveSeed, median, type Random } from "@threadbench/core";
import { mannWhitneyU, relativeChangeInterval } from "./compare.js";
import { normalSurvival } from "./distributions.js";
import { midranks } from "./ranks.js";
import { type ConfidenceInterval, medianAbsoluteDeviation } from "./summary.js";

/*
 * Change points by binary segmentation with a rank statistic.
 *
 * Within a segment, every split t is scored by the standardised Mann-Whitney (rank-sum)
 * statistic of "the t points before" versus "the points after"; the best split is a change
 * when a permutation test of the maximum score says it is unlikely under "no change"
 * (exchangeable points). Then both halves are searched again.
 *
 * Why ranks rather than E-divisive's distances or a penalised Gaussian cost: a point's
 * influence on a rank statistic is bounded whatever its size, so one spike can at most
 * move the score by what one ordinary point moves it (a lone point at the edge scores at
 * most sqrt(3), far below any significant maximum), and heavy tails or two modes do not
 * inflate the noise. The permutation test makes the significance exact for any noise
 * shape without a model of it; the observed maximum's Bonferroni bound over all splits
 * gives resolution for p-values far below 1 / permutations (needed for FDR control).
 */

/** Options of {@link detectChangePoints}. */
export interface ChangePointOptions {
  /**
   * Significance level of each split test. Default 0.001: no false alarm in 88,000 points
   * of pure noise in the benchmark (target: at most 1) and no alarm in the benchmark's
   * single-outlier series, while steps of 2 noise sigmas or more are still found
   * (see src/bench/detect-bench.ts).
   */
  alpha?: number;
  /**
   * Significance level of the local check of each change: the `localWindow` points on
   * each side must differ by a Mann-Whitney test at this level. Default 0.01. It drops
   * the splits a slow drift produces in long segments, whose local step is small.
   */
  localAlpha?: number;
  /** Points on each side for the local check. Default 30. */
  localWindow?: number;
  /**
   * Smallest step, in units of the local noise (pooled scaled MAD of the local windows),
   * that the local check accepts. Default 1: a one-sigma step is below what a slow drift
   * produces between two windows, so smaller ones are drift as often as steps.
   */
  minStepSigmas?: number;
  /**
   * Fewest points on each side of a change. Default 5: a change needs a few runs behind
   * it before it can be told from a burst of outliers.
   */
  minSegmentLength?: number;
  /**
   * Most permutations of the significance test. Default 1999, enough to resolve p-values
   * near alpha; clear cases stop early (sequential test) or need none (Bonferroni bound).
   */
  permutations?: number;
  /** Seed of permutations and bootstraps. Default 1. */
  seed?: number;
  /** Most changes to report (the most significant splits are found first). Default 50. */
  maxChangePoints?: number;
  /**
   * Per-point standard uncertainty (same order as the values), e.g. the spread of each
   * run's repetitions: widens each change's interval accordingly.
   */
  uncertainties?: readonly number[];
  /**
   * At most this many points on each side of a change (up to the neighbouring changes)
   * give its before / after medians and interval. Default 100: recent history matters
   * more than old, and slow drift must not bias the step.
   */
  window?: number;
  /** Coverage of each step's interval. Default 0.95. */
  confidence?: number;
  /** Bootstrap resamples for each step's interval. Default 1000. */
  resamples?: number;
}

/** One detected step change. */
export interface ChangePoint {
  /** Index of the first point at the new level. */
  index: number;
  beforeMedian: number;
  afterMedian: number;
  /** Points on each side used for the medians and interval. */
  beforeCount: number;
  afterCount: number;
  /** afterMedian / beforeMedian - 1 with its bootstrap interval (NaN if before is 0). */
  relativeStep: ConfidenceInterval;
  /** Maximum standardised rank-sum score of the split. */
  statistic: number;
  /**
   * Probability of so large a score without a change in the segment searched (the larger
   * of the split test's and the local check's p-values).
   */
  pValue: number;
  /** 1 - pValue. */
  confidence: number;
}

interface SplitTest {
  index: number;
  statistic: number;
  pValue: number;
}

/**
 * Finds step changes in an ordered series (oldest first). Deterministic for a seed;
 * robust to single outliers; linear-time per permutation, so a 1,000-point series takes a
 * few milliseconds.
 */
export function detectChangePoints(
  values: readonly number[],
  options: ChangePointOptions = {},
): ChangePoint[] {
  const alpha = options.alpha ?? 0.001;
  const localAlpha = options.localAlpha ?? 0.01;
  const localWindow = options.localWindow ?? 30;
  const minStepSigmas = options.minStepSigmas ?? 1;
  const minSegmentLength = Math.max(1, options.minSegmentLength ?? 5);
  const permutations = options.permutations ?? 1999;
  const seed = options.seed ?? 1;
  const maxChangePoints = options.maxChangePoints ?? 50;

  const found: SplitTest[] = [];
  const pending: Array<[number, number]> = [[0, values.length]];
  while (pending.length > 0 && found.length < maxChangePoints) {
    const [start, end] = pending.pop() as [number, number];
    const random = createRandom(deriveSeed(seed, start * 100_003 + end));
    const split = testSplit(values, start, end, { minSegmentLength, permutations, alpha, random });
    if (split === null || split.pValue > alpha) continue;
    found.push(split);
    pending.push([start, split.index], [split.index, end]);
  }
  found.sort((a, b) => a.index - b.index);
  const confirmed = found.flatMap((split, position) => {
    const previous = position > 0 ? (found[position - 1] as SplitTest).index : 0;
    const next = position + 1 < found.length ? (found[position + 1] as SplitTest).index : values.length;
    const before = values.slice(Math.max(previous, split.index - localWindow), split.index);
    const after = values.slice(split.index, Math.min(next, split.index + localWindow));
    const local = mannWhitneyU(before, after, { method: "normal" });
    const noise = Math.sqrt(
      (medianAbsoluteDeviation(before) ** 2 * before.length +
        medianAbsoluteDeviation(after) ** 2 * after.length) /
        (before.length + after.length),
    );
    const step = Math.abs(median(after) - median(before));
    const confirmedLocally = local.pValue <= localAlpha && step >= minStepSigmas * noise;
    return confirmedLocally ? [{ ...split, pValue: Math.max(split.pValue, local.pValue) }] : [];
  });
  return confirmed.map((split, position) =>
    describeChange(values, split, {
      previous: position > 0 ? (confirmed[position - 1] as SplitTest).index : 0,
      next: position + 1 < confirmed.length ? (confirmed[position + 1] as SplitTest).index : values.length,
      window: options.window ?? 100,
      confidence: options.confidence ?? 0.95,
      resamples: options.resamples ?? 1000,
      seed: deriveSeed(seed, split.index),
      uncertainties: options.uncertainties,
    }),
  );
}

/** Best split of values[start, end) and its permutation p-value; null if none possible. */
function testSplit(
  values: readonly number[],
  start: number,
  end: number,
  settings: { minSegmentLength: number; permutations: number; alpha: number; random: Random },
): SplitTest | null {
  const { minSegmentLength, permutations, alpha, random } = settings;
  const count = end - start;
  if (count < 2 * minSegmentLength) return null;
  const { ranks } = midranks(values.slice(start, end));
  const centre = (count + 1) / 2;
  const centred = new Float64Array(count);
  let sumOfSquares = 0;
  for (let index = 0; index < count; index++) {
    const deviation = (ranks[index] as number) - centre;
    centred[index] = deviation;
    sumOfSquares += deviation * deviation;
  }
  if (sumOfSquares === 0) return null;
  // Var(sum of the first t centred ranks) = SS t (n - t) / (n (n - 1)) under permutation.
  const inverseDeviation = new Float64Array(count);
  for (let split = minSegmentLength; split <= count - minSegmentLength; split++) {
    inverseDeviation[split] = 1 / Math.sqrt((sumOfSquares * split * (count - split)) / (count * (count - 1)));
  }
  const observed = maxScore(centred, inverseDeviation, minSegmentLength);
  const splits = count - 2 * minSegmentLength + 1;
  const bonferroni = Math.min(1, 2 * splits * normalSurvival(observed.score));
  const result = (pValue: number): SplitTest => ({
    index: start + observed.split,
    statistic: observed.score,
    pValue,
  });
  if (bonferroni <= alpha) return result(bonferroni);

  // Sequential permutation test (Besag & Clifford 1991): stop once enough permuted maxima
  // beat the observed one, since then the p-value is clearly large.
  const enoughExceedances = 10;
  const shuffled = centred.slice();
  let exceedances = 0;
  let performed = 0;
  while (performed < permutations && exceedances < enoughExceedances) {
    for (let index = count - 1; index > 0; index--) {
      const other = random.integer(index + 1);
      const swap = shuffled[index] as number;
      shuffled[index] = shuffled[other] as number;
      shuffled[other] = swap;
    }
    performed++;
    if (maxScore(shuffled, inverseDeviation, minSegmentLength).score >= observed.score - 1e-9) {
      exceedances++;
    }
  }
  const permutationP =
    exceedances >= enoughExceedances ? exceedances / performed : (exceedances + 1) / (performed + 1);
  return result(Math.min(permutationP, bonferroni));
}

function maxScore(
  centred: Float64Array,
  inverseDeviation: Float64Array,
  minSegmentLength: number,
): { score: number; split: number } {
  const count = centred.length;
  let cumulative = 0;
  for (let index = 0; index < minSegmentLength - 1; index++) cumulative += centred[index] as number;
  let best = -1;
  let bestSplit = minSegmentLength;
  for (let split = minSegmentLength; split <= count - minSegmentLength; split++) {
    cumulative += centred[split - 1] as number;
    const score = Math.abs(cumulative) * (inverseDeviation[split] as number);
    if (score > best) {
      best = score;
      bestSplit = split;
    }
  }
  return { score: best, split: bestSplit };
}

function describeChange(
  values: readonly number[],
  split: SplitTest,
  context: {
    previous: number;
    next: number;
    window: number;
    confidence: number;
    resamples: number;
    seed: number;
    uncertainties: readonly number[] | undefined;
  },
): ChangePoint {
  const beforeStart = Math.max(context.previous, split.index - context.window);
  const afterEnd = Math.min(context.next, split.index + context.window);
  const before = values.slice(beforeStart, split.index);
  const after = values.slice(split.index, afterEnd);
  const beforeMedian = median(before);
  const afterMedian = median(after);
  const interval = relativeChangeInterval(before, after, {
    confidence: context.confidence,
    resamples: context.resamples,
    seed: context.seed,
    ...(context.uncertainties
      ? {
          baseUncertainties: context.uncertainties.slice(beforeStart, split.index),
          headUncertainties: context.uncertainties.slice(split.index, afterEnd),
        }
      : {}),
  });
  return {
    index: split.index,
    beforeMedian,
    afterMedian,
    beforeCount: before.length,
    afterCount: after.length,
    relativeStep: interval ?? {
      estimate: Number.NaN,
      lower: Number.NaN,
      upper: Number.NaN,
      confidence: context.confidence,
    },
    statistic: split.statistic,
    pValue: split.pValue,
    confidence: 1 - split.pValue,
  };
}
