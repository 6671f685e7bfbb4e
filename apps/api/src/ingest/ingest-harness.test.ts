import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { ingestExamplePaths } from "../db/ingest-schema-file.js";
import { repoRoot } from "../db/repo-root.js";
import { getRun } from "../db/run-reads.js";
import { describeEachDatabase } from "../test/databases.js";

// threadbench ingest through the real CLI entry point (main), on a real SQLite file and a
// real PostgreSQL, with the real harness files in packages/adapters/fixtures.

const fixtures = join(repoRoot(), "packages", "adapters", "fixtures");
// Not a git checkout: no commit, branch or project comes from it.
const cwd = mkdtempSync(join(tmpdir(), "threadbench-ingest-cli-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(databaseUrl: string, argv: string[], stdin?: string): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => (out += chunk));
  stderr.on("data", (chunk) => (err += chunk));
  const code = await main(argv, {
    stdout,
    stderr,
    env: { ...process.env, DATABASE_URL: databaseUrl, THREADBENCH_SERVER_URL: "" },
    cwd,
    signal: new AbortController().signal,
    ...(stdin !== undefined ? { stdin: Readable.from([Buffer.from(stdin)]) } : {}),
  });
  return { code, stdout: out, stderr: err };
}

interface IngestJson {
  adapter: string;
  detected: boolean;
  runs: Array<{ id: string; created: boolean; label: string; status: string; error: string | null }>;
}

/** One real file per adapter, the runs (benchmarks) it holds. */
const oneFilePerAdapter: Array<[string, string, number]> = [
  ["threadbench", join(repoRoot(), "apps", "api", "ingest", "example-cpython-3.13-gil.json"), 1],
  ["pytest-benchmark", join(fixtures, "pytest-benchmark/pytest-benchmark-sum-squares.json"), 1],
  ["pyperf", join(fixtures, "pyperf/pyperf-bench-sum-squares-py3.11.json"), 1],
  ["hyperfine", join(fixtures, "hyperfine/hyperfine-L-mode-threads.json"), 1],
  ["google-benchmark", join(fixtures, "google-benchmark/gbench-sum-squares.json"), 2],
  ["go-bench", join(fixtures, "go/go-test-json-cpu-count-fail.jsonl"), 4],
  ["criterion", join(fixtures, "criterion/target-criterion"), 1],
  ["bmf", join(fixtures, "bmf/bmf-sum-squares-cpython-3.11.json"), 1],
  [
    "github-action-benchmark",
    join(fixtures, "github-action-benchmark/custom-smaller-is-better-sum-squares-cpython-3.11.json"),
    1,
  ],
];

describeEachDatabase("threadbench ingest with adapters", ({ newUrl, reopen }) => {
  it("stores every harness's real file through the CLI, detected, and never twice", async () => {
    const url = await newUrl();
    let expectedRuns = 0;
    for (const [adapter, path, runs] of oneFilePerAdapter) {
      const result = await cli(url, ["ingest", path, "--json"]);
      const outcome = JSON.parse(result.stdout) as IngestJson;
      expect([outcome.adapter, outcome.detected], path).toEqual([adapter, true]);
      expect(
        outcome.runs.map((run) => run.created),
        path,
      ).toEqual(Array(runs).fill(true));
      // The Go file has a benchmark that failed: its run is stored failed and ingest exits 1.
      expect(result.code, result.stderr).toBe(adapter === "go-bench" ? 1 : 0);
      expectedRuns += runs;
    }
    const database = await reopen(url);
    expect(await database.prisma.run.count()).toBe(expectedRuns);
    const harnesses = await database.prisma.run.groupBy({
      by: ["harness"],
      _count: true,
      orderBy: { harness: "asc" },
    });
    expect(Object.fromEntries(harnesses.map((row) => [row.harness, row._count]))).toEqual(
      Object.fromEntries(oneFilePerAdapter.map(([adapter, , runs]) => [adapter, runs])),
    );
    // A CI retry of every file: the keys derived from the content store nothing twice.
    for (const [, path] of oneFilePerAdapter) {
      const again = JSON.parse((await cli(url, ["ingest", path, "--json"])).stdout) as IngestJson;
      expect(
        again.runs.every((run) => !run.created),
        path,
      ).toBe(true);
    }
    expect(await database.prisma.run.count()).toBe(expectedRuns);
  }, 300_000);

  it("reads go test -bench from standard input and computes speedups as for native runs", async () => {
    const url = await newUrl();
    const text = readFileSync(join(fixtures, "go/go-test-bench-sum-squares.txt"), "utf8");
    const result = await cli(url, ["ingest", "-"], text);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^detected go-bench \(go test -bench output/);
    expect(result.stdout.match(/^stored run /gm)).toHaveLength(4);
    const database = await reopen(url);
    const run = await database.prisma.run.findFirstOrThrow({
      where: {
        workloadId: "example.invalid/sumsq.BenchmarkSumSquares",
        paramsKey: { contains: '"goroutines":1' },
      },
    });
    const detail = await getRun(database, run.id);
    expect(detail?.harness).toBe("go-bench");
    expect(detail?.scaling).toBe("strong");
    expect(detail?.testbed).toMatchObject({ arch: "x64", os: "linux", cpuModel: "AMD EPYC", runtime: "go" });
    const cell = (threads: number) =>
      detail?.measurements.find((measurement) => measurement.threads === threads);
    // No sequential mode: the 1-GOMAXPROCS cell is the baseline; medians of the ns/op lines.
    expect(cell(1)?.speedup).toBeCloseTo(1, 12);
    expect(cell(2)?.speedup).toBeCloseTo(1.511645 / 1.427356, 12);
    expect(cell(2)?.efficiency).toBeCloseTo(1.511645 / 1.427356 / 2, 12);
    expect(cell(4)?.speedup).toBeCloseTo(1.511645 / 1.437023, 12);
    expect(cell(2)?.samples.map((sample) => sample.wallMs)).toEqual([1.42775, 1.427356, 1.418035]);

    // pytest-benchmark: sequential and threading at 1, 2, 4 threads, the same-thread sequential cell as baseline.
    const pytest = await cli(url, [
      "ingest",
      join(fixtures, "pytest-benchmark/pytest-benchmark-sum-squares.json"),
      "--json",
    ]);
    const [stored] = (JSON.parse(pytest.stdout) as IngestJson).runs;
    const pytestRun = await getRun(database, stored?.id as string);
    const threading2 = pytestRun?.measurements.find((m) => m.mode === "threading" && m.threads === 2);
    expect(threading2?.speedup).toBeCloseTo(0.07704836599998544 / 0.07254418500008342, 12);
    expect(threading2?.efficiency).toBeCloseTo(0.07704836599998544 / 0.07254418500008342 / 2, 12);
    expect(pytestRun?.commitSha).toBe("5073abe389c6a11ad8731b9db0aaec9a72c81565");
  });

  it("a checksum that disagrees with the baseline fails the cell and ingest exits 1 (it was stored succeeded, exit 0)", async () => {
    const url = await newUrl();
    const document = JSON.parse(readFileSync(ingestExamplePaths()[0] as string, "utf8")) as {
      measurements: Array<{ mode: string; threads: number; checksum?: string }>;
    };
    const threading = document.measurements.find((cell) => cell.mode === "threading");
    if (threading) threading.checksum = "333333283333334999999";
    const file = join(cwd, "checksum-mismatch.json");
    writeFileSync(file, JSON.stringify(document));
    const result = await cli(url, ["ingest", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /failed: threading x4: checksum 333333283333334999999 differs from the sequential baseline 333333283333335000000/,
    );
    const database = await reopen(url);
    const run = await database.prisma.run.findFirstOrThrow({ include: { measurements: true } });
    expect(run.status).toBe("failed");
    const cell = run.measurements.find((measurement) => measurement.mode === "threading");
    expect(cell).toMatchObject({
      status: "failed",
      checksumStatus: "mismatch",
      expectedChecksum: "333333283333335000000",
    });
    expect(run.measurements.find((measurement) => measurement.mode === "multiprocessing")?.status).toBe(
      "succeeded",
    );
  });

  it("keeps two harnesses' figures of one benchmark in two series", async () => {
    const url = await newUrl();
    // Both files describe the same benchmark, modes and threads on the same machine.
    for (const path of [
      "bmf/bmf-sum-squares-cpython-3.11.json",
      "github-action-benchmark/custom-smaller-is-better-sum-squares-cpython-3.11.json",
    ]) {
      expect((await cli(url, ["ingest", join(fixtures, path)])).code).toBe(0);
    }
    const database = await reopen(url);
    const series = await database.prisma.series.findMany({ where: { mode: "threading", threads: 2 } });
    expect(series.map((row) => row.harness).sort()).toEqual(["bmf", "github-action-benchmark"]);
    expect(new Set(series.map((row) => row.workloadId))).toEqual(new Set(["sum-squares/cpython-3.11.7"]));
    expect(series[0]?.seriesKey).not.toBe(series[1]?.seriesKey);
  });

  it("names the adapter, the field and what is allowed for bad input, and stores nothing", async () => {
    const url = await newUrl();
    const go = join(fixtures, "go/go-test-bench-sum-squares.txt");
    const notJson = await cli(url, ["ingest", "--adapter", "pyperf", go]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/pyperf: \(input\): expected JSON \(pyperf JSON/);
    const unknownParam = await cli(url, ["ingest", "--threads-param", "workers", go]);
    expect(unknownParam.code).toBe(1);
    expect(unknownParam.stderr).toMatch(
      /--threads-param: no benchmark has a parameter "workers" \(parameters in this input: "n", "goroutines"\)/,
    );
    const badAdapter = await cli(url, ["ingest", "--adapter", "junit", go]);
    expect(badAdapter.code).toBe(2);
    expect(badAdapter.stderr).toMatch(
      /--adapter: "junit" is not allowed \(allowed: auto, threadbench, pytest-benchmark/,
    );
    const badScaling = await cli(url, ["ingest", "--scaling", "sideways", go]);
    expect(badScaling.code).toBe(2);
    const badCommit = await cli(url, ["ingest", "--commit", "HEAD~1", go]);
    expect(badCommit.code).toBe(2);
    expect(badCommit.stderr).toMatch(/--commit: expected a commit SHA: 4 to 64 hexadecimal digits/);
    const unknown = await cli(url, ["ingest", "-"], "just some text\n");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/cannot tell which harness wrote this input; pass --adapter NAME/);
    expect(unknown.stderr).toMatch(/github-action-benchmark/);
    const missing = await cli(url, ["ingest", join(cwd, "no-such-file.json")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/FILE: cannot read .*no-such-file.json: ENOENT/);
    const database = await reopen(url);
    expect(await database.prisma.run.count()).toBe(0);
  });
});
