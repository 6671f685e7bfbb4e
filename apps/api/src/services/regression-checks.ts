import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import type { StoredRegression } from "../db/regression-repository.js";
import { afterRunStored } from "../regressions/after-run-stored.js";
import type { CheckRunOptions } from "../regressions/check-run.js";
import type { WebhookNotifier } from "../regressions/webhook.js";
import type { RunEventBus } from "./events.js";

export interface RegressionChecksOptions {
  database: Database;
  events: RunEventBus;
  logger: Logger;
  /** POSTs each new regression (THREADBENCH_WEBHOOK_URL); null: none. */
  webhook?: WebhookNotifier | null;
  /** Detector settings (tests); the regressions module's defaults otherwise. */
  check?: CheckRunOptions;
}

/**
 * Checks stored runs against their history (regressions/afterRunStored) for the run queue
 * and the ingest mutation, one check at a time: two overlapping checks of the same series
 * could each store the same change at neighbouring runs. A check never throws: the run is
 * already stored, so a failing analysis is logged and the run carries on. New regressions
 * are published on the event bus (regressionDetected, runEvents) and sent to the webhook.
 */
export class RegressionChecks {
  readonly #options: RegressionChecksOptions;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: RegressionChecksOptions) {
    this.#options = options;
  }

  /**
   * Queues a check of the run and resolves, once it is done, to what it stored
   * (regressions and improvements; empty when it failed or the server is closing).
   */
  check(runId: string): Promise<StoredRegression[]> {
    if (this.#closed) return Promise.resolve([]);
    const done = this.#tail.then(() => this.#check(runId));
    this.#tail = done;
    return done;
  }

  /** Stops taking checks and waits for the queued ones (before the database closes). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
  }

  async #check(runId: string): Promise<StoredRegression[]> {
    const { database, events, logger } = this.#options;
    try {
      const result = await afterRunStored(database, runId, {
        notify: (regression) => events.publishRegression(regression),
        webhook: this.#options.webhook ?? null,
        ...(this.#options.check ? { check: this.#options.check } : {}),
      });
      if (result.stored.length > 0) {
        logger.info(
          {
            runId,
            stored: result.stored.map((regression) => ({
              id: regression.id,
              kind: regression.kind,
              seriesKey: regression.seriesKey,
              runId: regression.runId,
              size: regression.size,
            })),
          },
          "step changes detected",
        );
      }
      return result.stored;
    } catch (error) {
      logger.error({ err: error, runId }, "checking the run for regressions failed; the run is stored");
      return [];
    }
  }
}
