/**
 * Quality benchmark of the regression detector, scored on what users see: the rows the
 * online check stores.
 *
 *   npm run bench:detect                       (after building apps/api)
 *   DETECT_BENCH_SCALE=0.25 npm run bench:detect   (a quick look: a quarter of the histories)
 *
 * Every history of the suite (src/bench/detect-suite.ts: noise, single outlier runs,
 * drift without steps, 2-4 steps of 1-20 run-to-run sigmas, scaling histories with
 * efficiency steps) is ingested run by run through `ingestRun`, with its raw repetition
 * samples, and after every ingest the run is checked by `afterRunStored`, exactly as
 * `threadbench ingest` and the `ingestRun` mutation do. At the end the Regression table is
 * read back and scored against the truth (src/bench/detect-score.ts): a stored change is
 * right when it lies within +-1 run of a true change of its direction and no other row
 * already matched that change.
 *
 * Several histories share one ingested run (each its own cell, so its own series), which
 * is how real runs look (many cells checked together, false discovery control across
 * them) and keeps the benchmark to a few minutes. Seeded: the same figures on every
 * machine, whatever its speed. A temporary SQLite file, or DATABASE_URL if set.
 *
 * Prints: precision, recall and F1 per step size, location and size accuracy, detection
 * delay, false alarms per 1,000 points on noise / outliers / drift, the scaling metrics,
 * and the ROC AUC of the stored confidence (true rows vs false rows).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { RegressionMetric } from "@threadbench/core";
import { median } from "@threadbench/core";
import type { HistoryStep } from "../analysis/realistic-history.js";
import { type Database, openDatabase } from "../db/client.js";
import { ingestRun } from "../db/ingest.js";
import {
  encodeRegressionCursor,
  listRegressionPage,
  type StoredRegression,
} from "../db/regression-repository.js";
import { measurementsOfRuns } from "../db/run-reads.js";
import { afterRunStored } from "../regressions/after-run-stored.js";
import {
  matchChanges,
  rocAuc,
  type ScoredRow,
  sizeError,
  type TrueChange,
  toTrueChanges,
} from "./detect-score.js";
import {
  defaultSuiteSize,
  historyLength,
  type ScalingSuiteHistory,
  type SuiteHistory,
  scaledSuiteSize,
  scalingModes,
  scalingSuite,
  scalingThreads,
  stepBins,
  wallTimeSuite,
} from "./detect-suite.js";

const scale = Number(process.env.DETECT_BENCH_SCALE ?? 1);
if (!(scale > 0 && scale <= 4))
  throw new TypeError(`DETECT_BENCH_SCALE must be in (0, 4], got ${process.env.DETECT_BENCH_SCALE}`);
const size = scale === 1 ? defaultSuiteSize : scaledSuiteSize(scale);
const origin = Date.UTC(2026, 0, 1);
const hourMs = 3_600_000;

const testbed = {
  hostname: "detect-bench",
  os: "linux",
  arch: "x64",
  cpuModel: "Benchmark CPU",
  logicalCores: 8,
  memoryBytes: 16 * 1024 ** 3,
  runtime: "node",
  runtimeVersion: "20.20.2",
};

/** One ingested run sequence: wall-time histories (one mode each) and at most one scaling history. */
interface Group {
  workload: string;
  wall: SuiteHistory[];
  scaling: ScalingSuiteHistory | null;
}

function modeOf(position: number): string {
  return `series-${String(position + 1).padStart(2, "0")}`;
}

/**
 * One run sequence per scaling history, the wall-time histories dealt out over them
 * (about 18 each with the default sizes): a run then has some 24 cells, as a run of four
 * modes at several thread counts does, and the benchmark ingests 16 x 160 runs instead
 * of one sequence per history (the cost of ingesting and checking a run is mostly per
 * run, not per cell).
 */
function groups(): Group[] {
  const wall = wallTimeSuite(size);
  const result: Group[] = scalingSuite(size).map((scaling, index) => ({
    workload: `detect-${index}`,
    wall: [],
    scaling,
  }));
  for (const [index, history] of wall.entries()) (result[index % result.length] as Group).wall.push(history);
  return result;
}

interface SeriesTruth {
  id: string;
  kind: SuiteHistory["kind"] | "scaling";
  binLabel: string | null;
  metric: RegressionMetric;
  truths: TrueChange[];
  /** runId -> index in this history. */
  runIndex: Map<string, number>;
  rows: ScoredRow[];
}

/** Value direction of a stored row: the metric rose (+1) or fell (-1). */
function directionOf(metric: RegressionMetric, size: number): 1 | -1 {
  // size is positive when worse: wall time and serial fraction rise, efficiency falls.
  const rose = metric === "efficiency" ? size < 0 : size > 0;
  return rose ? 1 : -1;
}

/** The relative change of the value a row stores (efficiency's size is negated). */
function valueChange(metric: RegressionMetric, size: number): number {
  return metric === "efficiency" ? -size : size;
}

async function ingestGroup(
  database: Database,
  group: Group,
  series: Map<string, SeriesTruth>,
  firstStored: Map<string, { change: number; atIndex: number }>,
): Promise<void> {
  const runIndex = new Map<string, number>();
  for (let index = 0; index < historyLength; index++) {
    const measurements: Array<{ mode: string; threads: number; samples: Array<{ wallMs: number }> }> = [];
    for (const [position, history] of group.wall.entries()) {
      measurements.push({
        mode: modeOf(position),
        threads: 1,
        samples: (history.history.runs[index] as number[]).map((wallMs) => ({ wallMs })),
      });
    }
    if (group.scaling) {
      for (const mode of scalingModes) {
        for (const threads of scalingThreads) {
          const runs = group.scaling.cells.get(`${mode} x${threads}`) as number[][];
          measurements.push({
            mode,
            threads,
            samples: (runs[index] as number[]).map((wallMs) => ({ wallMs })),
          });
        }
      }
    }
    const at = new Date(origin + index * hourMs).toISOString();
    const { run } = await ingestRun(database, {
      formatVersion: 1,
      workload: group.workload,
      branch: "main",
      startedAt: at,
      finishedAt: at,
      testbed,
      measurements,
    });
    runIndex.set(run.id, index);
    const result = await afterRunStored(database, run.id);
    for (const stored of result.stored) {
      firstStored.set(stored.id, { change: valueChange(stored.metric, stored.size), atIndex: index });
    }
    if (index === 0) await describeSeries(database, run.id, group, series, runIndex);
  }
}

/** Registers the group's series (by the keys the store gave them) with their truths. */
async function describeSeries(
  database: Database,
  runId: string,
  group: Group,
  series: Map<string, SeriesTruth>,
  runIndex: Map<string, number>,
): Promise<void> {
  const cells = (await measurementsOfRuns(database, [runId])).get(runId) ?? [];
  // runIndex fills up as the group is ingested; every series of the group shares it.
  for (const cell of cells) {
    const position = group.wall.findIndex((_, index) => modeOf(index) === cell.mode);
    const add = (
      metric: RegressionMetric,
      truth: SeriesTruth["kind"],
      id: string,
      bin: string | null,
      truths: TrueChange[],
    ) => {
      series.set(`${cell.seriesKey}\u0000${metric}`, {
        id,
        kind: truth,
        binLabel: bin,
        metric,
        truths,
        runIndex,
        rows: [],
      });
    };
    if (position >= 0) {
      const history = group.wall[position] as SuiteHistory;
      add(
        "wall_time",
        history.kind,
        history.id,
        history.bin?.label ?? null,
        toTrueChanges(history.history.steps, history.history.runSigma),
      );
      continue;
    }
    const scaling = group.scaling;
    if (!scaling) continue;
    const key = `${cell.mode} x${cell.threads}`;
    // Scaling cells: wall steps in sigmas of the cell's noise are not the point here.
    add(
      "wall_time",
      "scaling",
      `${scaling.id} ${key}`,
      null,
      toTrueChanges(scaling.wallSteps.get(key) ?? [], 1),
    );
    if (cell.mode === "worker-threads" && cell.threads === Math.max(...scalingThreads)) {
      const efficiency: HistoryStep[] = scaling.efficiencySteps;
      add(
        "efficiency",
        "scaling",
        `${scaling.id} efficiency`,
        null,
        toTrueChanges(efficiency, scaling.efficiencySigma),
      );
      // The serial fraction rises when efficiency falls: opposite direction, no size.
      add(
        "serial_fraction",
        "scaling",
        `${scaling.id} serial fraction`,
        null,
        toTrueChanges(
          efficiency.map((step) => ({ index: step.index, logStep: -step.logStep })),
          scaling.efficiencySigma,
        ),
      );
    }
  }
}

function percent(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : "-";
}

interface Tally {
  truePositives: number;
  falsePositives: number;
  missed: number;
  duplicates: number;
  mislocated: number;
  exact: number;
  sizeFirst: number;
  sizeFinal: number;
  delays: number[];
  positives: number[];
  negatives: number[];
}

function emptyTally(): Tally {
  return {
    truePositives: 0,
    falsePositives: 0,
    missed: 0,
    duplicates: 0,
    mislocated: 0,
    exact: 0,
    sizeFirst: 0,
    sizeFinal: 0,
    delays: [],
    positives: [],
    negatives: [],
  };
}

function tallyRow(label: string, tally: Tally): string {
  const precision = tally.truePositives / (tally.truePositives + tally.falsePositives);
  const recall = tally.truePositives / (tally.truePositives + tally.missed);
  const f1 = (2 * precision * recall) / (precision + recall);
  const share = (count: number) => percent(count / tally.truePositives);
  // Serial fractions are compared as absolute changes, so their size has no relative error.
  const size = (count: number) => (label === "serial_fraction" ? "-" : share(count));
  return `| ${label} | ${tally.truePositives + tally.missed} | ${percent(precision)} | ${percent(recall)} | ${percent(f1)} | ${tally.duplicates} | ${tally.mislocated} | ${share(tally.exact)} | ${size(tally.sizeFirst)} | ${size(tally.sizeFinal)} | ${median(tally.delays)} |`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const directory = process.env.DATABASE_URL ? null : mkdtempSync(join(tmpdir(), "threadbench-detect-"));
  const database = await openDatabase(
    process.env.DATABASE_URL ?? `file:${join(directory as string, "detect.db")}`,
  );
  const series = new Map<string, SeriesTruth>();
  const firstStored = new Map<string, { change: number; atIndex: number }>();
  const plan = groups();
  try {
    for (const [position, group] of plan.entries()) {
      await ingestGroup(database, group, series, firstStored);
      process.stderr.write(`\rgroup ${position + 1}/${plan.length} ingested and checked`);
    }
    process.stderr.write("\n");
    const rows: StoredRegression[] = [];
    for (let after: string | null = null, more = true; more; ) {
      const page = await listRegressionPage(database, {}, { first: 1000, after });
      rows.push(...page.regressions);
      more = page.hasNextPage;
      const last = page.regressions.at(-1);
      after = last ? encodeRegressionCursor(last) : null;
    }
    for (const row of rows) {
      const truth = series.get(`${row.seriesKey}\u0000${row.metric}`);
      if (!truth) throw new Error(`a stored change of an unknown series ${row.seriesKey} (${row.metric})`);
      const metric = row.metric as RegressionMetric;
      const first = firstStored.get(row.id);
      truth.rows.push({
        index: truth.runIndex.get(row.runId) ?? -1,
        direction: directionOf(metric, row.size),
        change: valueChange(metric, row.size),
        confidence: row.confidence,
        storedAtIndex: first?.atIndex ?? -1,
        firstChange: first?.change ?? Number.NaN,
      });
    }
  } finally {
    await database.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
  report(series, performance.now() - started);
}

function report(series: Map<string, SeriesTruth>, elapsedMs: number): void {
  const byBin = new Map<string, Tally>();
  const scalingTallies = new Map<RegressionMetric, Tally>();
  const falseAlarms = new Map<string, { points: number; alarms: number; series: number; alarmed: number }>();
  const all = emptyTally();
  for (const entry of series.values()) {
    const match = matchChanges(entry.truths, entry.rows);
    const tally =
      entry.kind === "steps"
        ? (byBin.get(entry.binLabel as string) ?? emptyTally())
        : entry.kind === "scaling"
          ? (scalingTallies.get(entry.metric) ?? emptyTally())
          : null;
    for (const target of tally ? [tally, all] : [all]) {
      target.truePositives += match.truePositives.length;
      target.falsePositives += match.falsePositives.length;
      target.missed += match.missed.length;
      target.duplicates += match.duplicates;
      target.mislocated += match.mislocated;
      for (const { truth, row } of match.truePositives) {
        if (row.index === truth.index) target.exact++;
        if (entry.metric !== "serial_fraction") {
          if (sizeError(row.firstChange, truth) <= 0.2) target.sizeFirst++;
          if (sizeError(row.change, truth) <= 0.2) target.sizeFinal++;
        }
        target.delays.push(row.storedAtIndex - truth.index);
        target.positives.push(row.confidence);
      }
      for (const row of match.falsePositives) target.negatives.push(row.confidence);
    }
    if (entry.kind === "steps" && tally) byBin.set(entry.binLabel as string, tally);
    if (entry.kind === "scaling" && tally) scalingTallies.set(entry.metric, tally);
    if (entry.kind === "noise" || entry.kind === "outliers" || entry.kind === "drift") {
      const counts = falseAlarms.get(entry.kind) ?? { points: 0, alarms: 0, series: 0, alarmed: 0 };
      counts.points += historyLength;
      counts.alarms += entry.rows.length;
      counts.series++;
      if (entry.rows.length > 0) counts.alarmed++;
      falseAlarms.set(entry.kind, counts);
    }
  }
  const header =
    "| step | true changes | precision | recall | F1 | stored twice | stored 2-5 runs off | at the exact run | size within 20% when stored | size within 20% now | median delay (runs) |";
  const rule = "|---|---|---|---|---|---|---|---|---|---|---|";
  console.log(
    `\n## Wall-time steps (${size.stepsPerBin} histories of ${historyLength} runs per size, 2-4 steps each)\n`,
  );
  console.log(header);
  console.log(rule);
  const atLeastThree = emptyTally();
  for (const bin of stepBins) {
    const tally = byBin.get(bin.label) ?? emptyTally();
    console.log(tallyRow(bin.label, tally));
    if (bin.low >= 3) {
      for (const key of Object.keys(atLeastThree) as Array<keyof Tally>) {
        const value = tally[key];
        if (Array.isArray(value)) (atLeastThree[key] as number[]).push(...value);
        else (atLeastThree[key] as number) += value as number;
      }
    }
  }
  console.log(tallyRow(">= 3σ", atLeastThree));
  console.log("\n## False alarms without a step\n");
  console.log("| history | series | points | alarms | series alarmed | alarms per 1,000 points |");
  console.log("|---|---|---|---|---|---|");
  for (const kind of ["noise", "outliers", "drift"]) {
    const counts = falseAlarms.get(kind) ?? { points: 0, alarms: 0, series: 0, alarmed: 0 };
    console.log(
      `| ${kind} | ${counts.series} | ${counts.points} | ${counts.alarms} | ${counts.alarmed} | ${percent((counts.alarms * 1000) / counts.points)} |`,
    );
  }
  console.log(`\n## Scaling histories (${size.scaling}; efficiency steps of 5-40% at 4 threads)\n`);
  console.log(header.replace("| step |", "| metric |"));
  console.log(rule);
  for (const metric of ["wall_time", "efficiency", "serial_fraction"] as const) {
    console.log(tallyRow(metric, scalingTallies.get(metric) ?? emptyTally()));
  }
  console.log(
    `\nROC AUC of the stored confidence, true rows vs false rows (all histories): ${percent(rocAuc(all.positives, all.negatives))} (${all.positives.length} true, ${all.negatives.length} false)`,
  );
  console.log(
    "Delay: runs from the change to the check that first stored it. Size: |stored / true - 1| <= 0.2 of the relative change (scaling wall-time truths in the table above carry no sigma)",
  );
  console.log(`(benchmark took ${(elapsedMs / 1000).toFixed(0)} s)`);
}

await main();
