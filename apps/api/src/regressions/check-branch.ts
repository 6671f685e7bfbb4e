import type { CompareOptions } from "../analysis/compare.js";
import { fitAmdahl, type ScalingPoint, type ScalingRegression } from "../analysis/scaling.js";
import { type GateOutcome, judgeAgainstHistory, minimumHistory } from "../analysis/thresholds.js";
import type { Database } from "../db/client.js";
import { comparableRunIds, listRuns, type SucceededCell, succeededCellsOfRuns } from "../db/run-list.js";
import { requireRunDetail } from "../db/run-reads.js";
import type { StoredRunDetail } from "../db/run-rows.js";
import { NotFoundError } from "../errors.js";
import { type CellComparison, compareRunDetails, type RunComparison } from "./compare-runs.js";
import {
  defaultGateSettings,
  type GateMetric,
  type GateOptions,
  type GateStatistic,
  resolveThreshold,
  type SeriesThreshold,
} from "./gate-options.js";

/** Options of {@link checkBranch}. */
export interface CheckBranchOptions {
  /** The branch to compare against (e.g. "main"). */
  base: string;
  /** The branch whose latest run is checked (e.g. the pull request's). */
  branch: string;
  /** Only runs of this workload (default: the branch's latest run, whatever its workload). */
  workloadId?: string;
  /** Check this run instead of the branch's latest. */
  headRunId?: string;
  /**
   * Judge against the base runs created before this time only (e.g. replaying a past
   * check); default: the base branch's most recent runs, whenever they ran.
   */
  asOf?: Date;
  /**
   * The pairwise comparison with the latest base run (shown next to the gate). Its
   * `minEffect` is also the gate's default minimum effect on wall times when
   * `gate.minEffect` is not set (what `--min-effect` used to set).
   */
  compare?: CompareOptions;
  /** How the head is judged against the base branch's history. */
  gate?: GateOptions;
}

/** One cell (or scaling metric) of the head judged against the base branch's recent runs. */
export interface GateCell {
  mode: string;
  threads: number;
  metric: GateMetric;
  /** The threshold that applied (defaults merged with the first matching rule). */
  threshold: SeriesThreshold;
  /**
   * pass | slower (beyond its limit and the check fails) | unconfirmed (beyond its limit,
   * but the only cell of its run that is: reported, not failing) | faster (better than
   * history, reported) | insufficient-history (fewer base runs than the model needs).
   */
  verdict: "pass" | "slower" | "unconfirmed" | "faster" | "insufficient-history";
  /** Base runs that had this cell. */
  baseRuns: number;
  /** The figures, null when the history was too short. */
  outcome: GateOutcome | null;
}

/** How the head fared against the base branch's history. */
export interface HistoryGate {
  /** Per-run value of a wall-time cell: the min (default) or median of its repetitions. */
  statistic: GateStatistic;
  /** Base runs read (the most recent, up to `history`). */
  baseRuns: number;
  /** Most base runs used. */
  history: number;
  cells: GateCell[];
  /**
   * Fewer base runs than `fewRuns` (or some cells not judged): a gate on so little
   * history only catches large changes; an interleaved A/B measurement
   * (`threadbench check --ab`) decides smaller ones.
   */
  fewRuns: boolean;
}

/** Why a check failed: one slower cell or one scaling loss. */
export type CheckReason =
  | {
      kind: "slower-cell";
      /** The cell against the latest base run (its repetitions), for reference. */
      cell: Extract<CellComparison, { kind: "compared" }>;
      /** The cell against the base branch's history: what failed the check. */
      gate: GateCell;
    }
  | { kind: "scaling"; mode: string; result: ScalingRegression; gate: GateCell[] };

/** Result of {@link checkBranch}. */
export interface BranchCheck {
  head: StoredRunDetail;
  /** The latest comparable base run; null when the base branch has none. */
  base: StoredRunDetail | null;
  /** The head against the latest base run, cell by cell (repetitions, for reference). */
  comparison: RunComparison | null;
  /** The head against the base branch's recent runs: what decides. */
  gate: HistoryGate | null;
  regressed: boolean;
  reasons: CheckReason[];
}

/** Below this many base runs the gate says it can only catch large changes. */
const fewRuns = 5;

/**
 * What `threadbench check` gates a pull request on: the latest succeeded run on `branch`
 * (or `headRunId`) against the distribution of the per-run values of the most recent
 * comparable succeeded runs on `base` (same workload, parameters, scaling, testbed,
 * project, harness and workload module; real and seeded data never mixed). A wall-time
 * cell fails when its value is beyond its series' threshold (by default a Student-t
 * prediction interval for one new run at 0.999, and at least 2% slower); a parallel mode
 * fails when its efficiency at its highest thread count falls below its history's limit
 * or its Amdahl serial fraction rises above it. When branch and base are the same, the
 * history is the runs before the checked one. NotFoundError when the branch has no
 * succeeded run.
 */
export async function checkBranch(database: Database, options: CheckBranchOptions): Promise<BranchCheck> {
  const headRow = options.headRunId
    ? { id: options.headRunId }
    : (
        await listRuns(
          database,
          {
            branch: options.branch,
            status: "succeeded",
            ...(options.workloadId !== undefined ? { workloadId: options.workloadId } : {}),
          },
          { limit: 1 },
        )
      ).runs[0];
  if (!headRow) {
    throw new NotFoundError(
      "succeeded run on branch",
      options.workloadId ? `${options.branch} (workload ${options.workloadId})` : options.branch,
    );
  }
  const head = await requireRunDetail(database, headRow.id);
  const gateOptions = options.gate ?? {};
  const history = gateOptions.history ?? defaultGateSettings.history;
  // Same branch: the runs before the checked one, not later ones.
  let createdBefore = options.base === head.branch ? head.createdAt : undefined;
  if (options.asOf) {
    createdBefore =
      options.base === head.branch && head.createdAt < options.asOf ? head.createdAt : options.asOf;
  }
  const findBase = (workloadHash: string | null | undefined) =>
    comparableRunIds(database, {
      head: { ...head, testbedId: head.testbed?.id ?? null },
      branch: options.base,
      ...(createdBefore ? { createdBefore } : {}),
      workloadHash,
      take: history,
    });
  // A workload module is compared with runs of the same source; a changed module has no
  // such history, and is compared with the base's module, with a warning.
  let baseRunIds = await findBase(head.workloadHash);
  let moduleChanged = false;
  if (baseRunIds.length === 0 && head.workloadHash !== null) {
    baseRunIds = await findBase(undefined);
    moduleChanged = baseRunIds.length > 0;
  }
  const latest = baseRunIds[0];
  if (!latest) return { head, base: null, comparison: null, gate: null, regressed: false, reasons: [] };
  const base = await requireRunDetail(database, latest);
  const minEffect = gateOptions.minEffect ?? options.compare?.minEffect;
  const comparison = compareRunDetails(base, head, options.compare);
  if (moduleChanged) {
    comparison.warnings.push(
      "the workload module's source differs from every base run's: the change may be the benchmark's, not the code's",
    );
  }
  const gate = await judgeHead(database, head, baseRunIds, {
    ...gateOptions,
    ...(minEffect !== undefined ? { minEffect } : {}),
    history,
  });
  const reasons: CheckReason[] = [];
  for (const cell of gate.cells) {
    if (cell.metric !== "wall_time" || cell.verdict !== "slower") continue;
    const compared = comparison.cells.find(
      (candidate): candidate is Extract<CellComparison, { kind: "compared" }> =>
        candidate.kind === "compared" && candidate.mode === cell.mode && candidate.threads === cell.threads,
    );
    if (compared) reasons.push({ kind: "slower-cell", cell: compared, gate: cell });
  }
  for (const mode of [
    ...new Set(gate.cells.filter((cell) => cell.metric !== "wall_time").map((cell) => cell.mode)),
  ]) {
    const cells = gate.cells.filter((cell) => cell.mode === mode && cell.metric !== "wall_time");
    const result = scalingResult(cells);
    if (result.regressed) reasons.push({ kind: "scaling", mode, result, gate: cells });
  }
  return { head, base, comparison, gate, regressed: reasons.length > 0, reasons };
}

/** Modes whose efficiency is not a property of the code (see check-run.ts). */
const modesWithoutScaling = new Set(["sequential", "event-loop"]);

async function judgeHead(
  database: Database,
  head: StoredRunDetail,
  baseRunIds: readonly string[],
  options: GateOptions & { history: number },
): Promise<HistoryGate> {
  const statistic = options.statistic ?? defaultGateSettings.statistic;
  const rows: SucceededCell[] = await succeededCellsOfRuns(database, baseRunIds);

  const cells: GateCell[] = [];
  const succeeded = head.measurements.filter(
    (measurement) => measurement.status === "succeeded" && measurement.wall,
  );
  const judge = (
    mode: string,
    threads: number,
    metric: GateMetric,
    history: readonly number[],
    value: number | null,
  ) => {
    const threshold = resolveThreshold(options, { workloadId: head.workloadId, mode, threads, metric });
    if (value === null || !Number.isFinite(value)) return;
    const scale = metric === "serial_fraction" ? "absolute" : "relative";
    const worse = metric === "efficiency" ? "down" : "up";
    const outcome = judgeAgainstHistory(history, value, threshold, { scale, worse });
    cells.push({
      mode,
      threads,
      metric,
      threshold,
      // "slower" for now; decided below once every cell is judged.
      verdict:
        outcome === null || history.length < minimumHistory(threshold.model)
          ? "insufficient-history"
          : outcome.worse
            ? "slower"
            : outcome.better
              ? "faster"
              : "pass",
      baseRuns: history.length,
      outcome,
    });
  };
  for (const measurement of succeeded) {
    const wall = measurement.wall as NonNullable<typeof measurement.wall>;
    const matching = rows.filter(
      (row) => row.mode === measurement.mode && row.threads === measurement.threads,
    );
    const history = matching
      .map((row) => (statistic === "min" ? row.wallMin : row.wallMedian))
      .filter((value): value is number => value !== null);
    judge(
      measurement.mode,
      measurement.threads,
      "wall_time",
      history,
      statistic === "min" ? wall.min : wall.median,
    );
  }
  // Scaling: each parallel mode's efficiency at its highest thread count, and its Amdahl
  // serial fraction over its thread counts, against the same metrics of the base runs.
  const modes = [...new Set(succeeded.map((measurement) => measurement.mode))].filter(
    (mode) => !modesWithoutScaling.has(mode),
  );
  for (const mode of modes) {
    const ofMode = succeeded.filter((measurement) => measurement.mode === mode);
    const top = Math.max(...ofMode.map((measurement) => measurement.threads));
    if (top < 2) continue;
    const topCell = ofMode.find((measurement) => measurement.threads === top);
    const efficiencies = rows
      .filter((row) => row.mode === mode && row.threads === top && row.efficiency !== null)
      .map((row) => row.efficiency as number);
    judge(mode, top, "efficiency", efficiencies, topCell?.efficiency ?? null);
    const headFraction = serialFraction(
      ofMode.map((measurement) => ({ threads: measurement.threads, speedup: measurement.speedup })),
    );
    const baseFractions = baseRunIds.flatMap((runId) => {
      const fraction = serialFraction(
        rows
          .filter((row) => row.runId === runId && row.mode === mode)
          .map((row) => ({ threads: row.threads, speedup: row.speedup })),
      );
      return fraction === null ? [] : [fraction];
    });
    judge(mode, top, "serial_fraction", baseFractions, headFraction);
  }
  decide(cells, options.corroborate ?? true);
  const judged = cells.filter((cell) => cell.verdict !== "insufficient-history");
  return {
    statistic,
    baseRuns: baseRunIds.length,
    history: options.history,
    cells,
    fewRuns: baseRunIds.length < fewRuns || judged.length < cells.length,
  };
}

/**
 * Which cells beyond their limits fail the check. With corroboration (the default), a run
 * with two or more judged cells fails only when two of them are beyond their limits (a
 * mode's efficiency and serial fraction count with its top cell: they are that cell's
 * measurement); a lone one is "unconfirmed". A code change moves several cells; on a
 * shared machine one cell of a run is an outlier far more often than two: on the 2-core
 * VM a two-thread cell doubled whenever another process took the second core, and alone
 * failed 3 of 100 A/A checks under Bencher's any-cell rule.
 */
function decide(cells: GateCell[], corroborate: boolean): void {
  const group = (cell: GateCell) => `${cell.mode}\u0000${cell.threads}`;
  const beyond = cells.filter((cell) => cell.verdict === "slower");
  const judged = new Set(cells.filter((cell) => cell.verdict !== "insufficient-history").map(group));
  const groups = new Set(beyond.map(group));
  if (!corroborate || groups.size >= Math.min(2, judged.size)) return;
  for (const cell of beyond) cell.verdict = "unconfirmed";
}

/** Amdahl's serial fraction of one run's speedups of a mode, null below two thread counts. */
function serialFraction(points: ReadonlyArray<{ threads: number; speedup: number | null }>): number | null {
  const usable: ScalingPoint[] = points.flatMap((point) =>
    point.speedup !== null && Number.isFinite(point.speedup)
      ? [{ threads: point.threads, speedup: point.speedup }]
      : [],
  );
  if (new Set(usable.map((point) => point.threads)).size < 2) return null;
  return fitAmdahl(usable)?.serialFraction ?? null;
}

/** The scaling cells of one mode in the shape the scaling check has always reported. */
function scalingResult(cells: readonly GateCell[]): ScalingRegression {
  const efficiency = cells.find((cell) => cell.metric === "efficiency");
  const serial = cells.find((cell) => cell.metric === "serial_fraction");
  const efficiencyResult =
    efficiency?.outcome != null
      ? {
          threads: efficiency.threads,
          base: efficiency.outcome.center,
          head: efficiency.outcome.head,
          change: efficiency.outcome.change,
          pValue: efficiency.outcome.pValue ?? Number.NaN,
          worse: efficiency.verdict === "slower",
        }
      : null;
  const serialResult =
    serial?.outcome != null
      ? {
          base: serial.outcome.center,
          head: serial.outcome.head,
          change: serial.outcome.change,
          pValue: serial.outcome.pValue ?? Number.NaN,
          worse: serial.verdict === "slower",
        }
      : null;
  return {
    regressed: Boolean(efficiencyResult?.worse || serialResult?.worse),
    efficiency: efficiencyResult,
    serialFraction: serialResult,
  };
}
