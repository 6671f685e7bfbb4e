import { compareModes, modeRank } from "@threadbench/core";
import { ConflictError, NotFoundError } from "../errors.js";
import { type Database, Prisma } from "./client.js";
import { readInBatches } from "./list-batches.js";
import { runsByIds } from "./run-list.js";
import {
  type MeasurementRow,
  runInclude,
  type SampleRow,
  type StoredRun,
  type StoredRunDetail,
  toStoredMeasurement,
  toStoredRun,
} from "./run-rows.js";
import { asDate, asJson, asNumber, asString, queryRows } from "./sql-rows.js";

/* Reading one run (with its measurements and samples) and the cells of many runs. */
// ---------------------------------------------------------------------------------------
// Reading

export interface GetRunOptions {
  /** Include every repetition sample (default true). */
  samples?: boolean;
}

/**
 * One run with its measurements (and samples), or null. Hand-written SQL (queryRows), the
 * three queries at once: Prisma's findUnique with nested includes cost five round trips
 * and 4-17 ms per run at 100,000 runs, read twice per workload by a branch review and
 * twice by a comparison.
 */
export async function getRun(
  database: Database,
  runId: string,
  options: GetRunOptions = {},
): Promise<StoredRunDetail | null> {
  const withSamples = options.samples ?? true;
  // One after the other, not side by side: each read sees at least what the one before
  // it saw, so a run read as succeeded has all the cells stored with its result, and a
  // measurement has its samples. Read in parallel (separate connections on PostgreSQL),
  // a CPython run whose cells land with its result was seen succeeded with no cells.
  const run = (await runsByIds(database, [runId]))[0];
  if (!run) return null;
  const measurementRows = await queryRows(
    database,
    Prisma.sql`SELECT * FROM "Measurement" WHERE "runId" = ${runId} ORDER BY "mode" ASC, "threads" ASC`,
  );
  const sampleRows = withSamples
    ? await queryRows(
        database,
        Prisma.sql`
          SELECT s.* FROM "Sample" s JOIN "Measurement" m ON m."id" = s."measurementId"
           WHERE m."runId" = ${runId}
           ORDER BY s."measurementId", s."index"`,
      )
    : [];
  const samplesByMeasurement = new Map<string, SampleRow[]>();
  for (const raw of sampleRows) {
    const sample = fromRawSampleRow(raw);
    const list = samplesByMeasurement.get(sample.measurementId);
    if (list) list.push(sample);
    else samplesByMeasurement.set(sample.measurementId, [sample]);
  }
  const measurements = measurementRows.map((raw) => {
    const row = fromRawMeasurementRow(raw);
    return toStoredMeasurement({ ...row, samples: samplesByMeasurement.get(row.id) ?? [] });
  });
  measurements.sort((a, b) => modeRank(a.mode) - modeRank(b.mode) || a.threads - b.threads);
  return { ...run, measurements };
}

/** A raw Measurement row as Prisma would have typed it (raw results keep each driver's types). */
function fromRawMeasurementRow(row: Record<string, unknown>): MeasurementRow {
  const number = (name: string) => asNumber(row[name]);
  return {
    id: String(row.id),
    runId: String(row.runId),
    seriesKey: String(row.seriesKey),
    recordedAt: asDate(row.recordedAt) as Date,
    mode: String(row.mode),
    threads: Number(row.threads),
    tasks: Number(row.tasks),
    status: String(row.status),
    error: asString(row.error),
    sampleCount: Number(row.sampleCount),
    wallMin: number("wallMin"),
    wallMax: number("wallMax"),
    wallMedian: number("wallMedian"),
    wallMean: number("wallMean"),
    wallStddev: number("wallStddev"),
    wallCv: number("wallCv"),
    cpuMin: number("cpuMin"),
    cpuMax: number("cpuMax"),
    cpuMedian: number("cpuMedian"),
    cpuMean: number("cpuMean"),
    cpuStddev: number("cpuStddev"),
    cpuCv: number("cpuCv"),
    setupMs: number("setupMs"),
    taskOverheadMs: number("taskOverheadMs"),
    speedup: number("speedup"),
    efficiency: number("efficiency"),
    checksum: asString(row.checksum),
    expectedChecksum: asString(row.expectedChecksum),
    checksumStatus: String(row.checksumStatus),
    sharedMemory: asJson(row.sharedMemory) as MeasurementRow["sharedMemory"],
  };
}

function fromRawSampleRow(row: Record<string, unknown>): SampleRow {
  return {
    measurementId: String(row.measurementId),
    index: Number(row.index),
    wallMs: Number(row.wallMs),
    cpuMs: asNumber(row.cpuMs),
    taskDurationsMs: asJson(row.taskDurationsMs) as SampleRow["taskDurationsMs"],
    checksum: asString(row.checksum),
    sharedMemory: asJson(row.sharedMemory) as SampleRow["sharedMemory"],
  };
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

export async function requireRunByKey(database: Database, key: string): Promise<StoredRun> {
  const run = await findRunByIdempotencyKey(database, key);
  if (!run) throw new ConflictError(`idempotency key "${key}" is taken but its run could not be read`);
  return run;
}

/** One point of a series: a measurement with what a history chart needs. */

/** The measurement rows of several runs, by run id, in execution order (mode, then threads). */
export async function measurementsOfRuns(
  database: Database,
  runIds: readonly string[],
): Promise<Map<string, MeasurementRow[]>> {
  const byRun = new Map<string, MeasurementRow[]>();
  if (runIds.length === 0) return byRun;
  const rows = await database.prisma.measurement.findMany({ where: { runId: { in: [...runIds] } } });
  rows.sort((a, b) => compareModes(a.mode, b.mode) || a.threads - b.threads);
  for (const row of rows) byRun.set(row.runId, [...(byRun.get(row.runId) ?? []), row]);
  return byRun;
}

/** The sample rows of several measurements, by measurement id, in repetition order. */
export async function samplesOfMeasurements(
  database: Database,
  measurementIds: readonly string[],
): Promise<Map<string, SampleRow[]>> {
  const byMeasurement = new Map<string, SampleRow[]>();
  if (measurementIds.length === 0) return byMeasurement;
  // A measurement's samples all come back in the batch of its id, in index order.
  const rows = await readInBatches(measurementIds, (batch) =>
    database.prisma.sample.findMany({
      where: { measurementId: { in: batch } },
      orderBy: [{ measurementId: "asc" }, { index: "asc" }],
    }),
  );
  for (const row of rows) {
    const list = byMeasurement.get(row.measurementId);
    if (list) list.push(row);
    else byMeasurement.set(row.measurementId, [row]);
  }
  return byMeasurement;
}
