import { EventEmitter, on } from "node:events";
import type { RunProgress, RunStatus } from "@threadbench/core";
import type { StoredRegression } from "../db/regression-repository.js";

export type RunEventKind =
  | "queued"
  | "started"
  /** The run ended with status "succeeded" (GraphQL SUCCEEDED; FINISHED is its deprecated name). */
  | "succeeded"
  /** Never published: the internal value of the deprecated GraphQL name FINISHED. */
  | "finished"
  | "failed"
  | "cancelled"
  | "interrupted"
  | "deleted"
  | "regression-detected";

/** A run lifecycle event, as published to runEvents subscribers. */
export interface RunEvent {
  kind: RunEventKind;
  /** For "regression-detected": the run that introduced the regression. */
  runId: string;
  /** The run's status after the event; null once deleted and for "regression-detected". */
  status: RunStatus | null;
  at: Date;
  /** Set for "regression-detected" only. */
  regression?: StoredRegression;
}

/** The progress of one run, as published to runProgress subscribers. */
export interface RunProgressUpdate extends RunProgress {
  runId: string;
  status: RunStatus;
}

/**
 * What the server tells agents: work was queued (every agent tries to claim), or the run
 * an agent executes is to be cancelled.
 */
export type AgentSignal = { kind: "work-available" } | { kind: "cancel"; runId: string; agentId: string };

/** A message of the bus as it crosses processes (see pg-event-relay.ts). */
export type BusMessage =
  | { type: "event"; event: RunEvent }
  | { type: "progress"; update: RunProgressUpdate }
  | { type: "regression"; regression: StoredRegression; at: Date }
  | { type: "agent-signal"; signal: AgentSignal };

/** Carries published messages to the other API processes of the same database. */
export interface BusRelay {
  send(message: BusMessage): void;
}

type Listener<T> = (value: T) => void;

/**
 * Publish/subscribe of run events, progress and agent signals. Listeners are in this
 * process; with a relay (PostgreSQL LISTEN/NOTIFY, see pg-event-relay.ts) what is
 * published here also reaches the other API processes, and what they publish arrives
 * through `receive`, so every subscription sees the runs of agents connected elsewhere.
 */
export class RunEventBus {
  readonly #eventListeners = new Set<Listener<RunEvent>>();
  readonly #regressionListeners = new Set<Listener<StoredRegression>>();
  readonly #progressListeners = new Map<string, Set<Listener<RunProgressUpdate>>>();
  readonly #signalListeners = new Set<Listener<AgentSignal>>();
  readonly #anyProgressListeners = new Set<Listener<RunProgressUpdate>>();
  #relay: BusRelay | null = null;

  /** Forwards everything published from now on to other processes too. */
  setRelay(relay: BusRelay | null): void {
    this.#relay = relay;
  }

  /** A message published by another process: delivered here only, never relayed back. */
  receive(message: BusMessage): void {
    switch (message.type) {
      case "event":
        this.#deliverEvent(message.event);
        return;
      case "progress":
        this.#deliverProgress(message.update);
        return;
      case "regression":
        this.#deliverRegression(message.regression, message.at);
        return;
      case "agent-signal":
        this.#deliverSignal(message.signal);
        return;
      default: {
        const unknown: never = message;
        throw new TypeError(`unknown bus message ${JSON.stringify(unknown)}`);
      }
    }
  }

  publishEvent(event: RunEvent): void {
    this.#deliverEvent(event);
    if (event.kind !== "regression-detected") this.#relay?.send({ type: "event", event });
  }

  publishProgress(update: RunProgressUpdate): void {
    this.#deliverProgress(update);
    this.#relay?.send({ type: "progress", update });
  }

  /**
   * A newly detected regression: to regressionDetected subscribers, and to runEvents
   * subscribers as a "regression-detected" event of the run that introduced it.
   */
  publishRegression(regression: StoredRegression, at = new Date()): void {
    this.#deliverRegression(regression, at);
    this.#relay?.send({ type: "regression", regression, at });
  }

  publishAgentSignal(signal: AgentSignal): void {
    this.#deliverSignal(signal);
    this.#relay?.send({ type: "agent-signal", signal });
  }

  onAgentSignal(listener: Listener<AgentSignal>): () => void {
    this.#signalListeners.add(listener);
    return () => this.#signalListeners.delete(listener);
  }

  #deliverEvent(event: RunEvent): void {
    for (const listener of [...this.#eventListeners]) listener(event);
  }

  /** Progress of every run (the run queue keeps the latest of each). */
  onAnyProgress(listener: Listener<RunProgressUpdate>): () => void {
    this.#anyProgressListeners.add(listener);
    return () => this.#anyProgressListeners.delete(listener);
  }

  #deliverProgress(update: RunProgressUpdate): void {
    for (const listener of [...this.#anyProgressListeners]) listener(update);
    for (const listener of [...(this.#progressListeners.get(update.runId) ?? [])]) listener(update);
  }

  #deliverRegression(regression: StoredRegression, at: Date): void {
    for (const listener of [...this.#regressionListeners]) listener(regression);
    this.#deliverEvent({
      kind: "regression-detected",
      runId: regression.runId,
      status: null,
      at,
      regression,
    });
  }

  #deliverSignal(signal: AgentSignal): void {
    for (const listener of [...this.#signalListeners]) listener(signal);
  }

  onRegression(listener: Listener<StoredRegression>): () => void {
    this.#regressionListeners.add(listener);
    return () => this.#regressionListeners.delete(listener);
  }

  onEvent(listener: Listener<RunEvent>): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  onProgress(runId: string, listener: Listener<RunProgressUpdate>): () => void {
    let listeners = this.#progressListeners.get(runId);
    if (!listeners) {
      listeners = new Set();
      this.#progressListeners.set(runId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#progressListeners.delete(runId);
    };
  }
}

/**
 * An async iterator fed by push callbacks (Node's `events.on` over a private emitter:
 * it buffers values until they are pulled). It ends when `end()` is called (values
 * already pushed are still delivered first) or the consumer returns (graphql-ws calls
 * `return()` when the client unsubscribes); either way `cleanup` runs once.
 */
export function pushIterator<T>(cleanup: () => void): {
  iterator: AsyncIterableIterator<T>;
  push(value: T): void;
  end(): void;
} {
  const emitter = new EventEmitter();
  const values = on(emitter, "value", { close: ["end"] }) as AsyncIterableIterator<[T]>;
  let done = false;
  const finish = () => {
    if (done) return false;
    done = true;
    cleanup();
    return true;
  };
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const result = await values.next();
      return result.done ? { value: undefined, done: true } : { value: result.value[0], done: false };
    },
    async return() {
      finish();
      await values.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return {
    iterator,
    push(value) {
      if (!done) emitter.emit("value", value);
    },
    end() {
      if (finish()) emitter.emit("end");
    },
  };
}
