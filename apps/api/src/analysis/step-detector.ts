import { median } from "@threadbench/core";
import { studentTSurvival } from "./distributions.js";
import { madNormalConsistency } from "./summary.js";

/*
 * Step changes in a series of per-run values, found the way a stored history is checked
 * after every run ("online"): only changes introduced by one of the last runs are news,
 * and a change is confirmed only once enough runs at the new level follow it.
 *
 * For a candidate change at run t, the up to `window` runs before t (back to the
 * previous known change) are compared with the runs from t on (up to the next known
 * change). Each side's level is a Huber M-estimate (as efficient as a mean on normal
 * noise, but a single outlier run moves it by at most 1.5 sigma / n), and the noise sigma
 * is the pooled scaled MAD of both sides' deviations from their own levels: the
 * run-to-run scatter, which is what decides whether a level moved, not the scatter of one
 * run's repetitions. The score is
 *
 *   z = (level after - level before) / (sigma sqrt(v (1 + phi) / (1 - phi) (1/n_before + 1/n_after)))
 *
 * with v the Huber variance factor measured on the deviations (about 1.04 on normal
 * noise, more on heavy tails) and phi the lag-1 autocorrelation of the runs before the
 * change (a machine's load changes over minutes, so neighbouring runs are alike and a
 * mean of n of them varies more than sigma^2 / n). The best-scoring candidate is placed
 * at the split with the smallest two-level Huber cost within +-2 runs (the maximum-
 * likelihood location of a step), and accepted when
 *   - |z| >= `threshold`,
 *   - the change is at least `minSigmas` noise sigmas and at least `minEffect`,
 *   - at least `minAfter` runs follow it (latency is the price of precision: fewer runs
 *     cannot tell a new level from a short burst of slow runs), and `minBefore` runs
 *     precede it.
 * Then the search repeats with the new change as a boundary, so one check can find
 * several changes (a history checked once after many runs).
 *
 * Relative scale (wall times, efficiency) works on log values: steps and noise are
 * relative, so a 10% step means the same on a 5 ms and a 5 s benchmark. Absolute scale
 * (serial fractions, which can be 0) works on the values themselves.
 */

/** Options of {@link findSteps} and {@link measureStep}. */
export interface StepDetectorOptions {
  /** "relative" (default): log values, changes as after / before - 1. "absolute": after - before. */
  scale?: "relative" | "absolute";
  /** Runs that must follow a change before it is reported. Default 6. */
  minAfter?: number;
  /** Runs that must precede a change (since the previous one). Default 8. */
  minBefore?: number;
  /** Most runs before a change used to estimate the old level. Default 30. */
  window?: number;
  /**
   * Most runs after a candidate used to decide whether it is a change. Default 12: a
   * longer "after" side would let a slow drift pile up into a significant difference
   * (two 30-run halves of a drift of 0.06 sigma per run differ by 1.8 sigma), while
   * 12 runs already show a 2-sigma step with z near 6. A confirmed change is then
   * measured with up to `window` runs after it.
   */
  decisionWindow?: number;
  /** Only changes at one of the last `lastPoints` runs are searched. Default 30. */
  lastPoints?: number;
  /** Smallest |z| of a change. Default 4.5 (set on the detector benchmark, see src/analysis/README.md). */
  threshold?: number;
  /**
   * Smallest change reported: relative (0.01 = 1%) or, on the absolute scale, in the
   * values' unit. Default 0.01.
   */
  minEffect?: number;
  /** Smallest change in units of the noise sigma. Default 1.5. */
  minSigmas?: number;
  /** Indices of known changes (e.g. stored ones): segments never straddle them. */
  boundaries?: readonly number[];
  /**
   * Per-point standard errors (e.g. of each run's median from its repetitions, same
   * order as the values and in their unit): the noise sigma is never taken below their
   * median, so a history of identical values does not make every wiggle significant.
   */
  uncertainties?: readonly number[];
  /** Most changes found by one call. Default 5. */
  maxSteps?: number;
  /**
   * The smallest lag-1 autocorrelation assumed for the run-to-run noise; a history that
   * shows more (see {@link runToRunNoise}) uses its own. Default 0.3: 40 real runs on the
   * shared development VM measured 0.21-0.34 in every cell (the load of a machine
   * changes over minutes, so neighbouring runs are alike), and a mean of n correlated
   * runs varies (1 + phi) / (1 - phi) times more than n independent ones.
   */
  autocorrelation?: number;
}

/** One step change. */
export interface Step {
  /** Index of the first run at the new level. */
  index: number;
  /** Level before and after (Huber estimates, in the values' unit). */
  before: number;
  after: number;
  beforeCount: number;
  afterCount: number;
  /**
   * after / before - 1 (relative scale) or after - before (absolute), with an
   * approximate 95% interval from the score's standard error.
   */
  change: { estimate: number; lower: number; upper: number; confidence: number };
  /** The change in noise sigmas (on the log scale for relative). */
  sigmas: number;
  /** The standardised score z. */
  statistic: number;
  /**
   * Probability of a score this large somewhere among the candidates searched, on a
   * history without a change: Student-t tail (n_before + n_after - 2 degrees of freedom)
   * times the number of candidates (Bonferroni).
   */
  pValue: number;
  /** 1 - pValue. */
  confidence: number;
  /** Noise sigma used (log scale for relative) and the lag-1 autocorrelation. */
  noiseSigma: number;
  autocorrelation: number;
}

interface ResolvedOptions {
  relative: boolean;
  minAfter: number;
  minBefore: number;
  window: number;
  decisionWindow: number;
  lastPoints: number;
  threshold: number;
  minEffect: number;
  minSigmas: number;
  maxSteps: number;
  noiseFloor: number;
  /** Lag-1 autocorrelation and sigma of the noise over the history (see {@link runToRunNoise}). */
  autocorrelation: number;
  historySigma: number;
}

const huberK = 1.5;
/** Most positions a change moves when its location is refined. */
const refineRadius = 2;
const z95 = 1.959963984540054;
/** Fewest runs after a split that is scored (to locate a change, not to report it). */
const minimumTail = 2;
/** Runs whose differences give the noise's sigma and autocorrelation. */
const noiseStretch = 120;

function resolve(values: readonly number[], options: StepDetectorOptions): ResolvedOptions {
  const relative = (options.scale ?? "relative") === "relative";
  const positiveInteger = (value: number | undefined, fallback: number, name: string): number => {
    const resolved = value ?? fallback;
    if (!Number.isInteger(resolved) || resolved < 1) {
      throw new TypeError(`options.${name} must be a positive integer, got ${String(value)}`);
    }
    return resolved;
  };
  let noiseFloor = 0;
  if (options.uncertainties) {
    const floors = options.uncertainties
      .map((uncertainty, index) => (relative ? uncertainty / (values[index] as number) : uncertainty))
      .filter((value) => Number.isFinite(value) && value > 0);
    noiseFloor = floors.length > 0 ? median(floors) : 0;
  }
  return {
    relative,
    minAfter: positiveInteger(options.minAfter, 6, "minAfter"),
    minBefore: positiveInteger(options.minBefore, 8, "minBefore"),
    window: positiveInteger(options.window, 30, "window"),
    decisionWindow: positiveInteger(options.decisionWindow, 12, "decisionWindow"),
    lastPoints: positiveInteger(options.lastPoints, 30, "lastPoints"),
    threshold: options.threshold ?? 4.5,
    minEffect: options.minEffect ?? 0.01,
    minSigmas: options.minSigmas ?? 1.5,
    maxSteps: positiveInteger(options.maxSteps, 5, "maxSteps"),
    noiseFloor,
    autocorrelation: options.autocorrelation ?? 0.3,
    historySigma: 0,
  };
}

/** Huber M-estimate of location with a fixed scale, from the median. */
function huberLocation(values: readonly number[], from: number, to: number, scale: number): number {
  const slice = values.slice(from, to);
  let location = median(slice);
  if (!(scale > 0)) return location;
  for (let iteration = 0; iteration < 20; iteration++) {
    let sum = 0;
    let inside = 0;
    for (const value of slice) {
      const residual = (value - location) / scale;
      if (residual > huberK) sum += huberK;
      else if (residual < -huberK) sum -= huberK;
      else {
        sum += residual;
        inside++;
      }
    }
    if (inside === 0) break;
    const move = (scale * sum) / inside;
    location += move;
    if (Math.abs(move) < 1e-10 * scale) break;
  }
  return location;
}

function huberCost(
  values: readonly number[],
  from: number,
  to: number,
  location: number,
  scale: number,
): number {
  let cost = 0;
  for (let index = from; index < to; index++) {
    const residual = Math.abs((values[index] as number) - location) / scale;
    cost += residual <= huberK ? 0.5 * residual * residual : huberK * residual - 0.5 * huberK * huberK;
  }
  return cost;
}

/** Scaled MAD of the deviations of both sides from their own medians. */
function pooledNoise(values: readonly number[], sides: ReadonlyArray<readonly [number, number]>): number {
  const deviations: number[] = [];
  for (const [from, to] of sides) {
    const center = median(values.slice(from, to));
    for (let index = from; index < to; index++) deviations.push(Math.abs((values[index] as number) - center));
  }
  return madNormalConsistency * median(deviations);
}

/** Huber sandwich factor E[psi^2] / E[psi']^2 of standardised deviations (>= 1). */
function huberVarianceFactor(deviations: readonly number[]): number {
  let squares = 0;
  let inside = 0;
  for (const deviation of deviations) {
    const clipped = Math.max(-huberK, Math.min(huberK, deviation));
    squares += clipped * clipped;
    if (Math.abs(deviation) <= huberK) inside++;
  }
  const count = deviations.length;
  if (count === 0 || inside === 0) return 1;
  return Math.max(1, squares / count / (inside / count) ** 2);
}

/**
 * The run-to-run noise of the last `stretch` runs: its sigma and lag-1 autocorrelation
 * phi, both from medians of absolute deviations so that steps and outlier runs cannot
 * move them. sigma is the scaled MAD of the deviations from a running median of 15 runs
 * (which follows steps and slow drift, not the noise); the first differences of AR(1)
 * noise have variance 2 sigma^2 (1 - phi), so phi = 1 - MAD(differences)^2 / (2 sigma^2).
 * phi is shrunk towards 0.25 with the weight of 20 runs, so a short history is treated as
 * moderately correlated rather than independent, and kept between 0 and 0.8 (a negative
 * estimate would make the test bolder than independence).
 */
function runToRunNoise(values: readonly number[], stretch: number): { phi: number; sigma: number } {
  const from = Math.max(0, values.length - stretch);
  const count = values.length - from;
  const prior = 0.25;
  const priorWeight = 20;
  if (count < 5) return { phi: prior, sigma: 0 };
  const halfWidth = 7;
  const deviations: number[] = [];
  const differences: number[] = [];
  for (let index = from; index < values.length; index++) {
    const neighbourhood = values.slice(
      Math.max(from, index - halfWidth),
      Math.min(values.length, index + halfWidth + 1),
    );
    deviations.push(Math.abs((values[index] as number) - median(neighbourhood)));
    if (index > from) differences.push((values[index] as number) - (values[index - 1] as number));
  }
  const sigma = madNormalConsistency * median(deviations);
  const differenceCenter = median(differences);
  const differenceSigma =
    madNormalConsistency * median(differences.map((difference) => Math.abs(difference - differenceCenter)));
  if (!(sigma > 0)) return { phi: prior, sigma: differenceSigma / Math.SQRT2 };
  const estimate = 1 - differenceSigma ** 2 / (2 * sigma ** 2);
  const phi = Math.min(0.8, Math.max(0, (count * estimate + priorWeight * prior) / (count + priorWeight)));
  return { phi, sigma };
}

interface SplitScore {
  index: number;
  /** Expected level after the split without a change (the old level, or its trend). */
  before: number;
  after: number;
  beforeCount: number;
  afterCount: number;
  sigma: number;
  phi: number;
  statistic: number;
  standardError: number;
  degreesOfFreedom: number;
}

/**
 * The score of a change at `index` between the boundaries `previous` and `next`, with up
 * to `afterWindow` runs after it.
 */
function scoreSplit(
  values: readonly number[],
  index: number,
  previous: number,
  next: number,
  settings: ResolvedOptions,
  afterWindow: number,
): SplitScore {
  const beforeFrom = Math.max(previous, index - settings.window);
  const afterTo = Math.min(next, index + afterWindow);
  const sides = [
    [beforeFrom, index],
    [index, afterTo],
  ] as const;
  // The local scatter, but never less than the history's: a calm stretch of a few runs
  // (the MAD of 7 runs is often half the true sigma) must not make a wiggle a change.
  const sigma = Math.max(pooledNoise(values, sides), settings.historySigma, settings.noiseFloor, 1e-12);
  const before = huberLocation(values, beforeFrom, index, sigma);
  const after = huberLocation(values, index, afterTo, sigma);
  const deviations: number[] = [];
  for (let position = beforeFrom; position < afterTo; position++) {
    deviations.push(((values[position] as number) - (position < index ? before : after)) / sigma);
  }
  const phi = settings.autocorrelation;
  const beforeCount = index - beforeFrom;
  const afterCount = afterTo - index;
  const noiseFactor = sigma * Math.sqrt((huberVarianceFactor(deviations) * (1 + phi)) / (1 - phi));
  let standardError = noiseFactor * Math.sqrt(1 / beforeCount + 1 / afterCount);
  let expected = before;
  // Slow drift is not a step: when the runs before the change trend significantly
  // (|t| >= 2 on up to 2 x window runs), the "after" level is compared with that trend
  // carried forward, and the slope's uncertainty widens the error.
  const trendFrom = Math.max(previous, index - 2 * settings.window);
  const trend = trendSlope(values, trendFrom, index, sigma);
  if (trend !== null) {
    const distance = (index + afterTo - 1) / 2 - (beforeFrom + index - 1) / 2;
    const slopeError = noiseFactor / Math.sqrt(trend.sumOfSquares);
    if (Math.abs(trend.slope) >= 2 * slopeError) {
      expected = before + trend.slope * distance;
      standardError = Math.hypot(standardError, slopeError * distance);
    }
  }
  return {
    index,
    before: expected,
    after,
    beforeCount,
    afterCount,
    sigma,
    phi,
    statistic: (after - expected) / standardError,
    standardError,
    degreesOfFreedom: Math.max(1, beforeCount + afterCount - 2),
  };
}

/**
 * Least-squares slope of values[from, to) per run, each value clipped to within 2.5
 * sigma of the stretch's median (so one outlier run cannot tilt it), with the sum of
 * squares of the run positions; null for fewer than 12 runs.
 */
function trendSlope(
  values: readonly number[],
  from: number,
  to: number,
  sigma: number,
): { slope: number; sumOfSquares: number } | null {
  const count = to - from;
  if (count < 12) return null;
  const center = median(values.slice(from, to));
  const meanPosition = (from + to - 1) / 2;
  let covariance = 0;
  let sumOfSquares = 0;
  for (let index = from; index < to; index++) {
    const clipped = Math.max(center - 2.5 * sigma, Math.min(center + 2.5 * sigma, values[index] as number));
    covariance += (index - meanPosition) * clipped;
    sumOfSquares += (index - meanPosition) ** 2;
  }
  return { slope: covariance / sumOfSquares, sumOfSquares };
}

/** Two-level Huber cost of a change at `index` over a fixed stretch [from, to). */
function splitCost(
  values: readonly number[],
  index: number,
  from: number,
  to: number,
  sigma: number,
): number {
  const before = huberLocation(values, from, index, sigma);
  const after = huberLocation(values, index, to, sigma);
  return huberCost(values, from, index, before, sigma) + huberCost(values, index, to, after, sigma);
}

function neighbours(boundaries: readonly number[], index: number, count: number): [number, number] {
  let previous = 0;
  let next = count;
  for (const boundary of boundaries) {
    if (boundary <= index && boundary > previous) previous = boundary;
    if (boundary > index && boundary < next) next = boundary;
  }
  return [previous, next];
}

/**
 * Moves a change at `index` within +-2 runs to the split with the smallest two-level
 * Huber cost (its maximum-likelihood location), staying `minBefore` / `minAfter` clear
 * of the neighbouring boundaries. Works on transformed values.
 */
function refine(
  transformed: readonly number[],
  index: number,
  boundaries: readonly number[],
  settings: ResolvedOptions,
  afterWindow: number,
): number {
  const count = transformed.length;
  const [previous, next] = neighbours(boundaries, index, count);
  const from = Math.max(previous, index - settings.window);
  const to = Math.min(next, index + afterWindow);
  const sigma = scoreSplit(transformed, index, previous, next, settings, afterWindow).sigma;
  // The move may shorten either side down to minimumTail runs: a change confirmed on the
  // "after" side may turn out to start a run or two later, and then waits for its runs.
  const first = Math.max(index - refineRadius, previous + minimumTail);
  const last = Math.min(index + refineRadius, next - minimumTail);
  let best = index;
  let bestCost = splitCost(transformed, index, from, to, sigma);
  for (let candidate = first; candidate <= last; candidate++) {
    if (candidate === index || candidate <= from || candidate >= to) continue;
    const cost = splitCost(transformed, candidate, from, to, sigma);
    // Strictly better only: ties keep the first estimate.
    if (cost < bestCost - 1e-9 * Math.abs(bestCost)) {
      best = candidate;
      bestCost = cost;
    }
  }
  return best;
}

/**
 * Where the change is: of the splits that pass the threshold (in the segment of the
 * strongest one, with the same sign), the one with the smallest two-level Huber cost over
 * their common stretch, i.e. the maximum-likelihood location of a step. Not simply the
 * strongest score: a robust level all but ignores a run of the old level on the "after"
 * side, so with little noise the score prefers to start a big change a run or more early
 * (more runs, the same difference).
 */
function locate(
  transformed: readonly number[],
  scores: readonly SplitScore[],
  strongest: SplitScore,
  boundaries: readonly number[],
  settings: ResolvedOptions,
): number {
  const count = transformed.length;
  const [previous, next] = neighbours(boundaries, strongest.index, count);
  const significant = scores.filter(
    (score) =>
      Math.abs(score.statistic) >= settings.threshold &&
      Math.sign(score.statistic) === Math.sign(strongest.statistic) &&
      score.index > previous &&
      score.index < next,
  );
  const first = Math.min(...significant.map((score) => score.index));
  const last = Math.max(...significant.map((score) => score.index));
  const from = Math.max(previous, first - settings.window);
  const to = Math.min(next, last + settings.decisionWindow);
  let best = strongest.index;
  let bestCost = splitCost(transformed, best, from, to, strongest.sigma);
  for (const score of significant) {
    const cost = splitCost(transformed, score.index, from, to, strongest.sigma);
    if (cost < bestCost - 1e-9 * Math.abs(bestCost)) {
      best = score.index;
      bestCost = cost;
    }
  }
  return best;
}

function describe(score: SplitScore, candidates: number, settings: ResolvedOptions): Step {
  const pValue = Math.min(
    1,
    Math.max(1, candidates) * 2 * studentTSurvival(Math.abs(score.statistic), score.degreesOfFreedom),
  );
  const difference = score.after - score.before;
  const margin = z95 * score.standardError;
  const toChange = (logDifference: number) => (settings.relative ? Math.expm1(logDifference) : logDifference);
  return {
    index: score.index,
    before: settings.relative ? Math.exp(score.before) : score.before,
    after: settings.relative ? Math.exp(score.after) : score.after,
    beforeCount: score.beforeCount,
    afterCount: score.afterCount,
    change: {
      estimate: toChange(difference),
      lower: toChange(difference - margin),
      upper: toChange(difference + margin),
      confidence: 0.95,
    },
    sigmas: Math.abs(difference) / score.sigma,
    statistic: score.statistic,
    pValue,
    confidence: 1 - pValue,
    noiseSigma: score.sigma,
    autocorrelation: score.phi,
  };
}

function transform(values: readonly number[], relative: boolean): number[] {
  return values.map((value) => {
    if (!Number.isFinite(value) || (relative && !(value > 0))) {
      throw new TypeError(
        relative
          ? `values must be finite and positive on the relative scale, got ${value}`
          : `values must be finite, got ${value}`,
      );
    }
    return relative ? Math.log(value) : value;
  });
}

function accepted(step: Step, settings: ResolvedOptions): boolean {
  return (
    Math.abs(step.statistic) >= settings.threshold &&
    step.sigmas >= settings.minSigmas &&
    Math.abs(step.change.estimate) >= settings.minEffect
  );
}

/**
 * New step changes among the last `lastPoints` runs of `values` (oldest first), given the
 * known changes in `boundaries`; ordered by index. Deterministic (no randomness).
 */
export function findSteps(values: readonly number[], options: StepDetectorOptions = {}): Step[] {
  const settings = resolve(values, options);
  const transformed = transform(values, settings.relative);
  const noise = runToRunNoise(transformed, noiseStretch);
  settings.autocorrelation = Math.max(settings.autocorrelation, noise.phi);
  settings.historySigma = noise.sigma;
  const count = transformed.length;
  const boundaries = [...(options.boundaries ?? [])].filter((index) => index > 0 && index < count);
  const found: Step[] = [];
  while (found.length < settings.maxSteps) {
    // Every split is scored, including those with fewer than minAfter runs after them:
    // a change that only the last few runs show must not be reported early at a worse
    // place (a step 3 runs old scores well at the split 6 runs back, where half of the
    // "after" side is still the old level). When the best split is not yet confirmable,
    // nothing is reported now; a later check reports it where it is.
    const scores: SplitScore[] = [];
    let candidates = 0;
    for (let index = Math.max(1, count - settings.lastPoints); index <= count - minimumTail; index++) {
      const [previous, next] = neighbours(boundaries, index, count);
      if (index === previous || index - previous < settings.minBefore || next - index < minimumTail) continue;
      if (next - index >= settings.minAfter) candidates++;
      scores.push(scoreSplit(transformed, index, previous, next, settings, settings.decisionWindow));
    }
    const strongest = scores.reduce<SplitScore | null>(
      (best, score) => (best === null || Math.abs(score.statistic) > Math.abs(best.statistic) ? score : best),
      null,
    );
    if (strongest === null || Math.abs(strongest.statistic) < settings.threshold) break;
    const index = locate(transformed, scores, strongest, boundaries, settings);
    const [previous, next] = neighbours(boundaries, index, count);
    if (next - index < settings.minAfter || index - previous < settings.minBefore) break;
    const step = describe(
      scoreSplit(transformed, index, previous, next, settings, settings.decisionWindow),
      candidates,
      settings,
    );
    if (!accepted(step, settings)) break;
    found.push(step);
    boundaries.push(index);
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * A known change at `index` measured on the current history (more runs after it than
 * when it was found), after refining its location within +-2 runs; the other known
 * changes in `boundaries` bound its two levels. `significant` says whether it would still
 * be reported. Null when the index is out of range.
 */
export function measureStep(
  values: readonly number[],
  index: number,
  options: StepDetectorOptions = {},
): { step: Step; significant: boolean } | null {
  const settings = resolve(values, options);
  const transformed = transform(values, settings.relative);
  const noise = runToRunNoise(transformed, noiseStretch);
  settings.autocorrelation = Math.max(settings.autocorrelation, noise.phi);
  settings.historySigma = noise.sigma;
  const count = transformed.length;
  if (!Number.isInteger(index) || index < 1 || index >= count) return null;
  const boundaries = [...(options.boundaries ?? [])].filter(
    (boundary) => boundary > 0 && boundary < count && boundary !== index,
  );
  const refined = refine(transformed, index, boundaries, settings, settings.window);
  const [previous, next] = neighbours(boundaries, refined, count);
  const step = describe(
    scoreSplit(transformed, refined, previous, next, settings, settings.window),
    1,
    settings,
  );
  return { step, significant: accepted(step, settings) };
}
