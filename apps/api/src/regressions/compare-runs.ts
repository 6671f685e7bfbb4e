import { compareModes } from "@threadbench/core";
import { type CompareOptions, compareSamples, defaultMinSamples, type Verdict } from "../analysis/compare.js";
import type { ConfidenceInterval } from "../analysis/summary.js";
import type { Database } from "../db/client.js";
import { requireRunDetail } from "../db/run-reads.js";
import type { StoredMeasurement, StoredRunDetail } from "../db/run-rows.js";

/** One (mode, threads) cell of a comparison of two runs. */
export type CellComparison =
  | {
      kind: "compared";
      mode: string;
      threads: number;
      baseMedianMs: number;
      headMedianMs: number;
      /** head / base - 1 of the median wall times, with its bootstrap interval. */
      relativeChange: ConfidenceInterval | null;
      /** Two-sided Mann-Whitney p-value of the wall-time samples. */
      pValue: number;
      verdict: Verdict;
      baseSamples: number;
      headSamples: number;
    }
  | {
      /**
       * The cell failed, or its checksum did not match the sequential baseline's, in one
       * of the runs: its samples time something else, so they are not compared.
       */
      kind: "failed";
      mode: string;
      threads: number;
      /** The measurement's status, or "checksum mismatch" for a succeeded cell whose checksum differed. */
      baseStatus: string;
      headStatus: string;
    }
  | { kind: "base-only" | "head-only"; mode: string; threads: number };

/** Result of {@link compareRuns}. */
export interface RunComparison {
  baseRunId: string;
  headRunId: string;
  /** Differences that make the comparison questionable (workload, params, testbed...). */
  warnings: string[];
  cells: CellComparison[];
  /** Compared cells per verdict. */
  verdicts: Record<Verdict, number>;
}

/**
 * Compares two stored runs cell by cell: for each (mode, threads) in both runs, the
 * wall-time samples with `compareSamples` (relative change of medians with a bootstrap
 * interval, Mann-Whitney p-value, and a faster / slower / unchanged / noisy verdict);
 * cells present in only one run are listed as such. NotFoundError for a missing run.
 */
export async function compareRuns(
  database: Database,
  baseRunId: string,
  headRunId: string,
  options: CompareOptions = {},
): Promise<RunComparison> {
  const [base, head] = await Promise.all([
    requireRunDetail(database, baseRunId),
    requireRunDetail(database, headRunId),
  ]);
  return compareRunDetails(base, head, options);
}

/** {@link compareRuns} on runs already read (with samples). */
export function compareRunDetails(
  base: StoredRunDetail,
  head: StoredRunDetail,
  options: CompareOptions = {},
): RunComparison {
  const cellKey = (measurement: StoredMeasurement) => `${measurement.mode}\u0000${measurement.threads}`;
  const baseCells = new Map(base.measurements.map((measurement) => [cellKey(measurement), measurement]));
  const headCells = new Map(head.measurements.map((measurement) => [cellKey(measurement), measurement]));
  const keys = [...new Set([...baseCells.keys(), ...headCells.keys()])];
  const cells: CellComparison[] = [];
  const verdicts: Record<Verdict, number> = { faster: 0, slower: 0, unchanged: 0, noisy: 0 };
  for (const key of keys) {
    const baseCell = baseCells.get(key);
    const headCell = headCells.get(key);
    const any = (baseCell ?? headCell) as StoredMeasurement;
    const where = { mode: any.mode, threads: any.threads };
    if (!baseCell) {
      cells.push({ kind: "head-only", ...where });
      continue;
    }
    if (!headCell) {
      cells.push({ kind: "base-only", ...where });
      continue;
    }
    if (!comparable(baseCell) || !comparable(headCell)) {
      cells.push({
        kind: "failed",
        ...where,
        baseStatus: cellStatus(baseCell),
        headStatus: cellStatus(headCell),
      });
      continue;
    }
    const baseWall = baseCell.samples.map((sample) => sample.wallMs);
    const headWall = headCell.samples.map((sample) => sample.wallMs);
    const comparison = compareSamples(baseWall, headWall, options);
    verdicts[comparison.verdict]++;
    cells.push({
      kind: "compared",
      ...where,
      baseMedianMs: comparison.baseMedian,
      headMedianMs: comparison.headMedian,
      relativeChange: comparison.relativeChange,
      pValue: comparison.mannWhitney.pValue,
      verdict: comparison.verdict,
      baseSamples: baseWall.length,
      headSamples: headWall.length,
    });
  }
  cells.sort((a, b) => compareModes(a.mode, b.mode) || a.threads - b.threads);
  return {
    baseRunId: base.id,
    headRunId: head.id,
    warnings: [...comparisonWarnings(base, head), ...fewSamplesWarnings(cells, options)],
    cells,
    verdicts,
  };
}

/** A cell whose samples time the workload: it succeeded and its checksum did not mismatch. */
function comparable(cell: StoredMeasurement): boolean {
  return cell.status === "succeeded" && cell.checksumStatus !== "mismatch";
}

function cellStatus(cell: StoredMeasurement): string {
  return cell.status === "succeeded" && cell.checksumStatus === "mismatch"
    ? "checksum mismatch"
    : cell.status;
}

function comparisonWarnings(base: StoredRunDetail, head: StoredRunDetail): string[] {
  const warnings: string[] = [];
  if (base.workloadId !== head.workloadId) {
    warnings.push(`different workloads: ${base.workloadId} vs ${head.workloadId}`);
  } else if (base.paramsKey !== head.paramsKey) {
    warnings.push(`different parameters: ${base.paramsKey} vs ${head.paramsKey}`);
  }
  if (base.scaling !== head.scaling) warnings.push(`different scaling: ${base.scaling} vs ${head.scaling}`);
  if ((base.testbed?.id ?? null) !== (head.testbed?.id ?? null)) {
    warnings.push(
      `different testbeds: ${describeTestbed(base)} vs ${describeTestbed(head)} (a machine change is a change)`,
    );
  }
  if (base.seeded !== head.seeded) warnings.push("one run is seeded (synthetic) and the other is not");
  for (const [name, run] of [
    ["base", base],
    ["head", head],
  ] as const) {
    if (run.status !== "succeeded")
      warnings.push(`the ${name} run ${run.status}${run.error ? `: ${run.error}` : ""}`);
  }
  return warnings;
}

/**
 * Says why cells read "noisy" when one run has too few repetitions for any verdict: the
 * rank test cannot reach its level with them (3 vs 3 repetitions: p >= 0.1), however
 * large the change. Without it, a run twice as slow at 3 repetitions reads "noisy".
 */
function fewSamplesWarnings(cells: readonly CellComparison[], options: CompareOptions): string[] {
  const minSamples = options.minSamples ?? defaultMinSamples;
  const compared = cells.filter(
    (cell): cell is Extract<CellComparison, { kind: "compared" }> => cell.kind === "compared",
  );
  const warnings: string[] = [];
  for (const side of ["base", "head"] as const) {
    const counts = compared.map((cell) => (side === "base" ? cell.baseSamples : cell.headSamples));
    const short = counts.filter((count) => count < minSamples);
    if (short.length === 0) continue;
    const fewest = Math.min(...short);
    const most = Math.max(...short);
    const repetitions = fewest === most ? String(fewest) : `${fewest}-${most}`;
    const where =
      short.length === counts.length
        ? "every compared cell"
        : `${short.length} of ${counts.length} compared cells`;
    warnings.push(
      `the ${side} run has ${repetitions} repetition${most === 1 ? "" : "s"} in ${where}: a verdict needs at least ${minSamples} on each side, so ${short.length === 1 ? "that cell reads" : "those cells read"} noisy whatever the change; measure with ${minSamples} or more repetitions to tell`,
    );
  }
  return warnings;
}

function describeTestbed(run: StoredRunDetail): string {
  const testbed = run.testbed;
  return testbed ? `${testbed.hostname} ${testbed.runtime} ${testbed.runtimeVersion}` : "unknown";
}
