import type { TaskState, UnitRange } from "@threadbench/workloads";

/**
 * Steps per task when a task runs uninterrupted (sequential, worker threads, child
 * processes). One `step(Infinity)` call leaves V8 running the loop as on-stack-replaced
 * code, which was measured up to 1.6x slower than the fully optimised function that
 * many calls produce; event-loop mode calls `step` thousands of times and would get the
 * fast code while the pools kept the slow one. Stepping every mode in chunks gives every
 * mode the same machine code, so speedups compare the modes and not the JIT.
 */
export const STEPS_PER_TASK = 64;

/** Runs a task to its end in `STEPS_PER_TASK` chunks. */
export function runToCompletion(state: TaskState<unknown>, range: UnitRange): void {
  const chunk = Math.max(1, Math.ceil((range.end - range.start) / STEPS_PER_TASK));
  while (!state.step(chunk)) {
    // each call advances the task by one chunk
  }
}
