import type { Database } from "../db/client.js";
import { afterRunStored } from "../regressions/after-run-stored.js";
import type { CheckRunResult } from "../regressions/check-run.js";
import { createWebhookNotifier, type WebhookNotifier } from "../regressions/webhook.js";
import type { CliIo } from "./command.js";

/** How long the CLI waits for webhook deliveries before it exits. */
const webhookDrainMs = 15_000;

/**
 * What `run` and `ingest` do after storing a run: check its series against their history
 * (afterRunStored) and POST new regressions to THREADBENCH_WEBHOOK_URL when set. The run
 * is already stored, so a failure here is a warning on stderr, never a failed command;
 * returns null then.
 */
export async function detectAfterStore(
  database: Database,
  runId: string,
  io: CliIo,
): Promise<CheckRunResult | null> {
  let webhook: WebhookNotifier | null = null;
  const url = io.env.THREADBENCH_WEBHOOK_URL?.trim();
  try {
    if (url) {
      webhook = createWebhookNotifier({
        url,
        onGiveUp: (error, payload) =>
          io.stderr.write(
            `threadbench: warning: webhook gave up on regression ${payload.regression.id}: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
      });
    }
  } catch (error) {
    io.stderr.write(`threadbench: warning: THREADBENCH_WEBHOOK_URL ignored: ${(error as Error).message}\n`);
  }
  try {
    return await afterRunStored(database, runId, { webhook });
  } catch (error) {
    io.stderr.write(
      `threadbench: warning: the run is stored, but checking it for regressions failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return null;
  } finally {
    // A short-lived process: give deliveries (and their retries) a bounded chance.
    if (webhook) await webhook.drain(webhookDrainMs);
  }
}
