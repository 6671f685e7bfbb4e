import { finishedRunStatuses, type RunPlan, type RunProgress } from "@threadbench/core";
import type { Logger } from "pino";
import {
  type AgentRegistration,
  type ClaimedRunResult,
  type ClaimState,
  claimNextRun,
  describeTarget,
  disconnectAgent,
  expireLeases,
  finishClaimedRun,
  heartbeatClaim,
  type QueueLimits,
  queueAdmission,
  queuedRunTargets,
  registerAgent,
  requestCancel,
  requireAgentSession,
  runHeldBySession,
  runningRunIds,
  type StoredAgent,
  storeClaimedCell,
  touchAgent,
} from "../db/agent-repository.js";
import type { Database } from "../db/client.js";
import { requireRun } from "../db/run-reads.js";
import {
  type CreateQueuedRunInput,
  createQueuedRun,
  finishRunWithoutResult,
  markInterruptedRuns,
} from "../db/run-repository.js";
import type { StorableCell, StoredRun } from "../db/run-rows.js";
import { ConflictError } from "../errors.js";
import { parseRunPlan } from "../runner/index.js";
import type { RunEvent, RunEventBus, RunEventKind, RunProgressUpdate } from "./events.js";

export interface RunQueueOptions {
  database: Database;
  events: RunEventBus;
  logger: Logger;
  /**
   * How long a claim survives without a heartbeat, milliseconds. Past it the run is
   * `interrupted` (its stored cells kept) and the agent's late deliveries are refused.
   */
  leaseMs: number;
  limits: QueueLimits;
  /** How long cancelRun waits for the agent to store the cancelled run (default 10 s). */
  cancelWaitMs?: number;
  /**
   * Called once a run's result is stored and announced (the regression check). A
   * rejection is logged and changes nothing about the run.
   */
  afterRunStored?: (runId: string) => Promise<unknown>;
}

/** A queued run's target as startRun gives it. */
export interface RunTargetRequest {
  agent: StoredAgent | null;
  labels: string[];
}

/** What an agent's heartbeat answers. */
export interface HeartbeatAnswer {
  /** The run was asked to stop: cancel it and finish it as cancelled. */
  cancelRequested: boolean;
  /** Why the run is no longer the agent's (stop it; anything it still sends is refused). */
  claimLost: string | null;
}

/**
 * The queue and its dispatch to agents. Queued runs live in the database; agents (other
 * processes, usually other machines) claim them through the GraphQL API, report cells,
 * progress and results, and heartbeat. This process never executes a workload: it
 * stores, announces (on the event bus, across API processes with a relay) and sweeps
 * claims whose lease ran out.
 */
export class RunQueue {
  readonly #options: RunQueueOptions;
  /** The latest progress of running runs, from agents connected here or elsewhere. */
  readonly #progress = new Map<string, RunProgressUpdate>();
  readonly #unsubscribe: Array<() => void> = [];
  #sweeper: NodeJS.Timeout | null = null;
  #sweeping: Promise<void> | null = null;
  #startedAt = Date.now();
  #closed = false;

  constructor(options: RunQueueOptions) {
    this.#options = options;
  }

  get leaseMs(): number {
    return this.#options.leaseMs;
  }

  get limits(): QueueLimits {
    return this.#options.limits;
  }

  /** How often agents heartbeat: every second (Bencher's figure), faster for short leases. */
  get heartbeatIntervalMs(): number {
    return Math.max(100, Math.min(1_000, Math.floor(this.#options.leaseMs / 5)));
  }

  /**
   * Recovers runs left running by a crashed `threadbench run` or an older API that
   * executed runs itself, and starts sweeping expired leases. Claims of agents get one
   * full lease from now before they can expire: an agent that kept running while this
   * server was down delivers what it has when it reconnects.
   */
  async start(): Promise<string[]> {
    const { database, events, logger } = this.#options;
    this.#startedAt = Date.now();
    // Runs of agents are the sweeper's (below); markInterruptedRuns handles the runs of
    // processes that claim with hostname:pid and would otherwise stay running forever.
    const interrupted = await markInterruptedRuns(database, {
      staleAfterMs: Math.max(60_000, this.#options.leaseMs * 4),
    });
    for (const runId of interrupted) this.#publish("interrupted", runId, "interrupted");
    if (interrupted.length > 0)
      logger.warn({ runIds: interrupted }, "runs left running by a stopped process are now interrupted");
    this.#unsubscribe.push(
      events.onAnyProgress((update) => {
        if (finishedRunStatuses.includes(update.status)) this.#progress.delete(update.runId);
        else this.#progress.set(update.runId, update);
      }),
      events.onEvent((event: RunEvent) => {
        if (event.status && finishedRunStatuses.includes(event.status)) this.#progress.delete(event.runId);
      }),
    );
    const intervalMs = Math.max(100, Math.min(1_000, Math.floor(this.#options.leaseMs / 4)));
    this.#sweeper = setInterval(() => {
      this.#sweeping ??= this.#sweep().finally(() => {
        this.#sweeping = null;
      });
    }, intervalMs);
    this.#sweeper.unref();
    // Agents waiting since before this process started look again.
    events.publishAgentSignal({ kind: "work-available" });
    return interrupted;
  }

  async #sweep(): Promise<void> {
    if (this.#closed || Date.now() - this.#startedAt < this.#options.leaseMs) return;
    try {
      const expired = await expireLeases(this.#options.database, { leaseMs: this.#options.leaseMs });
      for (const runId of expired) {
        this.#options.logger.warn({ runId }, "an agent's lease expired: run interrupted");
        this.#finalProgress(runId, "interrupted");
        this.#publish("interrupted", runId, "interrupted");
      }
    } catch (error) {
      this.#options.logger.error({ err: error }, "sweeping expired leases failed");
    }
  }

  /**
   * Stores a validated plan as a queued run, within the queue's bounds (CONFLICT naming
   * the limit beyond them), and tells the agents.
   */
  async enqueue(input: CreateQueuedRunInput & { target?: RunTargetRequest }): Promise<StoredRun> {
    const { target, ...rest } = input;
    const targetAgentId = target?.agent?.id ?? null;
    const targetLabels = target?.labels ?? [];
    const { run, created } = await createQueuedRun(this.#options.database, {
      ...rest,
      targetAgentId,
      targetLabels,
      admit: queueAdmission(
        this.#options.database,
        this.#options.limits,
        { targetAgentId, targetLabels },
        target?.agent?.name ?? null,
      ),
    });
    if (created) {
      this.#publish("queued", run.id, "queued");
      this.#options.events.publishAgentSignal({ kind: "work-available" });
    }
    return run;
  }

  /**
   * Cancels a run: a queued one leaves the queue at once; for a running one the agent
   * is told (at once, and again with its next heartbeat) and this waits until the agent
   * stored it cancelled with its finished cells, at most `cancelWaitMs`. ConflictError
   * when the run has finished.
   */
  async cancel(runId: string, requestedBy: string): Promise<StoredRun> {
    const { database, events } = this.#options;
    const run = await requireRun(database, runId);
    if (run.status === "queued") {
      try {
        const cancelled = await finishRunWithoutResult(database, runId, {
          status: "cancelled",
          error: `cancelled by ${requestedBy} before it started`,
        });
        this.#publish("cancelled", runId, "cancelled");
        return cancelled;
      } catch (error) {
        // Claimed between the read and the update: cancel it as a running run.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    const running = await requestCancel(database, runId);
    if (!running.agentId) {
      throw new ConflictError(
        `run "${runId}" is executed by ${running.claimedBy ?? "another process"} outside any agent (threadbench run); stop it there`,
      );
    }
    const finished = this.#waitForEnd(runId, this.#options.cancelWaitMs ?? 10_000);
    events.publishAgentSignal({ kind: "cancel", runId, agentId: running.agentId });
    this.#options.logger.info({ runId, requestedBy, agentId: running.agentId }, "cancel requested");
    await finished;
    return requireRun(database, runId);
  }

  /** Resolves when the run finished (any process) or after `timeoutMs`. */
  #waitForEnd(runId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      let unsubscribe = () => {};
      const timer = setTimeout(() => {
        unsubscribe();
        resolve();
      }, timeoutMs);
      unsubscribe = this.#options.events.onEvent((event) => {
        if (event.runId !== runId || !event.status || !finishedRunStatuses.includes(event.status)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });
  }

  /** The latest progress of a running run (reported by its agent), or null. */
  progressOf(runId: string): RunProgressUpdate | null {
    return this.#progress.get(runId) ?? null;
  }

  /** Ids of the queued runs in execution order. */
  async queuedRunIds(): Promise<string[]> {
    return (await queuedRunTargets(this.#options.database)).map((run) => run.id);
  }

  /** Ids of the runs agents are executing now, oldest claim first. */
  async runningRunIds(): Promise<string[]> {
    return runningRunIds(this.#options.database);
  }

  // ---- the agents' protocol -----------------------------------------------------------

  /** Registers an agent process; runs an earlier process of the same agent held are interrupted. */
  async register(registration: AgentRegistration): Promise<StoredAgent> {
    const { agent, interruptedRunIds } = await registerAgent(this.#options.database, registration, {
      leaseMs: this.#options.leaseMs,
    });
    for (const runId of interruptedRunIds) {
      this.#finalProgress(runId, "interrupted");
      this.#publish("interrupted", runId, "interrupted");
    }
    this.#options.logger.info(
      { agent: agent.name, labels: agent.labels, sessionId: registration.sessionId },
      "agent registered",
    );
    return agent;
  }

  /** The next run this agent may take, claimed for its session; null when none. */
  async claim(sessionId: string): Promise<{ run: StoredRun; plan: Record<string, unknown> } | null> {
    const { database, logger } = this.#options;
    const agent = await requireAgentSession(database, sessionId);
    await touchAgent(database, sessionId);
    // An agent asks for work only when it holds none: a run this session still holds
    // is one whose claim answer was lost (the connection dropped); hand it over again.
    const held = await runHeldBySession(database, sessionId);
    if (held) {
      const run = await requireRun(database, held);
      return { run, plan: planInputOf(run) };
    }
    for (;;) {
      const run = await claimNextRun(database, agent, sessionId);
      if (!run) return null;
      let plan: RunPlan;
      try {
        plan = planOf(run);
      } catch (error) {
        // A stored plan the runner no longer accepts (a workload removed): fail it here
        // rather than hand it to an agent, and look for the next run.
        await finishRunWithoutResult(database, run.id, {
          status: "failed",
          error: `the stored plan is no longer valid: ${error instanceof Error ? error.message : String(error)}`,
        }).catch(() => undefined);
        this.#publish("failed", run.id, "failed");
        continue;
      }
      logger.info({ runId: run.id, agent: agent.name, workload: run.workloadId }, "run claimed");
      this.#publish("started", run.id, "running");
      const cellsTotal = plan.modes.length * plan.threads.length;
      this.#options.events.publishProgress({
        runId: run.id,
        status: "running",
        cellsDone: 0,
        cellsTotal,
        stepsDone: 0,
        stepsTotal: cellsTotal * (plan.repetitions + plan.warmups),
        currentCell: null,
        elapsedMs: 0,
        etaMs: null,
      });
      return { run, plan: planInputOf(run) };
    }
  }

  /**
   * A heartbeat of an agent session, with the progress of the run it executes (if any).
   * Extends the claim's lease and announces the progress.
   */
  async heartbeat(
    sessionId: string,
    runId: string | null,
    progress: RunProgress | null,
  ): Promise<HeartbeatAnswer> {
    const { database, events } = this.#options;
    const current = await touchAgent(database, sessionId);
    if (!current) await requireAgentSession(database, sessionId);
    if (!runId) return { cancelRequested: false, claimLost: null };
    const state: ClaimState = await heartbeatClaim(database, sessionId, runId);
    if (state.kind === "lost") return { cancelRequested: false, claimLost: state.reason };
    if (progress) events.publishProgress({ ...progress, runId, status: "running" });
    return { cancelRequested: state.cancelRequestedAt !== null, claimLost: null };
  }

  /** Stores one finished cell (idempotent per run and cell; refused when the claim is gone). */
  async storeCell(sessionId: string, runId: string, cell: StorableCell): Promise<{ created: boolean }> {
    return storeClaimedCell(this.#options.database, { sessionId, runId, cell });
  }

  /** Stores a claimed run's result (idempotent; refused when the claim is gone) and announces it. */
  async finish(
    sessionId: string,
    runId: string,
    result: ClaimedRunResult,
  ): Promise<{ run: StoredRun; created: boolean }> {
    const { database, logger } = this.#options;
    const stored = await finishClaimedRun(database, { sessionId, runId, result });
    if (!stored.created) return stored;
    const status = stored.run.status;
    // Every stored cell, not the result's: the agent leaves out cells already delivered.
    this.#finalProgress(runId, status, stored.cellsStored);
    this.#publish(
      status === "succeeded" ? "succeeded" : status === "failed" ? "failed" : "cancelled",
      runId,
      status,
    );
    // A failed run's error (e.g. a child process's stderr at death) belongs in the log too.
    if (status === "succeeded") logger.info({ runId, status }, "run finished");
    else logger.warn({ runId, status, error: stored.run.error }, "run finished");
    if (this.#options.afterRunStored) {
      // Not awaited by the agent's request: the agent may take the next run meanwhile.
      this.#options
        .afterRunStored(runId)
        .catch((error: unknown) =>
          logger.error({ err: error, runId }, "the check after storing the run failed"),
        );
    }
    return stored;
  }

  /** The agent said goodbye: offline at once. */
  async disconnect(sessionId: string): Promise<void> {
    await disconnectAgent(this.#options.database, sessionId);
  }

  /** Whether a run is still wanted by the agent that claims it (for agentSignals). */
  async claimedRunsOf(agentId: string): Promise<string[]> {
    return runningRunIds(this.#options.database, { agentId });
  }

  /** Describes the target of a run in words. */
  describeTarget(run: Pick<StoredRun, "targetAgentId" | "targetLabels">, agentName?: string | null): string {
    return describeTarget(run, agentName);
  }

  /** Stops sweeping. Queued and running runs stay as they are: agents carry on. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await this.#sweeping;
  }

  #publish(kind: RunEventKind, runId: string, status: StoredRun["status"] | null): void {
    this.#options.events.publishEvent({ kind, runId, status, at: new Date() });
  }

  /** The last progress message of a run that ended, so progress subscribers end too. */
  #finalProgress(runId: string, status: StoredRun["status"], cellsDone?: number): void {
    const last = this.#progress.get(runId);
    if (!last) return;
    this.#options.events.publishProgress({
      ...last,
      status,
      cellsDone: cellsDone ?? last.cellsDone,
      stepsDone: status === "succeeded" ? last.stepsTotal : last.stepsDone,
      currentCell: null,
      etaMs: 0,
    });
  }
}

/**
 * The plan of a stored run as the runner's input (what parseRunPlan takes): what the
 * server hands an agent, which validates it again. One place maps run columns to plan
 * fields.
 */
export function planInputOf(run: StoredRun): Record<string, unknown> {
  return {
    workload: run.workloadId,
    params: run.params,
    modes: run.modes,
    threads: run.threads,
    repetitions: run.repetitions,
    warmups: run.warmups,
    scaling: run.scaling,
    ...(run.taskTimeoutMs !== null ? { taskTimeoutMs: run.taskTimeoutMs } : {}),
    ...(run.maxHeapMb !== null ? { maxHeapMb: run.maxHeapMb } : {}),
    ...(run.runtime ? { runtime: run.runtime } : {}),
  };
}

/** The runner's plan of a stored run (validated again: the stored row is input too). */
export function planOf(run: StoredRun): RunPlan {
  return parseRunPlan(planInputOf(run));
}
