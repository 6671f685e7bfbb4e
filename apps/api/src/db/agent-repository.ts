import { randomUUID } from "node:crypto";
import type { Environment, RunStatus } from "@threadbench/core";
import { ConflictError, NotFoundError, UserInputError } from "../errors.js";
import {
  type Database,
  isUniqueViolation,
  type Prisma,
  type TransactionClient,
  writeTransaction,
} from "./client.js";
import { insertMeasurements } from "./measurement-writes.js";
import { type CellIssue, type PlanCells, planCellIssues } from "./plan-cells.js";
import { requireRun } from "./run-reads.js";
import { runInclude, type StorableCell, type StoredRun, toStoredRun } from "./run-rows.js";
import { ensureTestbed, type StoredTestbed, testbedFromEnvironment, toStoredTestbed } from "./testbed.js";

// The store of the agents' side of the queue: registration, claims, leases, cells and
// results delivered by agents. Every state change of a run is ONE conditional UPDATE on
// its row (`WHERE status = ... AND claimedBy = ...`), which is atomic on SQLite and, on
// PostgreSQL, makes a second concurrent writer re-check the condition on the row the
// first one committed: two agents (or two API processes) can never both win a claim.

/** An agent as stored. `online` is derived (see isAgentOnline), never stored. */
export interface StoredAgent {
  id: string;
  name: string;
  labels: string[];
  testbedId: string | null;
  testbed: StoredTestbed | null;
  version: string | null;
  tokenName: string | null;
  createdAt: Date;
  lastSeenAt: Date | null;
  disconnectedAt: Date | null;
  sessionId: string | null;
}

type AgentRow = Prisma.AgentGetPayload<{ include: { testbed: true } }>;

function toStoredAgent(row: AgentRow): StoredAgent {
  return {
    id: row.id,
    name: row.name,
    labels: Array.isArray(row.labels) ? (row.labels as string[]) : [],
    testbedId: row.testbedId,
    testbed: row.testbed ? toStoredTestbed(row.testbed) : null,
    version: row.version,
    tokenName: row.tokenName,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    disconnectedAt: row.disconnectedAt,
    sessionId: row.sessionId,
  };
}

/** Online: a heartbeat within the lease and no goodbye since. */
export function isAgentOnline(agent: StoredAgent, leaseMs: number, now = new Date()): boolean {
  if (!agent.lastSeenAt) return false;
  if (agent.disconnectedAt && agent.disconnectedAt >= agent.lastSeenAt) return false;
  return now.getTime() - agent.lastSeenAt.getTime() <= leaseMs;
}

/** Where a queued run may execute. */
export interface RunTarget {
  targetAgentId: string | null;
  targetLabels: string[];
}

/** Whether `agent` may take a run with this target. */
export function agentMatchesTarget(agent: Pick<StoredAgent, "id" | "labels">, target: RunTarget): boolean {
  if (target.targetAgentId !== null && target.targetAgentId !== agent.id) return false;
  return target.targetLabels.every((label) => agent.labels.includes(label));
}

/** A stable key per target, for the per-target queue bound. */
export function targetKey(target: RunTarget): string {
  if (target.targetAgentId) return `agent:${target.targetAgentId}`;
  return target.targetLabels.length > 0 ? `labels:${[...target.targetLabels].sort().join(",")}` : "any";
}

export function describeTarget(target: RunTarget, agentName?: string | null): string {
  if (target.targetAgentId) return `agent "${agentName ?? target.targetAgentId}"`;
  if (target.targetLabels.length > 0) return `agents labelled ${target.targetLabels.join(", ")}`;
  return "any agent";
}

// ---------------------------------------------------------------------------------------
// Agents

export interface AgentRegistration {
  name: string;
  labels: string[];
  environment: Environment;
  version: string | null;
  tokenName: string | null;
  /** Random per agent process (see Agent.sessionId). */
  sessionId: string;
}

export interface RegisterOptions {
  leaseMs: number;
  now?: Date;
}

/**
 * Registers (or re-registers) an agent by name, with the testbed of its environment.
 * The same session again (a reconnect) keeps its claims. A new session of a name whose
 * previous session is still online is refused (two live processes under one name would
 * steal each other's runs); once that session is offline, the new one takes the name and
 * the runs the old process still held become `interrupted`.
 */
export async function registerAgent(
  database: Database,
  registration: AgentRegistration,
  options: RegisterOptions,
): Promise<{ agent: StoredAgent; interruptedRunIds: string[] }> {
  const now = options.now ?? new Date();
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeTransaction(database, async (tx) => {
        const testbed = await ensureTestbed(tx, testbedFromEnvironment(registration.environment), now);
        const existing = await tx.agent.findUnique({
          where: { name: registration.name },
          include: { testbed: true },
        });
        const data = {
          labels: registration.labels,
          testbedId: testbed.id,
          version: registration.version,
          tokenName: registration.tokenName,
          lastSeenAt: now,
          disconnectedAt: null,
          sessionId: registration.sessionId,
        };
        let agentId: string;
        if (existing) {
          const previous = toStoredAgent(existing);
          if (
            previous.sessionId !== null &&
            previous.sessionId !== registration.sessionId &&
            isAgentOnline(previous, options.leaseMs, now)
          ) {
            const seconds = Math.round((now.getTime() - (previous.lastSeenAt as Date).getTime()) / 1000);
            throw new ConflictError(
              `an agent named "${registration.name}" is already online (last heartbeat ${seconds} s ago, from another process); give this one another --name, or stop the other (it goes offline ${Math.round(options.leaseMs / 1000)} s after its last heartbeat)`,
            );
          }
          // Conditional on the session read above: a concurrent registration makes this
          // match nothing, and the loop reads again.
          const { count } = await tx.agent.updateMany({
            where: { id: existing.id, sessionId: existing.sessionId },
            data,
          });
          if (count === 0) throw new RegistrationRace();
          agentId = existing.id;
        } else {
          agentId = randomUUID();
          await tx.agent.create({ data: { id: agentId, name: registration.name, createdAt: now, ...data } });
        }
        const orphaned = await tx.run.findMany({
          where: { agentId, status: "running", NOT: { claimedBy: registration.sessionId } },
          select: { id: true },
        });
        if (orphaned.length > 0) {
          await tx.run.updateMany({
            where: { id: { in: orphaned.map((run) => run.id) }, status: "running" },
            data: {
              status: "interrupted",
              error: `agent "${registration.name}" registered again from a new process, so the process that ran it stopped before it finished; the cells it stored are kept`,
              finishedAt: now,
              updatedAt: now,
              heartbeatAt: null,
            },
          });
        }
        const row = await tx.agent.findUniqueOrThrow({ where: { id: agentId }, include: { testbed: true } });
        return { agent: toStoredAgent(row), interruptedRunIds: orphaned.map((run) => run.id) };
      });
    } catch (error) {
      const race = error instanceof RegistrationRace || isUniqueViolation(error);
      if (!race || attempt >= 5) throw error;
    }
  }
}

class RegistrationRace extends Error {}

/** The agent of a session; CONFLICT when another process registered the name since. */
export async function requireAgentSession(database: Database, sessionId: string): Promise<StoredAgent> {
  const row = await database.prisma.agent.findFirst({ where: { sessionId }, include: { testbed: true } });
  if (!row) {
    throw new ConflictError(
      `agent session "${sessionId}" is not registered (the server forgot it, or another process registered the same agent name since): register again`,
    );
  }
  return toStoredAgent(row);
}

/** Records a sign of life of an agent session; false when the session is not current. */
export async function touchAgent(database: Database, sessionId: string, now = new Date()): Promise<boolean> {
  const { count } = await database.prisma.agent.updateMany({
    where: { sessionId },
    data: { lastSeenAt: now, disconnectedAt: null },
  });
  return count > 0;
}

/** The agent said goodbye (clean exit): offline at once. */
export async function disconnectAgent(
  database: Database,
  sessionId: string,
  now = new Date(),
): Promise<void> {
  await database.prisma.agent.updateMany({ where: { sessionId }, data: { disconnectedAt: now } });
}

/** Every agent, by name. */
export async function listAgents(database: Database): Promise<StoredAgent[]> {
  const rows = await database.prisma.agent.findMany({ include: { testbed: true }, orderBy: { name: "asc" } });
  return rows.map(toStoredAgent);
}

export async function agentsByIds(database: Database, ids: readonly string[]): Promise<StoredAgent[]> {
  const rows = await database.prisma.agent.findMany({
    where: { id: { in: [...ids] } },
    include: { testbed: true },
  });
  return rows.map(toStoredAgent);
}

export async function findAgentByName(database: Database, name: string): Promise<StoredAgent | null> {
  const row = await database.prisma.agent.findUnique({ where: { name }, include: { testbed: true } });
  return row ? toStoredAgent(row) : null;
}

/** The runs each agent is executing now (status running), by agent id. */
export async function runningRunIdsByAgent(database: Database): Promise<Map<string, string[]>> {
  const rows = await database.prisma.run.findMany({
    where: { status: "running", agentId: { not: null } },
    orderBy: { startedAt: "asc" },
    select: { id: true, agentId: true },
  });
  const byAgent = new Map<string, string[]>();
  for (const row of rows) {
    const list = byAgent.get(row.agentId as string) ?? [];
    list.push(row.id);
    byAgent.set(row.agentId as string, list);
  }
  return byAgent;
}

/** Ids of the runs agents are executing now (status running), oldest start first. */
export async function runningRunIds(
  database: Database,
  options: { agentId?: string } = {},
): Promise<string[]> {
  const rows = await database.prisma.run.findMany({
    where: { status: "running", ...(options.agentId !== undefined ? { agentId: options.agentId } : {}) },
    orderBy: [{ startedAt: "asc" }, { id: "asc" }],
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/** The running run an agent session holds, if any (a claim whose answer was lost). */
export async function runHeldBySession(database: Database, sessionId: string): Promise<string | null> {
  const held = await database.prisma.run.findFirst({
    where: { claimedBy: sessionId, status: "running" },
    select: { id: true },
  });
  return held?.id ?? null;
}

// ---------------------------------------------------------------------------------------
// The queue

/** Queued runs execute in this order: higher priority first, then oldest first. */
export const queueOrder = [{ priority: "desc" }, { createdAt: "asc" }, { id: "asc" }] as const;

export interface QueuedRunTarget extends RunTarget {
  id: string;
}

/** Every queued run's id and target, in execution order. */
export async function queuedRunTargets(
  client: Pick<Database, "prisma"> | TransactionClient,
): Promise<QueuedRunTarget[]> {
  const prisma = "prisma" in client ? client.prisma : client;
  const rows = await prisma.run.findMany({
    where: { status: "queued" },
    orderBy: [...queueOrder],
    select: { id: true, targetAgentId: true, targetLabels: true },
  });
  return rows.map((row) => ({
    id: row.id,
    targetAgentId: row.targetAgentId,
    targetLabels: Array.isArray(row.targetLabels) ? (row.targetLabels as string[]) : [],
  }));
}

export interface QueueLimits {
  /** Most queued runs overall. */
  maxQueuedRuns: number;
  /** Most queued runs for one target (one agent, one label set, or "any agent"). */
  maxQueuedRunsPerTarget: number;
}

/** Arbitrary constant: the advisory lock that serialises enqueueing on PostgreSQL. */
const enqueueLockKey = 7_316_001;

/**
 * The admission check of the bounded queue, run inside createQueuedRun's transaction.
 * SQLite: the transaction already holds the write lock. PostgreSQL: a transaction-scoped
 * advisory lock makes concurrent enqueues (also from other API processes) count one
 * after another, so the bound is exact rather than "about".
 */
export function queueAdmission(
  database: Pick<Database, "provider">,
  limits: QueueLimits,
  target: RunTarget,
  targetName: string | null,
): (tx: TransactionClient) => Promise<void> {
  return async (tx) => {
    if (database.provider === "postgresql") {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${enqueueLockKey})`);
    }
    const queued = await queuedRunTargets(tx);
    if (queued.length >= limits.maxQueuedRuns) {
      throw new ConflictError(
        `the queue is full: ${queued.length} runs are queued and at most ${limits.maxQueuedRuns} may be (THREADBENCH_MAX_QUEUED_RUNS); wait for runs to finish or cancel some`,
      );
    }
    const key = targetKey(target);
    const sameTarget = queued.filter((run) => targetKey(run) === key).length;
    if (sameTarget >= limits.maxQueuedRunsPerTarget) {
      throw new ConflictError(
        `the queue for ${describeTarget(target, targetName)} is full: ${sameTarget} runs are queued for it and at most ${limits.maxQueuedRunsPerTarget} may be (THREADBENCH_MAX_QUEUED_RUNS_PER_TARGET); wait for runs to finish or cancel some`,
      );
    }
  };
}

/**
 * Claims the first queued run (in queue order) this agent may take: one conditional
 * UPDATE per candidate, so a run another agent claimed a moment earlier is skipped.
 * The run gets the agent's testbed now, so cells stored before the end carry it.
 */
export async function claimNextRun(
  database: Database,
  agent: StoredAgent,
  sessionId: string,
  now = new Date(),
): Promise<StoredRun | null> {
  const candidates = (await queuedRunTargets(database)).filter((run) => agentMatchesTarget(agent, run));
  for (const candidate of candidates) {
    const { count } = await database.prisma.run.updateMany({
      where: { id: candidate.id, status: "queued" },
      data: {
        status: "running",
        agentId: agent.id,
        claimedBy: sessionId,
        testbedId: agent.testbedId,
        startedAt: now,
        heartbeatAt: now,
        updatedAt: now,
      },
    });
    if (count === 1) return requireRun(database, candidate.id);
  }
  return null;
}

/** What an agent's heartbeat learns about the run it holds. */
export type ClaimState =
  | { kind: "held"; cancelRequestedAt: Date | null }
  | { kind: "lost"; status: RunStatus; reason: string };

/**
 * A heartbeat of a claimed run: extends the lease (heartbeatAt) while the session still
 * holds it. When it does not (lease expired, claimed elsewhere), says why.
 */
export async function heartbeatClaim(
  database: Database,
  sessionId: string,
  runId: string,
  now = new Date(),
): Promise<ClaimState> {
  const { count } = await database.prisma.run.updateMany({
    where: { id: runId, status: "running", claimedBy: sessionId },
    data: { heartbeatAt: now },
  });
  const row = await database.prisma.run.findUnique({
    where: { id: runId },
    select: { status: true, cancelRequestedAt: true, claimedBy: true, error: true, finishedAt: true },
  });
  if (!row) return { kind: "lost", status: "cancelled", reason: `run "${runId}" no longer exists` };
  if (count === 1) return { kind: "held", cancelRequestedAt: row.cancelRequestedAt };
  return { kind: "lost", status: row.status as RunStatus, reason: lostClaimReason(runId, sessionId, row) };
}

function lostClaimReason(
  runId: string,
  sessionId: string,
  row: { status: string; claimedBy: string | null; error: string | null; finishedAt: Date | null },
): string {
  if (row.status === "interrupted") {
    return `run "${runId}" was interrupted at ${row.finishedAt?.toISOString() ?? "an earlier time"} (${row.error ?? "its claim expired"})`;
  }
  if (row.claimedBy !== sessionId) {
    return `run "${runId}" is ${row.status} and not claimed by this agent process`;
  }
  return `run "${runId}" is ${row.status}, not running`;
}

/** Refuses a delivery for a run the session does not hold, naming why; stores nothing. */
async function refuse(
  client: TransactionClient,
  runId: string,
  sessionId: string,
  what: string,
): Promise<never> {
  const row = await client.run.findUnique({
    where: { id: runId },
    select: { status: true, claimedBy: true, error: true, finishedAt: true },
  });
  if (!row) throw new NotFoundError("run", runId);
  throw new ConflictError(`${what} refused, nothing was stored: ${lostClaimReason(runId, sessionId, row)}`);
}

/** The run's fields its cells' measurement rows and series are stored with (insertMeasurements' input), and its runtime. */
async function runForCells(tx: TransactionClient, runId: string) {
  const run = await tx.run.findUniqueOrThrow({
    where: { id: runId },
    select: {
      workloadId: true,
      paramsKey: true,
      scaling: true,
      branch: true,
      runtime: true,
      testbed: { select: { id: true, fingerprint: true } },
    },
  });
  return run;
}

/** The modes and thread counts of a run's plan: the cells it may hold. */
async function planCellsOf(tx: TransactionClient, runId: string): Promise<PlanCells> {
  const row = await tx.run.findUniqueOrThrow({
    where: { id: runId },
    select: { modes: true, threads: true },
  });
  return { modes: row.modes as string[], threads: row.threads as number[] };
}

/** BAD_USER_INPUT for cells the plan does not have (planCellIssues), each at its field's path. */
function refuseCellIssues(issues: CellIssue[], pathOf: (issue: CellIssue) => string): void {
  if (issues.length === 0) return;
  throw new UserInputError(issues.map((issue) => ({ path: pathOf(issue), message: issue.message })));
}

/**
 * Stores one finished cell of a claimed run, as it finishes. Idempotent per (run, mode,
 * threads): a cell delivered again (a retry after a lost acknowledgement) stores nothing
 * and answers `created: false`. The write also counts as a heartbeat; a run the session
 * no longer holds refuses the cell (CONFLICT) and stores nothing.
 */
export async function storeClaimedCell(
  database: Database,
  input: { sessionId: string; runId: string; cell: StorableCell; now?: Date },
): Promise<{ created: boolean }> {
  const now = input.now ?? new Date();
  try {
    return await writeTransaction(database, async (tx) => {
      // First, so that on PostgreSQL the row is locked: a lease sweep waits for this
      // transaction and then sees the fresh heartbeat.
      const { count } = await tx.run.updateMany({
        where: { id: input.runId, status: "running", claimedBy: input.sessionId },
        data: { heartbeatAt: now },
      });
      if (count === 0) await refuse(tx, input.runId, input.sessionId, `the cell ${describeCell(input.cell)}`);
      refuseCellIssues(planCellIssues(await planCellsOf(tx, input.runId), [input.cell]), (issue) =>
        ["cell", ...issue.path.slice(1)].join("."),
      );
      const existing = await tx.measurement.findUnique({
        where: {
          runId_mode_threads: { runId: input.runId, mode: input.cell.mode, threads: input.cell.threads },
        },
        select: { id: true },
      });
      if (existing) return { created: false };
      const run = await runForCells(tx, input.runId);
      // A Python run's testbed (interpreter, version, GIL) is known only from its result,
      // not from the agent's own (node) testbed: its cells are stored with the result, so
      // their series keys name the runtime that measured them.
      if (run.runtime) return { created: false };
      await insertMeasurements(database, tx, {
        ...run,
        runId: input.runId,
        // Re-dated to the run's finishedAt when the run finishes (the history's x axis).
        recordedAt: now,
        cells: [input.cell],
        now,
      });
      return { created: true };
    });
  } catch (error) {
    // The same cell from two deliveries at once: the loser finds the winner's row.
    if (isUniqueViolation(error) && (await cellStored(database, input.runId, input.cell))) {
      return { created: false };
    }
    throw error;
  }
}

async function cellStored(
  database: Database,
  runId: string,
  cell: { mode: string; threads: number },
): Promise<boolean> {
  const row = await database.prisma.measurement.findUnique({
    where: { runId_mode_threads: { runId, mode: cell.mode, threads: cell.threads } },
    select: { id: true },
  });
  return row !== null;
}

function describeCell(cell: { mode: string; threads: number }): string {
  return `${cell.mode} x${cell.threads}`;
}

export interface ClaimedRunResult {
  status: "succeeded" | "failed" | "cancelled";
  error: string | null;
  environment: Environment;
  /** Every cell of the run; those already stored are skipped. */
  cells: StorableCell[];
}

/**
 * Finishes a claimed run with its result: status, environment, and the cells not stored
 * yet, in one transaction. Times are the server's (claim to now), so agents' clocks do
 * not matter. Delivered again by the same session (a retry), it stores nothing and
 * answers `created: false`; for a run the session no longer holds (lease expired,
 * interrupted) it is refused with CONFLICT and stores nothing.
 */
export async function finishClaimedRun(
  database: Database,
  input: { sessionId: string; runId: string; result: ClaimedRunResult; now?: Date },
): Promise<{ run: StoredRun; created: boolean; cellsStored: number }> {
  const now = input.now ?? new Date();
  let cellsStored = 0;
  const created = await writeTransaction(database, async (tx) => {
    // A Python run was measured by the interpreter its result describes, not by the
    // agent's Node: its testbed comes from the result (see storeClaimedCell).
    const requested = await tx.run.findUnique({ where: { id: input.runId }, select: { runtime: true } });
    const runtimeTestbed = requested?.runtime
      ? await ensureTestbed(tx, testbedFromEnvironment(input.result.environment), now)
      : null;
    const { count } = await tx.run.updateMany({
      where: { id: input.runId, status: "running", claimedBy: input.sessionId },
      data: {
        ...(runtimeTestbed ? { testbedId: runtimeTestbed.id } : {}),
        status: input.result.status,
        error: input.result.error,
        environment: input.result.environment as unknown as Prisma.InputJsonValue,
        finishedAt: now,
        updatedAt: now,
        heartbeatAt: null,
      },
    });
    if (count === 0) {
      const row = await tx.run.findUnique({
        where: { id: input.runId },
        select: { status: true, claimedBy: true },
      });
      // A retry of a result this session already delivered.
      if (
        row &&
        row.claimedBy === input.sessionId &&
        ["succeeded", "failed", "cancelled"].includes(row.status)
      ) {
        return false;
      }
      await refuse(tx, input.runId, input.sessionId, "the result");
    }
    const plan = await planCellsOf(tx, input.runId);
    refuseCellIssues(planCellIssues(plan, input.result.cells), (issue) =>
      ["result", "cells", ...issue.path].join("."),
    );
    const stored = await tx.measurement.findMany({
      where: { runId: input.runId },
      select: { mode: true, threads: true },
    });
    const have = new Set(stored.map((cell) => `${cell.mode}\u0000${cell.threads}`));
    const missing = input.result.cells.filter((cell) => !have.has(`${cell.mode}\u0000${cell.threads}`));
    if (input.result.status === "succeeded") {
      // Succeeded means every cell was measured: stored before, or delivered now.
      const delivered = new Set([...have, ...missing.map((cell) => `${cell.mode}\u0000${cell.threads}`)]);
      const absent = plan.modes.flatMap((mode) =>
        plan.threads
          .filter((threads) => !delivered.has(`${mode}\u0000${threads}`))
          .map((threads) => ({ mode, threads })),
      );
      if (absent.length > 0) {
        throw new UserInputError([
          {
            path: "result.cells",
            message: `a succeeded run holds every cell of its plan, and ${absent.map(describeCell).join(", ")} ${absent.length === 1 ? "is" : "are"} neither stored nor in result.cells (allowed: every cell, or status failed or cancelled)`,
          },
        ]);
      }
    }
    if (missing.length > 0) {
      const run = await runForCells(tx, input.runId);
      await insertMeasurements(database, tx, {
        ...run,
        runId: input.runId,
        recordedAt: now,
        cells: missing,
        now,
      });
    }
    await tx.measurement.updateMany({ where: { runId: input.runId }, data: { recordedAt: now } });
    cellsStored = have.size + missing.length;
    return true;
  });
  return { run: await requireRun(database, input.runId), created, cellsStored };
}

/**
 * Asks the agent executing a run to cancel it: sets cancelRequestedAt (the agent learns
 * it from a push and from its next heartbeat). CONFLICT when the run is not running.
 */
export async function requestCancel(database: Database, runId: string, now = new Date()): Promise<StoredRun> {
  const { count } = await database.prisma.run.updateMany({
    where: { id: runId, status: "running", cancelRequestedAt: null },
    data: { cancelRequestedAt: now, updatedAt: now },
  });
  const run = await requireRun(database, runId);
  if (count === 0 && run.status !== "running") {
    throw new ConflictError(`cannot cancel run "${runId}": it is ${run.status}, not queued or running`);
  }
  return run;
}

/**
 * Interrupts claimed runs whose last heartbeat is older than the lease, keeping the
 * cells they stored. Each row is updated conditionally on the same stale heartbeat, so
 * a heartbeat that lands meanwhile wins, and two sweeping API processes interrupt a run
 * once. Returns the ids it interrupted.
 */
export async function expireLeases(
  database: Database,
  options: { leaseMs: number; now?: Date },
): Promise<string[]> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.leaseMs);
  const stale = await database.prisma.run.findMany({
    where: { status: "running", agentId: { not: null }, heartbeatAt: { lt: cutoff } },
    select: { id: true, heartbeatAt: true, agent: { select: { name: true } } },
  });
  const interrupted: string[] = [];
  for (const run of stale) {
    const silentSeconds = Math.round((now.getTime() - (run.heartbeatAt as Date).getTime()) / 1000);
    const { count } = await database.prisma.run.updateMany({
      where: { id: run.id, status: "running", heartbeatAt: { lt: cutoff } },
      data: {
        status: "interrupted",
        error: `agent "${run.agent?.name ?? "?"}" sent no heartbeat for ${silentSeconds} s (the lease is ${Math.round(options.leaseMs / 1000)} s): it was killed or lost the network; the cells it stored are kept`,
        finishedAt: now,
        updatedAt: now,
        heartbeatAt: null,
      },
    });
    if (count === 1) interrupted.push(run.id);
  }
  return interrupted;
}

/** The runs (full rows) with these ids, in the given order. */
export async function runsInOrder(database: Database, ids: readonly string[]): Promise<StoredRun[]> {
  if (ids.length === 0) return [];
  const rows = await database.prisma.run.findMany({ where: { id: { in: [...ids] } }, include: runInclude });
  const byId = new Map(rows.map((row) => [row.id, toStoredRun(row)]));
  return ids.map((id) => byId.get(id)).filter((run): run is StoredRun => run !== undefined);
}
