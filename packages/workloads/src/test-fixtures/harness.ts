import { parseParameters } from "../parameters.js";
import type { AnyWorkload, TaskState, UnitRange } from "../types.js";

/** Drives a task to completion with steps of at most `stepUnits` units. */
export function finish<TPartial>(task: TaskState<TPartial>, stepUnits = Number.POSITIVE_INFINITY): TPartial {
  // A bound on the number of steps, so a task that never reports done fails the test instead of hanging.
  for (let steps = 0; steps < 100_000_000; steps++) {
    if (task.step(stepUnits)) return task.result();
  }
  throw new Error("task did not finish");
}

/** `chunks` contiguous ranges covering [0, units), as the runner splits work for strong scaling. */
export function chunkRanges(units: number, chunks: number): UnitRange[] {
  return Array.from({ length: chunks }, (_, chunk) => ({
    start: Math.floor((units * chunk) / chunks),
    end: Math.floor((units * (chunk + 1)) / chunks),
  }));
}

/** Runs one whole task of `raw` parameters (defaults filled) (or the given range) on this thread and returns its partial. */
export function runTask(
  workload: AnyWorkload,
  raw: Record<string, unknown>,
  options: { range?: UnitRange; stepUnits?: number; shared?: SharedArrayBuffer } = {},
): unknown {
  const params = parseParameters(workload, raw);
  const range = options.range ?? { start: 0, end: workload.units(params) };
  const task = workload.createTask(params, range, {
    taskIndex: 0,
    parties: 1,
    shared: options.shared ?? workload.createShared?.(params, 1),
  });
  return finish(task, options.stepUnits);
}

/** The checksum of the full range split into `chunks` tasks run one after another. */
export function chunkedChecksum(
  workload: AnyWorkload,
  raw: Record<string, unknown>,
  chunks: number,
  stepUnits = Number.POSITIVE_INFINITY,
): string {
  const params = parseParameters(workload, raw);
  const shared = workload.createShared?.(params, chunks);
  const partials = chunkRanges(workload.units(params), chunks).map((range, taskIndex) =>
    finish(workload.createTask(params, range, { taskIndex, parties: 1, shared }), stepUnits),
  );
  return workload.combine(params, partials, shared).checksum;
}

/** The checksum of one whole task. */
export function checksumOf(workload: AnyWorkload, params: Record<string, unknown>): string {
  return chunkedChecksum(workload, params, 1);
}
