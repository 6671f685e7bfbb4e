import type { Database } from "../db/client.js";
import type { StoredRegression } from "../db/regression-repository.js";
import { runsByIds } from "../db/run-list.js";
import { type CheckRunOptions, type CheckRunResult, checkRunAgainstHistory } from "./check-run.js";
import { type RegressionWebhookPayload, type WebhookNotifier, webhookRegression } from "./webhook.js";

/** Options of {@link afterRunStored}. */
export interface AfterRunStoredOptions {
  /**
   * Called once per newly stored regression (kind "regression"; improvements are stored
   * but not announced), after it is stored. Exceptions are caught: a listener cannot
   * fail a run. The GraphQL layer publishes `regressionDetected` from here.
   */
  notify?: (regression: StoredRegression) => void;
  /** The configured webhook, if any: one POST per new regression, in the background. */
  webhook?: WebhookNotifier | null;
  /** Detector settings (defaults are the documented ones). */
  check?: CheckRunOptions;
}

/**
 * What the run queue, the ingest mutation and the CLI call after a run is stored (once
 * its measurements are committed): checks the run's series against their history,
 * stores new regressions and improvements, and announces the new regressions. Safe to
 * call twice for the same run (nothing is stored twice, nothing announced twice).
 * Throws only for database errors or an unknown run id; callers should log and carry
 * on, because the run itself is already safely stored.
 */
export async function afterRunStored(
  database: Database,
  runId: string,
  options: AfterRunStoredOptions = {},
): Promise<CheckRunResult> {
  const result = await checkRunAgainstHistory(database, runId, options.check);
  const regressions = result.stored.filter((regression) => regression.kind === "regression");
  if (regressions.length > 0 && (options.notify || options.webhook)) {
    const runIds = [...new Set(regressions.map((regression) => regression.runId))];
    const runs = await runsByIds(database, runIds);
    const runById = new Map(
      runs.map(({ id, commitSha, branch, workloadId }) => [id, { id, commitSha, branch, workloadId }]),
    );
    for (const regression of regressions) {
      try {
        options.notify?.(regression);
      } catch {
        // A listener's failure is its own; the regression is stored either way.
      }
      const payload: RegressionWebhookPayload = {
        event: "regression.detected",
        version: 1,
        regression: webhookRegression(regression),
        run: runById.get(regression.runId) ?? null,
      };
      options.webhook?.send(payload);
    }
  }
  return result;
}
