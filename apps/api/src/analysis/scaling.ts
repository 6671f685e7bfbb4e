import { normalSurvival } from "./distributions.js";
import { minimizeOnInterval, nelderMead } from "./optimize.js";

/*
 * Scaling laws fitted to a run's speedup-versus-threads points.
 *   Amdahl:  S(n) = 1 / (s + (1 - s) / n), s the serial fraction in [0, 1].
 *   USL:     S(n) = n / (1 + a (n - 1) + b n (n - 1)), a contention in [0, 1], b coherency >= 0
 *            (Gunther). With b > 0 the speedup peaks at n* = sqrt((1 - a) / b) and falls after.
 * Fits are weighted least squares on the speedups (weights 1 / spread^2 when every point
 * has a spread, else equal).
 */

/** One measured speedup, e.g. a (mode, threads) cell against its sequential baseline. */
export interface ScalingPoint {
  threads: number;
  speedup: number;
  /** Standard deviation (uncertainty) of the speedup, if known. */
  spread?: number;
}

/** Fit quality on the speedup scale. */
export interface FitQuality {
  /** 1 - SS_residual / SS_total (1 for a perfect fit; 1 or 0 when the speedups are all equal). */
  rSquared: number;
  /** Root mean squared residual, in speedup units. */
  rmse: number;
}

/** Amdahl's law fit. */
export interface AmdahlFit extends FitQuality {
  serialFraction: number;
  /** Standard error of the serial fraction (linearised around the fit). */
  serialFractionStdError: number;
  /** Amdahl's speedup only rises with threads: there is no peak. */
  peakThreads: null;
  /** The asymptote 1 / s; null when s = 0 (unbounded). */
  peakSpeedup: number | null;
}

/** Universal Scalability Law fit. */
export interface UslFit extends FitQuality {
  contention: number;
  coherency: number;
  /** sqrt((1 - a) / b), the thread count of the highest speedup; null when b = 0 (no peak). */
  peakThreads: number | null;
  /** Speedup at peakThreads; null when b = 0 (the asymptote is 1 / a, or unbounded). */
  peakSpeedup: number | null;
}

/** Amdahl's predicted speedup on `threads` threads for serial fraction s. */
export function amdahlSpeedup(threads: number, serialFraction: number): number {
  return 1 / (serialFraction + (1 - serialFraction) / threads);
}

/** The USL's predicted speedup on `threads` threads. */
export function uslSpeedup(threads: number, contention: number, coherency: number): number {
  return threads / (1 + contention * (threads - 1) + coherency * threads * (threads - 1));
}

function weightsOf(points: readonly ScalingPoint[]): number[] {
  const allSpread = points.every((point) => point.spread !== undefined && point.spread > 0);
  return points.map((point) => (allSpread ? 1 / (point.spread as number) ** 2 : 1));
}

function quality(points: readonly ScalingPoint[], predict: (threads: number) => number): FitQuality {
  const meanSpeedup = points.reduce((total, point) => total + point.speedup, 0) / points.length;
  let residual = 0;
  let totalSquares = 0;
  for (const point of points) {
    residual += (point.speedup - predict(point.threads)) ** 2;
    totalSquares += (point.speedup - meanSpeedup) ** 2;
  }
  const rSquared = totalSquares > 0 ? 1 - residual / totalSquares : residual < 1e-18 ? 1 : 0;
  return { rSquared, rmse: Math.sqrt(residual / points.length) };
}

function usable(points: readonly ScalingPoint[]): ScalingPoint[] {
  return points.filter((point) => Number.isFinite(point.speedup) && point.speedup > 0 && point.threads >= 1);
}

/**
 * Least-squares serial fraction of Amdahl's law, constrained to [0, 1]. Null without a
 * point above one thread (nothing to fit).
 */
export function fitAmdahl(points: readonly ScalingPoint[]): AmdahlFit | null {
  const data = usable(points);
  if (!data.some((point) => point.threads > 1)) return null;
  const weights = weightsOf(data);
  const weightedSquares = (serialFraction: number): number =>
    data.reduce(
      (total, point, index) =>
        total +
        (weights[index] as number) * (point.speedup - amdahlSpeedup(point.threads, serialFraction)) ** 2,
      0,
    );
  const serialFraction = minimizeOnInterval(weightedSquares, 0, 1, { gridPoints: 400 });
  // Linearised standard error: Var(s) = sigma^2 / sum(w J^2), J = dS/ds.
  let information = 0;
  for (const [index, point] of data.entries()) {
    const denominator = serialFraction + (1 - serialFraction) / point.threads;
    const jacobian = -(1 - 1 / point.threads) / denominator ** 2;
    information += (weights[index] as number) * jacobian * jacobian;
  }
  const hasSpreads = weights.some((weight) => weight !== 1);
  const degrees = Math.max(1, data.length - 1);
  // With known spreads sigma^2 = 1, inflated when the model misfits (reduced chi^2 > 1).
  const residualVariance = hasSpreads
    ? Math.max(1, weightedSquares(serialFraction) / degrees)
    : weightedSquares(serialFraction) / degrees;
  return {
    serialFraction,
    serialFractionStdError:
      information > 0 ? Math.sqrt(residualVariance / information) : Number.POSITIVE_INFINITY,
    ...quality(data, (threads) => amdahlSpeedup(threads, serialFraction)),
    peakThreads: null,
    peakSpeedup: serialFraction > 0 ? 1 / serialFraction : null,
  };
}

/**
 * Least-squares contention and coherency of the USL (a in [0, 1], b >= 0): Gunther's
 * linearisation n / S - 1 = a (n - 1) + b n (n - 1) gives the start (exact on noiseless
 * data), Nelder-Mead on the speedups refines it. Null with fewer than two distinct
 * thread counts above one.
 */
export function fitUniversalScalability(points: readonly ScalingPoint[]): UslFit | null {
  const data = usable(points);
  if (new Set(data.filter((point) => point.threads > 1).map((point) => point.threads)).size < 2) {
    return null;
  }
  const weights = weightsOf(data);
  const clampParameters = (parameters: readonly number[]): [number, number] => [
    Math.min(1, Math.max(0, parameters[0] as number)),
    Math.max(0, parameters[1] as number),
  ];
  const weightedSquares = (parameters: readonly number[]): number => {
    const [contention, coherency] = clampParameters(parameters);
    return data.reduce(
      (total, point, index) =>
        total +
        (weights[index] as number) * (point.speedup - uslSpeedup(point.threads, contention, coherency)) ** 2,
      0,
    );
  };
  const start = linearisedUsl(data);
  const refined = nelderMead(weightedSquares, start, {
    initialStep: [Math.max(1e-3, start[0] * 0.1), Math.max(1e-5, start[1] * 0.1)],
  });
  const [contention, coherency] =
    refined.value < weightedSquares(start) ? clampParameters(refined.x) : clampParameters(start);
  const peakThreads = coherency > 0 ? Math.sqrt((1 - contention) / coherency) : null;
  return {
    contention,
    coherency,
    ...quality(data, (threads) => uslSpeedup(threads, contention, coherency)),
    peakThreads,
    peakSpeedup: peakThreads === null ? null : uslSpeedup(peakThreads, contention, coherency),
  };
}

/** Non-negative least squares of y = a x1 + b x2 (two unknowns: try interior, then edges). */
function linearisedUsl(data: readonly ScalingPoint[]): [number, number] {
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let s1y = 0;
  let s2y = 0;
  for (const point of data) {
    const n = point.threads;
    const x1 = n - 1;
    const x2 = n * (n - 1);
    const y = n / point.speedup - 1;
    s11 += x1 * x1;
    s12 += x1 * x2;
    s22 += x2 * x2;
    s1y += x1 * y;
    s2y += x2 * y;
  }
  const determinant = s11 * s22 - s12 * s12;
  const candidates: Array<[number, number]> = [];
  if (determinant > 0) {
    candidates.push([(s1y * s22 - s2y * s12) / determinant, (s2y * s11 - s1y * s12) / determinant]);
  }
  if (s11 > 0) candidates.push([s1y / s11, 0]);
  if (s22 > 0) candidates.push([0, s2y / s22]);
  const residual = ([a, b]: [number, number]): number =>
    data.reduce((total, point) => {
      const n = point.threads;
      return total + (n / point.speedup - 1 - a * (n - 1) - b * n * (n - 1)) ** 2;
    }, 0);
  const feasible = candidates
    .map(([a, b]): [number, number] => [Math.min(1, Math.max(0, a)), Math.max(0, b)])
    .sort((left, right) => residual(left) - residual(right));
  return feasible[0] ?? [0, 0];
}

/** Both fits of one run's scaling points plus the efficiency at its highest thread count. */
export interface ScalingFit {
  points: ScalingPoint[];
  amdahl: AmdahlFit | null;
  usl: UslFit | null;
}

/** Fits Amdahl's law and the USL to one run's speedup-versus-threads points. */
export function fitScaling(points: readonly ScalingPoint[]): ScalingFit {
  return { points: [...points], amdahl: fitAmdahl(points), usl: fitUniversalScalability(points) };
}

/** Options of {@link scalingRegression}. */
export interface ScalingRegressionOptions {
  /** Smallest increase of the serial fraction (absolute) that counts. Default 0.02. */
  serialFractionThreshold?: number;
  /** Smallest relative drop of efficiency at the highest thread count. Default 0.05. */
  efficiencyThreshold?: number;
  /** One-sided significance level of each worsening. Default 0.01. */
  alpha?: number;
}

/** One compared quantity of {@link scalingRegression}. */
export interface ScalingChange {
  base: number;
  head: number;
  /** Serial fraction: head - base; efficiency: head / base - 1. */
  change: number;
  /** One-sided p-value of "head is worse" (0 when both are exact). */
  pValue: number;
  /** Worse by more than the threshold, with p < alpha. */
  worse: boolean;
}

/** Result of {@link scalingRegression}. */
export interface ScalingRegression {
  regressed: boolean;
  /** Null when either run has no Amdahl fit. */
  serialFraction: ScalingChange | null;
  /** Efficiency (speedup / threads) at the highest thread count both runs measured. */
  efficiency: (ScalingChange & { threads: number }) | null;
}

/**
 * Flags a scaling regression between two runs: the fitted serial fraction grew, or the
 * efficiency at the highest common thread count fell, beyond its threshold and with
 * evidence (a one-sided z-test using the points' spreads, or the fit residuals when
 * spreads are missing).
 */
export function scalingRegression(
  baseFit: ScalingFit,
  headFit: ScalingFit,
  options: ScalingRegressionOptions = {},
): ScalingRegression {
  const serialFractionThreshold = options.serialFractionThreshold ?? 0.02;
  const efficiencyThreshold = options.efficiencyThreshold ?? 0.05;
  const alpha = options.alpha ?? 0.01;

  let serialFraction: ScalingChange | null = null;
  if (baseFit.amdahl && headFit.amdahl) {
    const change = headFit.amdahl.serialFraction - baseFit.amdahl.serialFraction;
    const pValue = oneSidedP(
      change,
      Math.hypot(baseFit.amdahl.serialFractionStdError, headFit.amdahl.serialFractionStdError),
    );
    serialFraction = {
      base: baseFit.amdahl.serialFraction,
      head: headFit.amdahl.serialFraction,
      change,
      pValue,
      worse: change >= serialFractionThreshold && pValue < alpha,
    };
  }

  let efficiency: ScalingRegression["efficiency"] = null;
  const baseThreads = new Set(baseFit.points.map((point) => point.threads));
  const common = headFit.points.map((point) => point.threads).filter((threads) => baseThreads.has(threads));
  if (common.length > 0) {
    const threads = Math.max(...common);
    const base = efficiencyAt(baseFit, threads);
    const head = efficiencyAt(headFit, threads);
    const change = head.value / base.value - 1;
    // Drop in efficiency, as a positive number when worse, against its standard error.
    const pValue = oneSidedP(
      (base.value - head.value) / base.value,
      Math.hypot(base.stdError, head.stdError) / base.value,
    );
    efficiency = {
      threads,
      base: base.value,
      head: head.value,
      change,
      pValue,
      worse: change <= -efficiencyThreshold && pValue < alpha,
    };
  }
  return {
    regressed: Boolean(serialFraction?.worse || efficiency?.worse),
    serialFraction,
    efficiency,
  };
}

/** P(Z >= worsening / stdError); exact zero spread means certainty either way. */
function oneSidedP(worsening: number, stdError: number): number {
  if (!(stdError > 0)) return worsening > 0 ? 0 : 1;
  return normalSurvival(worsening / stdError);
}

function efficiencyAt(fit: ScalingFit, threads: number): { value: number; stdError: number } {
  const atThreads = fit.points.filter((point) => point.threads === threads);
  const value = atThreads.reduce((total, point) => total + point.speedup, 0) / atThreads.length / threads;
  const spreads = atThreads.map((point) => point.spread);
  if (spreads.every((spread) => spread !== undefined && spread > 0)) {
    const variance = spreads.reduce((total: number, spread) => total + (spread as number) ** 2, 0);
    return { value, stdError: Math.sqrt(variance) / atThreads.length / threads };
  }
  // No spreads: the better fit's residual size stands in for a point's uncertainty.
  const rmse = Math.min(
    fit.usl?.rmse ?? Number.POSITIVE_INFINITY,
    fit.amdahl?.rmse ?? Number.POSITIVE_INFINITY,
  );
  return { value, stdError: Number.isFinite(rmse) ? rmse / Math.sqrt(atThreads.length) / threads : 0 };
}
