import type { RunStatus } from "../db/vocabulary.js";
import type { StoredRegression } from "../regressions/regression-store.js";
import type { RunProgress } from "../runner/index.js";

export type RunEventKind =
  | "queued"
  | "started"
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

type Listener<T> = (value: T) => void;

/**
 * In-process publish/subscribe of run events and progress. One API process executes
 * and serves its own runs, so nothing crosses process boundaries.
 */
export class RunEventBus {
  readonly #eventListeners = new Set<Listener<RunEvent>>();
  readonly #regressionListeners = new Set<Listener<StoredRegression>>();
  readonly #progressListeners = new Map<string, Set<Listener<RunProgressUpdate>>>();

  publishEvent(event: RunEvent): void {
    for (const listener of [...this.#eventListeners]) listener(event);
  }

  publishProgress(update: RunProgressUpdate): void {
    for (const listener of [...(this.#progressListeners.get(update.runId) ?? [])]) listener(update);
  }

  /**
   * A newly detected regression: to regressionDetected subscribers, and to runEvents
   * subscribers as a "regression-detected" event of the run that introduced it.
   */
  publishRegression(regression: StoredRegression, at = new Date()): void {
    for (const listener of [...this.#regressionListeners]) listener(regression);
    this.publishEvent({ kind: "regression-detected", runId: regression.runId, status: null, at, regression });
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
 * An async iterator fed by push callbacks: buffers values until they are pulled, ends
 * when `end()` is called or the consumer returns (graphql-ws calls `return()` when the
 * client unsubscribes, which runs `cleanup`).
 */
export function pushIterator<T>(cleanup: () => void): {
  iterator: AsyncIterableIterator<T>;
  push(value: T): void;
  end(): void;
} {
  const buffer: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    cleanup();
    waiting?.({ value: undefined, done: true });
    waiting = null;
  };
  const iterator: AsyncIterableIterator<T> = {
    next() {
      const value = buffer.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      buffer.length = 0;
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return {
    iterator,
    push(value) {
      if (done) return;
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value, done: false });
      } else {
        buffer.push(value);
      }
    },
    end() {
      // Values already buffered are still delivered before the end.
      if (done) return;
      done = true;
      cleanup();
      if (waiting && buffer.length === 0) {
        waiting({ value: undefined, done: true });
        waiting = null;
      }
    },
  };
}
