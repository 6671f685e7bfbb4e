import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { RunPlan, RunResult, RunSource } from "@threadbench/core";
import { ConflictError, NotFoundError } from "../errors.js";
import {
  type Database,
  isUniqueViolation,
  type Prisma,
  type TransactionClient,
  writeTransaction,
} from "./client.js";
import { commitSubject } from "./git-info.js";
import { batchesOf } from "./list-batches.js";
import { insertMeasurements } from "./measurement-writes.js";
import { requireRun, requireRunByKey } from "./run-reads.js";
import {
  normalizeLabels,
  type PlanColumns,
  planColumns,
  type StorableCell,
  type StoredRun,
} from "./run-rows.js";
import { ensureTestbed, type TestbedInput, testbedFromEnvironment } from "./testbed.js";

/*
 * A run's lifecycle in the store: queued -> running -> succeeded / failed / cancelled /
 * interrupted, and the one write of a finished run. Shapes and row mapping live in
 * run-rows.ts, single-run reads in run-reads.ts, the bulk cell insert in
 * measurement-writes.ts, listings in run-list.ts.
 */

// ---------------------------------------------------------------------------------------
// Writing

/** Who is running a run: `hostname:pid`, so a later start can tell a crash from a live run. */
export function processClaim(): string {
  return `${hostname()}:${process.pid}`;
}

export interface CreateQueuedRunInput {
  plan: RunPlan;
  commitSha?: string | null;
  /** The first line of the commit's message (db/git-info.ts commitSubject). */
  commitMessage?: string | null;
  branch?: string | null;
  labels?: string[];
  idempotencyKey?: string | null;
  requestedBy?: string | null;
  priority?: number;
  /** Only this agent may take the run (Agent.id). */
  targetAgentId?: string | null;
  /** Only an agent carrying every one of these labels may take the run; empty: any. */
  targetLabels?: string[];
  /** The project the run belongs to (project file, git remote); default "default". */
  project?: string;
  /**
   * Called inside the write transaction before the insert (the bounded queue counts
   * queued runs there); throwing stores nothing.
   */
  admit?: (tx: TransactionClient) => Promise<void>;
}

/**
 * Stores a plan as a queued run. With an idempotency key already used, returns the
 * existing run (`created: false`) instead of queueing a second one.
 */
export async function createQueuedRun(
  database: Database,
  input: CreateQueuedRunInput,
): Promise<{ run: StoredRun; created: boolean }> {
  const id = randomUUID();
  const now = new Date();
  try {
    await writeTransaction(database, async (tx) => {
      await input.admit?.(tx);
      const targetLabels = normalizeLabels(input.targetLabels);
      await tx.run.create({
        data: {
          id,
          ...planColumns(input.plan),
          ...(input.project ? { project: input.project } : {}),
          targetAgentId: input.targetAgentId ?? null,
          ...(targetLabels.length > 0 ? { targetLabels } : {}),
          status: "queued",
          source: "runner",
          commitSha: input.commitSha ?? null,
          commitMessage: commitSubject(input.commitMessage),
          branch: input.branch ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
          requestedBy: input.requestedBy ?? null,
          priority: input.priority ?? 0,
          createdAt: now,
          updatedAt: now,
          labels: { create: normalizeLabels(input.labels).map((label) => ({ label })) },
        },
      });
    });
  } catch (error) {
    if (input.idempotencyKey && isUniqueViolation(error)) {
      return { run: await requireRunByKey(database, input.idempotencyKey), created: false };
    }
    throw error;
  }
  return { run: await requireRun(database, id), created: true };
}

export interface MarkRunningOptions {
  /** `processClaim()` of the process executing the run. */
  claimedBy?: string;
  startedAt?: Date;
}

/** queued -> running. ConflictError when the run is not queued (e.g. cancelled meanwhile). */
export async function markRunRunning(
  database: Database,
  runId: string,
  options: MarkRunningOptions = {},
): Promise<StoredRun> {
  const now = options.startedAt ?? new Date();
  const { count } = await database.prisma.run.updateMany({
    where: { id: runId, status: "queued" },
    data: {
      status: "running",
      startedAt: now,
      heartbeatAt: now,
      claimedBy: options.claimedBy ?? processClaim(),
      updatedAt: new Date(),
    },
  });
  if (count === 0) await explainNoTransition(database, runId, "queued", "start");
  return requireRun(database, runId);
}

/** Records a sign of life of a running run (call every few seconds while it runs). */
export async function heartbeatRun(database: Database, runId: string): Promise<void> {
  const now = new Date();
  await database.prisma.run.updateMany({
    where: { id: runId, status: "running" },
    data: { heartbeatAt: now },
  });
}

export interface StoreRunOptions {
  /** The queued or running run this result finishes; omitted: store a new run. */
  runId?: string;
  commitSha?: string | null;
  /** Omitted: a queued run keeps the message it was queued with. */
  commitMessage?: string | null;
  branch?: string | null;
  labels?: string[];
  idempotencyKey?: string | null;
  source?: RunSource;
  seeded?: boolean;
  requestedBy?: string | null;
  /** The project the run belongs to; default "default". Part of its series keys. */
  project?: string;
}

/**
 * Stores a finished RunResult as is: the run, its testbed, every measurement and every
 * sample, in ONE transaction (a crash stores all of it or nothing). With `runId`, the
 * queued/running run is finished; otherwise a new run is created (and, with an
 * idempotency key already used, the existing run is returned: `created: false`).
 */
export async function storeRunResult(
  database: Database,
  result: RunResult,
  options: StoreRunOptions = {},
): Promise<{ run: StoredRun; created: boolean }> {
  return storeFinishedRun(database, {
    runId: options.runId,
    plan: planColumns(result.plan),
    status: result.status,
    error: result.error,
    source: options.source ?? "runner",
    commitSha: options.commitSha ?? null,
    ...(options.commitMessage !== undefined ? { commitMessage: commitSubject(options.commitMessage) } : {}),
    branch: options.branch ?? null,
    labels: normalizeLabels(options.labels),
    idempotencyKey: options.idempotencyKey ?? null,
    seeded: options.seeded ?? false,
    requestedBy: options.requestedBy ?? null,
    project: options.project,
    environment: result.environment,
    testbed: testbedFromEnvironment(result.environment),
    startedAt: new Date(result.startedAt),
    finishedAt: new Date(result.finishedAt),
    cells: result.cells,
  });
}

/** Everything `storeFinishedRun` writes; shared by the runner path and ingestion. */
export interface FinishedRunWrite {
  runId?: string | undefined;
  plan: PlanColumns;
  status: "succeeded" | "failed" | "cancelled";
  error: string | null;
  source: RunSource;
  commitSha: string | null;
  /** Omitted: left as it is (a queued run's), or none for a new run. */
  commitMessage?: string | null | undefined;
  branch: string | null;
  labels: string[];
  idempotencyKey: string | null;
  seeded: boolean;
  requestedBy: string | null;
  /** Omitted: "default" (the column's default). */
  project?: string | undefined;
  /** The harness that produced the figures (an adapter's name); omitted: "threadbench". */
  harness?: string | undefined;
  environment: unknown;
  testbed: TestbedInput | null;
  startedAt: Date;
  finishedAt: Date;
  cells: StorableCell[];
}

export async function storeFinishedRun(
  database: Database,
  write: FinishedRunWrite,
): Promise<{ run: StoredRun; created: boolean }> {
  const runId = write.runId ?? randomUUID();
  try {
    await writeTransaction(database, async (tx) => {
      const now = new Date();
      const testbed = write.testbed ? await ensureTestbed(tx, write.testbed, now) : null;
      const columns = {
        ...write.plan,
        ...(write.project ? { project: write.project } : {}),
        ...(write.harness ? { harness: write.harness } : {}),
        status: write.status,
        error: write.error,
        commitSha: write.commitSha,
        ...(write.commitMessage !== undefined ? { commitMessage: write.commitMessage } : {}),
        branch: write.branch,
        environment: (write.environment ?? undefined) as Prisma.InputJsonValue | undefined,
        testbedId: testbed?.id ?? null,
        startedAt: write.startedAt,
        finishedAt: write.finishedAt,
        updatedAt: now,
        heartbeatAt: null,
      };
      if (write.runId) {
        const { count } = await tx.run.updateMany({
          where: { id: runId, status: { in: ["queued", "running"] } },
          data: columns,
        });
        if (count === 0) await explainNoTransition(tx, runId, "queued or running", "store a result for");
        if (write.labels.length > 0) {
          await tx.runLabel.deleteMany({ where: { runId, label: { in: write.labels } } });
          await tx.runLabel.createMany({ data: write.labels.map((label) => ({ runId, label })) });
        }
      } else {
        await tx.run.create({
          data: {
            id: runId,
            ...columns,
            source: write.source,
            idempotencyKey: write.idempotencyKey,
            seeded: write.seeded,
            requestedBy: write.requestedBy,
            createdAt: write.startedAt,
            labels: { create: write.labels.map((label) => ({ label })) },
          },
        });
      }
      await insertMeasurements(database, tx, {
        runId,
        recordedAt: write.finishedAt,
        workloadId: write.plan.workloadId,
        paramsKey: write.plan.paramsKey,
        scaling: write.plan.scaling,
        branch: write.branch,
        project: write.project ?? null,
        harness: write.harness ?? null,
        testbed,
        cells: write.cells,
        now,
      });
    });
  } catch (error) {
    if (!write.runId && write.idempotencyKey && isUniqueViolation(error)) {
      return { run: await requireRunByKey(database, write.idempotencyKey), created: false };
    }
    throw error;
  }
  return { run: await requireRun(database, runId), created: true };
}

export interface FinishWithoutResultOptions {
  status: "failed" | "cancelled" | "interrupted";
  error: string;
}

/** Ends a queued or running run that produced no result (cancelled before start, crash...). */
export async function finishRunWithoutResult(
  database: Database,
  runId: string,
  options: FinishWithoutResultOptions,
): Promise<StoredRun> {
  const now = new Date();
  const { count } = await database.prisma.run.updateMany({
    where: { id: runId, status: { in: ["queued", "running"] } },
    data: {
      status: options.status,
      error: options.error,
      finishedAt: now,
      updatedAt: now,
      heartbeatAt: null,
    },
  });
  if (count === 0) await explainNoTransition(database, runId, "queued or running", "finish");
  return requireRun(database, runId);
}

export interface MarkInterruptedOptions {
  /** Stored as the run's error text. */
  reason?: string;
  /**
   * A running run whose last heartbeat (or start) is older than this is considered
   * abandoned even if its claimant is unknown. Default 60 s: the runner heartbeats
   * every few seconds. Runs claimed by a live process on this machine are never touched.
   */
  staleAfterMs?: number;
  now?: Date;
}

/**
 * Marks runs left `running` by a crashed process as `interrupted` (call at start-up):
 * runs claimed by a process of this machine that no longer exists, and runs without a
 * sign of life for `staleAfterMs`. Returns the ids it marked. Runs claimed by agents are
 * left to the lease sweeper (expireLeases): their heartbeats stop while the API is down,
 * yet the agent keeps running and delivers once it reconnects.
 */
export async function markInterruptedRuns(
  database: Database,
  options: MarkInterruptedOptions = {},
): Promise<string[]> {
  const now = options.now ?? new Date();
  const staleBefore = now.getTime() - (options.staleAfterMs ?? 60_000);
  const thisHost = hostname();
  const running = await database.prisma.run.findMany({
    where: { status: "running", agentId: null },
    select: { id: true, claimedBy: true, heartbeatAt: true, startedAt: true, updatedAt: true },
  });
  const abandoned = running
    .filter((run) => {
      const claim = parseClaim(run.claimedBy);
      if (claim && claim.host === thisHost) return !processIsAlive(claim.pid);
      const lastSign = (run.heartbeatAt ?? run.startedAt ?? run.updatedAt).getTime();
      return lastSign < staleBefore;
    })
    .map((run) => run.id);
  if (abandoned.length === 0) return [];
  // Conditional on status: a run that finished meanwhile keeps its real outcome.
  for (const batch of batchesOf(abandoned)) {
    await database.prisma.run.updateMany({
      where: { id: { in: batch }, status: "running" },
      data: {
        status: "interrupted",
        error:
          options.reason ?? "the process running it stopped (crash, kill or power loss) before it finished",
        finishedAt: now,
        updatedAt: now,
        heartbeatAt: null,
      },
    });
  }
  return abandoned;
}

function parseClaim(claim: string | null): { host: string; pid: number } | null {
  const match = claim ? /^(.*):(\d+)$/.exec(claim) : null;
  return match ? { host: match[1] ?? "", pid: Number(match[2]) } : null;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Deletes a run with its labels, measurements, samples and regressions. */
export async function deleteRun(database: Database, runId: string): Promise<void> {
  const { count } = await database.prisma.run.deleteMany({ where: { id: runId } });
  if (count === 0) throw new NotFoundError("run", runId);
}

/** Replaces the labels of a run. */
export async function updateRunLabels(
  database: Database,
  runId: string,
  labels: string[],
): Promise<StoredRun> {
  const wanted = normalizeLabels(labels);
  await writeTransaction(database, async (tx) => {
    const exists = await tx.run.findUnique({ where: { id: runId }, select: { id: true } });
    if (!exists) throw new NotFoundError("run", runId);
    await tx.runLabel.deleteMany({ where: { runId } });
    if (wanted.length > 0) await tx.runLabel.createMany({ data: wanted.map((label) => ({ runId, label })) });
    await tx.run.update({ where: { id: runId }, data: { updatedAt: new Date() } });
  });
  return requireRun(database, runId);
}

/** Throws the right error when a conditional status update matched no row. */
async function explainNoTransition(
  client: Pick<Database, "prisma"> | TransactionClient,
  runId: string,
  expected: string,
  action: string,
): Promise<never> {
  const prisma = "prisma" in client ? client.prisma : client;
  const row = await prisma.run.findUnique({ where: { id: runId }, select: { status: true } });
  if (!row) throw new NotFoundError("run", runId);
  throw new ConflictError(`cannot ${action} run "${runId}": it is ${row.status}, not ${expected}`);
}
