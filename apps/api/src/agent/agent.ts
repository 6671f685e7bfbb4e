import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { CellResult, RunPlan, RunProgress, RunResult } from "@threadbench/core";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { collectEnvironment } from "../runner/environment.js";
import { acquireMachineLock, type MachineLock } from "../runner/machine-lock.js";
import { parseRunPlan } from "../runner/plan.js";
import {
  type AgentHeartbeatData,
  type AgentSignalsData,
  agentHeartbeatMutation,
  agentSignalsSubscription,
  type ClaimRunData,
  claimRunMutation,
  disconnectAgentMutation,
  type FinishAgentRunData,
  finishAgentRunMutation,
  type RegisterAgentData,
  registerAgentMutation,
  type StoreAgentCellData,
  storeAgentCellMutation,
} from "./protocol.js";
import type { FromRunWorker, ToRunWorker } from "./run-worker.js";

export interface AgentOptions {
  /** The API's GraphQL URL, http(s)://host:port/graphql (the WebSocket is the same path). */
  serverUrl: string;
  /** An API token with the `agent` scope. */
  token: string;
  name: string;
  labels: string[];
  /** Human-readable lines (stderr for the CLI). */
  log: (line: string) => void;
  /** Aborted on the first SIGTERM/Ctrl-C: cancel the current run, deliver it, exit 0. */
  signal: AbortSignal;
  /** Directory of the machine lock (default: the OS temp directory, one per machine). */
  lockDirectory?: string;
  /** After a cancel, how long the run may take to stop before its thread is terminated. */
  cancelGraceMs?: number;
  /** How often an idle agent looks for work without being told (default 5 s). */
  pollIntervalMs?: number;
}

/** A GraphQL error answer of the server (not a transport problem). */
export class ServerAnswerError extends Error {
  readonly code: string | undefined;
  constructor(errors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>) {
    super(errors.map((error) => error.message).join("; "));
    this.name = "ServerAnswerError";
    const code = errors[0]?.extensions?.code;
    this.code = typeof code === "string" ? code : undefined;
  }
}

/** The agent cannot go on (bad token, refused name...): printed, exit code 1 or 2. */
export class AgentFatalError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "AgentFatalError";
    this.exitCode = exitCode;
  }
}

/** Absolute path of the compiled run worker (tests run from sources: use dist/). */
export function runWorkerEntryPoint(): string {
  const here = fileURLToPath(import.meta.url);
  const candidate = here.endsWith(".ts")
    ? path.resolve(path.dirname(here), "../../dist/agent/run-worker.js")
    : path.join(path.dirname(here), "run-worker.js");
  if (!existsSync(candidate)) {
    throw new Error(
      `agent entry ${candidate} is missing: build the API first (npm run build -w @threadbench/api)`,
    );
  }
  return candidate;
}

function packageVersion(): string | null {
  try {
    const file = new URL("../../package.json", import.meta.url);
    return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/**
 * How long a delivery the server failed to store (DATABASE_UNAVAILABLE, INTERNAL_SERVER_ERROR) is tried again:
 * a database restart or a lock held for minutes. The heartbeats keep the claim meanwhile.
 */
const deliveryRetryMs = 10 * 60_000;

/** Reconnect delay: exponential from 250 ms, at most 10 s, with jitter (so agents spread out). */
export function backoffMs(attempt: number): number {
  return Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)) + Math.random() * 250;
}

interface CurrentRun {
  runId: string;
  plan: RunPlan;
  worker: Worker;
  progress: RunProgress | null;
  cells: CellResult[];
  /** Cells the server acknowledged ("mode/threads"): the result does not carry them again. */
  stored: Set<string>;
  /** Set once a cancel was asked for (server, signal); the reason is the run's error. */
  cancelReason: string | null;
  /** Set when the server said the run is no longer ours: deliver nothing more. */
  lost: string | null;
  /**
   * Set when the server refused a cell as larger than one message may be: the run stops
   * and is delivered failed with this reason, without the refused cells ("mode/threads").
   */
  tooBig: { reason: string; cells: Set<string> } | null;
  /** Deliveries (cells, then the result) in order, each retried until answered. */
  outbox: Promise<void>;
  ended: Promise<RunResult | null>;
}

/**
 * `threadbench agent`: registers with the server under a name, labels and the testbed of
 * this machine, then claims queued runs one at a time and executes each in a worker
 * thread with the runner, storing cells as they finish and the result at the end, with
 * heartbeats and progress every second. One WebSocket (graphql-ws) carries everything;
 * when it drops, graphql-ws reconnects with backoff and sends again what was not answered
 * (the server stores cells and results idempotently, so nothing lands twice).
 */
export class ThreadbenchAgent {
  readonly #options: AgentOptions;
  readonly #sessionId = randomUUID();
  readonly #client: Client;
  #heartbeatIntervalMs = 1_000;
  #current: CurrentRun | null = null;
  #wake: (() => void) | null = null;
  #wakeRequested = true;
  #heartbeatInFlight = false;
  #lastHeartbeatAt = 0;
  #fatal: AgentFatalError | null = null;
  #connected = false;
  #everConnected = false;

  constructor(options: AgentOptions) {
    this.#options = options;
    const wsUrl = options.serverUrl.replace(/^http/i, "ws");
    this.#client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${options.token}` },
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      // Everything but a refused connection is worth another try (API restarts, network).
      shouldRetry: (event) => !isCloseEvent(event) || ![4401, 4403].includes(event.code),
      retryWait: (retries) => sleep(backoffMs(retries)),
      keepAlive: 10_000,
      onNonLazyError: (error) => this.#connectionEnded(error),
      on: {
        connected: () => {
          this.#connected = true;
          if (this.#everConnected) this.#options.log(`reconnected to ${options.serverUrl}`);
          this.#everConnected = true;
        },
        closed: (event) => {
          if (!this.#connected) return;
          this.#connected = false;
          if (this.#stopping) return;
          this.#options.log(
            isMessageTooBig(event)
              ? "the server closed the connection over a message larger than it accepts (close 1009); reconnecting"
              : `lost the server (${isCloseEvent(event) ? `close ${event.code}` : "connection error"}); reconnecting with backoff, the current run keeps going`,
          );
        },
      },
    });
  }

  #stopping = false;

  /** Sends one operation and resolves with its data; ServerAnswerError for GraphQL errors. */
  request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let answer: {
        data?: unknown;
        errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
      } | null = null;
      this.#client.subscribe(
        { query, variables },
        {
          next: (value) => {
            answer = value as typeof answer;
          },
          error: (error) => reject(Array.isArray(error) ? new ServerAnswerError(error) : error),
          complete: () => {
            if (answer?.errors?.length) reject(new ServerAnswerError(answer.errors));
            else resolve(answer?.data as T);
          },
        },
      );
    });
  }

  /**
   * graphql-ws gave up on the connection. A refused token ends the agent; so does any
   * other close it does not retry, except 1009: the server refused one message as too big
   * (the delivery that sent it deals with that), and the next operation connects again.
   */
  #connectionEnded(error: unknown): void {
    if (isMessageTooBig(error)) return;
    this.#fail(
      new AgentFatalError(
        isCloseEvent(error) && [4401, 4403].includes(error.code)
          ? `the server refused the connection (${error.code}${error.reason ? `: ${error.reason}` : ""}): check --token (it needs the "agent" scope)`
          : `the connection to ${this.#options.serverUrl} failed for good: ${describe(error)}`,
      ),
    );
  }

  #fail(error: AgentFatalError): void {
    this.#fatal ??= error;
    this.#wakeUp();
  }

  #wakeUp(): void {
    this.#wakeRequested = true;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Runs until stopped (exit code 0) or a fatal error (its exit code). */
  async run(): Promise<number> {
    const { log, signal } = this.#options;
    const onStop = () => {
      this.#stopping = true;
      const current = this.#current;
      if (current) {
        log(`stopping: cancelling run ${current.runId} (its finished cells are kept); again to exit at once`);
        this.#cancel(current, `the agent was stopped (${describe(signal.reason)})`);
      } else {
        log("stopping");
      }
      this.#wakeUp();
    };
    if (signal.aborted) onStop();
    else signal.addEventListener("abort", onStop, { once: true });

    try {
      await this.#register();
      this.#subscribeSignals();
      const timer = setInterval(() => this.#heartbeat(), this.#heartbeatIntervalMs);
      try {
        await this.#loop();
      } finally {
        clearInterval(timer);
        this.#unsubscribeSignals();
      }
      if (this.#fatal) throw this.#fatal;
      await this.request(disconnectAgentMutation, { sessionId: this.#sessionId }).catch(() => undefined);
      log("stopped");
      return 0;
    } catch (error) {
      if (error instanceof AgentFatalError) {
        log(error.message);
        return error.exitCode;
      }
      throw error;
    } finally {
      await this.#client.dispose();
    }
  }

  #unsubscribeSignals: () => void = () => {};

  #subscribeSignals(): void {
    this.#unsubscribeSignals = this.#client.subscribe<AgentSignalsData>(
      { query: agentSignalsSubscription, variables: { sessionId: this.#sessionId } },
      {
        next: (message) => this.#onSignal(message.data?.agentSignals ?? null, message.errors),
        error: (error) => {
          // The socket closed over another operation's message (1009): listen again.
          if (isMessageTooBig(error) && !this.#stopping) this.#subscribeSignals();
          else this.#options.log(`agent signals ended: ${describe(error)}; polling for work instead`);
        },
        complete: () => {},
      },
    );
  }

  async #register(): Promise<void> {
    const { log, name, labels, serverUrl } = this.#options;
    for (let attempt = 0; ; attempt++) {
      if (this.#stopping) return;
      try {
        const data = await this.#untilFatal(
          this.request<RegisterAgentData>(registerAgentMutation, {
            input: {
              sessionId: this.#sessionId,
              name,
              labels,
              environment: collectEnvironment(),
              version: packageVersion(),
            },
          }),
        );
        const registration = data.registerAgent;
        this.#heartbeatIntervalMs = registration.heartbeatIntervalMs;
        log(
          `registered as "${registration.agent.name}"${registration.agent.labels.length > 0 ? ` (labels ${registration.agent.labels.join(", ")})` : ""} with ${serverUrl}; lease ${registration.leaseSeconds} s; waiting for work`,
        );
        return;
      } catch (error) {
        if (error instanceof ServerAnswerError) {
          if (error.code === "UNAUTHENTICATED" || error.code === "FORBIDDEN") {
            throw new AgentFatalError(`the server refused the token: ${error.message}`);
          }
          if (error.code === "BAD_USER_INPUT")
            throw new AgentFatalError(`registration refused: ${error.message}`, 2);
          if (error.code === "CONFLICT") {
            // Another live process holds the name; it may be a crashed one whose lease
            // has not run out yet, so wait and try again.
            if (attempt === 0) log(`${error.message}; retrying`);
            await this.#sleepOrStop(backoffMs(attempt));
            continue;
          }
        }
        throw error;
      }
    }
  }

  /** Rejects as soon as the agent failed for good (e.g. the connection was refused). */
  #untilFatal<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = setInterval(() => {
        if (this.#fatal) {
          clearInterval(check);
          reject(this.#fatal);
        }
      }, 100);
      promise.then(
        (value) => {
          clearInterval(check);
          resolve(value);
        },
        (error: unknown) => {
          clearInterval(check);
          reject(error);
        },
      );
    });
  }

  async #sleepOrStop(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #onSignal(
    signal: AgentSignalsData["agentSignals"] | null,
    errors: ReadonlyArray<{ message: string }> | undefined,
  ): void {
    if (errors?.length) {
      this.#options.log(`agent signals: ${errors.map((error) => error.message).join("; ")}`);
      return;
    }
    if (!signal) return;
    if (signal.kind === "WORK_AVAILABLE") {
      if (!this.#current) this.#wakeUp();
      return;
    }
    const current = this.#current;
    if (signal.kind === "CANCEL_RUN" && current && current.runId === signal.runId) {
      this.#options.log(`run ${current.runId}: cancel requested by the server`);
      this.#cancel(current, "cancelled from the server (cancelRun)");
    }
  }

  async #loop(): Promise<void> {
    const pollIntervalMs = this.#options.pollIntervalMs ?? 5_000;
    while (!this.#stopping && !this.#fatal) {
      if (!this.#wakeRequested) await this.#sleepOrStop(pollIntervalMs);
      this.#wakeRequested = false;
      if (this.#stopping || this.#fatal) return;
      // One benchmark at a time per machine, also against `threadbench run` in a shell:
      // the agent claims nothing while another process holds the cores.
      const stopWaiting = new AbortController();
      const onStop = () => stopWaiting.abort(new Error("stopping"));
      this.#options.signal.addEventListener("abort", onStop, { once: true });
      let lock: MachineLock;
      try {
        lock = await acquireMachineLock({
          description: `threadbench agent "${this.#options.name}" (pid ${process.pid})`,
          signal: stopWaiting.signal,
          ...(this.#options.lockDirectory ? { directory: this.#options.lockDirectory } : {}),
          onWait: (holder) =>
            this.#options.log(
              `waiting for another benchmark on this machine to finish: ${holder.description}`,
            ),
        });
      } catch (error) {
        if (this.#stopping) return;
        throw error;
      } finally {
        this.#options.signal.removeEventListener("abort", onStop);
      }
      try {
        const claimed = await this.#claim();
        if (!claimed) continue;
        this.#wakeRequested = true; // after a run, look for the next at once
        await this.#execute(claimed.runId, claimed.planInput);
      } finally {
        lock.release();
      }
    }
  }

  async #claim(): Promise<{ runId: string; planInput: unknown } | null> {
    try {
      const data = await this.#untilFatal(
        this.request<ClaimRunData>(claimRunMutation, { sessionId: this.#sessionId }),
      );
      if (!data.claimRun) return null;
      return { runId: data.claimRun.run.id, planInput: data.claimRun.plan };
    } catch (error) {
      if (error instanceof ServerAnswerError && error.code === "CONFLICT") {
        // The server forgot this session (its name was taken over, or the data reset).
        this.#options.log(`${error.message}; registering again`);
        await this.#register();
        return null;
      }
      if (error instanceof ServerAnswerError) {
        this.#options.log(`claiming a run failed: ${error.message}`);
        await this.#sleepOrStop(backoffMs(3));
        return null;
      }
      throw error;
    }
  }

  async #execute(runId: string, planInput: unknown): Promise<void> {
    const { log } = this.#options;
    let plan: RunPlan;
    try {
      // The server's plan, validated here as well (this agent's runner may know fewer
      // workloads than the server), and once more by the worker that executes it.
      plan = parseRunPlan(planInput, "plan");
    } catch (error) {
      log(`run ${runId} cannot run here: ${describe(error)}`);
      await this.request(finishAgentRunMutation, {
        sessionId: this.#sessionId,
        runId,
        result: {
          status: "failed",
          error: `agent "${this.#options.name}" cannot run this plan: ${describe(error)}`,
          environment: collectEnvironment(),
          cells: [],
        },
      }).catch((failure: unknown) => log(`run ${runId}: reporting the failure failed: ${describe(failure)}`));
      return;
    }
    log(
      `run ${runId} started: ${plan.workloadId}, modes ${plan.modes.join(",")}, threads ${plan.threads.join(",")}`,
    );
    const worker = new Worker(runWorkerEntryPoint(), { workerData: { plan: planInput } });
    let settle: (result: RunResult | null) => void = () => {};
    const current: CurrentRun = {
      runId,
      plan,
      worker,
      progress: null,
      cells: [],
      stored: new Set(),
      cancelReason: null,
      lost: null,
      tooBig: null,
      outbox: Promise.resolve(),
      ended: new Promise<RunResult | null>((resolve) => {
        settle = resolve;
      }),
    };
    let failure: string | null = null;
    worker.on("message", (message: FromRunWorker) => {
      switch (message.type) {
        case "progress":
          current.progress = message.progress;
          this.#progressHeartbeat();
          return;
        case "cell":
          current.cells.push(message.cell);
          this.#deliverCell(current, message.cell);
          return;
        case "result":
          settle(message.result);
          return;
        case "error":
          failure = message.message;
          return;
        default: {
          const unknown: never = message;
          log(`unknown message from the run worker: ${JSON.stringify(unknown)}`);
        }
      }
    });
    worker.on("error", (error) => {
      failure = describe(error);
    });
    worker.on("exit", () => settle(null));
    this.#current = current;
    // A stop (signal) that came before the claim answered still cancels this run.
    if (this.#stopping)
      this.#cancel(current, `the agent was stopped (${describe(this.#options.signal.reason)})`);

    const result = await current.ended;
    await worker.terminate();
    const final: RunResult = result ?? {
      // The worker was terminated (a cancel it did not honour in time) or crashed: what
      // it reported so far is the run.
      plan,
      environment: collectEnvironment(),
      status: current.cancelReason ? "cancelled" : "failed",
      error:
        current.cancelReason ?? `the run's worker thread failed: ${failure ?? "it exited without a result"}`,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      cells: current.cells,
    };
    if (current.lost) {
      log(`run ${runId} is not ours any more (${current.lost}); its result is dropped`);
    } else {
      this.#enqueue(current, async () => {
        const tooBig = current.tooBig;
        const result = {
          status: tooBig ? "failed" : final.status,
          error: tooBig ? tooBig.reason : final.error,
          environment: final.environment,
          // Only what is not stored yet: a big run's cells would not fit one message
          // (THREADBENCH_MAX_BODY_BYTES), and the server skips stored ones anyway.
          cells: final.cells.filter(
            (cell) => !current.stored.has(cellKey(cell)) && !(tooBig?.cells.has(cellKey(cell)) ?? false),
          ),
        };
        try {
          await this.request<FinishAgentRunData>(finishAgentRunMutation, {
            sessionId: this.#sessionId,
            runId,
            result,
          });
        } catch (error) {
          if (!isMessageTooBig(error)) throw error;
          // A CPython run's cells all travel here. Sent again it would be refused again:
          // the run is stored failed, saying why, with the cells stored before it (none
          // for CPython, whose cells are stored with the result).
          const reason = `${this.#tooBigReason(`the run's result (${result.cells.length} cells)`, result)}; its cells were not stored`;
          await this.request<FinishAgentRunData>(finishAgentRunMutation, {
            sessionId: this.#sessionId,
            runId,
            result: { ...result, status: "failed", error: reason, cells: [] },
          });
          log(`run ${runId} failed: ${reason}`);
          return;
        }
        log(`run ${runId} ${result.status}${result.error ? `: ${result.error}` : ""}`);
      });
    }
    await current.outbox;
    this.#current = null;
  }

  /**
   * Appends a delivery to the run's outbox: in order, each until the server answers. An
   * DATABASE_UNAVAILABLE or INTERNAL_SERVER_ERROR answer (its database restarting, down or locked) is tried
   * again with backoff for up to `deliveryRetryMs`: dropped, a result was lost, and the
   * server handed the run, still claimed by this session, back to the next claim, which
   * executed it a second time.
   */
  #enqueue(current: CurrentRun, delivery: () => Promise<void>): void {
    current.outbox = current.outbox.then(async () => {
      const firstTry = Date.now();
      for (let attempt = 0; !current.lost; attempt++) {
        try {
          await delivery();
          return;
        } catch (error) {
          if (error instanceof ServerAnswerError && error.code === "CONFLICT") {
            // The claim is gone (lease expired, interrupted): the server stored nothing.
            current.lost = error.message;
            this.#options.log(`run ${current.runId}: the server refused a delivery: ${error.message}`);
            this.#abortLost(current);
            return;
          }
          const retry =
            error instanceof ServerAnswerError &&
            (error.code === "DATABASE_UNAVAILABLE" || error.code === "INTERNAL_SERVER_ERROR") &&
            !this.#fatal &&
            Date.now() - firstTry < deliveryRetryMs;
          if (!retry) {
            this.#options.log(`run ${current.runId}: a delivery failed: ${describe(error)}`);
            return;
          }
          if (attempt === 0) {
            this.#options.log(
              `run ${current.runId}: a delivery failed: ${describe(error)}; trying again until the server answers`,
            );
          }
          await sleep(backoffMs(attempt));
        }
      }
    });
  }

  #deliverCell(current: CurrentRun, cell: CellResult): void {
    this.#enqueue(current, async () => {
      let data: StoreAgentCellData;
      try {
        data = await this.request<StoreAgentCellData>(storeAgentCellMutation, {
          sessionId: this.#sessionId,
          runId: current.runId,
          cell,
        });
      } catch (error) {
        if (!isMessageTooBig(error)) throw error;
        // Sent again (alone or in the result) it would be refused again, so the run cannot
        // succeed: stop it rather than occupy the machine, and deliver it failed.
        const reason = `${this.#tooBigReason(`cell ${cell.mode} x${cell.threads}`, cell)}; the cells stored before it are kept`;
        current.tooBig ??= { reason, cells: new Set() };
        current.tooBig.cells.add(cellKey(cell));
        this.#options.log(`run ${current.runId}: ${reason}`);
        this.#cancel(current, reason);
        return;
      }
      // Only a cell the server says it stored is left out of the result. A Python run's
      // cells are never stored early (their testbed is known only from the result), and a
      // retried cell that was already stored is skipped by the server anyway.
      if (data.storeAgentCell.created) current.stored.add(cellKey(cell));
    });
  }

  /** Why a delivery the server closed the connection over (1009) cannot be made. */
  #tooBigReason(what: string, payload: unknown): string {
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    return `${what} is ${bytes} bytes of JSON, more than the server accepts in one message (THREADBENCH_MAX_BODY_BYTES; close 1009 "message too big"): run fewer repetitions or threads`;
  }

  #cancel(current: CurrentRun, reason: string): void {
    if (current.cancelReason || current.lost) return;
    current.cancelReason = reason;
    current.worker.postMessage({ type: "cancel", reason } satisfies ToRunWorker);
    // The runner stops between tasks; a task that runs on (a long sequential one) is
    // cut short by terminating its thread, keeping the cells already finished.
    const grace = setTimeout(() => {
      if (this.#current === current) {
        this.#options.log(`run ${current.runId}: did not stop within the grace time; terminating its thread`);
        void current.worker.terminate();
      }
    }, this.#options.cancelGraceMs ?? 3_000);
    grace.unref();
  }

  #abortLost(current: CurrentRun): void {
    void current.worker.terminate();
  }

  #progressHeartbeat(): void {
    // Progress rides on heartbeats: at most four a second, never two in flight.
    if (Date.now() - this.#lastHeartbeatAt >= 250) this.#heartbeat();
  }

  #heartbeat(): void {
    if (this.#heartbeatInFlight || this.#fatal) return;
    this.#heartbeatInFlight = true;
    this.#lastHeartbeatAt = Date.now();
    const current = this.#current;
    this.request<AgentHeartbeatData>(agentHeartbeatMutation, {
      sessionId: this.#sessionId,
      runId: current?.runId ?? null,
      progress: current?.progress ?? null,
    })
      .then((data) => {
        if (!current || this.#current !== current) return;
        const answer = data.agentHeartbeat;
        if (answer.claimLost && !current.lost) {
          current.lost = answer.claimLost;
          this.#options.log(
            `run ${current.runId} is no longer this agent's: ${answer.claimLost}; stopping it`,
          );
          this.#abortLost(current);
        } else if (answer.cancelRequested) {
          this.#cancel(current, "cancelled from the server (cancelRun)");
        }
      })
      .catch((error: unknown) => {
        if (error instanceof ServerAnswerError && error.code === "CONFLICT" && !this.#current) {
          // Session unknown to the server: the claim loop registers again.
          this.#wakeUp();
        }
      })
      .finally(() => {
        this.#heartbeatInFlight = false;
      });
  }
}

function cellKey(cell: Pick<CellResult, "mode" | "threads">): string {
  return `${cell.mode}/${cell.threads}`;
}

/** Close 1009: the server's WebSocket refused a message as larger than its maxPayload. */
function isMessageTooBig(value: unknown): boolean {
  return isCloseEvent(value) && value.code === 1009;
}

function isCloseEvent(value: unknown): value is { code: number; reason?: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    "code" in value &&
    typeof (value as { code: unknown }).code === "number"
  );
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (isCloseEvent(error))
    return `WebSocket closed (${error.code}${error.reason ? `: ${error.reason}` : ""})`;
  return String(error);
}
