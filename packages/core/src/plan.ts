import { z } from "zod";
import { executionModes, type RuntimeKind, scalingKinds } from "./modes.js";

/** Bounds of a plan. A plan outside them is rejected, not clamped (by the API and the form alike). */
export const planLimits = {
  maxThreads: 256,
  maxThreadCounts: 16,
  maxRepetitions: 1000,
  maxWarmups: 100,
  /** Tasks over all cells, repetitions and warm-ups: keeps one plan from occupying a machine for days. */
  maxTotalTasks: 200_000,
  /**
   * Results one message of an agent carries, in values (see `resultValuesPerMessage`): an
   * agent delivers a Node run's cells one per message and a CPython run's cells all in its
   * last one, and the server takes at most THREADBENCH_MAX_BODY_BYTES (1 MiB by default) per
   * WebSocket message. A task duration is at most about 24 bytes of JSON: 40,000 values stay
   * under 1 MiB with room for the rest of the message.
   */
  maxResultValuesPerMessage: 40_000,
  minTaskTimeoutMs: 100,
  maxTaskTimeoutMs: 3_600_000,
  minHeapMb: 16,
  maxHeapMb: 65_536,
} as const;

/**
 * What one sample costs in `planLimits.maxResultValuesPerMessage` besides its task durations:
 * its index, wall and CPU times, checksum and shared-memory report are up to ~380 bytes of
 * JSON (shared-counter's), as much as 16 task durations.
 */
export const resultValuesPerSample = 16;

/**
 * The largest message of results an agent sends for a plan, in values: each sample counts
 * one per task (a cell of N threads runs N tasks) plus `resultValuesPerSample`. A Node run
 * sends each cell in a message of its own, so its largest cell counts; a CPython run sends
 * every cell in its last message, so all of them count.
 */
export function resultValuesPerMessage(plan: {
  runtime: RuntimeKind;
  modeCount: number;
  threads: readonly number[];
  repetitions: number;
}): number {
  const perSample = (threads: number) => threads + resultValuesPerSample;
  if (plan.runtime === "python") {
    const perRepetition = plan.threads.reduce((total, threads) => total + perSample(threads), 0);
    return plan.modeCount * plan.repetitions * perRepetition;
  }
  return plan.repetitions * perSample(Math.max(...plan.threads));
}

/**
 * The plan as users write it (CLI flags, GraphQL input, stored JSON, the dashboard's
 * form): defaults allowed. Only the shape and the bounds: which workloads exist and which
 * runtimes a machine may start are the runner's to check (apps/api/src/runner/plan.ts
 * extends `workload` and `runtime` with those checks).
 */
export const runPlanInputSchema = z.object({
  workload: z.string().min(1, "name a workload"),
  params: z.record(z.string(), z.unknown()).default({}),
  modes: z
    .array(z.enum(executionModes, { message: `allowed: ${executionModes.join(", ")}` }))
    .min(1, `at least one mode (allowed: ${executionModes.join(", ")})`)
    // Default: every mode of the plan's runtime (runtimeModes).
    .optional(),
  threads: z
    .array(
      z
        .number()
        .int()
        .min(1, `allowed: an integer from 1 to ${planLimits.maxThreads}`)
        .max(planLimits.maxThreads, `allowed: an integer from 1 to ${planLimits.maxThreads}`),
    )
    .min(1, "at least one thread count")
    .max(planLimits.maxThreadCounts, `at most ${planLimits.maxThreadCounts} thread counts`)
    .default([1, 2, 4]),
  repetitions: z.number().int().min(1).max(planLimits.maxRepetitions).default(5),
  warmups: z.number().int().min(0).max(planLimits.maxWarmups).default(1),
  scaling: z.enum(scalingKinds, { message: `allowed: ${scalingKinds.join(", ")}` }).default("weak"),
  taskTimeoutMs: z
    .number()
    .int()
    .min(planLimits.minTaskTimeoutMs)
    .max(planLimits.maxTaskTimeoutMs)
    .default(600_000),
  maxHeapMb: z.number().int().min(planLimits.minHeapMb).max(planLimits.maxHeapMb).default(2048),
  /**
   * What executes the tasks: "node" (default), or a Python interpreter (python3, a path).
   * Which interpreters a server may start is the server's decision (THREADBENCH_PYTHON),
   * checked where plans arrive from clients; this only checks the shape.
   */
  runtime: z.string().trim().min(1).max(4096).default("node"),
});
export type RunPlanInput = z.input<typeof runPlanInputSchema>;
