/**
 * Deterministic history for the e2e tests and the bench: runs ingested through the
 * API's ingestRun mutation, with a planted step change.
 */
import { seededRandom } from "@threadbench/core";
import { graphql } from "./harness";

export interface PlantedHistoryOptions {
  runs: number;
  /** Index of the first run after the step. */
  stepAt: number;
  /** Relative size of the step (+0.25 = 25% slower). */
  stepSize: number;
  baseMs: number;
  seed?: number;
  branch?: string;
  /** The commit message every run carries (none by default). */
  commitMessage?: string;
}

export const plantedWorkload = { workloadId: "sum-squares", params: { n: 4_000_000 } };
const environment = {
  hostname: "e2e-ci-runner",
  os: "linux",
  osRelease: "6.1.0",
  arch: "x64",
  cpuModel: "E2E Test CPU",
  logicalCores: 4,
  memoryBytes: 16 * 1024 ** 3,
  runtime: "node",
  runtimeVersion: "20.20.0",
};

function commitOf(index: number): string {
  return (0xabc0000 + index * 7919).toString(16).padStart(8, "0").repeat(5).slice(0, 40);
}

/**
 * One run document per commit in the API's ingest format v1
 * (apps/api/ingest/threadbench-ingest-v1.schema.json): sequential and worker-threads
 * cells at 1 and 4 threads, five repetitions each, wall times jittered ±2% around a
 * baseline that steps by `stepSize` from run `stepAt` on.
 */
export function plantedDocuments(options: PlantedHistoryOptions) {
  const random = seededRandom(options.seed ?? 42);
  const start = Date.parse("2026-01-01T00:00:00Z");
  return Array.from({ length: options.runs }, (_, index) => {
    const level = options.baseMs * (index >= options.stepAt ? 1 + options.stepSize : 1);
    const startedAt = new Date(start + index * 6 * 3600_000);
    const finishedAt = new Date(startedAt.getTime() + 30_000);
    const cells = [
      { mode: "sequential", threads: 1, factor: 1 },
      { mode: "sequential", threads: 4, factor: 4 },
      { mode: "worker-threads", threads: 1, factor: 1.02 },
      { mode: "worker-threads", threads: 4, factor: 1.1 },
    ];
    return {
      formatVersion: 1,
      idempotencyKey: `e2e-planted-${options.seed ?? 42}-${index}`,
      workload: plantedWorkload.workloadId,
      params: plantedWorkload.params,
      scaling: "weak",
      warmups: 1,
      commitSha: commitOf(index),
      branch: options.branch ?? "main",
      ...(options.commitMessage ? { commitMessage: options.commitMessage } : {}),
      labels: ["e2e"],
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      testbed: environment,
      measurements: cells.map((cell) => ({
        mode: cell.mode,
        threads: cell.threads,
        checksum: "e2e-checksum",
        samples: Array.from({ length: 5 }, () => {
          const wallMs = level * cell.factor * (1 + (random() - 0.5) * 0.04);
          return { wallMs, cpuMs: wallMs * (cell.mode === "sequential" ? 1 : cell.threads) };
        }),
      })),
    };
  });
}

const ingestMutation = `mutation Ingest($input: JSON!) { ingestRun(input: $input) { created run { id } } }`;

/** Ingests the documents one by one; returns the run ids in order. */
export async function ingestAll(
  apiUrl: string,
  token: string,
  documents: readonly unknown[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const document of documents) {
    const data = await graphql<{ ingestRun: { run: { id: string } } }>(
      apiUrl,
      ingestMutation,
      { input: document },
      token,
    );
    ids.push(data.ingestRun.run.id);
  }
  return ids;
}

/** The series key of one planted history (default: worker-threads at 4 threads). */
export async function plantedSeriesKey(
  apiUrl: string,
  mode = "worker-threads",
  threads = 4,
): Promise<string> {
  const data = await graphql<{
    seriesList: { key: string; mode: string; threads: number; params: unknown }[];
  }>(
    apiUrl,
    `query($workload: String) { seriesList(filter: { workload: $workload, branch: "main" }, first: 500) { key mode threads params } }`,
    { workload: plantedWorkload.workloadId },
  );
  const series = data.seriesList.find(
    (entry) =>
      entry.mode === mode &&
      entry.threads === threads &&
      JSON.stringify(entry.params) === JSON.stringify(plantedWorkload.params),
  );
  if (!series) throw new Error("the planted series was not found");
  return series.key;
}
