import { findSteps, measureStep, type Step, type StepDetectorOptions } from "./step-detector.js";

/*
 * What one check of a series does after a new run is stored, as a pure function of the
 * history and the changes already stored for it (src/regressions/check-run.ts reads and
 * writes the rows; the detector benchmark runs the same code through the store).
 *
 * - Stored changes are boundaries: the levels of a new candidate never straddle them, so
 *   a change is stored once, and a second change a few runs later is measured against
 *   the level after the first one.
 * - A stored change that is still recent is measured again with the runs that came after
 *   it: its size, levels and confidence are refreshed, and if the better-placed split is
 *   one or two runs away the row moves there (it is never dropped for an earlier,
 *   smaller candidate: the one row follows the evidence).
 * - New changes are those the detector confirms among the last runs; a candidate within
 *   2 runs of a stored change of the same kind is that change.
 */

/** A change already stored for the series (same metric). */
export interface KnownChange {
  id: string;
  index: number;
  kind: ChangeKind;
  /** open | acknowledged | fixed | false_alarm */
  status: string;
}

export type ChangeKind = "regression" | "improvement";

/** Options of {@link planOnlineCheck}. */
export interface OnlineCheckOptions extends Omit<StepDetectorOptions, "boundaries"> {
  /** "lower-is-better" (wall times, serial fractions; default) or "higher-is-better" (efficiency). */
  direction?: "lower-is-better" | "higher-is-better";
}

/** What a check should write. */
export interface OnlineCheckPlan {
  /** New changes to store. */
  created: Array<{ step: Step; kind: ChangeKind }>;
  /** Stored changes re-measured: new estimates, and `moved` when the index changed. */
  updated: Array<{ id: string; step: Step; kind: ChangeKind; moved: boolean }>;
  /** Candidates that were already stored (within 2 runs, same kind). */
  alreadyStored: number;
}

/**
 * A stored change is re-measured until this many runs follow it: by then its estimate
 * rests on 20 runs after it, and a next change (which a later check may not have
 * confirmed yet) would start to leak into its "after" level.
 */
const refreshRuns = 20;

/** Runs within which a candidate is the same change as a stored one of the same kind. */
const sameChangeRadius = 2;

export function kindOf(step: Step, direction: OnlineCheckOptions["direction"]): ChangeKind {
  const worse =
    (direction ?? "lower-is-better") === "lower-is-better"
      ? step.change.estimate > 0
      : step.change.estimate < 0;
  return worse ? "regression" : "improvement";
}

/**
 * Plans one check of a series whose values (oldest first) end with the run just stored.
 * `known` are the changes stored for it so far, with their index in `values` (rows whose
 * run is no longer in the history are left out by the caller).
 */
export function planOnlineCheck(
  values: readonly number[],
  known: readonly KnownChange[],
  options: OnlineCheckOptions = {},
): OnlineCheckPlan {
  const { direction = "lower-is-better", ...detector } = options;
  const count = values.length;
  // A change called a false alarm is no boundary: its two sides are one level.
  const live = known.filter((change) => change.status !== "false_alarm");
  const boundaries = live.map((change) => change.index);
  const updated: OnlineCheckPlan["updated"] = [];
  const taken = new Set(known.map((change) => change.index));

  for (const change of live) {
    // Only recent, undecided changes are re-measured; a fixed change is history.
    if (change.status !== "open" && change.status !== "acknowledged") continue;
    if (change.index < count - refreshRuns || change.index >= count) continue;
    const others = boundaries.filter((boundary) => boundary !== change.index);
    const measured = measureStep(values, change.index, { ...detector, boundaries: others });
    if (!measured) continue;
    let step = measured.step;
    if (step.index !== change.index && taken.has(step.index)) {
      // The better place holds another stored change: measure it where it is.
      step =
        measureStep(values, change.index, { ...detector, boundaries: [...others, change.index] })?.step ??
        step;
      if (step.index !== change.index) continue;
    }
    const kind = kindOf(step, direction);
    // A change whose sign flipped is not refreshed into its opposite: it stays as stored.
    if (kind !== change.kind) continue;
    const moved = step.index !== change.index;
    if (moved) {
      taken.delete(change.index);
      taken.add(step.index);
      boundaries[boundaries.indexOf(change.index)] = step.index;
    }
    updated.push({ id: change.id, step, kind, moved });
  }

  let alreadyStored = 0;
  const created: OnlineCheckPlan["created"] = [];
  for (const step of findSteps(values, { ...detector, boundaries })) {
    const kind = kindOf(step, direction);
    const duplicate = known.some(
      (change) =>
        change.kind === kind &&
        Math.abs(
          (updated.find((update) => update.id === change.id)?.step.index ?? change.index) - step.index,
        ) <= sameChangeRadius,
    );
    if (duplicate) alreadyStored++;
    else created.push({ step, kind });
  }
  return { created, updated, alreadyStored };
}
