import type { CellResult, Environment, RunPlan, RunProgress, RunResult } from "@threadbench/core";
import { findWorkload } from "@threadbench/workloads";
import { finishCell, type RawCell, taskRanges } from "../cell-result.js";
import { collectEnvironment } from "../environment.js";
import type { ExecuteRunOptions } from "../execute-run.js";
import { PythonHarness, type PythonRuntimeInfo } from "./harness-process.js";

/** A cell while its thread count is being measured. */
interface PythonCellState extends RawCell {
  /** multiprocessing: the pool was started on this harness process (by its pid). */
  poolOf: number | null;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return `a task exceeded the task timeout: ${error.message}`;
    return error.message;
  }
  return String(error);
}

/** This machine, with the runtime fields the interpreter reported. */
export function pythonEnvironment(
  machine: Environment,
  runtime: PythonRuntimeInfo,
  gilEnabled: boolean,
): Environment {
  return {
    ...machine,
    runtime: runtime.implementation,
    runtimeVersion: runtime.version,
    v8Version: null,
    gilEnabled,
    freeThreadedBuild: runtime.freeThreadedBuild,
    runtimeExecutable: runtime.executable,
    pythonGil: runtime.pythonGil,
  };
}

/**
 * Executes a validated plan on a Python interpreter: one long-lived harness process
 * (`python -m threadbench_harness`), one request per repetition. The loop is the Node
 * runner's: per thread count, the cells' set-up first (the multiprocessing pool, whose
 * start-up is reported as setup), then warm-ups and timed repetitions interleaved across
 * modes in a rotating order; the statistics, checksum verdicts and speedups come from
 * the same `finishCell`. The harness measures each repetition where it runs (wall, CPU,
 * every task) and combines the checksum; only the numbers cross the pipe.
 *
 * A failing repetition fails its cell. If the interpreter dies, its cell fails with the
 * stderr of the crash and a new harness is started for the cells that remain; if it
 * cannot be started at all, this rejects (callers mark the run failed).
 */
export async function executePythonRun(plan: RunPlan, options: ExecuteRunOptions = {}): Promise<RunResult> {
  if (plan.runtime?.kind !== "python") throw new TypeError("plan.runtime: expected a python runtime");
  const executable = plan.runtime.executable;
  const workload = findWorkload(plan.workloadId);
  if (!workload) throw new TypeError(`plan.workloadId: unknown workload "${plan.workloadId}"`);
  const signal = options.signal ?? new AbortController().signal;
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

  let harness = await PythonHarness.start({ executable, signal });
  const firstRuntime = harness.runtime;
  // Whether the GIL was on at any point: a free-threaded build turns it back on when an
  // extension without free-threading support is imported.
  let gilEverEnabled = firstRuntime.gilEnabled;
  /** The harness to talk to; a new one when the last one died (a crash fails only its cell). */
  const liveHarness = async (): Promise<PythonHarness> => {
    if (!harness.alive) harness = await PythonHarness.start({ executable, signal });
    return harness;
  };

  const cells: CellResult[] = [];
  try {
    report();
    for (const threads of plan.threads) {
      if (signal.aborted) break;
      const ranges = taskRanges(units, threads, plan.scaling).map(
        (range) => [range.start, range.end] as [number, number],
      );
      const states: PythonCellState[] = plan.modes.map((mode) => ({
        mode,
        threads,
        samples: [],
        status: "succeeded",
        error: null,
        setupMs: null,
        // The harness's pool is driven inside CPython: no per-task probe there.
        taskOverheadMs: null,
        poolOf: null,
      }));
      const fail = (state: PythonCellState, caught: unknown) => {
        state.status = signal.aborted ? "cancelled" : "failed";
        state.error = errorText(signal.aborted ? (signal.reason ?? caught) : caught);
      };
      const startPool = async (state: PythonCellState) => {
        const current = await liveHarness();
        const started = await current.request("start-pool", { processes: threads }, { signal });
        state.poolOf = current.runtime.pid;
        state.setupMs ??= started.setupMs as number;
      };
      for (const state of states) {
        if (signal.aborted) break;
        if (state.mode !== "multiprocessing") continue;
        progress.currentCell = { mode: state.mode, threads };
        report();
        try {
          await startPool(state);
        } catch (caught) {
          fail(state, caught);
        }
      }
      for (let step = 0; step < stepsPerCell && !signal.aborted; step++) {
        for (let offset = 0; offset < states.length && !signal.aborted; offset++) {
          const state = states[(step + offset) % states.length] as PythonCellState;
          if (state.status !== "succeeded") continue;
          progress.currentCell = { mode: state.mode, threads };
          report();
          try {
            const current = await liveHarness();
            // A harness that replaced a crashed one has no pool yet.
            if (state.mode === "multiprocessing" && state.poolOf !== current.runtime.pid)
              await startPool(state);
            const repetition = await current.repeat(
              { workload: workload.id, params: plan.params, mode: state.mode, ranges },
              // Sequential has no timeout, as on node: its tasks run back to back.
              { signal, ...(state.mode === "sequential" ? {} : { timeoutMs: plan.taskTimeoutMs }) },
            );
            gilEverEnabled ||= repetition.gilEnabled;
            if (step >= plan.warmups) {
              state.samples.push({
                index: step - plan.warmups,
                wallMs: repetition.wallMs,
                cpuMs: repetition.cpuMs,
                taskDurationsMs: repetition.taskDurationsMs,
                checksum: repetition.checksum,
                ...(repetition.sharedMemory ? { sharedMemory: repetition.sharedMemory } : {}),
              });
            }
          } catch (caught) {
            fail(state, caught);
          }
          progress.stepsDone++;
          report();
        }
      }
      if (harness.alive && states.some((state) => state.poolOf !== null)) {
        await harness.request("stop-pool", {}, { signal }).catch(() => undefined);
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
  } finally {
    await harness.close();
  }
  progress.currentCell = null;
  report();

  const firstProblem = cells.find((cell) => cell.status !== "succeeded");
  const outcome: RunResult["status"] = signal.aborted ? "cancelled" : firstProblem ? "failed" : "succeeded";
  return {
    plan,
    environment: pythonEnvironment(collectEnvironment(), firstRuntime, gilEverEnabled),
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
