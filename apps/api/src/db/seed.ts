import { randomUUID } from "node:crypto";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { medianOfSorted, seededLabel, seededRandom } from "@threadbench/core";
import { findWorkload, workloads } from "@threadbench/workloads";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { Database } from "./client.js";
import { parametersKey } from "./run-rows.js";
import { seriesKey } from "./series-key.js";
import { type TestbedInput, testbedFields, testbedFingerprint } from "./testbed.js";

/**
 * Writes rows straight through the driver, bypassing Prisma: 100,000 runs are a few
 * million rows, which Prisma's per-query overhead would turn into many minutes. Values
 * are converted the way the Prisma adapters store them (dates as Unix ms on SQLite and
 * UTC timestamps on PostgreSQL, JSON as text, booleans as 0/1 on SQLite).
 */
export interface RowWriter {
  insert(
    table: string,
    columns: readonly string[],
    rows: unknown[][],
    onConflictDoNothing?: string,
  ): Promise<void>;
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
  transaction(work: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** A raw writer on the same database (and driver) as `database`. */
export async function openRowWriter(database: Database): Promise<RowWriter> {
  const target = database.target;
  if (target.provider === "sqlite") {
    const connection = new BetterSqlite3(target.filePath, { timeout: 30_000 });
    connection.pragma("foreign_keys = ON");
    connection.pragma("synchronous = NORMAL");
    // Random UUID keys insert all over the B-trees: a big page cache keeps them in memory.
    connection.pragma("cache_size = -262144");
    const statements = new Map<string, BetterSqlite3.Statement>();
    const convert = (value: unknown) =>
      value instanceof Date ? value.getTime() : typeof value === "boolean" ? (value ? 1 : 0) : value;
    return {
      async insert(table, columns, rows, conflict) {
        const sql = `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES (${columns
          .map(() => "?")
          .join(", ")})${conflict ? ` ON CONFLICT ("${conflict}") DO NOTHING` : ""}`;
        let statement = statements.get(sql);
        if (!statement) {
          statement = connection.prepare(sql);
          statements.set(sql, statement);
        }
        for (const row of rows) statement.run(row.map(convert));
      },
      async query<T>(sql: string, params: unknown[]) {
        return connection.prepare(sql).all(params.map(convert)) as T[];
      },
      async transaction(work) {
        connection.exec("BEGIN IMMEDIATE");
        try {
          await work();
          connection.exec("COMMIT");
        } catch (error) {
          connection.exec("ROLLBACK");
          throw error;
        }
      },
      async close() {
        connection.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  // Dates go in as UTC text: the columns are `timestamp without time zone` holding UTC.
  const convert = (value: unknown) => (value instanceof Date ? value.toISOString().replace("Z", "") : value);
  const maxParameters = 60_000;
  return {
    async insert(table, columns, rows, conflict) {
      const perStatement = Math.max(1, Math.floor(maxParameters / columns.length));
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        const params: unknown[] = [];
        const values = chunk.map((row) => {
          const placeholders = row.map((value) => {
            params.push(convert(value));
            return `$${params.length}`;
          });
          return `(${placeholders.join(", ")})`;
        });
        await client.query(
          `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES ${values.join(", ")}${
            conflict ? ` ON CONFLICT ("${conflict}") DO NOTHING` : ""
          }`,
          params,
        );
      }
    },
    async query<T>(sql: string, params: unknown[]) {
      let index = 0;
      const text = sql.replace(/\?/g, () => `$${++index}`);
      return (await client.query(text, params.map(convert))).rows as T[];
    },
    async transaction(work) {
      await client.query("BEGIN");
      try {
        await work();
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
    async close() {
      await client.end();
    },
  };
}

export interface SeedOptions {
  runs: number;
  /** Seed of the random generator: the same seed gives the same history. Default 1. */
  seed?: number;
  /** Date of the newest run (default now); runs are spread back from it. */
  until?: Date;
  /** Minutes between two runs (default 10: 100,000 runs ~ 2 years of CI). */
  spacingMinutes?: number;
  /** Called after each batch with the number of runs written so far. */
  onProgress?: (runsDone: number) => void;
  /** Aborted (Ctrl-C): the batch being written is rolled back and SeedInterruptedError thrown. */
  signal?: AbortSignal;
}

/** Seeding stopped by its signal; every batch before the one in progress is kept. */
export class SeedInterruptedError extends Error {
  constructor(readonly runsStored: number) {
    super(`seeding interrupted: ${runsStored} runs stored, the batch in progress was rolled back`);
    this.name = "SeedInterruptedError";
  }
}

export interface SeedReport {
  runs: number;
  measurements: number;
  samples: number;
  seconds: number;
  /** One series key per (workload, mode, threads, testbed, branch) that was written. */
  seriesKeys: string[];
}

/** The CI machine: seeded on two Node versions, so it is two testbeds. */
const seedCiMachine = {
  hostname: "ci-x64-1",
  os: "linux",
  osRelease: "6.1.0",
  arch: "x64",
  cpuModel: "AMD EPYC 7B13",
  logicalCores: 4,
  memoryBytes: 16 * 1024 ** 3,
  runtime: "node",
};

const seedTestbeds: TestbedInput[] = [
  { ...seedCiMachine, runtimeVersion: "20.20.2", v8Version: "11.3.244.8" },
  { ...seedCiMachine, runtimeVersion: "22.12.0", v8Version: "12.4.254.21" },
  {
    hostname: "mac-mini-m2",
    os: "darwin",
    osRelease: "24.1.0",
    arch: "arm64",
    cpuModel: "Apple M2",
    logicalCores: 8,
    memoryBytes: 24 * 1024 ** 3,
    runtime: "node",
    runtimeVersion: "20.20.2",
    v8Version: "11.3.244.8",
  },
];

const seedBranches = [
  "main",
  "main",
  "main",
  "main",
  "main",
  "main",
  "dev",
  "dev",
  "feature/pool-tuning",
  "feature/simd",
];

/**
 * Generates a realistic synthetic history: several workloads, modes and thread counts,
 * three testbeds, a few branches, multiplicative noise and a few step changes (a
 * regression of the worker pool on main at 40% of the history, a sequential
 * improvement at 70%, a child-process regression on the Node 22 testbed at 85%).
 * Every run is marked: `seeded = true` and the label "seeded".
 */
export async function seedDatabase(database: Database, options: SeedOptions): Promise<SeedReport> {
  const began = performance.now();
  const random = seededRandom(options.seed ?? 1);
  const gaussian = () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const spacingMs = (options.spacingMinutes ?? 10) * 60_000;
  const until = (options.until ?? new Date()).getTime();
  const firstTime = until - (options.runs - 1) * spacingMs;
  const chosen = workloads.slice(0, 4).map((workload) => workload.id);
  const workloadIds = chosen.length > 0 ? chosen : ["sum-squares"];
  const baseTaskMs = new Map(workloadIds.map((id, index) => [id, 40 + index * 35]));
  const paramsFor = new Map(
    workloadIds.map((id) => {
      const workload = findWorkload(id);
      let params: Record<string, unknown> = {};
      if (workload) {
        const parsed = workload.parameters.safeParse({});
        if (parsed.success) params = parsed.data as Record<string, unknown>;
      }
      return [id, { params, paramsKey: parametersKey(id, params) }];
    }),
  );

  const writer = await openRowWriter(database);
  const report: SeedReport = { runs: 0, measurements: 0, samples: 0, seconds: 0, seriesKeys: [] };
  const seriesSeen = new Set<string>();
  try {
    const testbeds: Array<{ id: string; fingerprint: string; input: TestbedInput; speed: number }> = [];
    await writer.transaction(async () => {
      for (const [index, input] of seedTestbeds.entries()) {
        const fingerprint = testbedFingerprint(input);
        const columns: Record<(typeof testbedFields)[number], unknown> = {
          ...input,
          osRelease: input.osRelease ?? "",
          memoryBytes: BigInt(input.memoryBytes),
          v8Version: input.v8Version ?? null,
          gilEnabled: input.gilEnabled ?? null,
          freeThreadedBuild: input.freeThreadedBuild ?? null,
        };
        await writer.insert(
          "Testbed",
          ["id", "fingerprint", ...testbedFields, "createdAt"],
          [[randomUUID(), fingerprint, ...testbedFields.map((field) => columns[field]), new Date(firstTime)]],
          "fingerprint",
        );
        const [row] = await writer.query<{ id: string }>(
          `SELECT "id" FROM "Testbed" WHERE "fingerprint" = ?`,
          [fingerprint],
        );
        testbeds.push({ id: row?.id as string, fingerprint, input, speed: [1, 0.93, 0.8][index] ?? 1 });
      }
    });

    const batchSize = 1000;
    let commit = "";
    for (let start = 0; start < options.runs; start += batchSize) {
      const runRows: unknown[][] = [];
      const labelRows: unknown[][] = [];
      const measurementRows: unknown[][] = [];
      const sampleRows: unknown[][] = [];
      const seriesRows: unknown[][] = [];
      for (let index = start; index < Math.min(options.runs, start + batchSize); index++) {
        const progress = index / Math.max(1, options.runs - 1);
        const workloadId = workloadIds[Math.floor(random() * workloadIds.length)] as string;
        const { params, paramsKey } = paramsFor.get(workloadId) as {
          params: Record<string, unknown>;
          paramsKey: string;
        };
        const testbed = testbeds[Math.floor(random() * testbeds.length)] as (typeof testbeds)[number];
        const branch = seedBranches[Math.floor(random() * seedBranches.length)] as string;
        if (index % 5 === 0 || !commit)
          commit = Array.from({ length: 40 }, () => Math.floor(random() * 16).toString(16)).join("");
        const modes =
          random() < 0.3
            ? ["sequential", "worker-threads", "child-processes"]
            : ["sequential", "worker-threads"];
        const threads = random() < 0.5 ? [1, 4] : [1, 2, 4];
        const roll = random();
        const status = roll < 0.97 ? "succeeded" : roll < 0.99 ? "failed" : "cancelled";
        const startedAt = new Date(firstTime + index * spacingMs + Math.floor(random() * 60_000));
        const runId = randomUUID();
        const repetitions = 3;
        const cellCount = modes.length * threads.length;
        const finishedAt = new Date(startedAt.getTime() + cellCount * repetitions * 200);
        runRows.push([
          runId,
          workloadId,
          JSON.stringify(params),
          paramsKey,
          JSON.stringify(modes),
          JSON.stringify(threads),
          repetitions,
          1,
          "weak",
          60_000,
          512,
          status,
          status === "failed"
            ? "worker-threads x4: task timed out after 60000 ms"
            : status === "cancelled"
              ? "cancelled by the user"
              : null,
          "runner",
          commit,
          branch,
          null,
          true,
          null,
          testbed.id,
          startedAt,
          startedAt,
          finishedAt,
          finishedAt,
          0,
          "seed",
        ]);
        labelRows.push([runId, seededLabel]);
        const sequentialMedian = new Map<number, number>();
        for (const mode of modes) {
          for (const threadCount of threads) {
            let taskMs = (baseTaskMs.get(workloadId) as number) * testbed.speed;
            // Step changes: what regression detection should find.
            if (branch === "main" && mode === "worker-threads" && progress > 0.4) taskMs *= 1.08;
            if (mode === "sequential" && progress > 0.7) taskMs *= 0.95;
            if (
              testbed.input.runtimeVersion.startsWith("22") &&
              mode === "child-processes" &&
              progress > 0.85
            )
              taskMs *= 1.12;
            const parallel = mode !== "sequential";
            const failedCell =
              status === "failed" && mode === "worker-threads" && threadCount === threads.at(-1);
            const measurementId = randomUUID();
            const walls: number[] = [];
            if (!failedCell) {
              for (let sample = 0; sample < repetitions; sample++) {
                const durations = Array.from(
                  { length: threadCount },
                  () => taskMs * Math.exp(0.02 * gaussian()),
                );
                const total = durations.reduce((sum, value) => sum + value, 0);
                const overhead = mode === "child-processes" ? 1.1 : 1.03;
                const wallMs = parallel
                  ? Math.max(...durations) *
                    overhead *
                    (threadCount > testbed.input.logicalCores ? threadCount / testbed.input.logicalCores : 1)
                  : total;
                walls.push(wallMs);
                sampleRows.push([
                  measurementId,
                  sample,
                  wallMs,
                  total * 1.01,
                  JSON.stringify(durations.map((value) => Math.round(value * 1000) / 1000)),
                  "seeded-checksum",
                ]);
              }
            }
            const sorted = [...walls].sort((a, b) => a - b);
            const median = sorted.length ? medianOfSorted(sorted) : null;
            const mean = walls.length ? walls.reduce((sum, value) => sum + value, 0) / walls.length : null;
            const stddev =
              mean !== null && walls.length > 1
                ? Math.sqrt(walls.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (walls.length - 1))
                : 0;
            if (mode === "sequential" && median !== null) sequentialMedian.set(threadCount, median);
            const baseline = sequentialMedian.get(threadCount);
            const speedup = median !== null && baseline !== undefined ? baseline / median : null;
            const key = seriesKey({
              workloadId,
              paramsKey,
              mode,
              threads: threadCount,
              scaling: "weak",
              testbedFingerprint: testbed.fingerprint,
              branch,
            });
            if (!seriesSeen.has(key)) {
              seriesSeen.add(key);
              seriesRows.push([
                key,
                workloadId,
                paramsKey,
                mode,
                threadCount,
                "weak",
                testbed.id,
                branch,
                startedAt,
              ]);
            }
            measurementRows.push([
              measurementId,
              runId,
              key,
              finishedAt,
              mode,
              threadCount,
              threadCount,
              failedCell
                ? "failed"
                : status === "cancelled" && mode !== "sequential"
                  ? "cancelled"
                  : "succeeded",
              failedCell ? "task timed out after 60000 ms" : null,
              walls.length,
              sorted[0] ?? null,
              sorted.at(-1) ?? null,
              median,
              mean,
              mean === null ? null : stddev,
              mean ? stddev / mean : null,
              parallel && mode === "child-processes"
                ? 35 + random() * 10
                : parallel
                  ? 8 + random() * 4
                  : null,
              speedup,
              speedup === null ? null : speedup / threadCount,
              walls.length ? "seeded-checksum" : null,
              mode === "sequential" || !walls.length ? null : "seeded-checksum",
              !walls.length ? "unchecked" : mode === "sequential" ? "baseline" : "match",
            ]);
          }
        }
      }
      await writer.transaction(async () => {
        await writer.insert(
          "Run",
          [
            "id",
            "workloadId",
            "params",
            "paramsKey",
            "modes",
            "threads",
            "repetitions",
            "warmups",
            "scaling",
            "taskTimeoutMs",
            "maxHeapMb",
            "status",
            "error",
            "source",
            "commitSha",
            "branch",
            "idempotencyKey",
            "seeded",
            "environment",
            "testbedId",
            "createdAt",
            "startedAt",
            "finishedAt",
            "updatedAt",
            "priority",
            "requestedBy",
          ],
          runRows,
        );
        await writer.insert("RunLabel", ["runId", "label"], labelRows);
        await writer.insert(
          "Series",
          [
            "seriesKey",
            "workloadId",
            "paramsKey",
            "mode",
            "threads",
            "scaling",
            "testbedId",
            "branch",
            "createdAt",
          ],
          seriesRows,
          "seriesKey",
        );
        await writer.insert(
          "Measurement",
          [
            "id",
            "runId",
            "seriesKey",
            "recordedAt",
            "mode",
            "threads",
            "tasks",
            "status",
            "error",
            "sampleCount",
            "wallMin",
            "wallMax",
            "wallMedian",
            "wallMean",
            "wallStddev",
            "wallCv",
            "setupMs",
            "speedup",
            "efficiency",
            "checksum",
            "expectedChecksum",
            "checksumStatus",
          ],
          measurementRows,
        );
        await writer.insert(
          "Sample",
          ["measurementId", "index", "wallMs", "cpuMs", "taskDurationsMs", "checksum"],
          sampleRows,
        );
        // better-sqlite3 is synchronous: without a turn of the event loop per batch no
        // signal handler would run until the whole seed is written. Checked before COMMIT,
        // so an interrupted batch is rolled back, never half kept.
        await yieldToEventLoop();
        if (options.signal?.aborted) throw new SeedInterruptedError(report.runs);
      });
      report.runs += runRows.length;
      report.measurements += measurementRows.length;
      report.samples += sampleRows.length;
      options.onProgress?.(report.runs);
    }
  } finally {
    await writer.close();
  }
  // Fresh statistics so both planners pick the series and paging indexes.
  await database.prisma.$executeRawUnsafe("ANALYZE");
  report.seriesKeys = [...seriesSeen];
  report.seconds = (performance.now() - began) / 1000;
  return report;
}
