import type { RunRow } from "../components/runs-table";

/**
 * A run as the runs table reads it, and nothing more: the table is a client component,
 * so every field handed to it is serialised into the page's RSC payload. The runs query's
 * nodes carry 20 fields and a 7-field testbed (RunRowFields, shared with other pages);
 * the table reads 14 and 4. At 50 rows that was ~37 kB of the /runs page's payload.
 */
export function toRunRow(run: RunRow & { testbed: RunRow["testbed"] }): RunRow {
  return {
    id: run.id,
    workloadId: run.workloadId,
    params: run.params,
    threads: run.threads,
    modes: run.modes,
    status: run.status,
    commitSha: run.commitSha,
    commitMessage: run.commitMessage ?? null,
    branch: run.branch,
    labels: run.labels,
    seeded: run.seeded,
    createdAt: run.createdAt,
    durationMs: run.durationMs,
    testbed: run.testbed
      ? {
          hostname: run.testbed.hostname,
          runtime: run.testbed.runtime,
          runtimeVersion: run.testbed.runtimeVersion,
          runtimeLabel: run.testbed.runtimeLabel,
        }
      : null,
  };
}
