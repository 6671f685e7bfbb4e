import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { AdapterName } from "@threadbench/adapters";
import type { Database } from "../db/client.js";
import { ingestRun } from "../db/ingest.js";
import type { StoredRun } from "../db/run-rows.js";
import { type HarnessIngestRequest, prepareHarnessIngest } from "./prepare-runs.js";

/** One run an ingest produced (or found already stored). */
export interface IngestedRun {
  run: StoredRun;
  /** False when its idempotency key was already used: nothing was stored. */
  created: boolean;
  /** "workload params", for messages. */
  label: string;
}

/** What ingesting one harness file did. */
export interface HarnessIngestResult {
  adapter: AdapterName;
  /** True when the adapter was detected rather than named. */
  detected: boolean;
  /** One per benchmark of the file, in file order (fewer when interrupted). */
  runs: IngestedRun[];
  /** Runs the file holds: more than `runs` when the signal stopped the ingest between two. */
  total: number;
}

/**
 * harness file -> adapter -> store: the one path of `threadbench ingest` and the API's
 * `ingestRun(adapter:)`. Every benchmark of the file is read and validated before the
 * first is stored (a bad file stores nothing); then each is stored as its own run through
 * the store's ingest (summaries, speedups against the sequential or 1-thread baseline,
 * checksums), each idempotent by its key, so a retry after a crash stores the rest.
 * An aborted `signal` stops it between two runs (each is stored whole or not at all);
 * `afterStore` runs after each one is stored, before the next (the CLI checks it then).
 */
export async function ingestHarnessFile(
  database: Database,
  request: HarnessIngestRequest,
  options: { signal?: AbortSignal; afterStore?: (ingested: IngestedRun) => Promise<void> } = {},
): Promise<HarnessIngestResult> {
  const prepared = prepareHarnessIngest(request);
  const runs: IngestedRun[] = [];
  for (const run of prepared.runs) {
    // SQLite calls are synchronous: a turn of the event loop per run lets Ctrl-C be seen.
    await yieldToEventLoop();
    if (options.signal?.aborted) break;
    const ingested = { ...(await ingestRun(database, run.payload, run.context)), label: run.label };
    runs.push(ingested);
    await options.afterStore?.(ingested);
  }
  return { adapter: prepared.adapter, detected: prepared.detected, runs, total: prepared.runs.length };
}
