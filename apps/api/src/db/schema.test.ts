import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeEachDatabase } from "../test/databases.js";
import { resolveDatabaseUrl } from "./database-url.js";
import { applyMigrations, migrationFiles } from "./migrate.js";
import { repoRoot } from "./repo-root.js";

const marker = "// ---- models (shared by every provider; edit here, then run sync-schemas) ----";

function models(provider: "sqlite" | "postgresql"): string {
  const text = readFileSync(join(repoRoot(), "prisma", provider, "schema.prisma"), "utf8");
  const at = text.indexOf(marker);
  expect(at, `${provider} schema has the models marker`).toBeGreaterThan(0);
  return text.slice(at);
}

describe("prisma schemas", () => {
  it("have identical models for SQLite and PostgreSQL (the two cannot drift)", () => {
    expect(models("postgresql")).toBe(models("sqlite"));
    execFileSync(process.execPath, [join(repoRoot(), "prisma", "sync-schemas.mjs"), "--check"]);
  });

  it("have one committed migration history per provider with the same migration names", () => {
    const sqlite = migrationFiles("sqlite").map((file) => file.name);
    const postgresql = migrationFiles("postgresql").map((file) => file.name);
    expect(sqlite.length).toBeGreaterThan(0);
    expect(postgresql).toEqual(sqlite);
    for (const provider of ["sqlite", "postgresql"] as const) {
      const lock = readFileSync(
        join(repoRoot(), "prisma", provider, "migrations", "migration_lock.toml"),
        "utf8",
      );
      expect(lock).toContain(`provider = "${provider}"`);
    }
  });

  it("create every model table in both providers' migrations", () => {
    const names = [...models("sqlite").matchAll(/^model (\w+) \{/gm)].map((match) => match[1]);
    for (const provider of ["sqlite", "postgresql"] as const) {
      const sql = migrationFiles(provider)
        .map((file) => file.sql)
        .join("\n");
      for (const name of names)
        expect(sql, `${provider} creates ${name}`).toContain(`CREATE TABLE "${name}"`);
    }
  });
});

describeEachDatabase("migrations", ({ open, newUrl, reopen, provider }) => {
  it("produce the schema the client expects: every model written and read back", async () => {
    const database = await open();
    const { prisma } = database;
    const now = new Date("2026-03-01T12:00:00.123Z");
    const testbed = await prisma.testbed.create({
      data: {
        id: "testbed-1",
        fingerprint: "fp",
        hostname: "h",
        os: "linux",
        osRelease: "6",
        arch: "x64",
        cpuModel: "cpu",
        logicalCores: 8,
        memoryBytes: 2n ** 40n,
        runtime: "cpython",
        runtimeVersion: "3.13t",
        v8Version: null,
        createdAt: now,
      },
    });
    expect(testbed.memoryBytes).toBe(2n ** 40n);
    const run = await prisma.run.create({
      data: {
        id: "run-1",
        workloadId: "w",
        params: { n: 1, nested: { list: [1, 2.5] } },
        paramsKey: "{}",
        modes: ["sequential"],
        threads: [1, 2],
        repetitions: 3,
        warmups: 1,
        scaling: "weak",
        taskTimeoutMs: 1000,
        maxHeapMb: 64,
        status: "succeeded",
        error: null,
        source: "ingested",
        commitSha: "abc",
        branch: "main",
        idempotencyKey: "key",
        seeded: true,
        environment: { hostname: "h" },
        testbedId: testbed.id,
        createdAt: now,
        startedAt: now,
        finishedAt: now,
        updatedAt: now,
        priority: 5,
        requestedBy: "me",
        claimedBy: "h:1",
        heartbeatAt: now,
        cancelRequestedAt: now,
        labels: { create: [{ label: "x" }] },
      },
    });
    await prisma.measurement.create({
      data: {
        id: "m-1",
        runId: run.id,
        seriesKey: "s",
        recordedAt: now,
        mode: "sequential",
        threads: 1,
        tasks: 1,
        status: "succeeded",
        error: null,
        sampleCount: 1,
        wallMin: 1,
        wallMax: 1,
        wallMedian: 1,
        wallMean: 1,
        wallStddev: 0,
        wallCv: 0,
        cpuMin: 1,
        cpuMax: 1,
        cpuMedian: 1,
        cpuMean: 1,
        cpuStddev: 0,
        cpuCv: 0,
        setupMs: 2.5,
        speedup: 1,
        efficiency: 1,
        checksum: "c",
        expectedChecksum: null,
        checksumStatus: "baseline",
        sharedMemory: [{ variant: "atomic", expected: 1, observed: 1, lostUpdates: 0 }],
        samples: { create: [{ index: 0, wallMs: 1.5, cpuMs: null, taskDurationsMs: [1.5], checksum: "c" }] },
      },
    });
    await prisma.series.create({
      data: {
        seriesKey: "s",
        workloadId: "w",
        paramsKey: "{}",
        mode: "sequential",
        threads: 1,
        scaling: "weak",
        testbedId: testbed.id,
        branch: "main",
        createdAt: now,
      },
    });
    await prisma.regression.create({
      data: {
        id: "r-1",
        seriesKey: "s",
        runId: run.id,
        kind: "regression",
        size: 0.08,
        baselineValue: 10,
        currentValue: 10.8,
        intervalLow: 0.05,
        intervalHigh: 0.11,
        confidence: 0.99,
        statusChangedBy: null,
        statusChangedAt: null,
        note: "slower",
        createdAt: now,
        updatedAt: now,
      },
    });
    await prisma.mutedSeries.create({
      data: { seriesKey: "s", reason: "noisy", mutedBy: "me", createdAt: now },
    });

    const back = await prisma.run.findUniqueOrThrow({
      where: { id: "run-1" },
      include: {
        testbed: true,
        labels: true,
        regressions: true,
        measurements: { include: { samples: true } },
      },
    });
    expect(back.createdAt.toISOString()).toBe(now.toISOString());
    expect(back.params).toEqual({ n: 1, nested: { list: [1, 2.5] } });
    expect(back.seeded).toBe(true);
    expect(back.testbed?.runtimeVersion).toBe("3.13t");
    expect(back.labels.map((label) => label.label)).toEqual(["x"]);
    expect(back.regressions[0]?.status).toBe("open");
    expect(back.measurements[0]?.sharedMemory).toEqual([
      { variant: "atomic", expected: 1, observed: 1, lostUpdates: 0 },
    ]);
    expect(back.measurements[0]?.samples[0]?.taskDurationsMs).toEqual([1.5]);
    expect(await prisma.series.count()).toBe(1);
    expect(await prisma.mutedSeries.findUnique({ where: { seriesKey: "s" } })).toMatchObject({
      reason: "noisy",
    });
    // Foreign keys are enforced (SQLite needs PRAGMA foreign_keys on every connection).
    await expect(prisma.runLabel.create({ data: { runId: "missing", label: "y" } })).rejects.toThrow();
    // Deleting a run cascades to everything under it.
    await prisma.run.delete({ where: { id: "run-1" } });
    expect(await prisma.sample.count()).toBe(0);
    expect(await prisma.regression.count()).toBe(0);
  });

  it("are recorded in _prisma_migrations Prisma's way, applied once, and safe to run concurrently", async () => {
    const url = await newUrl();
    const target = resolveDatabaseUrl(url);
    const reports = await Promise.all([
      applyMigrations(target),
      applyMigrations(target),
      applyMigrations(target),
    ]);
    const files = migrationFiles(provider);
    expect(reports.flatMap((report) => report.applied).sort()).toEqual(files.map((file) => file.name).sort());
    const database = await reopen(url);
    expect(database.migrations.applied).toEqual([]);
    const rows = await database.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT "id", "checksum", "migration_name", "finished_at", "rolled_back_at", "applied_steps_count", "started_at", "logs" FROM "_prisma_migrations" ORDER BY "migration_name"`,
    );
    expect(rows.map((row) => [row.migration_name, row.checksum])).toEqual(
      files.map((file) => [file.name, file.checksum]),
    );
    expect(rows[0]?.finished_at).not.toBeNull();
    expect(rows[0]?.rolled_back_at).toBeNull();
    expect(Number(rows[0]?.applied_steps_count)).toBe(1);
    expect(String(rows[0]?.checksum)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuse a database whose applied migration was edited afterwards", async () => {
    const url = await newUrl();
    const target = resolveDatabaseUrl(url);
    const files = migrationFiles(provider);
    await applyMigrations(target, files);
    const edited = files.map((file, index) =>
      index === 0 ? { ...file, sql: `${file.sql}\n-- edited`, checksum: "0".repeat(64) } : file,
    );
    await expect(applyMigrations(target, edited)).rejects.toThrow(/was changed after it was applied/);
    await expect(applyMigrations(target, [])).rejects.toThrow(/does not have/);
  });
});
