import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type {
  CellResult,
  ExecutionMode,
  RepetitionSample,
  RunPlan,
  RunProgress,
  RunResult,
} from "@threadbench/core";
import { median } from "@threadbench/core";
import type { AnyWorkload, UnitRange } from "@threadbench/workloads";
import { finishCell, type RawCell, taskRanges } from "./cell-result.js";
import { resolveWorkload } from "./diagnostic-workloads.js";
import { collectEnvironment } from "./environment.js";
import { ProcessPool } from "./process-pool.js";
import { executePythonRun } from "./python/execute-python-run.js";
import { runToCompletion } from "./run-to-completion.js";
import type { ProbePayload, TaskOutcome, TaskPayload } from "./task.js";
import { startWorkerPool } from "./worker-pool.js";
import type { WorkloadModuleRef } from "./workload-module.js";
import { primeYoungGeneration } from "./young-generation.js";

// Re-exported: callers and tests have always found them here.
export { finishCell, taskRanges } from "./cell-result.js";

export interface ExecuteRunOptions {
  /** Aborting stops the run promptly: workers are terminated, finished cells are kept. */
  signal?: AbortSignal;
  /** Called after every repetition (warm-ups included) and at every cell boundary. */
  onProgress?: (progress: RunProgress) => void;
  /** Called when a cell finishes, in order; lets callers persist or print cells as they land. */
  onCell?: (cell: CellResult) => void;
  /**
   * Target length of one slice in event-loop mode, in milliseconds. Each slice is
   * followed by a turn of the event loop, so N tasks interleave like threads under
   * one lock. The default is CPython's GIL switch interval (sys.getswitchinterval()).
   */
  eventLoopSliceMs?: number;
}

/** One repetition's raw result before statistics. */
interface Repetition {
  wallMs: number;
  cpuMs: number | null;
  outcomes: TaskOutcome[];
  shared: SharedArrayBuffer | undefined;
}

/** Runs the repetitions of one cell; created per cell, closed after it. */
interface CellExecutor {
  setupMs: number | null;
  /** The pool's fixed cost per task (see {@link measureTaskOverheadMs}); null on the main thread. */
  taskOverheadMs: number | null;
  repeat(payloads: TaskPayload[], signal: AbortSignal): Promise<Repetition>;
  close(): Promise<void>;
}

const DEFAULT_EVENT_LOOP_SLICE_MS = 5;
/** First slice of a task, as a fraction of its units, before the size adapts to time. */
const FIRST_SLICE_FRACTION = 1 / 1000;

function cpuMsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

function mainThreadExecutor(
  workload: AnyWorkload,
  params: Record<string, unknown>,
  sliceMs: number | null,
): CellExecutor {
  const executor: CellExecutor = {
    setupMs: null,
    taskOverheadMs: null,
    async repeat(payloads, signal) {
      const states = payloads.map((payload) =>
        workload.createTask(params, payload.range, {
          taskIndex: payload.taskIndex,
          parties: payload.parties,
          ...(payload.shared ? { shared: payload.shared } : {}),
        }),
      );
      const durations = payloads.map(() => 0);
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      // When the last task ended: the repetition's end, so the turn of the event loop
      // that follows it (0.1-0.15 ms measured here) is not timed; the pools' span ends
      // at their last task's end too (see workSpanMs).
      let lastEnded = started;
      if (sliceMs === null) {
        for (const [index, state] of states.entries()) {
          signal.throwIfAborted();
          const taskStarted = performance.now();
          runToCompletion(state, (payloads[index] as TaskPayload).range);
          lastEnded = performance.now();
          durations[index] = lastEnded - taskStarted;
          // One turn of the event loop between tasks, so that a cancellation can land.
          await yieldToEventLoop();
        }
      } else {
        // Round-robin slices with a trip through the event loop after each: every
        // task is "in progress" at once, but only one runs at any instant.
        const finishedAt = payloads.map(() => 0);
        // Slice sizes adapt so that a slice takes about `sliceMs`: a fixed unit count
        // would make slices of cheap workloads so short that yielding dominates.
        const sliceUnits = payloads.map((payload) =>
          Math.max(1, Math.ceil((payload.range.end - payload.range.start) * FIRST_SLICE_FRACTION)),
        );
        let active = states.map((_, index) => index);
        while (active.length > 0) {
          const stillActive: number[] = [];
          for (const index of active) {
            signal.throwIfAborted();
            const units = sliceUnits[index] as number;
            const sliceStarted = performance.now();
            const done = (states[index] as (typeof states)[number]).step(units);
            const now = performance.now();
            if (done) {
              finishedAt[index] = now;
              lastEnded = Math.max(lastEnded, now);
            } else {
              stillActive.push(index);
              const scale = sliceMs / Math.max(now - sliceStarted, 0.001);
              sliceUnits[index] = Math.max(1, Math.round(units * Math.min(4, Math.max(0.5, scale))));
            }
            await yieldToEventLoop();
          }
          active = stillActive;
        }
        for (const index of durations.keys()) durations[index] = (finishedAt[index] as number) - started;
      }
      const wallMs = lastEnded - started;
      return {
        wallMs,
        cpuMs: cpuMsSince(cpuBefore),
        outcomes: states.map((state, index) => ({
          partial: state.result(),
          durationMs: durations[index] as number,
          cpuMs: null,
          // The main thread's wall time needs no span: nothing is handed off.
          startedAtMs: null,
          endedAtMs: null,
        })),
        shared: payloads[0]?.shared,
      };
    },
    close: async () => {},
  };
  return {
    ...executor,
    repeat: (payloads, signal) => failOnUnhandledRejection(() => executor.repeat(payloads, signal)),
  };
}

/**
 * Runs a main-thread repetition and fails it when a task left a promise rejected with no
 * handler (a floating async call in the workload): that used to end the whole process
 * with a stack trace and leave the run `running` until the next command; now it fails
 * the cell, as a throwing task does. (In the pools such a rejection ends the worker or
 * child, which fails the cell already.)
 */
async function failOnUnhandledRejection(repeat: () => Promise<Repetition>): Promise<Repetition> {
  let rejected: { reason: unknown } | null = null;
  const onRejection = (reason: unknown) => {
    rejected ??= { reason };
  };
  process.on("unhandledRejection", onRejection);
  try {
    const repetition = await repeat();
    // Rejections are reported after the microtasks of the turn that made them.
    await yieldToEventLoop();
    const found = rejected as { reason: unknown } | null;
    if (found) {
      throw new Error(
        `a task left a promise rejected with no handler (a floating async call in the workload): ${errorText(found.reason)}`,
      );
    }
    return repetition;
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}

/**
 * The pools' start-up options: every member gets the main thread's young generation
 * (young-generation.ts) and, for a module run, loads the same file.
 */
function poolOptionsOf(plan: RunPlan): { workloadModule?: WorkloadModuleRef; semiSpaceMb: number } {
  const semiSpaceMb = primeYoungGeneration();
  return plan.workloadModule
    ? { workloadModule: { id: plan.workloadId, file: plan.workloadModule.file }, semiSpaceMb }
    : { semiSpaceMb };
}

/**
 * The wall time of a pooled repetition: from the first task's start to the last task's
 * end where they ran (the machine-wide monotonic clock), or null when a task did not say.
 * Timing from the main thread instead adds the pool's hand-off both ways, about 1 ms per
 * repetition on a 2-core VM where waking an idle virtual CPU goes through the
 * hypervisor: 3-5% of a 25 ms task, which made one worker thread measure 0.93-0.95x of
 * sequential. The sequential row has no hand-off to time, so neither does this one.
 */
export function workSpanMs(outcomes: readonly TaskOutcome[]): number | null {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const outcome of outcomes) {
    if (outcome.startedAtMs === null || outcome.endedAtMs === null) return null;
    if (typeof outcome.startedAtMs !== "number" || typeof outcome.endedAtMs !== "number") return null;
    first = Math.min(first, outcome.startedAtMs);
    last = Math.max(last, outcome.endedAtMs);
  }
  return outcomes.length > 0 && last >= first ? last - first : null;
}

/** Probe round trips per pooled cell: a few to warm the path, then the timed ones. */
const PROBE_WARMUPS = 3;
const PROBE_ROUND_TRIPS = 15;

/**
 * The fixed cost of one task in a pool: the median round trip, timed on the main thread,
 * of a probe that carries a task's fields (so the same structured clone, validation and
 * parameter lookup) but does no work. Measured once per cell, after the pool is up and
 * before its repetitions, one probe at a time. The cell's wall times do not contain it
 * (they are timed on the threads, see {@link workSpanMs}); an application that hands each
 * piece of work to a pool pays it per task, so it is stored and shown next to them.
 */
export async function measureTaskOverheadMs(
  roundTrip: (probe: ProbePayload) => Promise<unknown>,
  plan: RunPlan,
): Promise<number> {
  const probe: ProbePayload = {
    kind: "probe",
    workloadId: plan.workloadId,
    params: plan.params,
    range: { start: 0, end: 0 },
    taskIndex: 0,
    parties: 1,
  };
  const timesMs: number[] = [];
  for (let index = 0; index < PROBE_WARMUPS + PROBE_ROUND_TRIPS; index++) {
    const started = performance.now();
    await roundTrip(probe);
    if (index >= PROBE_WARMUPS) timesMs.push(performance.now() - started);
  }
  return median(timesMs);
}

async function workerThreadExecutor(
  threads: number,
  plan: RunPlan,
  signal: AbortSignal,
): Promise<CellExecutor> {
  const started = performance.now();
  const pool = await startWorkerPool({ threads, maxHeapMb: plan.maxHeapMb, signal, ...poolOptionsOf(plan) });
  const setupMs = performance.now() - started;
  let taskOverheadMs: number;
  try {
    taskOverheadMs = await measureTaskOverheadMs((probe) => pool.run(probe, { signal }), plan);
  } catch (error) {
    await pool.destroy();
    throw error;
  }
  return {
    setupMs,
    taskOverheadMs,
    async repeat(payloads, repetitionSignal) {
      const cpuBefore = process.cpuUsage();
      const repetitionStarted = performance.now();
      const outcomes = await Promise.all(
        payloads.map(
          (payload) =>
            pool.run(payload, {
              signal: AbortSignal.any([repetitionSignal, AbortSignal.timeout(plan.taskTimeoutMs)]),
            }) as Promise<TaskOutcome>,
        ),
      );
      const wallMs = workSpanMs(outcomes) ?? performance.now() - repetitionStarted;
      // cpuUsage is process-wide: it covers every worker thread of the pool.
      return { wallMs, cpuMs: cpuMsSince(cpuBefore), outcomes, shared: payloads[0]?.shared };
    },
    close: () => pool.destroy(),
  };
}

async function childProcessExecutor(
  processes: number,
  plan: RunPlan,
  signal: AbortSignal,
): Promise<CellExecutor> {
  const started = performance.now();
  const pool = await ProcessPool.start(
    { size: processes, maxHeapMb: plan.maxHeapMb, ...poolOptionsOf(plan) },
    signal,
  );
  const setupMs = performance.now() - started;
  let taskOverheadMs: number;
  try {
    taskOverheadMs = await measureTaskOverheadMs((probe) => pool.run(probe, signal), plan);
  } catch (error) {
    pool.close();
    throw error;
  }
  return {
    setupMs,
    taskOverheadMs,
    async repeat(payloads, repetitionSignal) {
      const repetitionStarted = performance.now();
      const outcomes = await Promise.all(
        payloads.map((payload) =>
          pool.run(payload, AbortSignal.any([repetitionSignal, AbortSignal.timeout(plan.taskTimeoutMs)])),
        ),
      );
      const wallMs = workSpanMs(outcomes) ?? performance.now() - repetitionStarted;
      const cpuMs = outcomes.reduce((total, outcome) => total + (outcome.cpuMs ?? 0), 0);
      return { wallMs, cpuMs, outcomes, shared: undefined };
    },
    close: async () => pool.close(),
  };
}

function createExecutor(
  mode: ExecutionMode,
  threads: number,
  workload: AnyWorkload,
  plan: RunPlan,
  options: { signal: AbortSignal; eventLoopSliceMs: number },
): Promise<CellExecutor> {
  switch (mode) {
    case "sequential":
      return Promise.resolve(mainThreadExecutor(workload, plan.params, null));
    case "event-loop":
      return Promise.resolve(mainThreadExecutor(workload, plan.params, options.eventLoopSliceMs));
    case "worker-threads":
      return workerThreadExecutor(threads, plan, options.signal);
    case "child-processes":
      return childProcessExecutor(threads, plan, options.signal);
    case "threading":
    case "multiprocessing":
      throw new Error(`${mode} is a mode of the python runtime; this plan runs on node`);
    default: {
      const unreachable: never = mode;
      throw new Error(`unknown mode ${String(unreachable)}`);
    }
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return `a task exceeded the task timeout: ${error.message}`;
    return error.message;
  }
  return String(error);
}

/**
 * Executes a validated plan: for every thread count, the `sequential` baseline and
 * each other mode, warm-ups first, then the timed repetitions, interleaved across modes. A failing cell
 * (a task throws, a worker dies, a timeout, a checksum that disagrees with the
 * baseline) fails only itself; aborting stops the run and keeps finished cells.
 */
export async function executeRun(plan: RunPlan, options: ExecuteRunOptions = {}): Promise<RunResult> {
  // CPython runs drive the harness over a pipe; cells and statistics are shared (cell-result.ts).
  if (plan.runtime?.kind === "python") return executePythonRun(plan, options);
  if (plan.workloadModule && !resolveWorkload(plan.workloadId)) {
    // A plan built in another process (the CLI loads modules before it plans).
    const { loadPoolWorkloadModule } = await import("./workload-module.js");
    await loadPoolWorkloadModule({ id: plan.workloadId, file: plan.workloadModule.file });
  }
  const workload = resolveWorkload(plan.workloadId);
  if (!workload) throw new TypeError(`plan.workloadId: unknown workload "${plan.workloadId}"`);
  const signal = options.signal ?? new AbortController().signal;
  // Before any cell: the sequential baseline and the pools then scavenge alike.
  primeYoungGeneration();
  const eventLoopSliceMs = options.eventLoopSliceMs ?? DEFAULT_EVENT_LOOP_SLICE_MS;
  const environment = collectEnvironment();
  const startedAt = new Date();
  const runStarted = performance.now();
  const units = workload.units(plan.params);
  const cellsTotal = plan.threads.length * plan.modes.length;
  const stepsPerCell = plan.repetitions + plan.warmups;
  const progress: RunProgress = {
    cellsDone: 0,
    cellsTotal,
    stepsDone: 0,
    stepsTotal: cellsTotal * stepsPerCell,
    currentCell: null,
    elapsedMs: 0,
    etaMs: null,
  };
  const report = () => {
    progress.elapsedMs = performance.now() - runStarted;
    progress.etaMs =
      progress.stepsDone > 0
        ? (progress.elapsedMs / progress.stepsDone) * (progress.stepsTotal - progress.stepsDone)
        : null;
    options.onProgress?.({ ...progress, currentCell: progress.currentCell && { ...progress.currentCell } });
  };

  const cells: CellResult[] = [];
  report();
  for (const threads of plan.threads) {
    if (signal.aborted) break;
    const ranges = taskRanges(units, threads, plan.scaling);
    const states: CellState[] = plan.modes.map((mode) => ({
      mode,
      threads,
      executor: null,
      samples: [],
      status: "succeeded",
      error: null,
      setupMs: null,
      taskOverheadMs: null,
    }));
    const fail = (state: CellState, caught: unknown) => {
      state.status = signal.aborted ? "cancelled" : "failed";
      state.error = errorText(signal.aborted ? (signal.reason ?? caught) : caught);
    };
    try {
      for (const state of states) {
        if (signal.aborted) break;
        progress.currentCell = { mode: state.mode, threads };
        report();
        try {
          state.executor = await createExecutor(state.mode, threads, workload, plan, {
            signal,
            eventLoopSliceMs,
          });
          state.setupMs = state.executor.setupMs;
          state.taskOverheadMs = state.executor.taskOverheadMs;
        } catch (caught) {
          fail(state, caught);
        }
      }
      // Repetitions are interleaved across modes: repetition i of every mode runs
      // before repetition i+1 of any, in an order that rotates. A machine whose speed
      // drifts (shared hosts, thermal limits) then slows every mode alike, and the
      // speedup of repetition i compares measurements taken moments apart.
      for (let step = 0; step < stepsPerCell && !signal.aborted; step++) {
        for (let offset = 0; offset < states.length && !signal.aborted; offset++) {
          const state = states[(step + offset) % states.length] as CellState;
          if (state.status !== "succeeded" || !state.executor) continue;
          progress.currentCell = { mode: state.mode, threads };
          report();
          try {
            const sample = await runRepetition(state.executor, workload, plan, ranges, {
              parties: state.mode === "worker-threads" ? threads : 1,
              signal,
            });
            if (step >= plan.warmups) state.samples.push({ ...sample, index: step - plan.warmups });
          } catch (caught) {
            fail(state, caught);
          }
          progress.stepsDone++;
          report();
        }
      }
    } finally {
      for (const state of states) await state.executor?.close();
    }
    let baseline: CellResult | undefined;
    for (const state of states) {
      if (signal.aborted && state.status === "succeeded" && state.samples.length < plan.repetitions) {
        state.status = "cancelled";
        state.error = errorText(signal.reason ?? "cancelled");
      }
      const cell = finishCell(state, baseline);
      if (state.mode === "sequential") baseline = cell;
      cells.push(cell);
      options.onCell?.(cell);
      progress.cellsDone++;
    }
    // Steps skipped by a failure still count as done, so progress reaches 100%.
    progress.stepsDone = cells.length * stepsPerCell;
    report();
  }
  progress.currentCell = null;
  report();

  const firstProblem = cells.find((cell) => cell.status !== "succeeded");
  const outcome: RunResult["status"] = signal.aborted ? "cancelled" : firstProblem ? "failed" : "succeeded";
  return {
    plan,
    environment,
    status: outcome,
    error:
      outcome === "cancelled"
        ? errorText(signal.reason ?? "cancelled")
        : firstProblem
          ? `${firstProblem.mode} x${firstProblem.threads}: ${firstProblem.error}`
          : null,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    cells,
  };
}

/** A cell while its thread count is being measured. */
interface CellState extends RawCell {
  executor: CellExecutor | null;
}

/** One repetition of one cell: fresh shared memory, the tasks, their combined checksum. */
async function runRepetition(
  executor: CellExecutor,
  workload: AnyWorkload,
  plan: RunPlan,
  ranges: UnitRange[],
  options: { parties: number; signal: AbortSignal },
): Promise<Omit<RepetitionSample, "index">> {
  const shared = workload.createShared?.(plan.params, ranges.length);
  const payloads: TaskPayload[] = ranges.map((range, taskIndex) => ({
    kind: "task",
    workloadId: workload.id,
    params: plan.params,
    range,
    taskIndex,
    parties: options.parties,
    ...(shared ? { shared } : {}),
  }));
  const repetition = await executor.repeat(payloads, options.signal);
  const combined = workload.combine(
    plan.params,
    repetition.outcomes.map((outcome) => outcome.partial),
    repetition.shared,
  );
  return {
    wallMs: repetition.wallMs,
    cpuMs: repetition.cpuMs,
    taskDurationsMs: repetition.outcomes.map((outcome) => outcome.durationMs),
    checksum: combined.checksum,
    ...(combined.sharedMemory ? { sharedMemory: combined.sharedMemory } : {}),
  };
}
