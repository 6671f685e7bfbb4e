import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seededRandom } from "@threadbench/core";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "./client.js";
import { ingestRun } from "./ingest.js";

// Issue 11: with an outside reader holding overlapping read transactions, the SQLite
// WAL grew to 61.5 MB in 40 s and nothing ever checkpointed or truncated it. Here a real
// second better-sqlite3 connection (two of them, taking turns so that a snapshot is
// always held) reads while the store writes; once the readers let go, the WAL must come
// back to zero bytes, by the schedule and after a large write.

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function newDatabaseFile(): string {
  const directory = mkdtempSync(join(tmpdir(), "threadbench-wal-"));
  directories.push(directory);
  return join(directory, "wal.db");
}

const walBytes = (file: string) => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};

/** An ingest document of `samples` seeded samples per cell (about 60 bytes each stored). */
function document(index: number, samples: number): Record<string, unknown> {
  const random = seededRandom(index + 1);
  const cell = (mode: string, threads: number) => ({
    mode,
    threads,
    samples: Array.from({ length: samples }, () => ({
      wallMs: 100 + random() * 10,
      cpuMs: 100 + random() * 10,
      taskDurationsMs: Array.from({ length: threads }, () => 100 + random() * 10),
    })),
  });
  return {
    formatVersion: 1,
    idempotencyKey: `wal-${index}`,
    workload: "sum-squares",
    params: { n: 1000 + index },
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    testbed: {
      hostname: "wal-test",
      os: "linux",
      arch: "x64",
      cpuModel: "Test CPU",
      logicalCores: 4,
      memoryBytes: 1024,
      runtime: "node",
      runtimeVersion: "20.20.2",
    },
    measurements: [cell("sequential", 1), cell("worker-threads", 4)],
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe("SQLite WAL checkpoints (issue 11)", () => {
  let database: Database | undefined;
  afterAll(async () => {
    await database?.close();
  });

  it("keeps the WAL bounded: it grows while readers hold snapshots and is truncated once they let go", async () => {
    const file = newDatabaseFile();
    database = await openDatabase(`file:${file}`, {
      wal: { checkpointIntervalMs: 50, checkpointAboveBytes: 1024 * 1024 },
    });
    const wal = database.wal;
    if (!wal) throw new Error("a SQLite database has WAL maintenance");
    const readers = [new BetterSqlite3(file), new BetterSqlite3(file)];
    const count = (reader: BetterSqlite3.Database) =>
      Number((reader.prepare('SELECT count(*) AS n FROM "Sample"').get() as { n: number }).n);
    let largestWal = 0;
    try {
      // Overlapping read transactions: the next reader takes its snapshot before the
      // previous one ends, so at no moment can a checkpoint reach the end of the WAL.
      let holding = readers[0] as BetterSqlite3.Database;
      holding.exec("BEGIN");
      const seen = count(holding);
      for (let round = 0; round < 12; round++) {
        await ingestRun(database, document(round, 4_000));
        largestWal = Math.max(largestWal, walBytes(file));
        const next = readers[(round + 1) % 2] as BetterSqlite3.Database;
        next.exec("BEGIN");
        expect(count(next)).toBeGreaterThan(seen);
        holding.exec("COMMIT");
        holding = next;
      }
      holding.exec("COMMIT");
      // Snapshots held: the WAL could not be reset, so it grew past the threshold.
      expect(largestWal).toBeGreaterThan(4 * 1024 * 1024);
      process.stdout.write(`[wal] largest ${largestWal} bytes while snapshots were held\n`);

      // The readers let go: the next scheduled checkpoints reach the end and truncate.
      const after = wal.checkpoints;
      await until(() => wal.checkpoints >= after + 2 && wal.lastCheckpoint?.busy === false);
      expect(walBytes(file)).toBe(0);
      expect(wal.lastCheckpoint).toMatchObject({ busy: false, walBytes: 0, skipped: false });
      // Nothing was lost on the way.
      expect(await database.prisma.run.count()).toBe(12);
    } finally {
      for (const reader of readers) reader.close();
    }
  });

  it("checkpoints after a large write without waiting for the schedule", async () => {
    const file = newDatabaseFile();
    const local = await openDatabase(`file:${file}`, {
      wal: { checkpointIntervalMs: 0, checkpointAboveBytes: 512 * 1024 },
    });
    try {
      const before = local.wal?.checkpoints ?? Number.NaN;
      // About 5 MB of samples in one write transaction.
      await ingestRun(local, document(100, 20_000));
      expect(local.wal?.checkpoints).toBe(before + 1);
      expect(walBytes(file)).toBe(0);
      // A small write leaves the WAL alone (below the threshold).
      await ingestRun(local, document(101, 10));
      expect(local.wal?.checkpoints).toBe(before + 1);
      expect(walBytes(file)).toBeGreaterThan(0);
      expect(walBytes(file)).toBeLessThan(512 * 1024);
    } finally {
      await local.close();
    }
    // Closing checkpoints what is left: no WAL for the next process to replay.
    expect(walBytes(file)).toBe(0);
  });

  it("never waits on a reader: a checkpoint with a snapshot held returns busy and leaves the rest for later", async () => {
    const file = newDatabaseFile();
    const local = await openDatabase(`file:${file}`, { wal: { checkpointIntervalMs: 0 } });
    const reader = new BetterSqlite3(file);
    try {
      reader.exec("BEGIN");
      reader.prepare('SELECT count(*) FROM "Run"').get();
      await ingestRun(local, document(200, 2_000));
      const result = local.wal?.checkpoint();
      // With busy timeout 0 the reader's snapshot makes it return at once, not block.
      expect(result).toMatchObject({ busy: true, skipped: false });
      expect(result?.walBytes).toBeGreaterThan(0);
      reader.exec("COMMIT");
      expect(local.wal?.checkpoint()).toMatchObject({ busy: false, walBytes: 0 });
    } finally {
      reader.close();
      await local.close();
    }
  });
});
