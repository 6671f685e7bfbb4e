import type { HistoryStep } from "../analysis/realistic-history.js";

/*
 * Scoring of stored changes against the true ones, for the detector benchmark. A stored
 * change is a true positive when it lies within +-1 run of a true change of the same
 * direction that no other stored change has matched yet (the closest one wins); every
 * other stored change is a false alarm: a change stored twice, or stored 2+ runs away
 * from where it happened, counts against precision as well as any change in noise.
 */

/** A change as the store holds it (read back from the Regression table). */
export interface ScoredRow {
  index: number;
  /** Direction of the value: +1 the value rose (slower wall time, higher efficiency), -1 fell. */
  direction: 1 | -1;
  /** Relative change of the value (after / before - 1), or absolute for serial fractions. */
  change: number;
  confidence: number;
  /** Run index whose check first stored the row, and the change it stored then. */
  storedAtIndex: number;
  firstChange: number;
}

/** A true change with its size in noise sigmas. */
export interface TrueChange {
  index: number;
  /** Log step of the value. */
  logStep: number;
  sigmas: number;
}

export interface MatchResult {
  truePositives: Array<{ truth: TrueChange; row: ScoredRow }>;
  falsePositives: ScoredRow[];
  missed: TrueChange[];
  /** False positives within 2-5 runs of a true change of their direction. */
  mislocated: number;
  /** False positives within +-1 of a true change that another row already matched. */
  duplicates: number;
}

export function toTrueChanges(steps: readonly HistoryStep[], sigma: number): TrueChange[] {
  return steps.map((step) => ({
    index: step.index,
    logStep: step.logStep,
    sigmas: Math.abs(step.logStep) / sigma,
  }));
}

export function matchChanges(truths: readonly TrueChange[], rows: readonly ScoredRow[]): MatchResult {
  const result: MatchResult = {
    truePositives: [],
    falsePositives: [],
    missed: [],
    mislocated: 0,
    duplicates: 0,
  };
  const unmatched = [...rows];
  for (const truth of truths) {
    const direction = Math.sign(truth.logStep);
    let best = -1;
    for (const [position, row] of unmatched.entries()) {
      if (row.direction !== direction || Math.abs(row.index - truth.index) > 1) continue;
      const bestRow = unmatched[best];
      if (!bestRow || Math.abs(row.index - truth.index) < Math.abs(bestRow.index - truth.index))
        best = position;
    }
    if (best < 0) {
      result.missed.push(truth);
      continue;
    }
    result.truePositives.push({ truth, row: unmatched[best] as ScoredRow });
    unmatched.splice(best, 1);
  }
  for (const row of unmatched) {
    result.falsePositives.push(row);
    const near = truths.filter((truth) => Math.sign(truth.logStep) === row.direction);
    if (near.some((truth) => Math.abs(truth.index - row.index) <= 1)) result.duplicates++;
    else if (near.some((truth) => Math.abs(truth.index - row.index) <= 5)) result.mislocated++;
  }
  return result;
}

/** Area under the ROC curve of `score` for positives vs negatives (ties count half). */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const all = [
    ...positives.map((value) => ({ value, positive: true })),
    ...negatives.map((value) => ({ value, positive: false })),
  ].sort((a, b) => a.value - b.value);
  // Mann-Whitney: sum of the positives' midranks.
  let rankSum = 0;
  for (let start = 0; start < all.length; ) {
    let end = start;
    while (
      end + 1 < all.length &&
      (all[end + 1] as { value: number }).value === (all[start] as { value: number }).value
    )
      end++;
    const midrank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index++)
      if ((all[index] as { positive: boolean }).positive) rankSum += midrank;
    start = end + 1;
  }
  const count = positives.length;
  return (rankSum - (count * (count + 1)) / 2) / (count * negatives.length);
}

/** Relative size error of a stored change against the truth: |stored / true - 1|. */
export function sizeError(change: number, truth: TrueChange): number {
  return Math.abs(change / Math.expm1(truth.logStep) - 1);
}
