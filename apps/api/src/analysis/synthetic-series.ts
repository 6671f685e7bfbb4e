import { createRandom, type Random } from "@threadbench/core";

/*
 * Labelled synthetic histories with known step changes, for tests and for measuring the
 * detector (src/bench/detect-bench.ts). Values look like wall times: an initial level in
 * milliseconds times (1 + noise), where the noise has standard deviation `noiseCv`
 * whatever its shape, so "a step of k sigma" means relative step = k * noiseCv.
 */

/**
 * gaussian: normal noise. student-t: Student-t with 3 degrees of freedom rescaled to unit
 * variance (heavy tails). bimodal: a quarter of the points in a second mode 3 core sigmas
 * up (e.g. a turbo-boost or scheduler state), rescaled to unit variance. outliers:
 * gaussian plus, with probability 2%, an upward spike of 5 to 20 sigma (a noisy neighbour).
 */
export const noiseShapes = ["gaussian", "student-t", "bimodal", "outliers"] as const;
export type NoiseShape = (typeof noiseShapes)[number];

/** A known level change: from `index` on, the level is multiplied by 1 + relative. */
export interface SyntheticStep {
  index: number;
  relative: number;
}

/** Options of {@link generateSyntheticSeries}. */
export interface SyntheticSeriesOptions {
  length: number;
  seed: number;
  /** Level before any step, e.g. milliseconds. Default 100. */
  initialLevel?: number;
  /** Default "gaussian". */
  noise?: NoiseShape;
  /** Noise standard deviation relative to the level. Default 0.02. */
  noiseCv?: number;
  /** Known step changes. Default none (a pure-noise series). */
  steps?: readonly SyntheticStep[];
  /** Total relative drift of the level from the first to the last point. Default 0. */
  driftRelative?: number;
  /** Single injected outliers: the point at `index` is multiplied by 1 + relative. */
  spikes?: readonly SyntheticStep[];
}

/** A generated series with its labels. */
export interface SyntheticSeries {
  values: number[];
  /** The true changes, ordered by index. */
  changes: SyntheticStep[];
  spikes: SyntheticStep[];
  noise: NoiseShape;
  noiseCv: number;
}

const bimodalShare = 0.25;
const bimodalGap = 3;
const bimodalScale = 1 / Math.sqrt(1 + bimodalGap ** 2 * bimodalShare * (1 - bimodalShare));

/** One unit-variance noise draw of the given shape. */
export function drawNoise(random: Random, shape: NoiseShape): number {
  switch (shape) {
    case "gaussian":
      return random.normal();
    case "student-t":
      // Var(t_3) = 3.
      return random.studentT(3) / Math.sqrt(3);
    case "bimodal": {
      const mode = random.next() < bimodalShare ? bimodalGap : 0;
      return (random.normal() + mode - bimodalGap * bimodalShare) * bimodalScale;
    }
    case "outliers":
      return random.normal() + (random.next() < 0.02 ? 5 + 15 * random.next() : 0);
    default: {
      const exhaustive: never = shape;
      throw new TypeError(`unknown noise shape ${String(exhaustive)}`);
    }
  }
}

/** Generates a labelled series; the same options always give the same values. */
export function generateSyntheticSeries(options: SyntheticSeriesOptions): SyntheticSeries {
  const random = createRandom(options.seed);
  const initialLevel = options.initialLevel ?? 100;
  const noise = options.noise ?? "gaussian";
  const noiseCv = options.noiseCv ?? 0.02;
  const changes = [...(options.steps ?? [])].sort((a, b) => a.index - b.index);
  const spikes = [...(options.spikes ?? [])];
  const drift = options.driftRelative ?? 0;
  const values: number[] = [];
  let level = initialLevel;
  let nextChange = 0;
  for (let index = 0; index < options.length; index++) {
    while (nextChange < changes.length && (changes[nextChange] as SyntheticStep).index === index) {
      level *= 1 + (changes[nextChange] as SyntheticStep).relative;
      nextChange++;
    }
    const drifted = level * (1 + (drift * index) / Math.max(1, options.length - 1));
    // Keep wall times positive even in a far heavy tail.
    const factor = Math.max(0.05, 1 + noiseCv * drawNoise(random, noise));
    values.push(drifted * factor);
  }
  for (const spike of spikes) {
    if (spike.index >= 0 && spike.index < values.length) {
      values[spike.index] = (values[spike.index] as number) * (1 + spike.relative);
    }
  }
  return { values, changes, spikes, noise, noiseCv };
}
