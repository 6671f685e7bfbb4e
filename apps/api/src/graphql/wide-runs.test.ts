import { Writable } from "node:stream";
import { seededRandom } from "@threadbench/core";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import { describeEachDatabase } from "../test/databases.js";
import { type GraphQLResponse, postGraphQL } from "../test/graphql-http.js";
import { testServerConfig } from "../test/server-config.js";

// Runs with more cells than SQLite takes parameters in one query (999, as Prisma drives
// it): an ingested run of 1,100 cells (the ingest format allows 10,000) must be readable
// with its samples, checked for regressions, and must not break the regression filters
// of its branch, which then has more than 999 series. Over real HTTP on SQLite and
// PostgreSQL. Before src/db/list-batches.ts each of these failed with Prisma's P2029.

const token = "wide-runs-token-0123456789abcdef";
const modes = Array.from({ length: 11 }, (_, index) => `mode-${index}`);
const threads = Array.from({ length: 100 }, (_, index) => index + 1);
const plantedRuns = 30;
const stepAt = 20;

function post<T>(server: ThreadbenchServer, query: string, variables: Record<string, unknown> = {}) {
  return postGraphQL<T>(server.url, query, variables, token);
}

const testbed = {
  hostname: "ci-wide",
  os: "linux",
  arch: "x64",
  cpuModel: "Wide CPU",
  logicalCores: 8,
  memoryBytes: 16 * 1024 ** 3,
  runtime: "cpython",
  runtimeVersion: "3.14.0",
};

/** A run document of the ingest format: `cells` with 3 samples each, a day after run `index - 1`. */
function document(index: number, key: string, cells: Array<{ mode: string; threads: number; ms: number }>) {
  const random = seededRandom(500 + index);
  const startedAt = new Date(Date.UTC(2026, 0, 1) + index * 86_400_000);
  return {
    formatVersion: 1,
    idempotencyKey: `${key}-${index}`,
    workload: "sum-squares",
    params: { n: 1000 },
    scaling: "weak",
    commitSha: (0xdef000 + index).toString(16),
    branch: "main",
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + 60_000).toISOString(),
    testbed,
    measurements: cells.map(({ mode, threads, ms }) => ({
      mode,
      threads,
      samples: Array.from({ length: 3 }, () => ({ wallMs: ms * (1 + (random() - 0.5) * 0.02) })),
    })),
  };
}

/** sequential and worker-threads at 1, 2, 4 threads; worker-threads x4 20% slower from `stepAt`. */
const plantedCells = (index: number) =>
  ["sequential", "worker-threads"].flatMap((mode) =>
    [1, 2, 4].map((count) => ({
      mode,
      threads: count,
      ms: mode === "sequential" ? 10 * count : 10.5 * (count === 4 && index >= stepAt ? 1.2 : 1),
    })),
  );

const wideCells = modes.flatMap((mode) => threads.map((count) => ({ mode, threads: count, ms: 5 + count })));

const ingest =
  "mutation($input: JSON!) { ingestRun(input: $input) { created run { id } regressions { id } } }";

describeEachDatabase("runs wider than SQLite's parameter limit", (databases) => {
  let server: ThreadbenchServer;
  let wideRunId: string;
  let wideCreated: boolean | undefined;
  const logged: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (line.trim()) logged.push(JSON.parse(line) as Record<string, unknown>);
        }
        callback();
      },
    });
    server = await createServer(
      testServerConfig(await databases.newUrl(), { tokens: [{ name: "ci", secret: token }] }),
      { logger: pino({ level: "warn" }, logStream) },
    );
    for (let index = 0; index < plantedRuns; index++) {
      const result = await post(server, ingest, { input: document(index, "planted", plantedCells(index)) });
      expect(result.errors).toBeUndefined();
    }
    const wide = await post<{ ingestRun: { created: boolean; run: { id: string } } }>(server, ingest, {
      input: document(plantedRuns, "wide", wideCells),
    });
    expect(wide.errors).toBeUndefined();
    wideRunId = wide.data?.ingestRun.run.id as string;
    wideCreated = wide.data?.ingestRun.created;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it("checks the wide run for regressions like any other (the server logs no failed check)", () => {
    // Stored now (not an earlier copy), and ingestRun answers after its check: a failed
    // check would be a warning or error line by now.
    expect(wideCreated).toBe(true);
    expect(logged.filter((line) => Number(line.level) >= 40)).toEqual([]);
  });

  it("reads the wide run with every sample of its 1,100 cells", async () => {
    const result = await post<{
      run: { measurements: Array<{ mode: string; threads: number; samples: Array<{ wallMs: number }> }> };
    }>(server, "query($id: ID!) { run(id: $id) { measurements { mode threads samples { wallMs } } } }", {
      id: wideRunId,
    });
    expect(result.errors).toBeUndefined();
    const measurements = result.data?.run.measurements ?? [];
    expect(measurements).toHaveLength(modes.length * threads.length);
    expect(measurements.every((measurement) => measurement.samples.length === 3)).toBe(true);
    const cell = measurements.find(
      (measurement) => measurement.mode === "mode-3" && measurement.threads === 42,
    );
    for (const sample of cell?.samples ?? []) expect(sample.wallMs).toBeCloseTo(47, 0);
  });

  it("pages runs with their samples across more than 999 cells", async () => {
    const result = await post<{
      runs: { nodes: Array<{ id: string; measurements: Array<{ samples: Array<{ wallMs: number }> }> }> };
    }>(server, "{ runs(first: 5) { nodes { id measurements { samples { wallMs } } } } }");
    expect(result.errors).toBeUndefined();
    const samples = (result.data?.runs.nodes ?? []).flatMap((run) =>
      run.measurements.flatMap((measurement) => measurement.samples),
    );
    expect(samples).toHaveLength(3 * (wideCells.length + 4 * plantedCells(0).length));
  });

  it("filters regressions by branch and workload though the branch has over 1,100 series", async () => {
    const all = await post<{ regressions: { totalCount: number; nodes: Array<{ id: string }> } }>(
      server,
      "{ regressions(first: 100) { totalCount nodes { id } } }",
    );
    expect(all.errors).toBeUndefined();
    // The planted step: wall time, efficiency and serial fraction of worker-threads x4.
    expect(all.data?.regressions.totalCount).toBeGreaterThanOrEqual(1);
    const ids = all.data?.regressions.nodes.map((node) => node.id);
    for (const filter of [
      '{ branch: "main" }',
      '{ workload: "sum-squares" }',
      '{ branch: "main", status: [OPEN] }',
    ]) {
      const filtered = await post<{ regressions: { totalCount: number; nodes: Array<{ id: string }> } }>(
        server,
        `{ regressions(filter: ${filter}, first: 100) { totalCount nodes { id } } }`,
      );
      expect(filtered.errors, filter).toBeUndefined();
      expect(filtered.data?.regressions.totalCount, filter).toBe(all.data?.regressions.totalCount);
      expect(
        filtered.data?.regressions.nodes.map((node) => node.id),
        filter,
      ).toEqual(ids);
    }
    const elsewhere = await post<{ regressions: { totalCount: number; nodes: unknown[] } }>(
      server,
      '{ regressions(filter: { branch: "dev" }) { totalCount nodes { id } } }',
    );
    expect(elsewhere.data?.regressions).toEqual({ totalCount: 0, nodes: [] });
  });

  it("pages regressions of a branch with a cursor, newest first, each once", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: GraphQLResponse<{
        regressions: {
          nodes: Array<{ id: string }>;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      }> = await post(
        server,
        `query($after: String) { regressions(filter: { branch: "main" }, first: 1, after: $after) {
          nodes { id } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(result.errors).toBeUndefined();
      seen.push(...(result.data?.regressions.nodes.map((node) => node.id) ?? []));
      if (!result.data?.regressions.pageInfo.hasNextPage) break;
      after = result.data.regressions.pageInfo.endCursor;
    }
    const all = await post<{ regressions: { nodes: Array<{ id: string }> } }>(
      server,
      "{ regressions(first: 100) { nodes { id } } }",
    );
    expect(seen).toEqual(all.data?.regressions.nodes.map((node) => node.id));
  });
});
