import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../db/repo-root.js";
import { UserInputError } from "../errors.js";
import { type HarnessIngestRequest, prepareHarnessIngest } from "./prepare-runs.js";

/** The adapters package's fixtures: real files written by each harness. */
export function adapterFixture(path: string): string {
  return readFileSync(join(repoRoot(), "packages", "adapters", "fixtures", path), "utf8");
}

const machine = {
  hostname: "ingest-host",
  os: "linux",
  osRelease: "6.1.0",
  arch: "x64",
  cpuModel: "Test CPU",
  logicalCores: 8,
  memoryBytes: 16 * 1024 ** 3,
};

function prepare(path: string, overrides: Partial<HarnessIngestRequest> = {}) {
  return prepareHarnessIngest({
    input: { text: adapterFixture(path) },
    adapter: null,
    options: { machine },
    now: new Date("2026-12-03T10:00:00Z"),
    ...overrides,
  });
}

describe("preparing a harness file for the store", () => {
  it("fills what the file lacks from the machine, normalises arch and OS, keeps the file's facts first", () => {
    const go = prepare("go/go-test-bench-sum-squares.txt");
    expect(go.adapter).toBe("go-bench");
    expect(go.detected).toBe(true);
    expect(go.runs).toHaveLength(4);
    // goarch amd64 -> x64; goos and cpu from the file; host, memory, cores from the machine.
    expect(go.runs[0]?.payload.testbed).toEqual({
      hostname: "ingest-host",
      os: "linux",
      osRelease: "6.1.0",
      arch: "x64",
      cpuModel: "AMD EPYC",
      logicalCores: 8,
      memoryBytes: 16 * 1024 ** 3,
      runtime: "go",
      runtimeVersion: "unknown",
    });
    expect(go.runs[0]?.payload.startedAt).toBe("2026-12-03T10:00:00.000Z");
    expect(go.runs[0]?.context).toMatchObject({ harness: "go-bench" });
    expect(
      go.runs[0]?.payload.measurements.map((cell) => [cell.mode, cell.threads, cell.samples.length]),
    ).toEqual([
      ["benchmark", 1, 3],
      ["benchmark", 2, 3],
      ["benchmark", 4, 3],
    ]);

    const pytest = prepare("pytest-benchmark/pytest-benchmark-sum-squares.json");
    // machine_info: "Linux", "x86_64", 2 cores: the file's own facts win over the machine's.
    expect(pytest.runs[0]?.payload.testbed).toMatchObject({
      hostname: "vm",
      os: "linux",
      arch: "x64",
      logicalCores: 2,
      memoryBytes: 16 * 1024 ** 3,
      runtime: "cpython",
      runtimeVersion: "3.11.7",
    });
    expect(pytest.runs[0]?.payload.commitSha).toBe("5073abe389c6a11ad8731b9db0aaec9a72c81565");
    expect(pytest.runs[0]?.payload.branch).toBe("main");
  });

  it("lets flags win: commit, branch, testbed name, runtime, start, labels, project", () => {
    const { runs } = prepare("pytest-benchmark/pytest-benchmark-sum-squares.json", {
      options: {
        machine,
        commitSha: "abcdef1234",
        branch: "feature",
        testbedName: "ci-7",
        runtime: "cpython",
        runtimeVersion: "3.11.7",
        startedAt: "2026-11-30T08:00:00Z",
        labels: ["nightly"],
        project: "acme/imaging",
      },
      git: { commitSha: "0000000", branch: "ignored", commitMessage: "not this commit's" },
    });
    // The flag names another commit: the checkout's message is not its message.
    expect(runs[0]?.payload.commitMessage).toBeNull();
    expect(runs[0]?.payload).toMatchObject({
      commitSha: "abcdef1234",
      branch: "feature",
      labels: ["nightly"],
      startedAt: "2026-11-30T08:00:00.000Z",
      testbed: { hostname: "ci-7" },
    });
    expect(runs[0]?.context.project).toBe("acme/imaging");
  });

  it("takes the checkout's commit and branch when neither flag nor file says", () => {
    const { runs } = prepare("hyperfine/hyperfine-L-mode-threads.json", {
      git: { commitSha: "feedface12", branch: "main", commitMessage: "Pool: start workers once" },
    });
    expect(runs[0]?.payload).toMatchObject({
      commitSha: "feedface12",
      branch: "main",
      commitMessage: "Pool: start workers once",
    });
  });

  it("derives one idempotency key per benchmark from the content, stable across calls", () => {
    const first = prepare("go/go-test-bench-sum-squares.txt").runs.map((run) => run.payload.idempotencyKey);
    const again = prepare("go/go-test-bench-sum-squares.txt").runs.map((run) => run.payload.idempotencyKey);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(4);
    expect(first[0]).toMatch(/^go-bench:[0-9a-f]{40}\/[0-9a-f]{12}$/);
    const other = prepare("go/go-test-bench-cpu-count-fail.txt").runs.map(
      (run) => run.payload.idempotencyKey,
    );
    expect(other.some((key) => first.includes(key))).toBe(false);
    const named = prepare("go/go-test-bench-sum-squares.txt", {
      options: { machine, idempotencyKey: "ci-42" },
    }).runs.map((run) => run.payload.idempotencyKey);
    expect(named[0]).toMatch(/^ci-42\/[0-9a-f]{12}$/);
  });

  it("fails the run of a benchmark the harness reported as failed", () => {
    const { runs } = prepare("go/go-test-bench-cpu-count-fail.txt");
    const broken = runs.find((run) => run.payload.workload.endsWith("BenchmarkBroken"));
    expect(broken?.payload).toMatchObject({
      status: "failed",
      error: "benchmark x1: sumsq_test.go:57: broken on purpose",
    });
  });

  it("passes a threadbench document through, flags filling only what it lacks", () => {
    const text = readFileSync(
      join(repoRoot(), "apps", "api", "ingest", "example-cpython-3.13-gil.json"),
      "utf8",
    );
    const document = JSON.parse(text) as Record<string, unknown>;
    delete document.idempotencyKey;
    delete document.branch;
    const prepared = prepareHarnessIngest({
      input: { text: JSON.stringify(document) },
      adapter: null,
      options: { branch: "release", commitSha: "1111111", labels: ["ci"] },
    });
    expect(prepared.adapter).toBe("threadbench");
    expect(prepared.runs[0]?.payload).toMatchObject({
      branch: "release",
      commitSha: "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
      labels: ["cpython", "example", "ci"],
    });
    expect(prepared.runs[0]?.payload.idempotencyKey).toMatch(/^threadbench:[0-9a-f]{40}$/);
  });

  it("names every testbed field missing when no machine is given (the API without options.testbed)", () => {
    let error: unknown;
    try {
      prepareHarnessIngest({
        input: { text: adapterFixture("bmf/bmf-sum-squares-cpython-3.11.json") },
        adapter: "bmf",
        options: {},
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserInputError);
    const issues = (error as UserInputError).issues.map((issue) => issue.path);
    expect(issues).toEqual(
      ["hostname", "os", "arch", "cpuModel", "logicalCores", "memoryBytes"].map(
        (field) => `sum-squares/cpython-3.11.7 n=5000000: testbed.${field}`,
      ),
    );
    expect((error as UserInputError).message).toMatch(
      /^bmf: 6 problems:\n {2}sum-squares\/cpython-3.11.7 n=5000000: testbed.hostname: the bmf input does not say and no machine was given/,
    );
  });

  it("names the adapter, the field and what was expected for a bad file", () => {
    const text = adapterFixture("google-benchmark/gbench-sum-squares.json").replace(
      '"time_unit": "ns"',
      '"time_unit": "fortnights"',
    );
    expect(() =>
      prepareHarnessIngest({ input: { text }, adapter: "google-benchmark", options: { machine } }),
    ).toThrow(
      'google-benchmark: benchmarks[0].time_unit: expected a time unit (ps, ns, us (µs), ms, s), got "fortnights"',
    );
  });

  it("refuses an overflowing timing, naming the file's path and the allowed maximum (1e300 s, rate 1e-310)", () => {
    const pytest = JSON.parse(adapterFixture("pytest-benchmark/pytest-benchmark-sum-squares.json")) as {
      benchmarks: Array<{ stats: { data: number[] } }>;
    };
    (pytest.benchmarks[0] as { stats: { data: number[] } }).stats.data[0] = 1e300;
    const rate = [{ name: "sum-squares/threads=2", unit: "ops/sec", value: 1e-310 }];
    const issuesOf = (text: string) => {
      try {
        prepareHarnessIngest({ input: { text }, adapter: null, options: { machine } });
      } catch (error) {
        expect(error).toBeInstanceOf(UserInputError);
        return (error as UserInputError).issues;
      }
      throw new Error("expected the file to be refused");
    };
    expect(issuesOf(JSON.stringify(pytest))).toEqual([
      {
        path: "test_sum_squares.py::test_sum_squares: benchmarks[0].stats.data[0]",
        message:
          "becomes wallMs = 1e+303 ms: expected a positive number of milliseconds (allowed: at most 1e+12 ms (about 31 years))",
      },
    ]);
    expect(issuesOf(JSON.stringify(rate))).toEqual([
      {
        path: "sum-squares: [0].value",
        message: "becomes wallMs = Infinity ms: expected a positive number",
      },
    ]);
  });
});
