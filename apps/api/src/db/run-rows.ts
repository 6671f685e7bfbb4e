import type { CellResult, Environment, RunPlan, RunSource, RunStatus, Summary } from "@threadbench/core";
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

export interface StoredSample {
  index: number;
  wallMs: number;
  cpuMs: number | null;
  taskDurationsMs: number[];
  checksum: string | null;
  sharedMemory: unknown[] | null;
}

/** One (mode, threads) cell of a stored run. */
export interface StoredMeasurement {
  id: string;
  runId: string;
  seriesKey: string;
  recordedAt: Date;
  mode: string;
  threads: number;
  tasks: number;
  status: string;
  error: string | null;
  sampleCount: number;
  wall: Summary | null;
  cpu: Summary | null;
  setupMs: number | null;
  /** A pooled mode's fixed cost per task, milliseconds (CellResult.taskOverheadMs). */
  taskOverheadMs: number | null;
  speedup: number | null;
  efficiency: number | null;
  checksum: string | null;
  expectedChecksum: string | null;
  checksumStatus: string;
  sharedMemory: unknown[] | null;
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

/** The plan as Run columns. */
export interface PlanColumns {
  workloadId: string;
  params: Prisma.InputJsonValue;
  paramsKey: string;
  modes: string[];
  threads: number[];
  repetitions: number;
  warmups: number;
  scaling: string;
  taskTimeoutMs: number | null;
  maxHeapMb: number | null;
  /** Python plans only: the interpreter as requested (null or absent: node). */
  runtime?: string | null;
  /** Module workloads only: path relative to the project root, and content hash. */
  workloadModule?: string | null;
  workloadHash?: string | null;
}

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

function toSummary(
  count: number,
  values: {
    min: number | null;
    max: number | null;
    median: number | null;
    mean: number | null;
    stddev: number | null;
    cv: number | null;
  },
): Summary | null {
  if (values.median === null || values.min === null || values.max === null || values.mean === null)
    return null;
  return {
    count,
    min: values.min,
    max: values.max,
    median: values.median,
    mean: values.mean,
    stddev: values.stddev ?? 0,
    cv: values.cv ?? 0,
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
    status: row.status,
    error: row.error,
    sampleCount: row.sampleCount,
    wall: toSummary(row.sampleCount, {
      min: row.wallMin,
      max: row.wallMax,
      median: row.wallMedian,
      mean: row.wallMean,
      stddev: row.wallStddev,
      cv: row.wallCv,
    }),
    cpu: toSummary(row.sampleCount, {
      min: row.cpuMin,
      max: row.cpuMax,
      median: row.cpuMedian,
      mean: row.cpuMean,
      stddev: row.cpuStddev,
      cv: row.cpuCv,
    }),
    setupMs: row.setupMs,
    taskOverheadMs: row.taskOverheadMs,
    speedup: row.speedup,
    efficiency: row.efficiency,
    checksum: row.checksum,
    expectedChecksum: row.expectedChecksum,
    checksumStatus: row.checksumStatus,
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
