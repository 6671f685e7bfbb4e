import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserInputError } from "../errors.js";
import { runChild } from "../test/children.js";
import { describeEachDatabase } from "../test/databases.js";
import { ingestJsonSchema, ingestRun, parseIngestPayload } from "./ingest.js";
import { ingestExamplePaths, ingestSchemaPath } from "./ingest-schema-file.js";
import { listRuns } from "./run-list.js";
import { getRun } from "./run-reads.js";

function example(index = 1): Record<string, unknown> {
  return JSON.parse(readFileSync(ingestExamplePaths()[index] as string, "utf8")) as Record<string, unknown>;
}

type JsonObject = Record<string, unknown>;

function measurementAt(payload: JsonObject, index: number): JsonObject {
  return (payload.measurements as JsonObject[])[index] as JsonObject;
}

function sampleAt(payload: JsonObject, measurement: number, sample: number): JsonObject {
  return (measurementAt(payload, measurement).samples as JsonObject[])[sample] as JsonObject;
}

function issuesOf(payload: unknown): Array<{ path: string; message: string }> {
  try {
    parseIngestPayload(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return (error as UserInputError).issues;
  }
  throw new Error("expected the payload to be rejected");
}

describe("ingest format v1", () => {
  it("is described by the committed JSON Schema (regenerate it if this fails)", () => {
    const committed = JSON.parse(readFileSync(ingestSchemaPath(), "utf8")) as unknown;
    expect(committed).toEqual(ingestJsonSchema());
  });

  it("accepts the committed examples", () => {
    for (const path of ingestExamplePaths()) {
      expect(() => parseIngestPayload(JSON.parse(readFileSync(path, "utf8")))).not.toThrow();
    }
  });

  it("lists every problem of an invalid file by JSON path", () => {
    const payload = example();
    payload.formatVersion = 2;
    payload.commitSha = "not-a-sha";
    payload.colour = "blue";
    payload.finishedAt = "2020-01-01T00:00:00Z";
    const measurements = payload.measurements as Array<Record<string, unknown>>;
    sampleAt(payload, 2, 0).wallMs = -3;
    sampleAt(payload, 0, 1).taskDurationsMs = [1, "x"];
    measurementAt(payload, 3).threads = 0;
    measurements.push({ ...measurements[1], samples: [] });
    const issues = issuesOf(payload);
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue.message]));
    expect(byPath).toMatchObject({
      formatVersion: "expected 1 (the only format version)",
      commitSha: "expected a commit SHA: 4 to 64 hexadecimal digits",
      "(root)": 'unknown field "colour"',
      "measurements[2].samples[0].wallMs": "expected a positive number",
      "measurements[0].samples[1].taskDurationsMs[1]": "expected a number >= 0",
      "measurements[3].threads": "expected an integer from 1 to 4096",
    });
    expect(issues.length).toBeGreaterThanOrEqual(6);
    expect(issuesOf(null)).toEqual([{ path: "(root)", message: "expected a JSON object" }]);
    expect(
      issuesOf({ formatVersion: 1 })
        .map((issue) => issue.path)
        .sort(),
    ).toEqual(["measurements", "startedAt", "testbed", "workload"].sort());
  });

  it("refuses timings over 1e12 ms, naming the field (1e308 was stored with a CV of 0.0%)", () => {
    const payload = example();
    sampleAt(payload, 0, 0).wallMs = 1e308;
    measurementAt(payload, 1).setupMs = 2e12;
    expect(issuesOf(payload)).toEqual([
      {
        path: "measurements[0].samples[0].wallMs",
        message: "expected a positive number of milliseconds (allowed: at most 1e+12 ms (about 31 years))",
      },
      {
        path: "measurements[1].setupMs",
        message: "expected a number of milliseconds >= 0 (allowed: at most 1e+12 ms (about 31 years))",
      },
    ]);
  });

  it("refuses task durations that are not one per task (threads: 4 with 2 was stored)", () => {
    const payload = example();
    sampleAt(payload, 1, 2).taskDurationsMs = [950, 960];
    measurementAt(payload, 2).tasks = 8;
    expect(issuesOf(payload)).toEqual([
      {
        path: "measurements[1].samples[2].taskDurationsMs",
        message: "expected one entry per task (4: the measurement's tasks, default threads), got 2",
      },
      ...[0, 1, 2, 3, 4].map((sample) => ({
        path: `measurements[2].samples[${sample}].taskDurationsMs`,
        message: "expected one entry per task (8: the measurement's tasks, default threads), got 4",
      })),
    ]);
  });

  it("reports cross-field problems: duplicate cells, no samples, dates out of order", () => {
    const payload = example();
    const measurements = payload.measurements as Array<Record<string, unknown>>;
    measurements.push({ ...measurements[1] }, { mode: "threading", threads: 16, samples: [] });
    payload.finishedAt = "2020-01-01T00:00:00Z";
    const paths = issuesOf(payload).map((issue) => `${issue.path}: ${issue.message}`);
    expect(paths).toContain(
      'measurements[4]: duplicate cell: mode "sequential" with 4 threads is already measurements[1]',
    );
    expect(paths).toContain(
      "measurements[5].samples: expected at least one sample for a succeeded measurement",
    );
    expect(paths).toContain("finishedAt: expected a date-time not before startedAt");
  });
});

describeEachDatabase("ingestion", ({ open, newUrl, reopen }) => {
  it("stores the CPython examples with speedups against the sequential baseline", async () => {
    const database = await open();
    const gil = await ingestRun(database, example(0));
    const freeThreaded = await ingestRun(database, example(1));
    expect(gil.created && freeThreaded.created).toBe(true);
    expect(gil.run.testbed?.id).not.toBe(freeThreaded.run.testbed?.id);
    expect(freeThreaded.run.source).toBe("ingested");
    expect(freeThreaded.run.labels).toEqual(["cpython", "example"]);
    const detail = await getRun(database, freeThreaded.run.id);
    const cell = (mode: string, threads: number) =>
      detail?.measurements.find(
        (measurement) => measurement.mode === mode && measurement.threads === threads,
      );
    expect(cell("sequential", 4)?.speedup).toBeCloseTo(1, 10);
    expect(cell("sequential", 4)?.checksumStatus).toBe("baseline");
    expect(cell("threading", 4)?.speedup).toBeGreaterThan(3);
    expect(cell("threading", 4)?.efficiency).toBeGreaterThan(0.75);
    expect(cell("threading", 4)?.checksumStatus).toBe("match");
    expect(cell("multiprocessing", 4)?.setupMs).toBe(41.7);
    expect(cell("threading", 4)?.samples).toHaveLength(5);
    const gilDetail = await getRun(database, gil.run.id, { samples: false });
    const gilThreading = gilDetail?.measurements.find((measurement) => measurement.mode === "threading");
    expect(gilThreading?.speedup).toBeLessThan(1.1);
  });

  it("computes the baseline from the single-task sequential cell when that is all there is", async () => {
    const database = await open();
    const payload = example(1);
    payload.idempotencyKey = undefined;
    payload.measurements = (payload.measurements as Array<Record<string, unknown>>).filter(
      (measurement) => !(measurement.mode === "sequential" && measurement.threads === 4),
    );
    const { run } = await ingestRun(database, JSON.parse(JSON.stringify(payload)));
    const detail = await getRun(database, run.id, { samples: false });
    const threading = detail?.measurements.find((measurement) => measurement.mode === "threading");
    expect(threading?.speedup).toBeGreaterThan(3);
    expect(threading?.checksumStatus).toBe("unchecked");
  });

  it("keeps the first line of a commit message, and names the field when it is too long", async () => {
    const database = await open();
    const payload = example(1);
    payload.idempotencyKey = "with-message";
    payload.commitMessage = "Free-threaded build: drop the pool lock\n\nThe lock serialised every task.";
    const { run } = await ingestRun(database, payload);
    expect(run.commitMessage).toBe("Free-threaded build: drop the pool lock");
    expect((await getRun(database, run.id, { samples: false }))?.commitMessage).toBe(
      "Free-threaded build: drop the pool lock",
    );
    const long = { ...example(1), idempotencyKey: "long-message", commitMessage: "x".repeat(10_001) };
    expect(Object.fromEntries(issuesOf(long).map((issue) => [issue.path, issue.message]))).toMatchObject({
      commitMessage: "too long (allowed: at most 10000 characters)",
    });
  });

  it("stores nothing twice for the same idempotency key", async () => {
    const database = await open();
    const first = await ingestRun(database, example());
    const second = await ingestRun(database, example());
    expect(second.created).toBe(false);
    expect(second.run.id).toBe(first.run.id);
    expect((await listRuns(database)).runs).toHaveLength(1);
  });

  it("ends with exactly one run when 10 ingestions of the same key race (5 processes x 2)", async () => {
    const url = await newUrl();
    const database = await reopen(url); // migrated before the race
    const directory = mkdtempSync(join(tmpdir(), "threadbench-ingest-"));
    const file = join(directory, "payload.json");
    writeFileSync(file, JSON.stringify(example()));
    // Separate processes race for real (one SQLite connection or PostgreSQL pool each);
    // two at once inside each process race through the same client.
    const results = await Promise.all(
      Array.from({ length: 5 }, () => runChild("ingest-child.ts", [file, "2"], url)),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const outcomes = results.flatMap((result) =>
      result.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { id: string; created: boolean }),
    );
    expect(outcomes).toHaveLength(10);
    expect(new Set(outcomes.map((outcome) => outcome.id)).size).toBe(1);
    expect(outcomes.filter((outcome) => outcome.created)).toHaveLength(1);
    expect(await database.prisma.run.count()).toBe(1);
    expect(await database.prisma.measurement.count()).toBe(4);
    expect(await database.prisma.testbed.count()).toBe(1);
  });

  it("rejects an invalid file whole and stores nothing", async () => {
    const database = await open();
    const payload = example();
    sampleAt(payload, 3, 4).wallMs = "fast";
    await expect(ingestRun(database, payload)).rejects.toThrow(
      /measurements\[3\]\.samples\[4\]\.wallMs: expected a positive number/,
    );
    expect(await database.prisma.run.count()).toBe(0);
    expect(await database.prisma.testbed.count()).toBe(0);
    expect(await database.prisma.sample.count()).toBe(0);
  });

  it("leaves no partial run when the storing process is killed mid-transaction", async () => {
    const url = await newUrl();
    const database = await reopen(url);
    let sawTransaction = false;
    const result = await runChild("store-and-hang-child.ts", [], url, (line, kill) => {
      if (line === "IN_TRANSACTION") {
        sawTransaction = true;
        kill("SIGKILL");
      }
    });
    expect(sawTransaction, result.stderr).toBe(true);
    expect(result.signal).toBe("SIGKILL");
    expect(await database.prisma.run.count()).toBe(0);
    expect(await database.prisma.runLabel.count()).toBe(0);
    expect(await database.prisma.measurement.count()).toBe(0);
    expect(await database.prisma.sample.count()).toBe(0);
    // And the database is fully usable afterwards (SQLite: the WAL was recovered).
    const { created } = await ingestRun(database, example());
    expect(created).toBe(true);
  });
});
