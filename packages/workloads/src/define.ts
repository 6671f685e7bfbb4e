import type { z } from "zod";
import type { Workload } from "./types.js";

/** Identity helper that keeps a workload's parameter and partial types linked. */
export function defineWorkload<TSchema extends z.ZodObject, TPartial>(
  workload: Workload<TSchema, TPartial>,
): Workload<TSchema, TPartial> {
  return workload;
}

/**
 * Builds a `TaskState` for the common case of a loop over a unit range with a
 * running accumulator: `work(from, to)` processes `[from, to)` and must fold into
 * state held by the caller's closure.
 */
export function rangeTask<TPartial>(
  range: { start: number; end: number },
  work: (from: number, to: number) => void,
  result: () => TPartial,
) {
  let next = range.start;
  return {
    step(maxUnits: number): boolean {
      const to = Math.min(range.end, next + Math.max(1, maxUnits));
      if (next < to) work(next, to);
      next = to;
      return next >= range.end;
    },
    result,
  };
}
