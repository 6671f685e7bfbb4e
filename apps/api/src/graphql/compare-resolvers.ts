import { getRun } from "../db/run-reads.js";
import { NotFoundError } from "../errors.js";
import type { QueryResolvers } from "../generated/graphql.js";
import { type CellComparison, compareRunDetails } from "../regressions/compare-runs.js";
import type { GraphQLContext } from "./context.js";
import type { CellComparisonModel, ComparisonModel, MeasurementModel } from "./models.js";

/*
 * `compare`: the one run comparison (regressions/compare-runs.ts, what the CLI's
 * `compare` and `check` print), shaped for GraphQL. The verdicts and which cells failed
 * come from there, so the dashboard and the CLI cannot disagree about a cell.
 */

function toCellModel(
  cell: CellComparison,
  base: MeasurementModel | null,
  head: MeasurementModel | null,
): CellComparisonModel {
  const baseMedian = base?.wallMedian ?? null;
  const headMedian = head?.wallMedian ?? null;
  const model: CellComparisonModel = {
    mode: cell.mode,
    threads: cell.threads,
    base,
    head,
    baseMedianMs: baseMedian,
    headMedianMs: headMedian,
    differenceMs: baseMedian !== null && headMedian !== null ? headMedian - baseMedian : null,
    relativeChange:
      baseMedian !== null && headMedian !== null && baseMedian > 0 ? headMedian / baseMedian - 1 : null,
    relativeChangeLow: null,
    relativeChangeHigh: null,
    confidence: null,
    pValue: null,
    verdict: null,
    baseSpeedup: base?.speedup ?? null,
    headSpeedup: head?.speedup ?? null,
    baseSampleCount: base?.sampleCount ?? null,
    headSampleCount: head?.sampleCount ?? null,
  };
  switch (cell.kind) {
    case "compared":
      model.relativeChange = cell.relativeChange?.estimate ?? model.relativeChange;
      model.relativeChangeLow = cell.relativeChange?.lower ?? null;
      model.relativeChangeHigh = cell.relativeChange?.upper ?? null;
      model.confidence = cell.relativeChange?.confidence ?? null;
      model.pValue = Number.isFinite(cell.pValue) ? cell.pValue : null;
      model.verdict = cell.verdict;
      return model;
    case "failed":
      // A failed or mismatched cell's times are not the workload's: no change to show.
      model.differenceMs = null;
      model.relativeChange = null;
      model.verdict = "failed";
      return model;
    case "base-only":
    case "head-only":
      return model;
    default: {
      const unreachable: never = cell;
      throw new Error(`unknown cell comparison ${JSON.stringify(unreachable)}`);
    }
  }
}

export const compareQueryResolvers: Pick<Required<QueryResolvers>, "compare"> = {
  compare: async (_parent, { baseRunId, headRunId }, context: GraphQLContext): Promise<ComparisonModel> => {
    const [base, head] = await Promise.all([
      getRun(context.database, baseRunId),
      getRun(context.database, headRunId),
    ]);
    if (!base) throw new NotFoundError("run", baseRunId);
    if (!head) throw new NotFoundError("run", headRunId);
    const comparison = compareRunDetails(base, head);
    const [baseCells, headCells] = await Promise.all([
      context.loaders.measurementsByRun.load(base.id),
      context.loaders.measurementsByRun.load(head.id),
    ]);
    const find = (cells: MeasurementModel[], cell: CellComparison) =>
      cells.find((candidate) => candidate.mode === cell.mode && candidate.threads === cell.threads) ?? null;
    const { measurements: _baseMeasurements, ...baseRun } = base;
    const { measurements: _headMeasurements, ...headRun } = head;
    return {
      base: baseRun,
      head: headRun,
      cells: comparison.cells.map((cell) => toCellModel(cell, find(baseCells, cell), find(headCells, cell))),
      warnings: comparison.warnings,
      verdicts: {
        ...comparison.verdicts,
        failed: comparison.cells.filter((cell) => cell.kind === "failed").length,
      },
    };
  },
};
