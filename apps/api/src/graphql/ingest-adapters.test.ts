import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { main } from "../cli/main.js";
import type { Database } from "../db/client.js";
import { ingestExamplePaths } from "../db/ingest-schema-file.js";
import { repoRoot } from "../db/repo-root.js";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import { describeEachDatabase } from "../test/databases.js";
import { testServerConfig } from "../test/server-config.js";

// ingestRun(adapter:) over real HTTP against createServer(), SQLite and PostgreSQL, with
// the real harness files of packages/adapters/fixtures: the path `threadbench ingest` takes.

const token = "adapter-test-token-0123456789";
const fixtures = join(repoRoot(), "packages", "adapters", "fixtures");
const fixture = (path: string) => readFileSync(join(fixtures, path), "utf8");

const testConfig = (databaseUrl: string) =>
  testServerConfig(databaseUrl, { tokens: [{ name: "ci", secret: token }] });

interface Payload {
  adapter: string;
  detected: boolean;
  created: boolean;
  run: { id: string; harness: string; status: string };
  runs: Array<{
    created: boolean;
    run: { id: string; workloadId: string; harness: string; status: string; error: string | null };
  }>;
}

interface Response {
  data?: { ingestRun: Payload } | null;
  errors?: Array<{
    message: string;
    extensions?: { code?: string; issues?: Array<{ path: string; message: string }> };
  }>;
}

const mutation = `mutation Ingest($input: JSON!, $adapter: String, $options: IngestOptions) {
  ingestRun(input: $input, adapter: $adapter, options: $options) {
    adapter detected created run { id harness status }
    runs { created run { id workloadId harness status error } }
  }
}`;

const machine = {
  hostname: "ci-runner-3",
  os: "Linux",
  arch: "x86_64",
  cpuModel: "AMD EPYC",
  logicalCores: 2,
  memoryBytes: 25_000_000_000,
};

describeEachDatabase("ingestRun with adapters", (databases) => {
  let server: ThreadbenchServer;
  let database: Database;

  beforeAll(async () => {
    const url = await databases.newUrl();
    server = await createServer(testConfig(url), { logger: pino({ level: "silent" }) });
    database = await databases.reopen(url);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function ingest(variables: Record<string, unknown>): Promise<Response> {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: mutation, variables }),
    });
    return (await response.json()) as Response;
  }

  it("stores a harness's file sent as text, one run per benchmark, and never twice", async () => {
    const variables = {
      input: fixture("go/go-test-bench-sum-squares.txt"),
      adapter: "auto",
      options: { testbed: machine, checkout: { commitSha: "abc1234def", branch: "main" }, labels: ["ci"] },
    };
    const first = await ingest(variables);
    expect(first.errors).toBeUndefined();
    const payload = first.data?.ingestRun as Payload;
    expect([payload.adapter, payload.detected, payload.created]).toEqual(["go-bench", true, true]);
    expect(payload.runs.map(({ run }) => [run.workloadId, run.harness, run.status])).toEqual([
      ["example.invalid/sumsq.BenchmarkSumSquares", "go-bench", "SUCCEEDED"],
      ["example.invalid/sumsq.BenchmarkSumSquares", "go-bench", "SUCCEEDED"],
      ["example.invalid/sumsq.BenchmarkSumSquares", "go-bench", "SUCCEEDED"],
      ["example.invalid/sumsq.BenchmarkSumSquaresParallel", "go-bench", "SUCCEEDED"],
    ]);
    const stored = await database.prisma.run.findUniqueOrThrow({
      where: { id: payload.run.id },
      include: { testbed: true, labels: true },
    });
    expect(stored).toMatchObject({ commitSha: "abc1234def", branch: "main", harness: "go-bench" });
    expect(stored.labels.map((label) => label.label)).toEqual(["ci"]);
    // The file's goos/goarch/cpu, normalised; the rest from options.testbed.
    expect(stored.testbed).toMatchObject({
      hostname: "ci-runner-3",
      os: "linux",
      arch: "x64",
      logicalCores: 2,
    });

    const again = await ingest(variables);
    expect(again.data?.ingestRun.runs.map((run) => run.created)).toEqual([false, false, false, false]);
    expect(again.data?.ingestRun.runs.map((run) => run.run.id)).toEqual(
      payload.runs.map((run) => run.run.id),
    );
    expect(await database.prisma.run.count({ where: { harness: "go-bench" } })).toBe(4);
  });

  it("takes a JSON harness file as a JSON value too, with a named adapter", async () => {
    const result = await ingest({
      input: JSON.parse(fixture("pyperf/pyperf-bench-sum-squares-py3.11.json")),
      adapter: "pyperf",
      options: { testbed: { memoryBytes: 25_000_000_000 } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.ingestRun).toMatchObject({ adapter: "pyperf", detected: false, created: true });
    const run = await database.prisma.run.findUniqueOrThrow({
      where: { id: result.data?.ingestRun.run.id as string },
      include: { measurements: { include: { samples: true } } },
    });
    expect(run.workloadId).toBe("sum_squares");
    expect(run.measurements).toHaveLength(6);
    expect(run.measurements.every((measurement) => measurement.samples.length === 20)).toBe(true);
  });

  it("answers bad input with BAD_USER_INPUT naming the argument, the field and what is allowed", async () => {
    const unknownAdapter = await ingest({ input: "x", adapter: "junit" });
    expect(unknownAdapter.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(unknownAdapter.errors?.[0]?.extensions?.issues?.[0]?.path).toBe("adapter");
    expect(unknownAdapter.errors?.[0]?.message).toMatch(
      /"junit" is not an adapter \(allowed: auto, threadbench/,
    );

    const noMachine = await ingest({
      input: fixture("bmf/bmf-sum-squares-cpython-3.11.json"),
      adapter: "auto",
    });
    expect(noMachine.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(noMachine.errors?.[0]?.extensions?.issues?.map((issue) => issue.path)).toContain(
      "options.testbed.memoryBytes",
    );

    const badValue = await ingest({
      input: fixture("google-benchmark/gbench-sum-squares.json").replace(
        '"time_unit": "ns"',
        '"time_unit": "weeks"',
      ),
      adapter: "google-benchmark",
      options: { testbed: machine },
    });
    expect(badValue.errors?.[0]?.extensions?.issues).toEqual([
      {
        path: "input.benchmarks[0].time_unit",
        message: 'expected a time unit (ps, ns, us (µs), ms, s), got "weeks"',
      },
    ]);

    const badOption = await ingest({ input: "x", adapter: "auto", options: { commitSha: "not-a-sha" } });
    expect(badOption.errors?.[0]?.extensions?.issues).toEqual([
      { path: "options.commitSha", message: "expected a commit SHA: 4 to 64 hexadecimal digits" },
    ]);
  });

  it("fails the cell whose checksum disagrees with the baseline, without an adapter too", async () => {
    const document = JSON.parse(readFileSync(ingestExamplePaths()[0] as string, "utf8")) as Record<
      string,
      unknown
    > & {
      measurements: Array<{ mode: string; checksum?: string }>;
    };
    delete document.$schema;
    document.idempotencyKey = "checksum-mismatch-graphql";
    const multiprocessing = document.measurements.find((cell) => cell.mode === "multiprocessing");
    if (multiprocessing) multiprocessing.checksum = "1";
    const result = await ingest({ input: document });
    expect(result.errors).toBeUndefined();
    expect(result.data?.ingestRun.run.status).toBe("FAILED");
    const cell = await database.prisma.measurement.findFirstOrThrow({
      where: { runId: result.data?.ingestRun.run.id as string, mode: "multiprocessing" },
    });
    expect(cell).toMatchObject({ status: "failed", checksumStatus: "mismatch" });
    expect(cell.error).toBe("checksum 1 differs from the sequential baseline 333333283333335000000");
  });

  it("threadbench ingest --server posts the file through ingestRun(adapter:) with this machine's facts", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "threadbench-ingest-server-"));
    try {
      const cli = async (argv: string[], stdin?: string) => {
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        let out = "";
        let err = "";
        stdout.on("data", (chunk) => (out += chunk));
        stderr.on("data", (chunk) => (err += chunk));
        const code = await main(argv, {
          stdout,
          stderr,
          env: {
            ...process.env,
            THREADBENCH_TOKEN: token,
            THREADBENCH_SERVER_URL: "",
            DATABASE_URL: "file:/nonexistent/never-opened.db",
          },
          cwd,
          signal: new AbortController().signal,
          ...(stdin !== undefined ? { stdin: Readable.from([Buffer.from(stdin)]) } : {}),
        });
        return { code, stdout: out, stderr: err };
      };
      const text = fixture("go/go-test-json-cpu-count-fail.jsonl");
      const first = await cli(["ingest", "--server", server.url, "--label", "remote", "-"], text);
      // BenchmarkBroken failed in the file: stored failed, exit 1, named.
      expect(first.code, first.stderr).toBe(1);
      expect(first.stdout).toMatch(/^detected go-bench/);
      expect(first.stdout.match(/^stored run /gm)).toHaveLength(4);
      expect(first.stderr).toMatch(
        /BenchmarkBroken\) failed: benchmark x1: sumsq_test.go:57: broken on purpose/,
      );
      const stored = await database.prisma.run.findMany({
        where: { labels: { some: { label: "remote" } } },
        include: { testbed: true },
      });
      expect(stored).toHaveLength(4);
      // The CLI sent its own machine (the file has no memory size), normalised like a native run's.
      expect(stored[0]?.testbed?.memoryBytes).toBeGreaterThan(0n);
      expect(stored[0]?.harness).toBe("go-bench");
      const again = await cli(["ingest", "--server", server.url, "-"], text);
      expect(again.stdout.match(/nothing stored/g)).toHaveLength(4);
      const directory = await cli([
        "ingest",
        "--server",
        server.url,
        join(fixtures, "criterion/target-criterion"),
      ]);
      expect(directory.code).toBe(2);
      expect(directory.stderr).toMatch(
        /a directory \(Criterion's target\/criterion\) is read into a database only/,
      );
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
