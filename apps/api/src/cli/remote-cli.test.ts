import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CellResult, seededRandom } from "@threadbench/core";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client.js";
import { repoRoot } from "../db/repo-root.js";
import { listRuns } from "../db/run-list.js";
import { storeRunResult } from "../db/run-repository.js";
import { createToken } from "../db/token-repository.js";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import { type CliOutcome, runCli } from "../test/cli-capture.js";
import { describeEachDatabase } from "../test/databases.js";
import { makeRunResult } from "../test/run-factories.js";
import { testServerConfig } from "../test/server-config.js";
import { openLocalStore } from "./local-store.js";
import { RemoteStore } from "./remote-store.js";

// `--server`: every reading and storing command, once on the database (DATABASE_URL)
// and once through a real API (createServer, real HTTP) on the same data, must print the
// same and exit the same. SQLite and PostgreSQL.

const adminSecret = "remote-cli-admin-0123456789";

const testConfig = (databaseUrl: string) =>
  testServerConfig(databaseUrl, { tokens: [{ name: "ci", secret: adminSecret }] });

/** An ingest document of one run at `level` ms per task, with seeded noise. */
function ingestDocument(index: number, level: number): Record<string, unknown> {
  const random = seededRandom(2000 + index);
  const samples = (scale: number) =>
    Array.from({ length: 5 }, () => ({ wallMs: level * scale * (1 + random() * 0.03) }));
  return {
    formatVersion: 1,
    idempotencyKey: `remote-history-${index}`,
    workload: "py-sum",
    params: { n: 1000 },
    branch: "main",
    commitSha: (0x1000000 + index).toString(16).padStart(40, "a"),
    labels: ["ci", "remote"],
    startedAt: new Date(Date.UTC(2026, 2, 1) + index * 86_400_000).toISOString(),
    testbed: {
      hostname: "ci-1",
      os: "linux",
      arch: "x64",
      cpuModel: "Test CPU",
      logicalCores: 4,
      memoryBytes: 8 * 1024 ** 3,
      runtime: "cpython",
      runtimeVersion: "3.13.1",
    },
    measurements: [
      { mode: "sequential", threads: 1, samples: samples(1) },
      { mode: "threads", threads: 2, samples: samples(0.55) },
    ],
  };
}

/**
 * Replaces what differs between two databases given the same inputs: random ids (in
 * order of appearance) and the times runs were stored.
 */
function normalize(text: string): string {
  const ids = new Map<string, string>();
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
      if (!ids.has(id)) ids.set(id, `<id-${ids.size + 1}>`);
      return ids.get(id) as string;
    })
    .replace(/"(createdAt|updatedAt|recordedAt|statusChangedAt)": "[^"]+"/g, '"$1": "<date>"')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?/g, "<date>");
}

describeEachDatabase("threadbench --server", (databases) => {
  let server: ThreadbenchServer;
  let serverUrl: string;
  let localUrl: string;
  let scratch: string;
  const ids: Record<string, string> = {};
  const ingestOutputs: Array<{ local: CliOutcome; remote: CliOutcome }> = [];

  const local = (...argv: string[]) => runCli(argv, { DATABASE_URL: serverUrl }, { cwd: scratch });
  const remote = (...argv: string[]) =>
    runCli(
      [...argv, "--server", server.url.replace(/\/graphql$/, "")],
      { THREADBENCH_TOKEN: adminSecret },
      {
        cwd: scratch,
      },
    );
  /** The same command both ways: the same stdout, stderr and exit code. */
  async function same(...argv: string[]): Promise<CliOutcome> {
    const onDatabase = await local(...argv);
    const throughApi = await remote(...argv);
    expect(throughApi).toEqual(onDatabase);
    return onDatabase;
  }

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "threadbench-remote-cli-"));
    serverUrl = await databases.newUrl();
    localUrl = await databases.newUrl();
    server = await createServer(testConfig(serverUrl), { logger: pino({ level: "silent" }) });

    // A history with a 25% step, ingested through the API and, the same files, into a
    // second database with the local CLI.
    const levels = [...Array.from({ length: 30 }, () => 100), ...Array.from({ length: 8 }, () => 125)];
    for (const [index, level] of levels.entries()) {
      const file = join(scratch, `run-${index}.json`);
      writeFileSync(file, JSON.stringify(ingestDocument(index, level)));
      const onDatabase = await runCli(["ingest", file], { DATABASE_URL: localUrl }, { cwd: scratch });
      const throughApi = await remote("ingest", file);
      ingestOutputs.push({ local: onDatabase, remote: throughApi });
    }

    // Runner runs on three branches (and one with a failed cell and shared-memory reports).
    const database: Database = server.database;
    const plan = { threads: [1, 2], repetitions: 10 };
    // Six runs of history on main (the check judges against them; the last is "main").
    const runs: Array<[name: string, branch: string, taskMs: number, seed: number]> = [
      ...Array.from({ length: 5 }, (_, index): [string, string, number, number] => [
        `main-${index}`,
        "main",
        10,
        5 + index,
      ]),
      ["main", "main", 10, 1],
      ["slower", "feature-slow", 12, 2],
      ["same", "feature-same", 10, 3],
      ["broken", "feature-broken", 10, 4],
    ];
    for (const [index, [name, branch, taskMs, seed]] of runs.entries()) {
      const result = makeRunResult({
        seed,
        taskMs,
        plan,
        startedAt: new Date(Date.UTC(2026, 5, 1, index)).toISOString(),
      });
      if (name === "broken") {
        const cell = result.cells[3];
        if (cell) Object.assign(cell, { status: "failed", error: "worker crashed" });
        const first = result.cells[0];
        const report = { variant: "plain", expected: 4000, observed: 3100, lostUpdates: 900 };
        if (first) {
          first.sharedMemory = [report];
          Object.assign(first.samples[0] ?? {}, { sharedMemory: [report] });
        }
      }
      ids[name] = (
        await storeRunResult(database, result, {
          branch,
          commitSha: `${seed}`.repeat(40),
          labels: ["runner", name],
        })
      ).run.id;
    }
  });

  afterAll(async () => {
    await server?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("ingest prints the same through the API as on a database, regressions included", () => {
    expect(ingestOutputs).toHaveLength(38);
    for (const { local: onDatabase, remote: throughApi } of ingestOutputs) {
      expect(throughApi.code, throughApi.stderr).toBe(0);
      expect(normalize(throughApi.stdout)).toBe(normalize(onDatabase.stdout));
      expect(throughApi.stderr).toBe(onDatabase.stderr);
    }
    const found = ingestOutputs.flatMap(({ remote: throughApi }) =>
      throughApi.stdout.split("\n").filter((line) => line.startsWith("REGRESSION")),
    );
    expect(found).toHaveLength(2);
  });

  it("ingest --json and a repeated ingest print the same", async () => {
    const file = join(scratch, "run-37.json");
    const onDatabase = await runCli(["ingest", file, "--json"], { DATABASE_URL: localUrl }, { cwd: scratch });
    const throughApi = await remote("ingest", file, "--json");
    expect(throughApi.code).toBe(onDatabase.code);
    expect(normalize(throughApi.stdout)).toBe(normalize(onDatabase.stdout));
    expect(throughApi.stdout).toContain('"created": false');
    const again = await remote("ingest", file);
    expect(again.stdout).toMatch(
      /already stored as run \S+ \(idempotency key "remote-history-37"\): nothing stored\n$/,
    );
  });

  it("runs: the table, filters, pages and JSON", async () => {
    const table = await same("runs");
    expect(table.stdout).toMatch(/^ID\s+CREATED \(UTC\)\s+STATUS\s+/);
    expect(table.stdout).toContain("more: threadbench runs ... --cursor ");
    await same("runs", "--json");
    await same("runs", "--branch", "main", "--status", "succeeded,failed", "--limit", "5");
    const cursor = /--cursor (\S+)/.exec(table.stdout)?.[1] as string;
    await same("runs", "--cursor", cursor, "--json");
    await same("runs", "--label", "runner", "--mode", "worker-threads", "--threads", "2");
    await same("runs", "--commit", "1111", "--real");
    await same("runs", "--seeded");
    await same("runs", "--workload", "no-such-workload");
    const bad = await same("runs", "--status", "finished");
    expect(bad.code).toBe(2);
  });

  it("show: text, samples, JSON, and an unknown run", async () => {
    for (const name of ["main", "broken"]) {
      const id = ids[name] as string;
      const text = await same("show", id);
      expect(text.stdout).toContain(`run       ${id}  succeeded`);
      await same("show", id, "--samples");
      const json = await same("show", id, "--json");
      expect(json.stdout).toContain('"samples": [');
    }
    const broken = JSON.parse((await remote("show", ids.broken as string, "--json")).stdout);
    expect(broken.measurements[0].samples[0].sharedMemory).toEqual([
      { variant: "plain", expected: 4000, observed: 3100, lostUpdates: 900 },
    ]);
    const missing = await same("show", "no-such-run");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('threadbench show: run "no-such-run" was not found\n');
  });

  it("compare: verdicts, failed cells, JSON", async () => {
    const slower = await same("compare", ids.main as string, ids.slower as string);
    expect(slower.stdout).toContain("4 slower, 0 faster, 0 unchanged, 0 noisy");
    const failed = await same("compare", ids.main as string, ids.broken as string);
    expect(failed.stdout).toContain("failed (base succeeded, head failed)");
    await same("compare", ids.main as string, ids.same as string, "--json");
    expect((await same("compare", ids.main as string, "nope")).code).toBe(1);
  });

  it("regressions: the table, filters and JSON", async () => {
    const table = await same("regressions");
    expect(table.stdout).toContain("py-sum threads x2 on main");
    await same("regressions", "--status", "open", "--json");
    await same("regressions", "--kind", "regression", "--limit", "1");
    await same("regressions", "--status", "fixed");
    // --metric crosses the API as regressions(filter: { metric }): the same rows as the local store.
    const wallTime = await same("regressions", "--metric", "wall-time", "--json");
    expect(JSON.parse(wallTime.stdout).length).toBeGreaterThan(0);
    expect((await same("regressions", "--metric", "efficiency")).stdout).toBe("no regressions match\n");
  });

  it("check: exit codes and every format", async () => {
    const slow = await same("check", "--base", "main", "--branch", "feature-slow");
    expect(slow.code).toBe(1);
    expect(slow.stdout).toContain("REGRESSION against main:");
    await same("check", "--base", "main", "--branch", "feature-slow", "--json");
    const markdown = await same(
      "check",
      "--base",
      "main",
      "--branch",
      "feature-slow",
      "--format",
      "markdown",
    );
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain("### ❌ threadbench: regression on `feature-slow` against `main`");
    expect((await same("check", "--base", "main", "--branch", "feature-same")).code).toBe(0);
    await same("check", "--base", "main", "--branch", "feature-slow", "--min-effect", "30");
    // The gate's options travel to the server (CheckInput.gate) and decide there alike.
    const thresholds = join(scratch, "thresholds.json");
    writeFileSync(
      thresholds,
      JSON.stringify({
        history: 3,
        rules: [{ match: { mode: "worker-threads" }, model: "percentage", boundary: 0.5 }],
      }),
    );
    const ruled = await same(
      "check",
      "--base",
      "main",
      "--branch",
      "feature-slow",
      "--thresholds",
      thresholds,
    );
    expect(ruled.stdout).toContain("against the 3 most recent runs on main");
    expect(ruled.stdout).toMatch(/worker-threads x2\s+3\s+.*percentage 0\.5, min 2%\s+pass/);
    await same("check", "--base", "release", "--branch", "feature-slow", "--format", "markdown");
    await same("check", "--base", "main", "--branch", "feature-slow", "--run", ids.same as string);
    const nothing = await same("check", "--base", "main", "--branch", "never-ran");
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain("never-ran");
  });

  it("pages through the API's page size to the CLI's limit with the same cursor", async () => {
    const store = new RemoteStore({
      url: server.url,
      source: "--server",
      token: null,
      signal: new AbortController().signal,
      pageSize: 3,
    });
    const throughApi = await store.listRuns({}, { limit: 8, cursor: null });
    const onDatabase = await listRuns(server.database, {}, { limit: 8 });
    expect(throughApi).toEqual(onDatabase);
    expect(throughApi.nextCursor).not.toBeNull();
    const next = await store.listRuns({}, { limit: 8, cursor: throughApi.nextCursor });
    expect(next).toEqual(await listRuns(server.database, {}, { limit: 8, cursor: onDatabase.nextCursor }));
  });

  it("run --server executes here and stores the run on the server exactly as the runner made it", async () => {
    const sha = "c0ffee".padEnd(40, "0");
    const argv = [
      "run",
      "--workload",
      "sum-squares",
      "--param",
      "n=20000",
      "--threads",
      "1,2",
      "--modes",
      "sequential,event-loop",
      "--repetitions",
      "2",
      "--warmups",
      "0",
      "--no-progress",
      "--branch",
      "feature-run",
      "--commit",
      sha,
      "--label",
      "via-server",
    ];
    const text = await remote(...argv);
    // Another process's benchmark may hold the machine lock for a while: that is said, and waited for.
    expect(text.stderr.replace(/^threadbench run: waiting for another run on this machine.*\n/gm, "")).toBe(
      "",
    );
    expect(text.code).toBe(0);
    const id = /stored {4}run (\S+) at c0ffee000000 on feature-run \(threadbench show \S+\)/.exec(
      text.stdout,
    )?.[1];
    expect(id).toBeDefined();
    const json = await remote(...argv, "--json");
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as {
      id: string;
      cells: Array<{ mode: string; threads: number; speedup: number; samples: Array<{ wallMs: number }> }>;
    };
    // What the server stored is what the runner measured (its own speedups, not recomputed).
    const stored = JSON.parse((await local("show", result.id, "--json")).stdout) as {
      source: string;
      branch: string;
      commitSha: string;
      labels: string[];
      environment: { v8Version: string };
      measurements: Array<{
        mode: string;
        threads: number;
        speedup: number;
        samples: Array<{ wallMs: number }>;
      }>;
    };
    expect(stored).toMatchObject({
      source: "runner",
      branch: "feature-run",
      commitSha: sha,
      labels: ["via-server"],
    });
    expect(stored.environment.v8Version).toBe(process.versions.v8);
    for (const cell of result.cells) {
      const measurement = stored.measurements.find(
        (candidate) => candidate.mode === cell.mode && candidate.threads === cell.threads,
      );
      // (PostgreSQL's float8 text form may drop the last of 17 digits.)
      expect(measurement?.speedup).toBeCloseTo(cell.speedup, 12);
      const storedWall = measurement?.samples.map((sample) => sample.wallMs) ?? [];
      expect(storedWall).toHaveLength(cell.samples.length);
      for (const [index, sample] of cell.samples.entries()) {
        expect(storedWall[index]).toBeCloseTo(sample.wallMs, 9);
      }
    }
    const both = await remote("run", "--no-store", "--workload", "sum-squares");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--no-store and --server exclude each other");
  });

  const tinyRun = [
    "run",
    "-p",
    "n=1000",
    "--threads",
    "1",
    "-r",
    "1",
    "--modes",
    "sequential",
    "--no-progress",
  ];

  it("run --server refuses a bad --commit before running, not after (the run was lost)", async () => {
    const before = await listRuns(server.database, {}, { limit: 500 });
    const bad = await remote(...tinyRun, "--commit", "xyz");
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain(
      '--commit: "xyz" is not allowed (expected a commit SHA: 4 to 64 hexadecimal digits)',
    );
    expect((await listRuns(server.database, {}, { limit: 500 })).runs).toHaveLength(before.runs.length);
  });

  it("run --server stores a label with a space, which ingestRun accepts too (recordRun refused it)", async () => {
    const text = await remote(...tinyRun, "--label", "nightly build", "--branch", "feature-label");
    expect(text.code).toBe(0);
    const id = /stored {4}run (\S+)/.exec(text.stdout)?.[1] as string;
    const stored = JSON.parse((await local("show", id, "--json")).stdout) as { labels: string[] };
    expect(stored.labels).toEqual(["nightly build"]);
  });

  it("run --server prints the results and says the run was NOT stored when the server refuses it", async () => {
    const { secret } = await createToken(server.database, { name: "read-only-runner", scopes: ["read"] });
    const refused = await runCli(
      [...tinyRun, "--server", server.url],
      { THREADBENCH_TOKEN: secret },
      { cwd: scratch },
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/sequential\s+1/);
    expect(refused.stdout).toContain("status    succeeded");
    expect(refused.stdout).toContain("stored    NO: the server refused the run, it is not kept");
    expect(refused.stderr).toContain("the run finished but was NOT stored: the server refused it:");
    expect(refused.stderr).toContain('"ingest" scope');
    const json = await runCli(
      [...tinyRun, "--json", "--server", server.url],
      { THREADBENCH_TOKEN: secret },
      { cwd: scratch },
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: null, status: "succeeded" });
    expect(JSON.parse(json.stdout).notStored).toContain('"ingest" scope');
  });

  it("recordRun keeps a CPython run's testbed (GIL state) and project: the same run as stored locally", async () => {
    const result = makeRunResult({
      seed: 9,
      plan: { modes: ["sequential", "threading"], threads: [1, 2], repetitions: 3 },
      environment: {
        runtime: "cpython",
        runtimeVersion: "3.13.1",
        v8Version: null,
        gilEnabled: false,
        freeThreadedBuild: true,
      },
      startedAt: "2026-07-01T00:00:00.000Z",
    });
    const options = {
      commitSha: "d".repeat(40),
      // A whole message: the store keeps its first line, on either path.
      commitMessage: "Pool: reuse workers between cells\n\nThe pool was torn down after every cell.",
      branch: "main",
      labels: ["python"],
      project: "acme/bench",
      idempotencyKey: "record-1",
    };
    const store = new RemoteStore({
      url: server.url,
      source: "--server",
      token: adminSecret,
      signal: new AbortController().signal,
    });
    const throughApi = await store.recordRun(result, options);
    const again = await store.recordRun(result, options);
    expect(again).toMatchObject({ created: false, run: { id: throughApi.run.id } });
    const io = {
      stdout: process.stdout,
      stderr: process.stderr,
      env: {},
      cwd: scratch,
      signal: new AbortController().signal,
    };
    const localStore = await openLocalStore(localUrl, io);
    let onDatabase: Awaited<ReturnType<typeof localStore.recordRun>>;
    try {
      onDatabase = await localStore.recordRun(result, options);
    } finally {
      await localStore.close();
    }
    expect(throughApi.run.testbed).toMatchObject({
      runtime: "cpython",
      gilEnabled: false,
      freeThreadedBuild: true,
    });
    expect(throughApi.run.testbed?.fingerprint).toBe(onDatabase.run.testbed?.fingerprint);
    expect(throughApi.run.project).toBe("acme/bench");
    expect(throughApi.run.commitMessage).toBe("Pool: reuse workers between cells");
    expect(onDatabase.run.commitMessage).toBe("Pool: reuse workers between cells");
    expect((await local("show", throughApi.run.id)).stdout).toContain(
      "\nmessage   Pool: reuse workers between cells\n",
    );
    const shown = normalize((await local("show", throughApi.run.id, "--json")).stdout).replace(
      /"requestedBy": "ci"/,
      '"requestedBy": null',
    );
    const shownLocally = normalize(
      (await runCli(["show", onDatabase.run.id, "--json"], { DATABASE_URL: localUrl }, { cwd: scratch }))
        .stdout,
    );
    expect(shown).toBe(shownLocally);
  });

  it("recordRun refuses a bad document naming the field, and a token without the ingest scope", async () => {
    const post = async (result: unknown, token = adminSecret) => {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: "mutation($result: JSON!) { recordRun(result: $result) { created } }",
          variables: { result },
        }),
      });
      return (await response.json()) as {
        errors?: Array<{ message: string; extensions: { code: string; issues?: Array<{ path: string }> } }>;
      };
    };
    const good = makeRunResult({ seed: 11 });
    const bad = { ...good, cells: [{ ...good.cells[0], threads: 0 }] };
    const refused = await post(bad);
    expect(refused.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    expect(refused.errors?.[0]?.extensions.issues?.map((issue) => issue.path)).toContain(
      "result.cells.0.threads",
    );
    const stranger = await post({ ...good, plan: { ...good.plan, threads: [1] } });
    expect(stranger.errors?.[0]?.message).toMatch(/is not in the plan/);
    // A sample index twice: refused by the same check as an agent's cells, not a UNIQUE error.
    const [first, ...others] = good.cells as [CellResult, ...CellResult[]];
    const repeated = await post({
      ...good,
      cells: [{ ...first, samples: [first.samples[0], ...first.samples.slice(0, -1)] }, ...others],
    });
    expect(repeated.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    expect(repeated.errors?.[0]?.extensions.issues?.map((issue) => issue.path)).toEqual([
      "result.cells.0.samples.1.index",
    ]);
    const long = (await (
      await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${adminSecret}` },
        body: JSON.stringify({
          query:
            "mutation($result: JSON!, $m: String) { recordRun(result: $result, commitMessage: $m) { created } }",
          variables: { result: good, m: "x".repeat(10_001) },
        }),
      })
    ).json()) as {
      errors?: Array<{
        message: string;
        extensions: { code: string; issues?: Array<{ path: string; message: string }> };
      }>;
    };
    expect(long.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    expect(long.errors?.[0]?.extensions.issues?.[0]).toMatchObject({ path: "commitMessage" });
    expect(long.errors?.[0]?.extensions.issues?.[0]?.message).toMatch(/at most 10,?000 characters/);
    const { secret } = await createToken(server.database, { name: "only-read", scopes: ["read"] });
    const forbidden = await post(good, secret);
    expect(forbidden.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(forbidden.errors?.[0]?.message).toContain('"ingest" scope');
  });

  it("names the token it sends when the API refuses a write", async () => {
    const file = join(scratch, "run-0.json");
    const anonymous = await runCli(["ingest", file, "--server", server.url], {}, { cwd: scratch });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(
      /^threadbench ingest: .*API token.*set THREADBENCH_TOKEN to the token the CLI should send\)\n$/,
    );
    const { secret } = await createToken(server.database, { name: "reader", scopes: ["read"] });
    const reader = await runCli(
      ["ingest", file, "--server", server.url],
      { THREADBENCH_TOKEN: secret },
      { cwd: scratch },
    );
    expect(reader.code).toBe(1);
    expect(reader.stderr).toContain('needs a token with the "ingest" scope; the token "reader" has: read');
    expect(reader.stderr).toContain("the CLI sends THREADBENCH_TOKEN");
    // Reads need no token on an open server.
    expect((await runCli(["runs", "--server", server.url], {}, { cwd: scratch })).code).toBe(0);
  });

  it("ingest of a harness file names each run by its parameters through the API too (it printed only the workload)", async () => {
    // Four Go benchmarks that differ only in their parameters: through the API all four
    // were "stored run ... (example.invalid/sumsq.BenchmarkSumSquares, ...)".
    const file = join(repoRoot(), "packages", "adapters", "fixtures", "go", "go-test-bench-sum-squares.txt");
    const onDatabase = await runCli(["ingest", file], { DATABASE_URL: localUrl }, { cwd: scratch });
    const throughApi = await remote("ingest", file);
    expect(throughApi.code, throughApi.stderr).toBe(0);
    expect(normalize(throughApi.stdout)).toBe(normalize(onDatabase.stdout));
    expect(throughApi.stdout).toContain("BenchmarkSumSquares n=5000000 goroutines=2,");
  });
});

describe("threadbench --server errors", () => {
  it("a bad --server URL is a usage error naming the flag", async () => {
    const bad = await runCli(["runs", "--server", "not a url"], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")[0]).toBe(
      'threadbench runs: --server: "not a url" is not allowed (allowed: the http:// or https:// URL of a threadbench API, e.g. https://threadbench.example.com or http://127.0.0.1:4000/graphql)',
    );
    const variable = await runCli(["regressions"], { THREADBENCH_SERVER_URL: "ftp://example.com" });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain('THREADBENCH_SERVER_URL: "ftp://example.com" is not allowed');
  });

  it("an unreachable server is one line naming the flag, with no stack trace", async () => {
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await runCli(["show", "x", "--server", `http://127.0.0.1:${port}`], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `threadbench show: cannot reach the threadbench API at http://127.0.0.1:${port}/graphql (--server): ECONNREFUSED\n`,
    );
    const fromVariable = await runCli(["check", "--base", "main", "--branch", "x"], {
      THREADBENCH_SERVER_URL: `http://127.0.0.1:${port}/graphql`,
    });
    expect(fromVariable.stderr).toContain("(THREADBENCH_SERVER_URL): ECONNREFUSED");
  });

  it("a server that is not a threadbench API says so", async () => {
    const page = createHttpServer((_request, response) => {
      response.setHeader("content-type", "text/html");
      response.end("<html>hello</html>");
    });
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
    const port = (page.address() as AddressInfo).port;
    try {
      const result = await runCli(["regressions", "--server", `http://127.0.0.1:${port}/`], {});
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `threadbench regressions: the threadbench API at http://127.0.0.1:${port}/graphql (--server) did not answer as a threadbench API (HTTP 200, not a GraphQL response): check the URL\n`,
      );
    } finally {
      await new Promise<void>((resolve) => page.close(() => resolve()));
    }
  });
});
