import { createRandom, deriveSeed, type Random } from "@threadbench/core";
import {
  generateRealisticHistory,
  type HistoryDrift,
  type HistoryStep,
  type RealisticHistory,
  type RunNoiseShape,
} from "../analysis/realistic-history.js";

/*
 * The labelled histories of the detector benchmark, written down so that anyone can
 * regenerate and inspect them (seeded: the same on every machine). Every history has
 * `historyLength` runs; the shapes of its noise are drawn per history (see
 * src/analysis/realistic-history.ts for how one run is made):
 *
 *   innovations     gaussian or Student-t(3), 50% each
 *   autocorrelation 0 (50%) or uniform 0.2-0.4 (50%; the real VM measured 0.21-0.34)
 *   bimodality      none (70%) or a slow state 2.5 core sigmas up in 5-15% of runs (30%)
 *   runSigma        log-uniform from 0.3% to 12% of the level, narrowed per history so
 *                   that every step in it is between 1% and 50%
 *
 * Kinds of history:
 *   noise      nothing but the noise
 *   outliers   1-3 single outlier runs, 10+ runs apart, anywhere (first and last run
 *              included): 80% slower by 5-30 sigma, 20% faster by 3-8 sigma
 *   drift      slow drift and no step: linear over the history by 3-10 sigma (50%), or a
 *              wave of +-1-2.5 sigma with a period of 200-400 runs (50%); at most 0.08
 *              sigma per run either way
 *   steps      2-4 steps of one size bin (1-2, 2-3, 3-5, 5-10, 10-20 sigma; uniform in
 *              the bin), each direction 50%, the first at run 30-50, then 25-45 runs
 *              apart, none in the last 25 runs; with probability 30% each, a drift (as
 *              above) and a single outlier run (3+ runs from any step) on top
 *   scaling    a weak-scaling run of sequential and worker-threads cells at 1, 2 and 4
 *              threads (4 cores' worth of efficiency: 0.93-0.99 at 1 thread, falling by
 *              1-5 and 2-10 points), sharing a machine factor per run (robust sigma 1-2x
 *              each cell's own); 1-2 efficiency steps at 4 threads (75% drops of 5-40%,
 *              25% recoveries of 5-20%), and with probability 50% a code change that
 *              moves every cell by +-5-30% and leaves efficiency alone
 */

export const historyLength = 160;

export const stepBins = [
  { label: "1-2σ", low: 1, high: 2 },
  { label: "2-3σ", low: 2, high: 3 },
  { label: "3-5σ", low: 3, high: 5 },
  { label: "5-10σ", low: 5, high: 10 },
  { label: "10-20σ", low: 10, high: 20 },
] as const;
export type StepBin = (typeof stepBins)[number];

export type HistoryKind = "noise" | "outliers" | "drift" | "steps";

/** One wall-time history of the suite with its labels. */
export interface SuiteHistory {
  id: string;
  kind: HistoryKind;
  /** For kind "steps". */
  bin: StepBin | null;
  history: RealisticHistory;
  shape: RunNoiseShape;
  drift: HistoryDrift;
}

/** One scaling history: six cells per run and the true changes of each metric. */
export interface ScalingSuiteHistory {
  id: string;
  shape: RunNoiseShape;
  /** Per cell key "mode xN": raw samples of each run. */
  cells: Map<string, number[][]>;
  /** True changes of each cell's median wall time. */
  wallSteps: Map<string, HistoryStep[]>;
  /** True changes of the efficiency at 4 threads (and of the serial fraction). */
  efficiencySteps: HistoryStep[];
  /** Robust sigma of the log efficiency per run (the unit of its step sizes). */
  efficiencySigma: number;
}

const minRunSigma = 0.003;
const maxRunSigma = 0.12;
const minRelative = 0.01;
const maxRelative = 0.5;

function uniform(random: Random, low: number, high: number): number {
  return low + (high - low) * random.next();
}

function logUniform(random: Random, low: number, high: number): number {
  return Math.exp(uniform(random, Math.log(low), Math.log(high)));
}

/** Rounded to a few values, so the noise scale of each shape is simulated once. */
function drawShape(random: Random): RunNoiseShape {
  const rounded = (value: number, step: number) => Math.round(value / step) * step;
  return {
    innovations: random.next() < 0.5 ? "gaussian" : "student-t",
    autocorrelation: random.next() < 0.5 ? 0 : rounded(uniform(random, 0.2, 0.4), 0.05),
    slowStateShare: random.next() < 0.7 ? 0 : rounded(uniform(random, 0.05, 0.15), 0.025),
  };
}

function drawDrift(random: Random): HistoryDrift {
  const sign = random.next() < 0.5 ? -1 : 1;
  return random.next() < 0.5
    ? { kind: "linear", totalSigmas: sign * uniform(random, 3, 10) }
    : {
        kind: "wave",
        amplitudeSigmas: uniform(random, 1, 2.5),
        periodRuns: uniform(random, 200, 400),
        phase: uniform(random, 0, 2 * Math.PI),
      };
}

/** Log step of a relative change in a direction: up = exp(L) - 1, down = exp(-L) - 1. */
function logStepBounds(direction: 1 | -1): [number, number] {
  return direction > 0
    ? [Math.log(1 + minRelative), Math.log(1 + maxRelative)]
    : [-Math.log(1 - minRelative), -Math.log(1 - maxRelative)];
}

function stepPositions(random: Random): number[] {
  const count = 2 + random.integer(3);
  const positions: number[] = [];
  let next = 30 + random.integer(21);
  while (positions.length < count && next <= historyLength - 25) {
    positions.push(next);
    next += 25 + random.integer(21);
  }
  return positions;
}

function stepHistory(seed: number, bin: StepBin, index: number): SuiteHistory {
  const random = createRandom(seed);
  const shape = drawShape(random);
  const positions = stepPositions(random);
  const planned = positions.map((position) => ({
    index: position,
    sigmas: uniform(random, bin.low, bin.high),
    direction: (random.next() < 0.5 ? -1 : 1) as 1 | -1,
  }));
  // The noise level at which every step of the history is between 1% and 50%.
  let low = minRunSigma;
  let high = maxRunSigma;
  for (const step of planned) {
    const [smallest, largest] = logStepBounds(step.direction);
    low = Math.max(low, smallest / step.sigmas);
    high = Math.min(high, largest / step.sigmas);
  }
  const runSigma = low <= high ? logUniform(random, low, high) : Math.sqrt(low * high);
  const drift = random.next() < 0.3 ? drawDrift(random) : ({ kind: "none" } as const);
  const outliers: HistoryStep[] = [];
  if (random.next() < 0.3) {
    for (let attempt = 0; attempt < 20 && outliers.length === 0; attempt++) {
      const at = random.integer(historyLength);
      if (positions.every((position) => Math.abs(position - at) >= 3)) {
        outliers.push({ index: at, logStep: outlierLogStep(random, runSigma) });
      }
    }
  }
  const history = generateRealisticHistory({
    seed: deriveSeed(seed, 1),
    length: historyLength,
    initialLevel: logUniform(random, 2, 2000),
    runSigma,
    shape,
    steps: planned.map((step) => ({ index: step.index, logStep: step.direction * step.sigmas * runSigma })),
    drift,
    outliers,
  });
  return { id: `steps-${bin.label}-${index}`, kind: "steps", bin, history, shape, drift };
}

function outlierLogStep(random: Random, runSigma: number): number {
  return random.next() < 0.8 ? uniform(random, 5, 30) * runSigma : -uniform(random, 3, 8) * runSigma;
}

function plainHistory(seed: number, kind: Exclude<HistoryKind, "steps">, index: number): SuiteHistory {
  const random = createRandom(seed);
  const shape = drawShape(random);
  const runSigma = logUniform(random, minRunSigma, maxRunSigma);
  const drift = kind === "drift" ? drawDrift(random) : ({ kind: "none" } as const);
  const outliers: HistoryStep[] = [];
  if (kind === "outliers") {
    const count = 1 + random.integer(3);
    for (let attempt = 0; attempt < 100 && outliers.length < count; attempt++) {
      // A quarter of them on the first or last run, where one-sided tests are weakest.
      const at =
        attempt === 0 && random.next() < 0.25
          ? random.next() < 0.5
            ? 0
            : historyLength - 1
          : random.integer(historyLength);
      if (outliers.every((outlier) => Math.abs(outlier.index - at) >= 10)) {
        outliers.push({ index: at, logStep: outlierLogStep(random, runSigma) });
      }
    }
  }
  const history = generateRealisticHistory({
    seed: deriveSeed(seed, 1),
    length: historyLength,
    initialLevel: logUniform(random, 2, 2000),
    runSigma,
    shape,
    drift,
    outliers,
  });
  return { id: `${kind}-${index}`, kind, bin: null, history, shape, drift };
}

/** How many histories of each kind; `scale` multiplies them all (e.g. 0.25 for a quick look). */
export interface SuiteSize {
  noise: number;
  outliers: number;
  drift: number;
  stepsPerBin: number;
  scaling: number;
}

export const defaultSuiteSize: SuiteSize = {
  noise: 40,
  outliers: 40,
  drift: 40,
  stepsPerBin: 32,
  scaling: 16,
};

export function scaledSuiteSize(scale: number): SuiteSize {
  const of = (count: number) => Math.max(1, Math.round(count * scale));
  return {
    noise: of(defaultSuiteSize.noise),
    outliers: of(defaultSuiteSize.outliers),
    drift: of(defaultSuiteSize.drift),
    stepsPerBin: of(defaultSuiteSize.stepsPerBin),
    scaling: of(defaultSuiteSize.scaling),
  };
}

export const suiteSeed = 20_261_203;

/** The wall-time histories of the suite, in a fixed order. */
export function wallTimeSuite(size: SuiteSize = defaultSuiteSize): SuiteHistory[] {
  const histories: SuiteHistory[] = [];
  const kinds = ["noise", "outliers", "drift"] as const;
  for (const [kindIndex, kind] of kinds.entries()) {
    for (let index = 0; index < size[kind]; index++) {
      histories.push(plainHistory(deriveSeed(suiteSeed, kindIndex * 100_000 + index), kind, index));
    }
  }
  for (const [binIndex, bin] of stepBins.entries()) {
    for (let index = 0; index < size.stepsPerBin; index++) {
      histories.push(stepHistory(deriveSeed(suiteSeed, 1_000_000 + binIndex * 100_000 + index), bin, index));
    }
  }
  return histories;
}

export const scalingThreads = [1, 2, 4] as const;
export const scalingModes = ["sequential", "worker-threads"] as const;

/** The scaling histories of the suite. */
export function scalingSuite(size: SuiteSize = defaultSuiteSize): ScalingSuiteHistory[] {
  return Array.from({ length: size.scaling }, (_, index) =>
    scalingHistory(deriveSeed(suiteSeed, 9_000_000 + index), index),
  );
}

function scalingHistory(seed: number, index: number): ScalingSuiteHistory {
  const random = createRandom(seed);
  const shape = drawShape(random);
  const cellSigma = logUniform(random, 0.005, 0.04);
  const machineSigma = cellSigma * uniform(random, 1, 2);
  const taskMs = logUniform(random, 5, 100);
  const efficiency1 = uniform(random, 0.93, 0.99);
  const efficiency2 = efficiency1 - uniform(random, 0.01, 0.05);
  const efficiency4 = efficiency2 - uniform(random, 0.02, 0.1);
  const positions = stepPositions(random);
  const efficiencySteps: HistoryStep[] = [];
  const codeSteps: HistoryStep[] = [];
  const codeAt = random.next() < 0.5 ? positions[random.integer(positions.length)] : undefined;
  for (const position of positions) {
    if (position === codeAt) {
      const size = uniform(random, 0.05, 0.3) * (random.next() < 0.5 ? -1 : 1);
      codeSteps.push({ index: position, logStep: Math.log1p(size) });
    } else if (efficiencySteps.length < 2) {
      const drop = random.next() < 0.75;
      const relative = drop ? -uniform(random, 0.05, 0.4) : uniform(random, 0.05, 0.2);
      efficiencySteps.push({ index: position, logStep: Math.log1p(relative) });
    }
  }
  const machine = generateRealisticHistory({
    seed: deriveSeed(seed, 99),
    length: historyLength,
    initialLevel: 1,
    runSigma: machineSigma,
    shape,
    samplesPerRun: [1, 1],
  }).values;
  const cells = new Map<string, number[][]>();
  const wallSteps = new Map<string, HistoryStep[]>();
  for (const mode of scalingModes) {
    for (const threads of scalingThreads) {
      const key = `${mode} x${threads}`;
      const efficiency = threads === 1 ? efficiency1 : threads === 2 ? efficiency2 : efficiency4;
      const level = mode === "sequential" ? threads * taskMs : taskMs / efficiency;
      // An efficiency drop makes the top cell's wall time rise by the inverse factor.
      const own =
        mode === "worker-threads" && threads === 4
          ? efficiencySteps.map((step) => ({ index: step.index, logStep: -step.logStep }))
          : [];
      const steps = [...codeSteps, ...own].sort((a, b) => a.index - b.index);
      wallSteps.set(key, steps);
      const history = generateRealisticHistory({
        seed: deriveSeed(seed, 10 + threads + (mode === "sequential" ? 0 : 100)),
        length: historyLength,
        initialLevel: level,
        runSigma: cellSigma,
        shape,
        steps,
      });
      cells.set(
        key,
        history.runs.map((samples, run) => samples.map((sample) => sample * (machine[run] as number))),
      );
    }
  }
  return {
    id: `scaling-${index}`,
    shape,
    cells,
    wallSteps,
    efficiencySteps,
    efficiencySigma: Math.SQRT2 * cellSigma,
  };
}
