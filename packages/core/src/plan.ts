import { z } from "zod";
import { executionModes, scalingKinds } from "./modes.js";

/** Bounds of a plan. A plan outside them is rejected, not clamped (by the API and the form alike). */
export const planLimits = {
  maxThreads: 256,
  maxThreadCounts: 16,
  maxRepetitions: 1000,
  maxWarmups: 100,
  /** Tasks over all cells, repetitions and warm-ups: keeps one plan from occupying a machine for days. */
  maxTotalTasks: 200_000,
  minTaskTimeoutMs: 100,
  maxTaskTimeoutMs: 3_600_000,
  minHeapMb: 16,
  maxHeapMb: 65_536,
} as const;

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
