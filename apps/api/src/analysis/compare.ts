import { createRandom, median, type Random } from "@threadbench/core";
import { normalSurvival } from "./distributions.js";
import { midranks } from "./ranks.js";
import {
  type ConfidenceInterval,
  medianAbsoluteDeviation,
  medianInPlace,
  quantileOfSorted,
} from "./summary.js";

/** How the Mann-Whitney p-value is computed. */
export type MannWhitneyMethod = "exact" | "normal";

/** Result of {@link mannWhitneyU}. */
export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, ties counting one half. */
  u: number;
  /** Normal score of U (tie-corrected, continuity-corrected); positive when x tends larger. */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
  method: MannWhitneyMethod;
}

/** Without ties and with at most this many values in all, the p-value is exact. */
const exactLimit = 60;

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test of two independent samples. The p-value is
 * exact when there are no ties and n1 + n2 <= 60 (or when `method` is "exact"), otherwise
 * the normal approximation with tie and continuity corrections; both match SciPy's
 * `mannwhitneyu(x, y, method=...)` two-sided results.
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: { method?: MannWhitneyMethod | "auto" } = {},
): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u: Number.NaN, z: 0, pValue: 1, method: "normal" };
  const { ranks, tieSum } = midranks([...x, ...y]);
  let rankSum = 0;
  for (let index = 0; index < n1; index++) rankSum += ranks[index] as number;
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const total = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (total + 1 - tieSum / (total * (total - 1)));
  const deviation = u - mean;
  const corrected = Math.max(0, Math.abs(deviation) - 0.5);
  const z = variance > 0 ? (Math.sign(deviation) * corrected) / Math.sqrt(variance) : 0;
  const requested = options.method ?? "auto";
  const method: MannWhitneyMethod =
    requested === "auto" ? (tieSum === 0 && total <= exactLimit ? "exact" : "normal") : requested;
  const pValue =
    method === "exact"
      ? Math.min(1, 2 * exactUpperTail(Math.max(u, n1 * n2 - u), n1, n2))
      : variance > 0
        ? Math.min(1, 2 * normalSurvival(Math.abs(z)))
        : 1;
  return { u, z, pValue, method };
}

/** P(U >= u) under the null for sample sizes m and n, by counting arrangements. */
function exactUpperTail(u: number, m: number, n: number): number {
  // counts[j][v]: arrangements of i x-values and j y-values with U = v, built up over i.
  const maxU = m * n;
  let previous: Float64Array[] = Array.from({ length: n + 1 }, () => {
    const row = new Float64Array(maxU + 1);
    row[0] = 1;
    return row;
  });
  for (let i = 1; i <= m; i++) {
    const current: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const row = new Float64Array(maxU + 1);
      const withoutY = j > 0 ? (current[j - 1] as Float64Array) : null;
      const withoutX = previous[j] as Float64Array;
      // The largest value is an x (beating all j y-values) or a y.
      for (let v = 0; v <= i * j; v++) {
        row[v] = (v >= j ? (withoutX[v - j] as number) : 0) + (withoutY ? (withoutY[v] as number) : 0);
      }
      current.push(row);
    }
    previous = current;
  }
  const counts = previous[n] as Float64Array;
  let all = 0;
  let upper = 0;
  const threshold = Math.ceil(u - 1e-9);
  for (let v = 0; v <= maxU; v++) {
    all += counts[v] as number;
    if (v >= threshold) upper += counts[v] as number;
  }
  return upper / all;
}

/** Options of {@link relativeChangeInterval}. */
export interface RelativeChangeOptions {
  /** Nominal coverage. Default 0.95. */
  confidence?: number;
  /** Bootstrap resamples. Default 2000. */
  resamples?: number;
  /** Seed of the bootstrap. Default 1. */
  seed?: number;
  /**
   * Per-value standard uncertainties (same order as the samples), e.g. the spread of the
   * repetitions behind each point of a history: each resampled value gets normal noise of
   * that size, so uncertain points widen the interval.
   */
  baseUncertainties?: readonly number[];
  headUncertainties?: readonly number[];
}

/**
 * Relative change of medians, median(head) / median(base) - 1, with a percentile-bootstrap
 * interval (both samples resampled independently; deterministic for a seed). Null when
 * either sample is empty or the base median is 0.
 */
export function relativeChangeInterval(
  base: readonly number[],
  head: readonly number[],
  options: RelativeChangeOptions = {},
): ConfidenceInterval | null {
  const baseMedian = median(base);
  if (base.length === 0 || head.length === 0 || baseMedian === 0) return null;
  const confidence = options.confidence ?? 0.95;
  const resamples = options.resamples ?? 2000;
  const random = createRandom(options.seed ?? 1);
  const baseScratch = new Float64Array(base.length);
  const headScratch = new Float64Array(head.length);
  const changes = new Float64Array(resamples);
  for (let resample = 0; resample < resamples; resample++) {
    resampleInto(baseScratch, base, options.baseUncertainties, random);
    resampleInto(headScratch, head, options.headUncertainties, random);
    const resampledBase = medianInPlace(baseScratch, base.length);
    changes[resample] = medianInPlace(headScratch, head.length) / resampledBase - 1;
  }
  changes.sort();
  const tail = (1 - confidence) / 2;
  return {
    estimate: median(head) / baseMedian - 1,
    lower: quantileOfSorted(changes, tail),
    upper: quantileOfSorted(changes, 1 - tail),
    confidence,
  };
}

function resampleInto(
  scratch: Float64Array,
  values: readonly number[],
  uncertainties: readonly number[] | undefined,
  random: Random,
): void {
  const count = values.length;
  for (let index = 0; index < count; index++) {
    const pick = random.integer(count);
    const jitter = uncertainties ? (uncertainties[pick] ?? 0) * random.normal() : 0;
    scratch[index] = (values[pick] as number) + jitter;
  }
}

/**
 * faster / slower: head's median is lower / higher than base's, significantly (p < alpha,
 * interval excluding 0) and by at least minEffect. unchanged: the whole interval lies
 * within +-minEffect. noisy: anything else (too few samples, or an interval too wide to
 * tell either way).
 */
export type Verdict = "faster" | "slower" | "unchanged" | "noisy";

/**
 * Samples a side needs before a verdict other than "noisy": the fewest with which the
 * default alpha (0.01) is reachable at all (5 vs 5: smallest exact two-sided p = 0.0079;
 * 4 vs 4: 0.029; 3 vs 3: 0.1).
 */
export const defaultMinSamples = 5;

/** Options of {@link compareSamples}; see the defaults for why they are what they are. */
export interface CompareOptions {
  /**
   * Smallest relative change of the median worth a verdict. Default 0.05: wall times of a
   * CPU-bound cell on a quiet machine vary by 1-3% between runs (CV), so 5% is about the
   * smallest step that is both real and worth acting on; asv's 10% misses the "last
   * commit made it 8% slower" case this tool exists for.
   */
  minEffect?: number;
  /**
   * Significance level of the two-sided Mann-Whitney test. Default 0.01: the strictest
   * level that 5 vs 5 repetitions can still reach (smallest exact p = 2/252 = 0.0079);
   * asv's 0.002 needs at least 7 repetitions on each side. With minEffect it keeps the
   * A/A false-alarm rate under 1% per cell (see src/bench/detect-bench.ts).
   */
  alpha?: number;
  /** Coverage of the bootstrap interval of the relative change. Default 0.95. */
  confidence?: number;
  /**
   * A change also has to exceed this many times the larger robust CV (scaled MAD /
   * median) of the two samples before it is called faster or slower. Default 1: a shift
   * smaller than the scatter of the repetitions themselves is what a busy machine does
   * between two back-to-back batches, and the rank test only sees within-batch scatter.
   * On clean samples (CV 1-3%) it never binds before minEffect does.
   */
  noiseMultiple?: number;
  /** Fewer samples than this on either side: the verdict is "noisy". Default {@link defaultMinSamples}. */
  minSamples?: number;
  /** Bootstrap resamples. Default 2000. */
  resamples?: number;
  /** Seed of the bootstrap. Default 1. */
  seed?: number;
}

/** Result of {@link compareSamples}. */
export interface Comparison {
  baseMedian: number;
  headMedian: number;
  /** Relative change of medians (head / base - 1) with its interval; null if undefined. */
  relativeChange: ConfidenceInterval | null;
  mannWhitney: MannWhitneyResult;
  verdict: Verdict;
}

/**
 * Compares two measurements' samples where lower is better (wall times): the relative
 * change of medians with a bootstrap interval, a Mann-Whitney test, and a verdict.
 */
export function compareSamples(
  base: readonly number[],
  head: readonly number[],
  options: CompareOptions = {},
): Comparison {
  const minEffect = options.minEffect ?? 0.05;
  const alpha = options.alpha ?? 0.01;
  const minSamples = options.minSamples ?? defaultMinSamples;
  const mannWhitney = mannWhitneyU(head, base);
  const relativeChange = relativeChangeInterval(base, head, {
    confidence: options.confidence ?? 0.95,
    resamples: options.resamples ?? 2000,
    seed: options.seed ?? 1,
  });
  const comparison = {
    baseMedian: median(base),
    headMedian: median(head),
    relativeChange,
    mannWhitney,
  };
  const noiseFloor = (options.noiseMultiple ?? 1) * Math.max(robustCv(base), robustCv(head));
  const enoughSamples = base.length >= minSamples && head.length >= minSamples;
  return {
    ...comparison,
    verdict: enoughSamples
      ? decideVerdict(comparison, Math.max(minEffect, noiseFloor), minEffect, alpha)
      : "noisy",
  };
}

function robustCv(values: readonly number[]): number {
  const center = median(values);
  return center === 0 ? 0 : medianAbsoluteDeviation(values) / Math.abs(center);
}

function decideVerdict(
  comparison: Omit<Comparison, "verdict">,
  minChange: number,
  minEffect: number,
  alpha: number,
): Verdict {
  const change = comparison.relativeChange;
  if (change === null) return "noisy";
  if (change.lower > -minEffect && change.upper < minEffect) return "unchanged";
  const significant = comparison.mannWhitney.pValue < alpha;
  if (significant && change.estimate >= minChange && change.lower > 0) return "slower";
  if (significant && change.estimate <= -minChange && change.upper < 0) return "faster";
  return "noisy";
}

/** Result of {@link wilcoxonSignedRank}. */
export interface SignedRankResult {
  /** Sum of the ranks of the positive differences (zeros dropped). */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  method: MannWhitneyMethod;
}

/**
 * Wilcoxon signed-rank test that the differences are centred on 0. Exact (by counting
 * rank-sum arrangements) without ties and with at most 50 non-zero differences, else the
 * normal approximation with tie and continuity corrections; both match SciPy's
 * `wilcoxon(d, zero_method="wilcox")`.
 */
export function wilcoxonSignedRank(differences: readonly number[]): SignedRankResult {
  const nonZero = differences.filter((difference) => difference !== 0 && Number.isFinite(difference));
  const count = nonZero.length;
  if (count === 0) return { statistic: 0, pValue: 1, method: "exact" };
  const { ranks, tieSum } = midranks(nonZero.map(Math.abs));
  let statistic = 0;
  for (let index = 0; index < count; index++) {
    if ((nonZero[index] as number) > 0) statistic += ranks[index] as number;
  }
  const mean = (count * (count + 1)) / 4;
  if (tieSum === 0 && count <= 50) {
    // counts[s]: subsets of the ranks 1..n whose sum is s.
    const maxSum = (count * (count + 1)) / 2;
    const counts = new Float64Array(maxSum + 1);
    counts[0] = 1;
    for (let rank = 1; rank <= count; rank++) {
      for (let sum = maxSum; sum >= rank; sum--)
        counts[sum] = (counts[sum] as number) + (counts[sum - rank] as number);
    }
    const total = 2 ** count;
    const extreme = Math.max(statistic, maxSum - statistic);
    let upper = 0;
    for (let sum = Math.ceil(extreme - 1e-9); sum <= maxSum; sum++) upper += counts[sum] as number;
    return { statistic, pValue: Math.min(1, (2 * upper) / total), method: "exact" };
  }
  const variance = (count * (count + 1) * (2 * count + 1)) / 24 - tieSum / 48;
  const deviation = Math.max(0, Math.abs(statistic - mean) - 0.5);
  const pValue = variance > 0 ? Math.min(1, 2 * normalSurvival(deviation / Math.sqrt(variance))) : 1;
  return { statistic, pValue, method: "normal" };
}

/** Options of {@link comparePairedSamples}. */
export interface PairedCompareOptions {
  /** Smallest relative change worth a verdict. Default 0.02. */
  minEffect?: number;
  /** Two-sided significance level of the signed-rank test. Default 0.01. */
  alpha?: number;
  /** Coverage of the interval. Default 0.95. */
  confidence?: number;
  /** Fewer pairs: the verdict is "noisy". Default 6 (the smallest n whose exact p can reach 0.05, 2/64 = 0.031). */
  minPairs?: number;
  resamples?: number;
  seed?: number;
}

/** Result of {@link comparePairedSamples}. */
export interface PairedComparison {
  pairs: number;
  baseMedian: number;
  headMedian: number;
  /** exp(median of log(head_i / base_i)) - 1 with a bootstrap interval over the pairs. */
  relativeChange: ConfidenceInterval | null;
  signedRank: SignedRankResult;
  verdict: Verdict;
}

/**
 * Compares interleaved measurements: base_i and head_i were taken moments apart (pair i),
 * so each pair shares the machine's state and the ratio head_i / base_i cancels what a
 * shared machine does between pairs, which no comparison of two separate runs can. The
 * change is the median log ratio, tested with the signed-rank test; the verdict rules are
 * those of {@link compareSamples} (lower is better).
 */
export function comparePairedSamples(
  base: readonly number[],
  head: readonly number[],
  options: PairedCompareOptions = {},
): PairedComparison {
  if (base.length !== head.length) {
    throw new TypeError(
      `base and head must be pairs: ${base.length} base values, ${head.length} head values`,
    );
  }
  const minEffect = options.minEffect ?? 0.02;
  const alpha = options.alpha ?? 0.01;
  const confidence = options.confidence ?? 0.95;
  const ratios: number[] = [];
  for (let index = 0; index < base.length; index++) {
    const before = base[index] as number;
    const after = head[index] as number;
    if (before > 0 && after > 0) ratios.push(Math.log(after / before));
  }
  const signedRank = wilcoxonSignedRank(ratios);
  let relativeChange: ConfidenceInterval | null = null;
  if (ratios.length > 0) {
    const random = createRandom(options.seed ?? 1);
    const resamples = options.resamples ?? 2000;
    const scratch = new Float64Array(ratios.length);
    const medians = new Float64Array(resamples);
    for (let resample = 0; resample < resamples; resample++) {
      for (let index = 0; index < ratios.length; index++)
        scratch[index] = ratios[random.integer(ratios.length)] as number;
      medians[resample] = medianInPlace(scratch, ratios.length);
    }
    medians.sort();
    const tail = (1 - confidence) / 2;
    relativeChange = {
      estimate: Math.expm1(median(ratios)),
      lower: Math.expm1(quantileOfSorted(medians, tail)),
      upper: Math.expm1(quantileOfSorted(medians, 1 - tail)),
      confidence,
    };
  }
  const comparison = { baseMedian: median(base), headMedian: median(head) };
  let verdict: Verdict = "noisy";
  if (relativeChange && ratios.length >= (options.minPairs ?? 6)) {
    const significant = signedRank.pValue < alpha;
    if (relativeChange.lower > -minEffect && relativeChange.upper < minEffect) verdict = "unchanged";
    else if (significant && relativeChange.estimate >= minEffect && relativeChange.lower > 0)
      verdict = "slower";
    else if (significant && relativeChange.estimate <= -minEffect && relativeChange.upper < 0)
      verdict = "faster";
  }
  return { pairs: ratios.length, ...comparison, relativeChange, signedRank, verdict };
}
