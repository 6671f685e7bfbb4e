import { randomUUID } from "node:crypto";
import type { Database, Prisma, TransactionClient } from "./client.js";
import { finiteOrNull, type StorableCell, type StoredSample, summaryColumns } from "./run-rows.js";
import { defaultHarness, defaultProject, seriesKey } from "./series-key.js";

/*
 * The bulk write of a run's cells: measurements, samples and series rows, inside the
 * caller's transaction (storeFinishedRun, an agent's storeClaimedCell, ingest).
 */
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

interface SampleInsert extends StoredSample {
  measurementId: string;
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
