import { createRandom, deriveSeed, median, type Random } from "@threadbench/core";
import { medianAbsoluteDeviation } from "./summary.js";

/*
 * Labelled benchmark histories that look like timings from shared machines, for the
 * detector benchmark (src/bench/detect-bench.ts) and the detector's tests.
 *
 * Each run of a history is a list of raw repetition samples (what `ingestRun` stores);
 * the history's points are the per-run medians the store computes. Everything is drawn on
 * the log scale, so steps and noise are relative, and from a seed, so a history is the
 * same on every machine. How one run's samples are made, in order:
 *
 * 1. The true level: initialLevel x exp(sum of the steps so far) x exp(drift at this run).
 * 2. The run's own level (run-to-run noise, what makes two runs of the same code differ):
 *    an AR(1) process e_i = phi e_{i-1} + sqrt(1 - phi^2) u_i, u_i standard normal or
 *    Student-t with 3 degrees of freedom rescaled to unit variance (heavy tails); with
 *    `slowStateShare` > 0 a run is, with that probability and independently of the
 *    others, in a slow machine state 2.5 core sigmas up (bimodality).
 * 3. The repetitions: 5 to 15 samples (uniform), each the run's level times
 *    exp(withinSigma x (z + spike)), z standard normal and, with probability 5%, a spike
 *    drawn from an exponential of mean 3 (right-skewed tails: 5% of real samples lie beyond
 *    +3 robust sigmas, 1% beyond +7.7, see below).
 * 4. Single outlier runs multiply all samples of that run.
 *
 * "sigma" (`runSigma`) is the robust standard deviation (1.4826 x MAD) of the log per-run
 * medians of a stationary stretch: what a reader of the history chart sees as its scatter,
 * and the unit of step sizes in the benchmark. The run-level and within-run parts are
 * scaled together so that the per-run medians have exactly that robust sigma (found by
 * simulating 5,000 stationary runs of the same shape), with the within-run sample sigma
 * at 0.75 x runSigma.
 *
 * Calibration (40 real runs of `threadbench run --workload sum-squares --param n=2000000
 * --threads 1,2 --modes sequential,worker-threads,child-processes --repetitions 10` on
 * the shared 2-core development VM, load average 1-6, 2026-12-03): in every cell the
 * run-to-run robust CV of the medians (27-36%) was 3.4-4.2 times the standard error of
 * one run's median implied by its own repetitions, and the within-run robust CV (17-24%)
 * was 0.6-0.8 times the run-to-run one; the lag-1 autocorrelation of the log medians was
 * 0.21-0.34 (the machine's load changes over minutes); of the pooled within-run samples
 * 5.0% lay beyond +3 robust sigmas and 0.7% below -3 (right-skewed), 1% beyond +7.7.
 * The shapes above reproduce those ratios; the benchmark draws runSigma from 0.3% to 12%
 * (quiet machines to busy CI runners: at the 30% of the loaded VM no step below 50% is
 * even 2 sigma).
 */

/** How the run-to-run noise of a history is shaped. */
export interface RunNoiseShape {
  /** Innovations of the run level. */
  innovations: "gaussian" | "student-t";
  /** Lag-1 autocorrelation of the run levels, 0 <= phi < 1 (0.3: the real VM). */
  autocorrelation: number;
  /** Probability that a run is in the slow state (0: unimodal). */
  slowStateShare: number;
}

/** A known level change: from `index` on the level is multiplied by exp(logStep). */
export interface HistoryStep {
  index: number;
  logStep: number;
}

/** Slow drift of the level, in units of runSigma. */
export type HistoryDrift =
  | { kind: "none" }
  /** The level moves by `totalSigmas` from the first run to the last, linearly. */
  | { kind: "linear"; totalSigmas: number }
  /** The level swings by +-amplitudeSigmas with the given period in runs. */
  | { kind: "wave"; amplitudeSigmas: number; periodRuns: number; phase: number };

/** Options of {@link generateRealisticHistory}. */
export interface RealisticHistoryOptions {
  seed: number;
  /** Number of runs. */
  length: number;
  /** Level before any step, e.g. milliseconds. Default 100. */
  initialLevel?: number;
  /** Robust sigma of the log per-run medians (see the module comment). */
  runSigma: number;
  shape: RunNoiseShape;
  steps?: readonly HistoryStep[];
  drift?: HistoryDrift;
  /** Single outlier runs: every sample of the run at `index` times exp(logStep). */
  outliers?: readonly HistoryStep[];
  /** Fewest and most repetitions per run. Default [5, 15]. */
  samplesPerRun?: readonly [number, number];
}

/** A generated history with its labels. */
export interface RealisticHistory {
  /** Raw repetition samples of each run, oldest run first. */
  runs: number[][];
  /** Median of each run's samples (what the store keeps as the point). */
  values: number[];
  /** True level of each run (no noise, outliers excluded). */
  levels: number[];
  steps: HistoryStep[];
  outliers: HistoryStep[];
  runSigma: number;
}

const withinRatio = 0.75;
const spikeShare = 0.05;
const spikeMean = 3;
const slowStateGap = 2.5;

/** Draws one run's level deviation in core units (before scaling), updating the AR state. */
function drawRunDeviation(random: Random, shape: RunNoiseShape, state: { previous: number }): number {
  const innovation = shape.innovations === "gaussian" ? random.normal() : random.studentT(3) / Math.sqrt(3);
  const phi = shape.autocorrelation;
  const deviation = phi * state.previous + Math.sqrt(1 - phi * phi) * innovation;
  state.previous = deviation;
  const slow = shape.slowStateShare > 0 && random.next() < shape.slowStateShare ? slowStateGap : 0;
  return deviation + slow;
}

/** Log samples of one run around log level 0, before scaling, in core units. */
function drawRunSamples(random: Random, count: number, runDeviation: number, withinScale: number): number[] {
  return Array.from({ length: count }, () => {
    const spike = random.next() < spikeShare ? -spikeMean * Math.log(1 - random.next()) : 0;
    return runDeviation + withinScale * (random.normal() + spike);
  });
}

const scaleCache = new Map<string, number>();

/**
 * Robust sigma of the log per-run medians for unit run-level scale and within-run scale
 * `withinRatio`: the factor by which both are divided so that the medians have sigma 1.
 */
function unitNoiseScale(shape: RunNoiseShape, samplesPerRun: readonly [number, number]): number {
  const key = JSON.stringify([shape, samplesPerRun]);
  const cached = scaleCache.get(key);
  if (cached !== undefined) return cached;
  const random = createRandom(deriveSeed(20_261_203, key.length));
  const state = { previous: 0 };
  const medians = Array.from({ length: 5_000 }, () => {
    const count = samplesPerRun[0] + random.integer(samplesPerRun[1] - samplesPerRun[0] + 1);
    return median(drawRunSamples(random, count, drawRunDeviation(random, shape, state), withinRatio));
  });
  const scale = medianAbsoluteDeviation(medians);
  scaleCache.set(key, scale);
  return scale;
}

function driftAt(drift: HistoryDrift, index: number, length: number): number {
  switch (drift.kind) {
    case "none":
      return 0;
    case "linear":
      return (drift.totalSigmas * index) / Math.max(1, length - 1);
    case "wave":
      return drift.amplitudeSigmas * Math.sin((2 * Math.PI * index) / drift.periodRuns + drift.phase);
    default: {
      const exhaustive: never = drift;
      throw new TypeError(`unknown drift ${String(exhaustive)}`);
    }
  }
}

/** Generates a labelled history; the same options always give the same runs. */
export function generateRealisticHistory(options: RealisticHistoryOptions): RealisticHistory {
  const random = createRandom(options.seed);
  const samplesPerRun = options.samplesPerRun ?? [5, 15];
  const initialLevel = options.initialLevel ?? 100;
  const steps = [...(options.steps ?? [])].sort((a, b) => a.index - b.index);
  const outliers = [...(options.outliers ?? [])];
  const drift = options.drift ?? { kind: "none" };
  const scale = options.runSigma / unitNoiseScale(options.shape, samplesPerRun);
  const state = { previous: 0 };
  const runs: number[][] = [];
  const levels: number[] = [];
  let logLevel = Math.log(initialLevel);
  let nextStep = 0;
  for (let index = 0; index < options.length; index++) {
    while (nextStep < steps.length && (steps[nextStep] as HistoryStep).index === index) {
      logLevel += (steps[nextStep] as HistoryStep).logStep;
      nextStep++;
    }
    const trueLog = logLevel + options.runSigma * driftAt(drift, index, options.length);
    levels.push(Math.exp(trueLog));
    const outlier = outliers
      .filter((candidate) => candidate.index === index)
      .reduce((total, candidate) => total + candidate.logStep, 0);
    const count = samplesPerRun[0] + random.integer(samplesPerRun[1] - samplesPerRun[0] + 1);
    const deviation = drawRunDeviation(random, options.shape, state);
    runs.push(
      drawRunSamples(random, count, deviation, withinRatio).map((unit) =>
        Math.exp(trueLog + outlier + scale * unit),
      ),
    );
  }
  return {
    runs,
    values: runs.map((samples) => median(samples)),
    levels,
    steps,
    outliers,
    runSigma: options.runSigma,
  };
}
