import type { AnyWorkload, UnitRange } from "@threadbench/workloads";
import { parseParameters } from "@threadbench/workloads";
import { resolveWorkload } from "./diagnostic-workloads.js";
import { runToCompletion } from "./run-to-completion.js";

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
 * A task that does no work: the same fields as a task (so the same structured clone,
 * validation and parameter lookup), answered before the workload is touched. Its round
 * trip through a pool is the pool's fixed cost per task (`CellResult.taskOverheadMs`).
 */
export interface ProbePayload extends Omit<TaskPayload, "kind"> {
  kind: "probe";
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
  /**
   * When the task began and ended where it ran, in milliseconds on the machine-wide
   * monotonic clock ({@link monotonicMs}); null for the start-up handshake.
   */
  startedAtMs: number | null;
  endedAtMs: number | null;
}

/**
 * Milliseconds on the monotonic clock `process.hrtime` reads: the same clock in every
 * thread and process of the machine (CLOCK_MONOTONIC on Linux, mach_absolute_time on
 * macOS, QueryPerformanceCounter on Windows), so times taken in a worker or a child
 * process compare with each other.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Longest a pool member waits for the others at start-up. */
const READY_TIMEOUT_MS = 30_000;

function isCount(value: unknown, min: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a payload at the edge between threads. Hand-written rather than zod:
 * it runs once per task, and the runner-overhead benchmark counts every
 * microsecond spent here.
 */
export function validatePayload(payload: unknown): TaskPayload | ProbePayload | ReadyPayload {
  const problems: string[] = [];
  if (!isRecord(payload)) throw new TypeError("invalid task payload: expected an object");
  if (payload.kind === "ready") {
    if (!isCount(payload.parties, 1)) problems.push("parties: expected an integer >= 1");
    if (!(payload.barrier instanceof SharedArrayBuffer))
      problems.push("barrier: expected a SharedArrayBuffer");
  } else if (payload.kind === "task" || payload.kind === "probe") {
    if (typeof payload.workloadId !== "string") problems.push("workloadId: expected a string");
    if (!isRecord(payload.params)) problems.push("params: expected an object");
    const range = payload.range;
    if (!isRecord(range) || !isCount(range.start, 0) || !isCount(range.end, 0) || range.end < range.start) {
      problems.push("range: expected { start, end } integers with 0 <= start <= end");
    }
    if (!isCount(payload.taskIndex, 0)) problems.push("taskIndex: expected an integer >= 0");
    if (!isCount(payload.parties, 1)) problems.push("parties: expected an integer >= 1");
    if (payload.shared !== undefined && !(payload.shared instanceof SharedArrayBuffer)) {
      problems.push("shared: expected a SharedArrayBuffer");
    }
  } else {
    problems.push('kind: expected "task", "probe" or "ready"');
  }
  if (problems.length > 0) throw new TypeError(`invalid task payload: ${problems.join("; ")}`);
  return payload as unknown as TaskPayload | ProbePayload | ReadyPayload;
}

function awaitReady(ready: ReadyPayload): void {
  const cells = new Int32Array(ready.barrier);
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const arrived = Atomics.load(cells, 0);
    if (arrived >= ready.parties) return;
    if (Date.now() > deadline) {
      throw new Error(`pool start-up: only ${arrived} of ${ready.parties} workers came up`);
    }
    Atomics.wait(cells, 0, arrived, 10);
  }
}

/**
 * Parameters are validated once per (workload, parameters) in each pool member; a
 * cell sends the same ones thousands of times.
 */
const parsedParameters = new Map<string, { workload: AnyWorkload; params: Record<string, unknown> }>();
const PARSED_PARAMETERS_LIMIT = 64;

function resolveTask(task: TaskPayload | ProbePayload): {
  workload: AnyWorkload;
  params: Record<string, unknown>;
} {
  const key = `${task.workloadId}\u0000${JSON.stringify(task.params)}`;
  const cached = parsedParameters.get(key);
  if (cached) return cached;
  const workload = resolveWorkload(task.workloadId);
  if (!workload) throw new TypeError(`invalid task payload: unknown workload "${task.workloadId}"`);
  const resolved = { workload, params: parseParameters(workload, task.params) };
  if (parsedParameters.size >= PARSED_PARAMETERS_LIMIT) parsedParameters.clear();
  parsedParameters.set(key, resolved);
  return resolved;
}

/**
 * Runs one payload where it was received. Used by the worker-thread entry and the
 * child-process entry, so both execute exactly what the main thread executes.
 */
export function executePayload(payload: unknown, options: { measureCpu: boolean }): TaskOutcome {
  const valid = validatePayload(payload);
  if (valid.kind === "ready") {
    awaitReady(valid);
    return { partial: null, durationMs: 0, cpuMs: null, startedAtMs: null, endedAtMs: null };
  }
  const { workload, params } = resolveTask(valid);
  if (valid.kind === "probe") {
    return { partial: null, durationMs: 0, cpuMs: null, startedAtMs: null, endedAtMs: null };
  }
  const cpuBefore = options.measureCpu ? process.cpuUsage() : null;
  const startedAtMs = monotonicMs();
  const started = performance.now();
  const state = workload.createTask(params, valid.range, {
    taskIndex: valid.taskIndex,
    parties: valid.parties,
    ...(valid.shared ? { shared: valid.shared } : {}),
  });
  runToCompletion(state, valid.range);
  const partial = state.result();
  const durationMs = performance.now() - started;
  const endedAtMs = monotonicMs();
  if (!cpuBefore) return { partial, durationMs, cpuMs: null, startedAtMs, endedAtMs };
  const cpu = process.cpuUsage(cpuBefore);
  return { partial, durationMs, cpuMs: (cpu.user + cpu.system) / 1000, startedAtMs, endedAtMs };
}
