/**
 * A branch check's reasons in words, the way `threadbench check` prints them, and the
 * review page's URL (what CI links to).
 */
import { formatDuration } from "@threadbench/core";
import { formatChange, formatRatioPercent } from "./format";

export interface CheckReasonFigures {
  kind: "SLOWER_CELL" | "SCALING";
  mode: string;
  threads?: number | null;
  relativeChange?: number | null;
  relativeChangeLow?: number | null;
  relativeChangeHigh?: number | null;
  baseMedianMs?: number | null;
  headMedianMs?: number | null;
  efficiencyBase?: number | null;
  efficiencyHead?: number | null;
  serialFractionBase?: number | null;
  serialFractionHead?: number | null;
}

const interval = (low: number | null | undefined, high: number | null | undefined) =>
  low !== null && low !== undefined && high !== null && high !== undefined
    ? `, 95% interval ${formatChange(low)} … ${formatChange(high)}`
    : "";

export function reasonText(reason: CheckReasonFigures): string {
  switch (reason.kind) {
    case "SLOWER_CELL":
      return `${reason.mode} ×${reason.threads ?? "?"} is ${formatChange(reason.relativeChange)} slower (${formatDuration(reason.baseMedianMs)} → ${formatDuration(reason.headMedianMs)}${interval(reason.relativeChangeLow, reason.relativeChangeHigh)})`;
    case "SCALING": {
      const parts: string[] = [];
      if (
        reason.efficiencyBase !== null &&
        reason.efficiencyBase !== undefined &&
        reason.efficiencyHead !== null &&
        reason.efficiencyHead !== undefined &&
        reason.efficiencyHead < reason.efficiencyBase
      ) {
        parts.push(
          `efficiency at ${reason.threads ?? "?"} threads fell ${formatRatioPercent(reason.efficiencyBase)} → ${formatRatioPercent(reason.efficiencyHead)}`,
        );
      }
      if (
        reason.serialFractionBase !== null &&
        reason.serialFractionBase !== undefined &&
        reason.serialFractionHead !== null &&
        reason.serialFractionHead !== undefined &&
        reason.serialFractionHead > reason.serialFractionBase
      ) {
        parts.push(
          `Amdahl serial fraction rose ${reason.serialFractionBase.toFixed(3)} → ${reason.serialFractionHead.toFixed(3)}`,
        );
      }
      return `${reason.mode} scales worse${parts.length > 0 ? `: ${parts.join("; ")}` : ""}`;
    }
    default: {
      const exhaustive: never = reason.kind;
      return String(exhaustive);
    }
  }
}

/** /branches/feature/x?base=main: the branch's slashes stay readable in the path. */
export function branchReviewHref(branch: string, base: string, workload?: string): string {
  const path = branch.split("/").map(encodeURIComponent).join("/");
  const search = new URLSearchParams({ base });
  if (workload) search.set("workload", workload);
  return `/branches/${path}?${search.toString()}`;
}
