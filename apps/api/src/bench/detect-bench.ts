/**
 * Quality benchmark of the regression detector and the pairwise verdict.
 *
 *   npx tsx apps/api/src/bench/detect-bench.ts [steps|noise|outliers|compare|real]
 *   node dist/bench/detect-bench.js            (after building apps/api)
 *
 * With no argument every section runs (about 30-60 s); DETECT_BENCH_SERIES sets the
 * series per cell of the step table (default 40). Everything but the real A/A section
 * is seeded and prints the same numbers on every machine.
 *
 * Prints, over labelled synthetic series (src/analysis/synthetic-series.ts): precision,
 * recall, F1, location error and online detection delay by step size in noise sigmas and
 * noise shape; false alarms per 1,000 points of pure noise; whether any single-outlier
 * series alarmed; and the A/A false-alarm rate of `compareSamples` on synthetic samples and
 * on real timings of a CPU loop on this machine. A detection is a true positive when it
 * lies within +-5 points of a true change and has its sign.
 * Targets: F1 >= 0.9 for steps >= 3 sigma, <= 1 false alarm per 1,000 points of pure
 * noise, no alarm from a single outlier.
 */
import { performance } from "node:perf_hooks";
import { compareSamples, type Verdict } from "../analysis/compare.js";
import { createRandom, deriveSeed } from "../analysis/random.js";
import { type DetectedChange, detectRegressions } from "../analysis/regressions.js";
import {
  generateSyntheticSeries,
  type NoiseShape,
  noiseShapes,
  type SyntheticSeries,
} from "../analysis/synthetic-series.js";

const tolerance = 5;
const seriesLength = 200;
const stepSigmas = [1, 2, 3, 5, 10] as const;
/** Noise CVs per step size, so that relative steps span 2% to 50%. */
const noiseCvs = [0.005, 0.01, 0.02, 0.05] as const;
const seriesPerCell = Number(process.env.DETECT_BENCH_SERIES ?? 40);
const delaySeriesPerCell = 12;
const maxDelay = 40;
const rootSeed = 20_240_601;

type Shape = NoiseShape | "gaussian+drift";
const shapes: readonly Shape[] = [...noiseShapes, "gaussian+drift"];

interface CellScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  locationErrors: number[];
  delays: number[];
  delayCensored: number;
}

function runIdsFor(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `run-${index}`);
}

function detect(values: readonly number[], lastPoints?: number): DetectedChange[] {
  return detectRegressions(
    { values, runIds: runIdsFor(values.length) },
    lastPoints === undefined ? {} : { lastPoints },
  );
}

function makeSeries(shape: Shape, sigmas: number, seed: number): SyntheticSeries {
  const random = createRandom(seed);
  const usable = noiseCvs.filter((cv) => sigmas * cv >= 0.02 && sigmas * cv <= 0.5);
  const noiseCv = usable[random.integer(usable.length)] as number;
  const index = 30 + random.integer(seriesLength - 60);
  const sign = random.next() < 0.5 ? -1 : 1;
  return generateSyntheticSeries({
    length: seriesLength,
    seed: deriveSeed(seed, 1),
    noise: shape === "gaussian+drift" ? "gaussian" : shape,
    noiseCv,
    // Drift of 2 sigma over the whole series: slow, but not negligible.
    driftRelative: shape === "gaussian+drift" ? 2 * noiseCv : 0,
    steps: [{ index, relative: sign * sigmas * noiseCv }],
  });
}

function scoreSeries(series: SyntheticSeries, detections: DetectedChange[], score: CellScore): void {
  const unmatched = [...series.changes];
  for (const detection of detections) {
    const match = unmatched.findIndex(
      (change) =>
        Math.abs(change.index - detection.index) <= tolerance &&
        Math.sign(change.relative) === Math.sign(detection.relativeStep.estimate),
    );
    if (match >= 0) {
      score.truePositives++;
      score.locationErrors.push(Math.abs((unmatched[match] as { index: number }).index - detection.index));
      unmatched.splice(match, 1);
    } else {
      score.falsePositives++;
    }
  }
  score.falseNegatives += unmatched.length;
}

/** Runs after the change until the detector, fed the history so far, reports it. */
function onlineDelay(series: SyntheticSeries): number | null {
  const change = series.changes[0];
  if (!change) return null;
  for (let after = 1; after <= maxDelay && change.index + after <= series.values.length; after++) {
    const prefix = series.values.slice(0, change.index + after);
    const found = detect(prefix, after + tolerance).some(
      (detection) =>
        Math.abs(detection.index - change.index) <= tolerance &&
        Math.sign(detection.relativeStep.estimate) === Math.sign(change.relative),
    );
    if (found) return after;
  }
  return null;
}

const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((total, value) => total + value, 0) / values.length;
const fixed = (value: number, digits = 2): string => (Number.isNaN(value) ? "-" : value.toFixed(digits));

function stepTable(): void {
  console.log(
    `\n## Step detection (${seriesPerCell} series of ${seriesLength} points per cell, one step at 30..170)\n`,
  );
  console.log(
    "| step | noise | precision | recall | F1 | location error | online delay (runs) | found online |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  const bySize = new Map<number, CellScore>();
  for (const sigmas of stepSigmas) {
    const total: CellScore = emptyScore();
    for (const shape of shapes) {
      const score = emptyScore();
      for (let item = 0; item < seriesPerCell; item++) {
        const seed = deriveSeed(rootSeed, sigmas * 1_000_000 + shapes.indexOf(shape) * 10_000 + item);
        const series = makeSeries(shape, sigmas, seed);
        scoreSeries(series, detect(series.values), score);
        if (item < delaySeriesPerCell) {
          const delay = onlineDelay(series);
          if (delay === null) score.delayCensored++;
          else score.delays.push(delay);
        }
      }
      printRow(`${sigmas}σ`, shape, score);
      merge(total, score);
    }
    bySize.set(sigmas, total);
  }
  for (const [sigmas, total] of bySize) printRow(`${sigmas}σ`, "all", total);
  console.log(
    `\nlocation error: mean |detected - true index| of true positives. online delay: runs after the change until ` +
      `detectRegressions, fed only the history so far (lastPoints), reports it; first ${delaySeriesPerCell} series per cell, ` +
      `capped at ${maxDelay}. Noise CVs ${noiseCvs.join(", ")} are drawn so that steps span 2%..50%.`,
  );
}

function emptyScore(): CellScore {
  return {
    truePositives: 0,
    falsePositives: 0,
    falseNegatives: 0,
    locationErrors: [],
    delays: [],
    delayCensored: 0,
  };
}

function merge(into: CellScore, from: CellScore): void {
  into.truePositives += from.truePositives;
  into.falsePositives += from.falsePositives;
  into.falseNegatives += from.falseNegatives;
  into.locationErrors.push(...from.locationErrors);
  into.delays.push(...from.delays);
  into.delayCensored += from.delayCensored;
}

function printRow(step: string, shape: string, score: CellScore): void {
  const precision = score.truePositives / (score.truePositives + score.falsePositives);
  const recall = score.truePositives / (score.truePositives + score.falseNegatives);
  const f1 = (2 * precision * recall) / (precision + recall);
  const online = score.delays.length + score.delayCensored;
  console.log(
    `| ${step} | ${shape} | ${fixed(precision)} | ${fixed(recall)} | ${fixed(f1)} | ${fixed(mean(score.locationErrors))} | ${fixed(mean(score.delays), 1)} | ${score.delays.length}/${online} |`,
  );
}

function pureNoiseTable(): void {
  console.log("\n## False alarms on pure noise\n");
  console.log("| noise | series | points | alarms | alarms per 1,000 points |");
  console.log("|---|---|---|---|---|");
  let allPoints = 0;
  let allAlarms = 0;
  for (const [shapeIndex, shape] of noiseShapes.entries()) {
    let points = 0;
    let alarms = 0;
    let series = 0;
    for (const [length, count] of [
      [50, 40],
      [200, 40],
      [1000, 12],
    ] as const) {
      for (let item = 0; item < count; item++) {
        const seed = deriveSeed(rootSeed, 50_000_000 + shapeIndex * 100_000 + length * 100 + item);
        const { values } = generateSyntheticSeries({ length, seed, noise: shape, noiseCv: 0.02 });
        alarms += detect(values).length;
        points += length;
        series++;
      }
    }
    allPoints += points;
    allAlarms += alarms;
    console.log(`| ${shape} | ${series} | ${points} | ${alarms} | ${fixed((alarms * 1000) / points)} |`);
  }
  console.log(`| all | - | ${allPoints} | ${allAlarms} | ${fixed((allAlarms * 1000) / allPoints)} |`);
}

function singleOutlierTable(): void {
  const count = 400;
  let alarmed = 0;
  for (let item = 0; item < count; item++) {
    const seed = deriveSeed(rootSeed, 70_000_000 + item);
    const random = createRandom(seed);
    const length = [20, 50, 200][item % 3] as number;
    // Anywhere, including the very first and the very last run.
    const index = item % 4 === 0 ? length - 1 : item % 4 === 1 ? 0 : random.integer(length);
    const sigmas = 10 + 40 * random.next();
    const sign = random.next() < 0.8 ? 1 : -0.5;
    const { values } = generateSyntheticSeries({
      length,
      seed: deriveSeed(seed, 1),
      noise: noiseShapes[item % noiseShapes.length] as NoiseShape,
      noiseCv: 0.02,
      spikes: [{ index, relative: sign * sigmas * 0.02 }],
    });
    if (detect(values).length > 0 || detect(values, 1).length > 0) alarmed++;
  }
  console.log(
    `\n## Single outliers\n\n${alarmed} of ${count} series with one 10-50σ outlier (lengths 20/50/200, anywhere incl. first/last point) alarmed.`,
  );
}

function syntheticAaTable(): void {
  console.log("\n## Pairwise verdict (compareSamples, defaults) on synthetic samples, noise CV 2%\n");
  console.log("| noise | repetitions | A/A false alarms | 10% slowdown found | 5% slowdown found |");
  console.log("|---|---|---|---|---|");
  const pairs = 400;
  for (const [shapeIndex, shape] of noiseShapes.entries()) {
    for (const repetitions of [5, 10, 30]) {
      let falseAlarms = 0;
      let found10 = 0;
      let found5 = 0;
      const random = createRandom(deriveSeed(rootSeed, 80_000_000 + shapeIndex * 1000 + repetitions));
      const sample = (level: number): number[] =>
        Array.from({ length: repetitions }, () => level * (1 + 0.02 * drawUnit(random, shape)));
      for (let pair = 0; pair < pairs; pair++) {
        const base = sample(100);
        const verdict = compareSamples(base, sample(100), { seed: pair, resamples: 500 }).verdict;
        if (verdict === "faster" || verdict === "slower") falseAlarms++;
        if (compareSamples(base, sample(110), { seed: pair, resamples: 500 }).verdict === "slower") found10++;
        if (compareSamples(base, sample(105), { seed: pair, resamples: 500 }).verdict === "slower") found5++;
      }
      console.log(
        `| ${shape} | ${repetitions} | ${fixed((100 * falseAlarms) / pairs, 1)}% | ${fixed((100 * found10) / pairs, 1)}% | ${fixed((100 * found5) / pairs, 1)}% |`,
      );
    }
  }
}

function drawUnit(random: ReturnType<typeof createRandom>, shape: NoiseShape): number {
  const { values } = generateSyntheticSeries({
    length: 1,
    seed: random.integer(2 ** 32),
    noise: shape,
    noiseCv: 1,
    baseline: 1,
  });
  return (values[0] as number) - 1;
}

/** A small CPU-bound task, timed for real on this machine. */
function cpuTask(): number {
  let total = 0;
  for (let index = 0; index < 400_000; index++) total += Math.sqrt(index) * Math.sin(index);
  return total;
}

function realAaTable(): void {
  const repetitions = 10;
  const pairs = 100;
  let checksum = 0;
  const run = (): number[] =>
    Array.from({ length: repetitions }, () => {
      const start = performance.now();
      checksum += cpuTask();
      return performance.now() - start;
    });
  for (let warmup = 0; warmup < 20; warmup++) checksum += cpuTask();
  const settings = [
    { label: "defaults (minEffect 5%, alpha 0.01, noiseMultiple 1)", options: {} },
    { label: "noiseMultiple 0 (minEffect and alpha only)", options: { noiseMultiple: 0 } },
    {
      label: "asv-like (minEffect 10%, alpha 0.002, noiseMultiple 0)",
      options: { minEffect: 0.1, alpha: 0.002, noiseMultiple: 0 },
    },
  ] as const;
  const counts: Array<Record<Verdict, number>> = settings.map(() => ({
    faster: 0,
    slower: 0,
    unchanged: 0,
    noisy: 0,
  }));
  const cvs: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const base = run();
    const head = run();
    const baseMean = mean(base);
    cvs.push(Math.sqrt(mean(base.map((value) => (value - baseMean) ** 2))) / baseMean);
    for (const [index, setting] of settings.entries()) {
      const count = counts[index] as Record<Verdict, number>;
      count[compareSamples(base, head, { seed: pair, ...setting.options }).verdict] += 1;
    }
  }
  const sortedCvs = [...cvs].sort((a, b) => a - b);
  console.log(
    `\n## Real A/A on this machine\n\n${pairs} pairs of back-to-back batches of ${repetitions} timed repetitions of the same CPU loop ` +
      `(per-batch CV: median ${fixed((sortedCvs[pairs >> 1] as number) * 100, 1)}%, max ${fixed((sortedCvs[pairs - 1] as number) * 100, 1)}%; checksum ${checksum.toExponential(3)}).\n`,
  );
  console.log("| verdict rules | false alarms (faster + slower) | unchanged | noisy |");
  console.log("|---|---|---|---|");
  for (const [index, setting] of settings.entries()) {
    const count = counts[index] as Record<Verdict, number>;
    console.log(
      `| ${setting.label} | ${count.faster + count.slower}/${pairs} (${count.faster} + ${count.slower}) | ${count.unchanged} | ${count.noisy} |`,
    );
  }
}

const started = performance.now();
const only = process.argv[2];
if (!only || only === "steps") stepTable();
if (!only || only === "noise") pureNoiseTable();
if (!only || only === "outliers") singleOutlierTable();
if (!only || only === "compare") syntheticAaTable();
if (!only || only === "real") realAaTable();
console.log(`\n(benchmark took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
