import { formatDuration } from "@threadbench/core";
import type { StoredRegression } from "../db/regression-repository.js";
import type { CheckRunResult } from "../regressions/check-run.js";
import type { CellComparison, RunComparison } from "../regressions/compare-runs.js";
import { table } from "./format.js";

/** +12.3% (signed, one decimal). */
export function formatChange(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "-";
  return `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}%`;
}

/** "+10.2% .. +14.9%" */
export function formatInterval(interval: { lower: number; upper: number } | null | undefined): string {
  return interval ? `${formatChange(interval.lower)} .. ${formatChange(interval.upper)}` : "-";
}

export function formatPValue(pValue: number): string {
  if (!Number.isFinite(pValue)) return "-";
  return pValue < 0.0001 ? "<0.0001" : pValue.toFixed(4);
}

function verdictText(cell: CellComparison): string {
  switch (cell.kind) {
    case "compared":
      return cell.verdict === "noisy" ? "noisy (cannot tell)" : cell.verdict;
    case "failed":
      return `failed (base ${cell.baseStatus}, head ${cell.headStatus})`;
    case "base-only":
      return "only in base";
    case "head-only":
      return "only in head";
    default: {
      const unreachable: never = cell;
      return String(unreachable);
    }
  }
}

/** The per-cell table of a comparison. */
export function formatComparisonTable(comparison: RunComparison): string {
  const rows = [
    ["MODE", "THREADS", "BASE", "HEAD", "CHANGE", "95% INTERVAL", "P", "VERDICT"],
    ...comparison.cells.map((cell) =>
      cell.kind === "compared"
        ? [
            cell.mode,
            String(cell.threads),
            formatDuration(cell.baseMedianMs),
            formatDuration(cell.headMedianMs),
            formatChange(cell.relativeChange?.estimate),
            formatInterval(cell.relativeChange),
            formatPValue(cell.pValue),
            verdictText(cell),
          ]
        : [cell.mode, String(cell.threads), "-", "-", "-", "-", "-", verdictText(cell)],
    ),
  ];
  return table(rows, new Set([1, 2, 3, 4, 6]));
}

/** "sum-squares worker-threads x2 on main" */
export function describeSeries(regression: StoredRegression): string {
  const series = regression.series;
  return series
    ? `${series.workloadId} ${series.mode} x${series.threads}${series.branch ? ` on ${series.branch}` : ""}`
    : regression.seriesKey;
}

/**
 * What changed, in its metric's terms: "+12.3% (+10.1% .. +14.6%)" for wall time,
 * "efficiency -10.0% (...)" (the efficiency itself; `size` is positive when it fell) and
 * "serial fraction +0.050 (+0.031 .. +0.069)" (absolute).
 */
export function formatStoredChange(
  regression: Pick<StoredRegression, "metric" | "size" | "interval">,
): string {
  switch (regression.metric) {
    case "wall_time":
      return `${formatChange(regression.size)} (${formatInterval(regression.interval)})`;
    case "efficiency": {
      const interval = regression.interval && {
        lower: -regression.interval.upper,
        upper: -regression.interval.lower,
      };
      return `efficiency ${formatChange(-regression.size)} (${formatInterval(interval)})`;
    }
    case "serial_fraction": {
      const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(3)}`;
      const interval = regression.interval
        ? ` (${signed(regression.interval.lower)} .. ${signed(regression.interval.upper)})`
        : "";
      return `serial fraction ${signed(regression.size)}${interval}`;
    }
    default: {
      const unreachable: never = regression.metric;
      return String(unreachable);
    }
  }
}

/** One line per regression or improvement a check stored (what `run` and `ingest` print). */
export function formatStoredChanges(result: Pick<CheckRunResult, "stored">): string[] {
  return result.stored.map(
    (regression) =>
      `${regression.kind === "regression" ? "REGRESSION " : "improvement"} ${describeSeries(regression)}: ${formatStoredChange(regression)}, confidence ${(regression.confidence * 100).toFixed(1)}%, introduced by run ${regression.runId} [${regression.id}]`,
  );
}
