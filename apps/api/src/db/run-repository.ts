import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { canonicalParameters, findWorkload } from "@threadbench/workloads";
import { ConflictError, NotFoundError } from "../errors.js";
import type { CellResult, Environment, RunPlan, RunResult, Summary } from "../runner/types.js";
import { executionModes } from "../runner/types.js";
import {
  type Database,
  isUniqueViolation,
  Prisma,
  type TransactionClient,
  writeTransaction,
} from "./client.js";
import { canonicalJson, defaultHarness, defaultProject, seriesKey } from "./series-key.js";
import { asDate, asNumber, asString, queryRows, sqlInteger } from "./sql-rows.js";
import {
  ensureTestbed,
  type StoredTestbed,
  type TestbedInput,
  testbedFromEnvironment,
  toStoredTestbed,
} from "./testbed.js";
import type { RunSource, RunStatus } from "./vocabulary.js";

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
// Writing

/** Who is running a run: `hostname:pid`, so a later start can tell a crash from a live run. */
export function processClaim(): string {
  return `${hostname()}:${process.pid}`;
}

export interface CreateQueuedRunInput {
  plan: RunPlan;
  commitSha?: string | null;
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

/** Inserts cells (measurements, samples, series) inside the caller's transaction. */
export async function insertMeasurements(
  database: Database,
  tx: TransactionClient,
  input: {
    runId: string;
    recordedAt: Date;
    workloadId: string;
    paramsKey: string;
    scaling: string;
    branch: string | null;
    /** null: the default project. */
    project?: string | null;
    /** null: "threadbench" (the runner, ingest v1). */
    harness?: string | null;
    testbed: { id: string; fingerprint: string } | null;
    cells: StorableCell[];
    now: Date;
  },
): Promise<void> {
  if (input.cells.length === 0) return;
  const measurements: Prisma.MeasurementCreateManyInput[] = [];
  const samples: SampleInsert[] = [];
  const series = new Map<string, { mode: string; threads: number }>();
  for (const cell of input.cells) {
    const key = seriesKey({
      workloadId: input.workloadId,
      paramsKey: input.paramsKey,
      mode: cell.mode,
      threads: cell.threads,
      scaling: input.scaling,
      testbedFingerprint: input.testbed?.fingerprint ?? "",
      branch: input.branch,
      project: input.project ?? null,
      harness: input.harness ?? null,
    });
    series.set(key, { mode: cell.mode, threads: cell.threads });
    const measurementId = randomUUID();
    measurements.push({
      id: measurementId,
      runId: input.runId,
      seriesKey: key,
      recordedAt: input.recordedAt,
      mode: cell.mode,
      threads: cell.threads,
      tasks: cell.tasks,
      status: cell.status,
      error: cell.error,
      sampleCount: cell.samples.length,
      ...summaryColumns("wall", cell.wall),
      ...summaryColumns("cpu", cell.cpu),
      setupMs: cell.setupMs,
      taskOverheadMs: finiteOrNull(cell.taskOverheadMs),
      speedup: finiteOrNull(cell.speedup),
      efficiency: finiteOrNull(cell.efficiency),
      checksum: cell.checksum,
      expectedChecksum: cell.expectedChecksum,
      checksumStatus: cell.checksumStatus,
      sharedMemory: (cell.sharedMemory ?? undefined) as Prisma.InputJsonValue | undefined,
    });
    for (const sample of cell.samples) {
      samples.push({
        measurementId,
        index: sample.index,
        wallMs: sample.wallMs,
        cpuMs: sample.cpuMs,
        taskDurationsMs: sample.taskDurationsMs,
        checksum: sample.checksum || null,
        sharedMemory: sample.sharedMemory ?? null,
      });
    }
  }
  for (const [key, cell] of series) {
    await tx.$executeRaw`INSERT INTO "Series" ("seriesKey", "workloadId", "paramsKey", "mode", "threads", "scaling", "testbedId", "branch", "project", "harness", "createdAt")
      VALUES (${key}, ${input.workloadId}, ${input.paramsKey}, ${cell.mode}, ${cell.threads}, ${input.scaling}, ${input.testbed?.id ?? null}, ${input.branch ?? ""}, ${input.project ?? defaultProject}, ${input.harness ?? defaultHarness}, ${input.now})
      ON CONFLICT ("seriesKey") DO NOTHING`;
  }
  await tx.measurement.createMany({ data: measurements });
  if (samples.length > 0) await insertSamples(database, tx, samples);
}

interface SampleInsert {
  measurementId: string;
  index: number;
  wallMs: number;
  cpuMs: number | null;
  taskDurationsMs: number[];
  checksum: string | null;
  sharedMemory: unknown[] | null;
}

const sampleColumns = `"measurementId", "index", "wallMs", "cpuMs", "taskDurationsMs", "checksum", "sharedMemory"`;

/**
 * Bulk sample insert inside the caller's transaction. Samples are most of the rows
 * (a run easily has tens of thousands), and Prisma's `createMany` spends about 0.25 ms
 * per row on parameter handling. SQLite: a prepared statement on the adapter's own
 * connection, which is inside the open transaction. PostgreSQL: one statement per
 * 5,000 rows that unpacks a single JSON parameter server-side. Both keep every float
 * exact (Prisma's Float parameters lose the last digit, prisma/orm#11096).
 */
async function insertSamples(
  database: Database,
  tx: TransactionClient,
  samples: SampleInsert[],
): Promise<void> {
  if (database.provider === "sqlite" && database.sqliteConnection) {
    const statement = database
      .sqliteConnection()
      .prepare(`INSERT INTO "Sample" (${sampleColumns}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    for (const sample of samples) {
      statement.run(
        sample.measurementId,
        sample.index,
        sample.wallMs,
        sample.cpuMs,
        JSON.stringify(sample.taskDurationsMs),
        sample.checksum,
        sample.sharedMemory === null ? null : JSON.stringify(sample.sharedMemory),
      );
    }
    return;
  }
  for (let start = 0; start < samples.length; start += 5000) {
    const chunk = samples.slice(start, start + 5000).map((sample) => ({
      m: sample.measurementId,
      i: sample.index,
      w: sample.wallMs,
      c: sample.cpuMs,
      t: sample.taskDurationsMs,
      k: sample.checksum,
      s: sample.sharedMemory,
    }));
    await tx.$executeRawUnsafe(
      `INSERT INTO "Sample" (${sampleColumns})
       SELECT e->>'m', (e->>'i')::int, (e->>'w')::float8, (e->>'c')::float8, e->'t', e->>'k', NULLIF(e->'s', 'null'::jsonb)
         FROM jsonb_array_elements($1::jsonb) AS e`,
      JSON.stringify(chunk),
    );
  }
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
 * sign of life for `staleAfterMs`. Returns the ids it marked.
 */
export async function markInterruptedRuns(
  database: Database,
  options: MarkInterruptedOptions = {},
): Promise<string[]> {
  const now = options.now ?? new Date();
  const staleBefore = now.getTime() - (options.staleAfterMs ?? 60_000);
  const thisHost = hostname();
  const running = await database.prisma.run.findMany({
    where: { status: "running" },
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
  await database.prisma.run.updateMany({
    where: { id: { in: abandoned }, status: "running" },
    data: {
      status: "interrupted",
      error:
        options.reason ??
        "interrupted: the process running it stopped (crash, kill or power loss) before it finished",
      finishedAt: now,
      updatedAt: now,
      heartbeatAt: null,
    },
  });
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

// ---------------------------------------------------------------------------------------
// Reading

export interface GetRunOptions {
  /** Include every repetition sample (default true). */
  samples?: boolean;
}

/** One run with its measurements (and samples), or null. */
export async function getRun(
  database: Database,
  runId: string,
  options: GetRunOptions = {},
): Promise<StoredRunDetail | null> {
  const withSamples = options.samples ?? true;
  const row = await database.prisma.run.findUnique({
    where: { id: runId },
    include: {
      ...runInclude,
      measurements: {
        orderBy: [{ mode: "asc" }, { threads: "asc" }],
        include: withSamples ? { samples: { orderBy: { index: "asc" } } } : undefined,
      },
    },
  });
  if (!row) return null;
  const measurements = row.measurements.map((measurement) =>
    toStoredMeasurement(measurement as MeasurementRow & { samples?: SampleRow[] }),
  );
  measurements.sort((a, b) => modeRank(a.mode) - modeRank(b.mode) || a.threads - b.threads);
  return { ...toStoredRun(row), measurements };
}

/** Like getRun, but a missing run is a NotFoundError. */
export async function requireRunDetail(
  database: Database,
  runId: string,
  options: GetRunOptions = {},
): Promise<StoredRunDetail> {
  const run = await getRun(database, runId, options);
  if (!run) throw new NotFoundError("run", runId);
  return run;
}

/** The run without measurements; NotFoundError when missing. */
export async function requireRun(database: Pick<Database, "prisma">, runId: string): Promise<StoredRun> {
  const row = await database.prisma.run.findUnique({ where: { id: runId }, include: runInclude });
  if (!row) throw new NotFoundError("run", runId);
  return toStoredRun(row);
}

/** The run stored with this idempotency key, or null. */
export async function findRunByIdempotencyKey(database: Database, key: string): Promise<StoredRun | null> {
  const row = await database.prisma.run.findUnique({ where: { idempotencyKey: key }, include: runInclude });
  return row ? toStoredRun(row) : null;
}

async function requireRunByKey(database: Database, key: string): Promise<StoredRun> {
  const run = await findRunByIdempotencyKey(database, key);
  if (!run) throw new ConflictError(`idempotency key "${key}" is taken but its run could not be read`);
  return run;
}

/** One point of a series: a measurement with what a history chart needs. */
export interface SeriesPoint {
  measurementId: string;
  runId: string;
  recordedAt: Date;
  status: string;
  sampleCount: number;
  wallMedian: number | null;
  wallMean: number | null;
  wallStddev: number | null;
  wallMin: number | null;
  wallMax: number | null;
  cpuMedian: number | null;
  speedup: number | null;
  efficiency: number | null;
  checksumStatus: string;
  commitSha: string | null;
}

export interface SeriesPointsOptions {
  /** How many of the most recent points (default 1000, at most 100,000). */
  last?: number;
  /** Only points recorded strictly before this date (paging back in time). */
  before?: Date;
}

/**
 * The last N points of one series, oldest first (ready to chart): one range scan of
 * the (seriesKey, recordedAt desc, id desc) index.
 */
export async function seriesPoints(
  database: Database,
  key: string,
  options: SeriesPointsOptions = {},
): Promise<SeriesPoint[]> {
  const last = Math.min(Math.max(Math.trunc(options.last ?? 1000), 1), 100_000);
  // Hand-written SQL (see queryRows): one join instead of findMany + a 1,000-id IN query
  // for the commit (about 4x faster, see src/bench/storage-bench.ts). The LIMIT sits in
  // a subquery so PostgreSQL walks the series index and joins only those rows, instead
  // of hash-joining the whole Run table (10x slower at 100,000 runs).
  const before = options.before ? Prisma.sql`AND "recordedAt" < ${options.before}` : Prisma.empty;
  const rows = await queryRows(
    database,
    Prisma.sql`
    SELECT m.*, r."commitSha"
      FROM (SELECT "id", "runId", "recordedAt", "status", "sampleCount", "wallMedian", "wallMean", "wallStddev",
                   "wallMin", "wallMax", "cpuMedian", "speedup", "efficiency", "checksumStatus"
              FROM "Measurement"
             WHERE "seriesKey" = ${key} ${before}
             ORDER BY "recordedAt" DESC, "id" DESC
             LIMIT ${sqlInteger(last)}) m
      JOIN "Run" r ON r."id" = m."runId"
     ORDER BY m."recordedAt" DESC, m."id" DESC`,
  );
  return rows.reverse().map((row) => ({
    measurementId: String(row.id),
    runId: String(row.runId),
    recordedAt: asDate(row.recordedAt) as Date,
    status: String(row.status),
    sampleCount: Number(row.sampleCount),
    wallMedian: asNumber(row.wallMedian),
    wallMean: asNumber(row.wallMean),
    wallStddev: asNumber(row.wallStddev),
    wallMin: asNumber(row.wallMin),
    wallMax: asNumber(row.wallMax),
    cpuMedian: asNumber(row.cpuMedian),
    speedup: asNumber(row.speedup),
    efficiency: asNumber(row.efficiency),
    checksumStatus: String(row.checksumStatus),
    commitSha: asString(row.commitSha),
  }));
}

/** A series as stored in the Series table. */
export interface StoredSeries {
  seriesKey: string;
  workloadId: string;
  paramsKey: string;
  mode: string;
  threads: number;
  scaling: string;
  testbedId: string | null;
  branch: string;
  createdAt: Date;
}

export interface SeriesFilter {
  workloadId?: string;
  mode?: string;
  threads?: number;
  testbedId?: string;
  branch?: string;
}

/** The series that exist (what the dashboard's history page lists). */
export async function listSeries(database: Database, filter: SeriesFilter = {}): Promise<StoredSeries[]> {
  return database.prisma.series.findMany({
    where: filter,
    orderBy: [{ workloadId: "asc" }, { mode: "asc" }, { threads: "asc" }, { seriesKey: "asc" }],
  });
}

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

function planColumns(plan: RunPlan): PlanColumns {
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

function normalizeLabels(labels: string[] | undefined): string[] {
  // Control characters would corrupt a terminal or a log line; labels are for people.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const cleaned = (labels ?? []).map((label) => label.replace(/[\u0000-\u001f]/g, " ").trim());
  return [...new Set(cleaned.filter(Boolean))].sort();
}

function summaryColumns(prefix: "wall" | "cpu", summary: Summary | null) {
  return {
    [`${prefix}Min`]: finiteOrNull(summary?.min),
    [`${prefix}Max`]: finiteOrNull(summary?.max),
    [`${prefix}Median`]: finiteOrNull(summary?.median),
    [`${prefix}Mean`]: finiteOrNull(summary?.mean),
    [`${prefix}Stddev`]: finiteOrNull(summary?.stddev),
    [`${prefix}Cv`]: finiteOrNull(summary?.cv),
  } as Record<`${typeof prefix}${"Min" | "Max" | "Median" | "Mean" | "Stddev" | "Cv"}`, number | null>;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

/** What every run read includes: its testbed and sorted labels. */
export const runInclude = {
  testbed: true,
  labels: { select: { label: true }, orderBy: { label: "asc" } },
} as const satisfies Prisma.RunInclude;

export type RunRow = Prisma.RunGetPayload<{ include: typeof runInclude }>;
type MeasurementRow = Prisma.MeasurementGetPayload<object>;
type SampleRow = Prisma.SampleGetPayload<object>;

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

/** Cells sort in the order modes run: every runtime's modes, one list (executionModes). */
const modeOrder: readonly string[] = executionModes;
function modeRank(mode: string): number {
  const rank = modeOrder.indexOf(mode);
  return rank < 0 ? modeOrder.length : rank;
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
