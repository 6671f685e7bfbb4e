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
  /** One per benchmark of the file, in file order. */
  runs: IngestedRun[];
}

/**
 * harness file -> adapter -> store: the one path of `threadbench ingest` and the API's
 * `ingestRun(adapter:)`. Every benchmark of the file is read and validated before the
 * first is stored (a bad file stores nothing); then each is stored as its own run through
 * the store's ingest (summaries, speedups against the sequential or 1-thread baseline,
 * checksums), each idempotent by its key, so a retry after a crash stores the rest.
 */
export async function ingestHarnessFile(
  database: Database,
  request: HarnessIngestRequest,
): Promise<HarnessIngestResult> {
  const prepared = prepareHarnessIngest(request);
  const runs: IngestedRun[] = [];
  for (const run of prepared.runs) {
    const stored = await ingestRun(database, run.payload, run.context);
    runs.push({ ...stored, label: run.label });
  }
  return { adapter: prepared.adapter, detected: prepared.detected, runs };
}
