import { describe, expect, it } from "vitest";
import { AdapterError, adapt } from "./index.js";
import { fixture } from "./test-support.js";
import type { AdaptedRun } from "./types.js";

function runsOf(path: string, options = {}): AdaptedRun[] {
  const { result } = adapt(fixture(path), null, options);
  if (result.kind !== "runs") throw new Error(`expected runs from ${path}`);
  return result.runs;
}

const cell = (run: AdaptedRun | undefined, mode: string, threads: number) =>
  run?.cells.find((candidate) => candidate.mode === mode && candidate.threads === threads);

describe("pytest-benchmark", () => {
  it("reads parametrized mode and threads, every round as a sample, commit and machine", () => {
    const runs = runsOf("pytest-benchmark/pytest-benchmark-sum-squares.json");
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run?.workload).toBe("test_sum_squares.py::test_sum_squares");
    expect(run?.params).toEqual({});
    expect(run?.scaling).toBe("weak");
    expect(run?.cells.map((c) => `${c.mode}x${c.threads}`).sort()).toEqual([
      "sequentialx1",
      "sequentialx2",
      "sequentialx4",
      "threadingx1",
      "threadingx2",
      "threadingx4",
    ]);
    // stats.data of test_sum_squares[sequential-1], seconds per iteration -> ms.
    expect(cell(run, "sequential", 1)?.samples.map((sample) => sample.wallMs)).toEqual([
      52.62502100003985, 55.178256999965924, 40.0082429999884, 32.188954999924135, 28.330131000075198,
    ]);
    expect(cell(run, "threading", 4)?.samples).toHaveLength(5);
    expect(cell(run, "threading", 4)?.details).toMatchObject({
      names: ["test_sum_squares[threading-4]"],
      group: "sum-squares-4",
      extraInfo: { n: 1000000 },
      iterationsPerSample: 1,
    });
    expect(run?.commitSha).toBe("5073abe389c6a11ad8731b9db0aaec9a72c81565");
    expect(run?.branch).toBe("main");
    expect(run?.startedAt).toBe("2026-12-01T19:14:14.048878+00:00");
    expect(run?.testbed).toEqual({
      hostname: "vm",
      os: "Linux",
      osRelease: "6.18.44-fc-v657",
      arch: "x86_64",
      cpuModel: "AMD EPYC",
      logicalCores: 2,
      runtime: "cpython",
      runtimeVersion: "3.11.7",
    });
    expect(run?.details).toMatchObject({ harness: "pytest-benchmark", harnessVersion: "5.3.0" });
  });

  it("takes threads from another parameter with threadsParam; iterations per round are kept", () => {
    // Outside a git checkout: commit "unversioned", branch "(unknown)" are not a commit and branch.
    const separate = runsOf("pytest-benchmark/pytest-benchmark-pool.json");
    expect(separate.map((run) => [run.workload, run.params])).toEqual([
      ["test_pool_bench.py::test_pool_map", { workers: 1 }],
      ["test_pool_bench.py::test_pool_map", { workers: 2 }],
      ["test_pool_bench.py::test_single_call", {}],
    ]);
    expect(separate[0]?.commitSha).toBeUndefined();
    expect(separate[0]?.branch).toBeUndefined();

    const runs = runsOf("pytest-benchmark/pytest-benchmark-pool.json", { threadsParam: "workers" });
    expect(runs).toHaveLength(2);
    expect(runs[0]?.cells.map((c) => [c.mode, c.threads, c.samples.length])).toEqual([
      ["benchmark", 1, 4],
      ["benchmark", 2, 4],
    ]);
    expect(runs[0]?.cells[0]?.details.iterationsPerSample).toBe(2);
    expect(runs[0]?.cells[0]?.samples[0]?.wallMs).toBeCloseTo(1.0962009999957445, 12);
    expect(runs[1]?.cells[0]?.details.iterationsPerSample).toBe(5);
  });

  it("names the benchmark and the parameter when threadsParam is missing", () => {
    expect(() => runsOf("pytest-benchmark/pytest-benchmark-pool.json", { threadsParam: "pool" })).toThrow(
      /pytest-benchmark: --threads-param: no benchmark has a parameter "pool" \(parameters in this input: "workers"\)/,
    );
  });
});

describe("pyperf", () => {
  it("keeps every value of every worker as a sample per loop, skips warm-ups and calibration", () => {
    const runs = runsOf("pyperf/pyperf-bench-sum-squares-py3.11.json");
    expect(runs).toHaveLength(1);
    const [run] = runs;
    // The benchmark names carry mode and threads ("sum_squares-threading-2"): the metadata says which.
    expect(run?.workload).toBe("sum_squares");
    expect(run?.params).toEqual({ n: 1000000 });
    expect(run?.cells).toHaveLength(6);
    const sequential = cell(run, "sequential", 1);
    // 10 worker processes x 2 values; the calibration run (warm-ups only) is left out.
    expect(sequential?.samples).toHaveLength(20);
    expect(sequential?.samples[0]).toEqual({
      wallMs: 45.31585800000926,
      iterations: 4,
      at: "benchmarks[0].runs[1].values[0]",
    });
    expect(sequential?.details).toMatchObject({
      processes: 10,
      calibrationRunsSkipped: 1,
      warmupsSkipped: 15,
      iterationsPerSample: 4,
    });
    expect(cell(run, "threading", 4)?.details.iterationsPerSample).toBe(1);
    expect(cell(run, "threading", 4)?.samples[0]?.wallMs).toBe(111.55936600005134);
    expect(run?.testbed).toEqual({
      hostname: "vm",
      cpuModel: "AMD EPYC",
      logicalCores: 2,
      os: "Linux",
      osRelease: "6.18.44-fc-v657",
      arch: "x86_64",
      runtime: "cpython",
      runtimeVersion: "3.11.7",
    });
    // pyperf's dates are local time without an offset.
    expect(run?.startedAt).toBe(new Date("2026-12-01T19:11:52.110").toISOString());
    expect(run?.details).toMatchObject({ harness: "pyperf", harnessVersion: "2.10.0" });
  });

  it("reads pyperf timeit output: one benchmark, statement and setup as parameters", () => {
    const [run, ...others] = runsOf("pyperf/pyperf-timeit-sum-squares-py3.11.json");
    expect(others).toHaveLength(0);
    expect(run?.workload).toBe("timeit");
    expect(run?.params).toEqual({
      timeit_setup: "'n = 1_000_000'",
      timeit_stmt: "'sum(i * i for i in range(n))'",
    });
    expect(run?.cells.map((c) => [c.mode, c.threads, c.samples.length])).toEqual([["benchmark", 1, 20]]);
    expect(run?.cells[0]?.samples[0]).toEqual({
      wallMs: 29.29866375001211,
      iterations: 4,
      at: "benchmarks[0].runs[1].values[0]",
    });
  });

  it("names the field of a bad value", () => {
    const input = fixture("pyperf/pyperf-timeit-sum-squares-py3.11.json");
    const json = structuredClone(input.json) as { benchmarks: Array<{ runs: Array<{ values: unknown[] }> }> };
    const values = json.benchmarks[0]?.runs[1]?.values as unknown[];
    values[0] = "fast";
    expect(() => adapt({ ...input, json }, "pyperf")).toThrow(
      "pyperf: benchmarks[0].runs[1].values[0]: expected a value (seconds per loop)",
    );
    const memory = structuredClone(input.json) as { metadata: Record<string, unknown> };
    memory.metadata.unit = "byte";
    const error = (() => {
      try {
        adapt({ ...input, json: memory }, "pyperf");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).issues).toEqual([
      {
        path: "benchmarks[0].metadata.unit",
        message: 'expected "second" (threadbench stores times), got "byte"',
      },
    ]);
  });
});
