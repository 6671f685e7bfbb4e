import { ingestRun } from "../db/ingest.js";
import { listRegressions } from "../db/regression-repository.js";
import { listRuns } from "../db/run-list.js";
import { requireRunDetail } from "../db/run-reads.js";
import { storeRunResult } from "../db/run-repository.js";
import { startDatabase } from "../db/startup.js";
import { ingestHarnessFile } from "../ingest/ingest-harness-file.js";
import { checkBranch } from "../regressions/check-branch.js";
import { compareRuns } from "../regressions/compare-runs.js";
import type { CliStore, HarnessIngestOutcome } from "./cli-store.js";
import type { CliIo } from "./command.js";
import { detectAfterStore } from "./detect-after-store.js";

/**
 * The CLI store on a database (DATABASE_URL; unset: the default SQLite file): the
 * repositories and analysis functions themselves, as the CLI has always called them.
 */
export async function openLocalStore(url: string | undefined, io: CliIo): Promise<CliStore> {
  const { database } = await startDatabase(url);
  return {
    listRuns: (filter, page) => listRuns(database, filter, page),
    runDetail: (id, options) => requireRunDetail(database, id, options),
    compareRuns: (baseRunId, headRunId) => compareRuns(database, baseRunId, headRunId),
    listRegressions: (filter, options) => listRegressions(database, filter, options),
    async ingest(payload) {
      const { run, created } = await ingestRun(database, payload);
      // Re-ingesting stores nothing new, so there is nothing new to check.
      const changes = created ? await detectAfterStore(database, run.id, io) : null;
      return { run, created, changes };
    },
    async ingestHarness(request) {
      const runs: HarnessIngestOutcome["runs"] = [];
      const result = await ingestHarnessFile(database, request, {
        signal: io.signal,
        // Checked as each is stored: Ctrl-C between two runs leaves none stored unchecked.
        afterStore: async (ingested) => {
          // Re-ingesting stores nothing new, so there is nothing new to check.
          const changes = ingested.created ? await detectAfterStore(database, ingested.run.id, io) : null;
          runs.push({ ...ingested, changes });
        },
      });
      return { adapter: result.adapter, detected: result.detected, runs, total: result.total };
    },
    async recordRun(result, options) {
      const { run, created } = await storeRunResult(database, result, options);
      const changes = created ? await detectAfterStore(database, run.id, io) : null;
      return { run, created, changes };
    },
    checkBranch: (options) => checkBranch(database, options),
    close: () => database.close(),
  };
}
