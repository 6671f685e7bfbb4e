import type {
  CellResult,
  CellStatus,
  ChecksumStatus,
  Environment,
  RepetitionSample,
  RunPlan,
  RunSource,
  RunStatus,
  Summary,
} from "@threadbench/core";
import { canonicalParameters, findWorkload } from "@threadbench/workloads";
import type { Prisma } from "./client.js";
import { canonicalJson } from "./series-key.js";
import { type StoredTestbed, toStoredTestbed } from "./testbed.js";

/*
 * The shapes of stored runs handed to callers, and the one mapping from rows to them
 * (and from a plan to Run columns). Every run reader (run-reads.ts, run-list.ts,
 * agent-repository.ts) maps through here.
 */

// ---------------------------------------------------------------------------------------
// Shapes handed to callers (plain data: no Prisma types leak out of db/)

/** A stored run without its measurements. */
export interface StoredRun {
  id: string;
  workloadId: string;
  params: Record<string, unknown>;
  paramsKey: string;
  modes: string[];
  threads: number[];
  repetitions: number;
  warmups: number;
  scaling: string;
  taskTimeoutMs: number | null;
  maxHeapMb: number | null;
  /** What executes the tasks: null (or absent) for node, else the Python interpreter as requested. */
  runtime?: string | null;
  status: RunStatus;
  error: string | null;
  source: RunSource;
  /** "threadbench" or the adapter that turned a harness's file into this run. */
  harness: string;
  project: string;
  /** Module workloads only: the module's content hash, and its path relative to the project root. */
  workloadHash: string | null;
  workloadModule: string | null;
  commitSha: string | null;
  commitMessage: string | null;
  branch: string | null;
  labels: string[];
  idempotencyKey: string | null;
  seeded: boolean;
  environment: Environment | null;
  testbed: StoredTestbed | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
  priority: number;
  requestedBy: string | null;
  claimedBy: string | null;
  heartbeatAt: Date | null;
  cancelRequestedAt: Date | null;
  targetAgentId: string | null;
  /** Labels an agent must carry to take the run; empty = any agent. */
  targetLabels: string[];
  agentId: string | null;
}

/** A stored repetition: the runner's sample; an ingested one may lack a checksum and carries any shared-memory report. */
export interface StoredSample
  extends Pick<RepetitionSample, "index" | "wallMs" | "cpuMs" | "taskDurationsMs"> {
  checksum: string | null;
  sharedMemory: unknown[] | null;
}

/**
 * One (mode, threads) cell of a stored run: the runner's CellResult as stored (its fields
 * documented there), with the row's identity and its samples.
 */
export interface StoredMeasurement
  extends Pick<
    CellResult,
    | "threads"
    | "tasks"
    | "error"
    | "wall"
    | "cpu"
    | "setupMs"
    | "taskOverheadMs"
    | "speedup"
    | "efficiency"
    | "checksum"
    | "expectedChecksum"
  > {
  id: string;
  runId: string;
  seriesKey: string;
  recordedAt: Date;
  /** Any mode name: an ingested run names its own. */
  mode: string;
  status: CellStatus;
  checksumStatus: ChecksumStatus;
  sharedMemory: unknown[] | null;
  sampleCount: number;
  /** Empty when the run was read with `{ samples: false }`. */
  samples: StoredSample[];
}

export interface StoredRunDetail extends StoredRun {
  measurements: StoredMeasurement[];
}

/** A cell to store: the runner's CellResult, with any mode name (ingested runs). */
export type StorableCell = Omit<CellResult, "mode"> & { mode: string };

// ---------------------------------------------------------------------------------------
// Mapping

/**
 * The plan as Run columns: StoredRun's plan fields, with the parameters as Prisma's JSON
 * input and the module fields set only for module workloads.
 */
export type PlanColumns = Pick<
  StoredRun,
  | "workloadId"
  | "paramsKey"
  | "modes"
  | "threads"
  | "repetitions"
  | "warmups"
  | "scaling"
  | "taskTimeoutMs"
  | "maxHeapMb"
  | "runtime"
> &
  Partial<Pick<StoredRun, "workloadModule" | "workloadHash">> & { params: Prisma.InputJsonValue };

export function planColumns(plan: RunPlan): PlanColumns {
  return {
    workloadId: plan.workloadId,
    params: plan.params as Prisma.InputJsonValue,
    paramsKey: parametersKey(plan.workloadId, plan.params),
    modes: [...plan.modes],
    threads: [...plan.threads],
    repetitions: plan.repetitions,
    warmups: plan.warmups,
    scaling: plan.scaling,
    taskTimeoutMs: plan.taskTimeoutMs ?? null,
    maxHeapMb: plan.maxHeapMb ?? null,
    runtime: plan.runtime?.kind === "python" ? plan.runtime.executable : null,
    ...(plan.workloadModule
      ? { workloadModule: plan.workloadModule.relativePath, workloadHash: plan.workloadModule.hash }
      : {}),
  };
}

/**
 * Canonical parameters: the workload's own canonical form (defaults filled) when it is
 * a threadbench workload and the parameters fit it, otherwise the parameters as given
 * with sorted keys (ingested benchmarks from other tools).
 */
export function parametersKey(workloadId: string, params: Record<string, unknown>): string {
  const workload = findWorkload(workloadId);
  if (workload) {
    try {
      return canonicalParameters(workload, params);
    } catch {
      // Not this workload's parameters (e.g. an external benchmark of the same name).
    }
  }
  return canonicalJson(params);
}

export function normalizeLabels(labels: string[] | undefined): string[] {
  // Control characters would corrupt a terminal or a log line; labels are for people.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const cleaned = (labels ?? []).map((label) => label.replace(/[\u0000-\u001f]/g, " ").trim());
  return [...new Set(cleaned.filter(Boolean))].sort();
}

export function summaryColumns(prefix: "wall" | "cpu", summary: Summary | null) {
  return {
    [`${prefix}Min`]: finiteOrNull(summary?.min),
    [`${prefix}Max`]: finiteOrNull(summary?.max),
    [`${prefix}Median`]: finiteOrNull(summary?.median),
    [`${prefix}Mean`]: finiteOrNull(summary?.mean),
    [`${prefix}Stddev`]: finiteOrNull(summary?.stddev),
    [`${prefix}Cv`]: finiteOrNull(summary?.cv),
  } as Record<`${typeof prefix}${"Min" | "Max" | "Median" | "Mean" | "Stddev" | "Cv"}`, number | null>;
}

export function finiteOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

/** What every run read includes: its testbed and sorted labels. */
export const runInclude = {
  testbed: true,
  labels: { select: { label: true }, orderBy: { label: "asc" } },
} as const satisfies Prisma.RunInclude;

export type RunRow = Prisma.RunGetPayload<{ include: typeof runInclude }>;
export type MeasurementRow = Prisma.MeasurementGetPayload<object>;
export type SampleRow = Prisma.SampleGetPayload<object>;

/** The one mapping of a Prisma run row to a StoredRun. */
export function toStoredRun(row: RunRow): StoredRun {
  return {
    id: row.id,
    workloadId: row.workloadId,
    params: row.params as Record<string, unknown>,
    paramsKey: row.paramsKey,
    modes: row.modes as string[],
    threads: row.threads as number[],
    repetitions: row.repetitions,
    warmups: row.warmups,
    scaling: row.scaling,
    taskTimeoutMs: row.taskTimeoutMs,
    maxHeapMb: row.maxHeapMb,
    runtime: row.runtime,
    status: row.status as RunStatus,
    error: row.error,
    source: row.source as RunSource,
    harness: row.harness,
    project: row.project,
    workloadHash: row.workloadHash,
    workloadModule: row.workloadModule,
    commitSha: row.commitSha,
    commitMessage: row.commitMessage,
    branch: row.branch,
    labels: row.labels.map((label) => label.label),
    idempotencyKey: row.idempotencyKey,
    seeded: row.seeded,
    environment: (row.environment ?? null) as Environment | null,
    testbed: row.testbed ? toStoredTestbed(row.testbed) : null,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    updatedAt: row.updatedAt,
    priority: row.priority,
    requestedBy: row.requestedBy,
    claimedBy: row.claimedBy,
    heartbeatAt: row.heartbeatAt,
    cancelRequestedAt: row.cancelRequestedAt,
    targetAgentId: row.targetAgentId,
    targetLabels: (row.targetLabels as string[] | null) ?? [],
    agentId: row.agentId,
  };
}

/**
 * A measurement row's wall or cpu summary (its six columns and the sample count); null
 * when the row has none (a failed cell). The GraphQL Measurement reads it from here too.
 */
export function measurementSummary(row: MeasurementRow, prefix: "wall" | "cpu"): Summary | null {
  const min = row[`${prefix}Min`];
  const max = row[`${prefix}Max`];
  const median = row[`${prefix}Median`];
  const mean = row[`${prefix}Mean`];
  if (median === null || min === null || max === null || mean === null) return null;
  return {
    count: row.sampleCount,
    min,
    max,
    median,
    mean,
    stddev: row[`${prefix}Stddev`] ?? 0,
    cv: row[`${prefix}Cv`] ?? 0,
  };
}

/** A stored measurement row (with its samples when loaded) as the runner's vocabulary. */
export function toStoredMeasurement(row: MeasurementRow & { samples?: SampleRow[] }): StoredMeasurement {
  return {
    id: row.id,
    runId: row.runId,
    seriesKey: row.seriesKey,
    recordedAt: row.recordedAt,
    mode: row.mode,
    threads: row.threads,
    tasks: row.tasks,
    status: row.status as CellStatus,
    error: row.error,
    sampleCount: row.sampleCount,
    wall: measurementSummary(row, "wall"),
    cpu: measurementSummary(row, "cpu"),
    setupMs: row.setupMs,
    taskOverheadMs: row.taskOverheadMs,
    speedup: row.speedup,
    efficiency: row.efficiency,
    checksum: row.checksum,
    expectedChecksum: row.expectedChecksum,
    checksumStatus: row.checksumStatus as ChecksumStatus,
    sharedMemory: (row.sharedMemory ?? null) as unknown[] | null,
    samples: (row.samples ?? []).map((sample) => ({
      index: sample.index,
      wallMs: sample.wallMs,
      cpuMs: sample.cpuMs,
      taskDurationsMs: sample.taskDurationsMs as number[],
      checksum: sample.checksum,
      sharedMemory: (sample.sharedMemory ?? null) as unknown[] | null,
    })),
  };
}
