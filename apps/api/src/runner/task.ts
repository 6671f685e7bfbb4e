import { parseParameters, type UnitRange } from "@threadbench/workloads";
import { z } from "zod";
import { resolveWorkload } from "./diagnostic-workloads.js";

/** What the main thread hands to a worker thread or child process for one task. */
export interface TaskPayload {
  kind: "task";
  workloadId: string;
  params: Record<string, unknown>;
  range: UnitRange;
  taskIndex: number;
  parties: number;
  shared?: SharedArrayBuffer;
}

/**
 * A warm-up handshake: every pool member blocks until `parties` members arrived,
 * which proves that many distinct workers are up before timing starts.
 */
export interface ReadyPayload {
  kind: "ready";
  parties: number;
  barrier: SharedArrayBuffer;
}

export interface TaskOutcome {
  partial: unknown;
  durationMs: number;
  /** CPU time of the task where it ran (child processes only; null in threads). */
  cpuMs: number | null;
}

const taskPayloadSchema = z.object({
  kind: z.literal("task"),
  workloadId: z.string(),
  params: z.record(z.string(), z.unknown()),
  range: z
    .object({ start: z.number().int().min(0), end: z.number().int().min(0) })
    .refine((range) => range.end >= range.start, "range.end must be >= range.start"),
  taskIndex: z.number().int().min(0),
  parties: z.number().int().min(1),
  shared: z.instanceof(SharedArrayBuffer).optional(),
});

const readyPayloadSchema = z.object({
  kind: z.literal("ready"),
  parties: z.number().int().min(1),
  barrier: z.instanceof(SharedArrayBuffer),
});

/** Longest a pool member waits for the others at start-up. */
const READY_TIMEOUT_MS = 30_000;

/**
 * Runs one payload where it was received. Used by the worker-thread entry and the
 * child-process entry, so both execute exactly what the main thread executes.
 * Payloads are validated here: this is the edge between threads.
 */
export function executePayload(payload: unknown): TaskOutcome {
  const ready = readyPayloadSchema.safeParse(payload);
  if (ready.success) {
    const cells = new Int32Array(ready.data.barrier);
    Atomics.add(cells, 0, 1);
    Atomics.notify(cells, 0);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const arrived = Atomics.load(cells, 0);
      if (arrived >= ready.data.parties) break;
      if (Date.now() > deadline) {
        throw new Error(`pool start-up: only ${arrived} of ${ready.data.parties} workers came up`);
      }
      Atomics.wait(cells, 0, arrived, 10);
    }
    return { partial: null, durationMs: 0, cpuMs: null };
  }
  const parsed = taskPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new TypeError(
      `invalid task payload: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
    );
  }
  const task = parsed.data;
  const workload = resolveWorkload(task.workloadId);
  if (!workload) throw new TypeError(`invalid task payload: unknown workload "${task.workloadId}"`);
  const params = parseParameters(workload, task.params);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const state = workload.createTask(params, task.range, {
    taskIndex: task.taskIndex,
    parties: task.parties,
    ...(task.shared ? { shared: task.shared } : {}),
  });
  state.step(Number.POSITIVE_INFINITY);
  const partial = state.result();
  const durationMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { partial, durationMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}
