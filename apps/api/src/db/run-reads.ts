import { compareModes, modeRank } from "@threadbench/core";
import { ConflictError, NotFoundError } from "../errors.js";
import type { Database } from "./client.js";
import {
  type MeasurementRow,
  runInclude,
  type SampleRow,
  type StoredRun,
  type StoredRunDetail,
  toStoredMeasurement,
  toStoredRun,
} from "./run-rows.js";

/* Reading one run (with its measurements and samples) and the cells of many runs. */
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
  const rows = await database.prisma.sample.findMany({
    where: { measurementId: { in: [...measurementIds] } },
    orderBy: [{ measurementId: "asc" }, { index: "asc" }],
  });
  for (const row of rows) {
    const list = byMeasurement.get(row.measurementId);
    if (list) list.push(row);
    else byMeasurement.set(row.measurementId, [row]);
  }
  return byMeasurement;
}
