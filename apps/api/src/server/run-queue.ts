import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import {
  type CreateQueuedRunInput,
  createQueuedRun,
  finishRunWithoutResult,
  heartbeatRun,
  markInterruptedRuns,
  markRunRunning,
  processClaim,
  requireRun,
  type StoredRun,
  storeRunResult,
} from "../db/run-repository.js";
import { ConflictError, ThreadbenchError } from "../errors.js";
import { executeRun, parseRunPlan, type RunPlan, type RunProgress, type RunResult } from "../runner/index.js";
import { acquireMachineLock } from "../runner/machine-lock.js";
import type { RunEventBus, RunEventKind, RunProgressUpdate } from "./events.js";

export interface RunQueueOptions {
  database: Database;
  events: RunEventBus;
  logger: Logger;
  /** Least time between two progress messages of one run, milliseconds. */
  progressIntervalMs: number;
  /** False: runs are queued but never executed by this process. */
  executeRuns: boolean;
  /** How often a running run records a sign of life, milliseconds. */
  heartbeatIntervalMs?: number;
  /** The runner (replaceable in tests). */
  execute?: typeof executeRun;
  /**
   * Called once a run's result is stored and announced (the regression check). Awaited
   * before the next run starts, so analysis does not share the cores with a benchmark;
   * a rejection is logged and changes nothing about the run.
   */
  afterRunStored?: (runId: string) => Promise<unknown>;
}

interface CurrentRun {
  runId: string;
  controller: AbortController;
  progress: RunProgressUpdate | null;
}

/** Queued runs execute in this order: higher priority first, then oldest first. */
export const queueOrder = [{ priority: "desc" }, { createdAt: "asc" }, { id: "asc" }] as const;

/**
 * Runs on demand. Queued runs live in the database (they survive a restart); this
 * process executes them one at a time, because two benchmarks sharing cores measure
 * nothing. Publishes lifecycle events and throttled progress on the event bus.
 */
export class RunQueue {
  readonly #options: RunQueueOptions;
  readonly #claim = processClaim();
  #current: CurrentRun | null = null;
  #drain: Promise<void> | null = null;
  #wakeRequested = false;
  #closed = false;
  readonly #closing = new AbortController();

  constructor(options: RunQueueOptions) {
    this.#options = options;
  }

  /**
   * Recovers from a previous crash (runs left running become interrupted) and starts
   * executing what is queued. Returns the ids of the runs marked interrupted.
   */
  async start(): Promise<string[]> {
    const interrupted = await markInterruptedRuns(this.#options.database);
    for (const runId of interrupted) this.#publish("interrupted", runId, "interrupted");
    if (interrupted.length > 0)
      this.#options.logger.warn(
        { runIds: interrupted },
        "runs left running by a stopped process are now interrupted",
      );
    this.#wake();
    return interrupted;
  }

  /** Stores a validated plan as a queued run and wakes the executor. */
  async enqueue(input: CreateQueuedRunInput): Promise<StoredRun> {
    const { run, created } = await createQueuedRun(this.#options.database, input);
    if (created) this.#publish("queued", run.id, "queued");
    this.#wake();
    return run;
  }

  /**
   * Cancels a run: a queued one leaves the queue at once; the running one is aborted,
   * and what it finished is stored before this resolves. ConflictError when finished.
   */
  async cancel(runId: string, requestedBy: string): Promise<StoredRun> {
    const current = this.#current;
    if (current?.runId === runId) {
      current.controller.abort(new Error(`cancelled by ${requestedBy}`));
      await this.#waitUntilNotCurrent(runId);
      return requireRun(this.#options.database, runId);
    }
    const run = await finishRunWithoutResult(this.#options.database, runId, {
      status: "cancelled",
      error: `cancelled by ${requestedBy} before it started`,
    });
    this.#publish("cancelled", runId, "cancelled");
    return run;
  }

  /** The latest progress of the run this process is executing, or null. */
  progressOf(runId: string): RunProgressUpdate | null {
    return this.#current?.runId === runId ? this.#current.progress : null;
  }

  /** Ids of the queued runs in execution order. */
  async queuedRunIds(): Promise<string[]> {
    const rows = await this.#options.database.prisma.run.findMany({
      where: { status: "queued" },
      orderBy: [...queueOrder],
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /** The id of the run executing in this process, or null. */
  runningRunId(): string | null {
    return this.#current?.runId ?? null;
  }

  /**
   * Stops taking runs and aborts the current one; its finished cells are stored (as a
   * cancelled run) before this resolves. Queued runs stay queued for the next start.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.abort(new Error("the API server is shutting down"));
    this.#current?.controller.abort(new Error("the API server is shutting down"));
    await this.#drain;
  }

  #publish(kind: RunEventKind, runId: string, status: StoredRun["status"] | null): void {
    this.#options.events.publishEvent({ kind, runId, status, at: new Date() });
  }

  #wake(): void {
    if (this.#closed || !this.#options.executeRuns) return;
    this.#wakeRequested = true;
    if (this.#drain) return;
    this.#drain = this.#drainQueue()
      .catch((error: unknown) => {
        this.#options.logger.error({ err: error }, "the run queue stopped unexpectedly");
      })
      .finally(() => {
        this.#drain = null;
        if (this.#wakeRequested) this.#wake();
      });
  }

  async #waitUntilNotCurrent(runId: string): Promise<void> {
    while (this.#current?.runId === runId && this.#drain) {
      await Promise.race([this.#drain, new Promise((resolve) => setTimeout(resolve, 20))]);
    }
  }

  async #drainQueue(): Promise<void> {
    while (!this.#closed) {
      this.#wakeRequested = false;
      const [next] = await this.#options.database.prisma.run.findMany({
        where: { status: "queued" },
        orderBy: [...queueOrder],
        take: 1,
        select: { id: true },
      });
      if (!next) return;
      // One benchmark at a time per machine, also against `threadbench run` in a shell:
      // the run stays queued while another process holds the cores.
      const lock = await acquireMachineLock({
        description: `threadbench API (pid ${process.pid}) run ${next.id}`,
        signal: this.#closing.signal,
        onWait: (holder) =>
          this.#options.logger.info(
            { runId: next.id, holder },
            "waiting for another run on this machine to finish",
          ),
      }).catch((error: unknown) => {
        if (this.#closed) return null;
        throw error;
      });
      if (!lock) return;
      const current: CurrentRun = { runId: next.id, controller: new AbortController(), progress: null };
      this.#current = current;
      try {
        await this.#execute(current);
      } finally {
        this.#current = null;
        lock.release();
      }
    }
  }

  async #execute(current: CurrentRun): Promise<void> {
    const { database, logger } = this.#options;
    const log = logger.child({ runId: current.runId });
    let run: StoredRun;
    try {
      run = await markRunRunning(database, current.runId, { claimedBy: this.#claim });
    } catch (error) {
      // Cancelled (or taken by another process) between listing and claiming it.
      if (error instanceof ConflictError) return;
      throw error;
    }
    this.#publish("started", run.id, "running");
    log.info({ workload: run.workloadId }, "run started");

    let plan: RunPlan;
    try {
      plan = parseRunPlan({
        workload: run.workloadId,
        params: run.params,
        modes: run.modes,
        threads: run.threads,
        repetitions: run.repetitions,
        warmups: run.warmups,
        scaling: run.scaling,
        ...(run.taskTimeoutMs !== null ? { taskTimeoutMs: run.taskTimeoutMs } : {}),
        ...(run.maxHeapMb !== null ? { maxHeapMb: run.maxHeapMb } : {}),
      });
    } catch (error) {
      await this.#fail(current.runId, `the stored plan is no longer valid: ${describe(error)}`);
      return;
    }

    const stepsTotal = plan.modes.length * plan.threads.length * (plan.repetitions + plan.warmups);
    current.progress = {
      runId: run.id,
      status: "running",
      cellsDone: 0,
      cellsTotal: plan.modes.length * plan.threads.length,
      stepsDone: 0,
      stepsTotal,
      currentCell: null,
      elapsedMs: 0,
      etaMs: null,
    };
    this.#options.events.publishProgress(current.progress);
    const throttle = this.#throttledProgress(current);
    const heartbeat = setInterval(() => {
      heartbeatRun(database, run.id).catch((error: unknown) => log.warn({ err: error }, "heartbeat failed"));
    }, this.#options.heartbeatIntervalMs ?? 5_000);
    heartbeat.unref();

    let result: RunResult;
    try {
      result = await (this.#options.execute ?? executeRun)(plan, {
        signal: current.controller.signal,
        onProgress: throttle.update,
      });
    } catch (error) {
      log.error({ err: error }, "run failed unexpectedly");
      await this.#fail(current.runId, describe(error));
      return;
    } finally {
      clearInterval(heartbeat);
      throttle.stop();
    }

    const stored = await storeRunResult(database, result, { runId: run.id }).catch(async (error: unknown) => {
      log.error({ err: error }, "storing the run's result failed");
      await this.#fail(current.runId, `storing the result failed: ${describe(error)}`);
      return null;
    });
    if (!stored) return;
    const status = stored.run.status;
    const done = current.progress;
    this.#options.events.publishProgress({
      ...done,
      status,
      cellsDone: result.cells.length,
      stepsDone: status === "succeeded" ? done.stepsTotal : done.stepsDone,
      currentCell: null,
      etaMs: 0,
    });
    this.#publish(
      status === "succeeded" ? "finished" : status === "failed" ? "failed" : "cancelled",
      run.id,
      status,
    );
    log.info({ status }, "run finished");
    if (this.#options.afterRunStored) {
      await this.#options
        .afterRunStored(run.id)
        .catch((error: unknown) => log.error({ err: error }, "the check after storing the run failed"));
    }
  }

  async #fail(runId: string, message: string): Promise<void> {
    try {
      const run = await finishRunWithoutResult(this.#options.database, runId, {
        status: "failed",
        error: message,
      });
      const progress = this.#current?.progress;
      if (progress)
        this.#options.events.publishProgress({ ...progress, status: run.status, currentCell: null });
      this.#publish("failed", runId, run.status);
    } catch (error) {
      this.#options.logger.error({ err: error, runId }, "could not mark the run failed");
    }
  }

  /** Publishes at most one progress message per interval, always the latest one. */
  #throttledProgress(current: CurrentRun): { update(progress: RunProgress): void; stop(): void } {
    const interval = this.#options.progressIntervalMs;
    let lastPublishedAt = 0;
    let timer: NodeJS.Timeout | null = null;
    const publish = () => {
      timer = null;
      lastPublishedAt = Date.now();
      if (current.progress) this.#options.events.publishProgress(current.progress);
    };
    return {
      update: (progress) => {
        current.progress = { ...progress, runId: current.runId, status: "running" };
        const wait = lastPublishedAt + interval - Date.now();
        if (wait <= 0) publish();
        else timer ??= setTimeout(publish, wait);
      },
      stop: () => {
        if (timer) clearTimeout(timer);
        timer = null;
      },
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof ThreadbenchError || error instanceof Error) return error.message;
  return String(error);
}
