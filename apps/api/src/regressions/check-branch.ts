import type { CompareOptions } from "../analysis/compare.js";
import {
  fitScaling,
  type ScalingRegression,
  type ScalingRegressionOptions,
  scalingRegression,
} from "../analysis/scaling.js";
import type { Database, Prisma } from "../db/client.js";
import { requireRunDetail, type StoredRunDetail } from "../db/run-repository.js";
import { NotFoundError } from "../errors.js";
import { scalingPoints } from "./check-run.js";
import { type CellComparison, compareRunDetails, type RunComparison } from "./compare-runs.js";

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
  compare?: CompareOptions;
  scaling?: ScalingRegressionOptions;
}

/** Why a check failed: one slower cell or one scaling loss. */
export type CheckReason =
  | { kind: "slower-cell"; cell: Extract<CellComparison, { kind: "compared" }> }
  | { kind: "scaling"; mode: string; result: ScalingRegression };

/** Result of {@link checkBranch}. */
export interface BranchCheck {
  head: StoredRunDetail;
  /** Null when the base branch has no comparable run: nothing to check against. */
  base: StoredRunDetail | null;
  comparison: RunComparison | null;
  regressed: boolean;
  reasons: CheckReason[];
}

/**
 * What `threadbench check` gates a pull request on: the latest succeeded run on `branch`
 * against the latest succeeded comparable run on `base` (same workload, parameters,
 * scaling, testbed; real and seeded data never mixed). Regressed when a cell's verdict is
 * "slower" (compareSamples: significant and beyond the minimum effect) or a parallel
 * mode's scaling worsened (scalingRegression). When branch and base are the same, the
 * latest run is compared with the one before it.
 * NotFoundError when the branch has no succeeded run.
 */
export async function checkBranch(database: Database, options: CheckBranchOptions): Promise<BranchCheck> {
  const headRow = options.headRunId
    ? { id: options.headRunId }
    : await database.prisma.run.findFirst({
        where: {
          branch: options.branch,
          status: "succeeded",
          ...(options.workloadId !== undefined ? { workloadId: options.workloadId } : {}),
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { id: true },
      });
  if (!headRow) {
    throw new NotFoundError(
      "succeeded run on branch",
      options.workloadId ? `${options.branch} (workload ${options.workloadId})` : options.branch,
    );
  }
  const head = await requireRunDetail(database, headRow.id);
  const where: Prisma.RunWhereInput = {
    id: { not: head.id },
    branch: options.base,
    status: "succeeded",
    workloadId: head.workloadId,
    paramsKey: head.paramsKey,
    scaling: head.scaling,
    testbedId: head.testbed?.id ?? null,
    seeded: head.seeded,
  };
  // Same branch: the run before the checked one, not a later one.
  if (options.base === head.branch) where.createdAt = { lt: head.createdAt };
  const baseRow = await database.prisma.run.findFirst({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  if (!baseRow) return { head, base: null, comparison: null, regressed: false, reasons: [] };
  const base = await requireRunDetail(database, baseRow.id);
  const comparison = compareRunDetails(base, head, options.compare);
  const reasons: CheckReason[] = [];
  for (const cell of comparison.cells) {
    if (cell.kind === "compared" && cell.verdict === "slower") reasons.push({ kind: "slower-cell", cell });
  }
  const modes = [...new Set(head.measurements.map((measurement) => measurement.mode))].filter(
    (mode) => mode !== "sequential",
  );
  for (const mode of modes) {
    const headFit = fitScaling(scalingPoints(head, mode));
    const baseFit = fitScaling(scalingPoints(base, mode));
    if (distinctThreads(headFit.points) < 2 || distinctThreads(baseFit.points) < 2) continue;
    const result = scalingRegression(baseFit, headFit, options.scaling);
    if (result.regressed) reasons.push({ kind: "scaling", mode, result });
  }
  return { head, base, comparison, regressed: reasons.length > 0, reasons };
}

function distinctThreads(points: ReadonlyArray<{ threads: number }>): number {
  return new Set(points.map((point) => point.threads)).size;
}
