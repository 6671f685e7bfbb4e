import { describe, expect, it } from "vitest";
import { AdapterError, adapt, harnessInput } from "./index.js";
import { workloadId } from "./names.js";
import { fixtureText } from "./test-support.js";
import type { AdaptedRun } from "./types.js";

const storePattern = /^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}$/;

function adaptedRuns(text: string): AdaptedRun[] {
  const { result } = adapt(harnessInput(text), null);
  if (result.kind !== "runs") throw new Error("expected runs");
  return result.runs;
}

function adapterError(text: string): AdapterError {
  try {
    adapt(harnessInput(text), null);
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterError);
    return error as AdapterError;
  }
  throw new Error("expected an AdapterError");
}

/** The pytest-benchmark fixture with its benchmarks renamed by `rename`, as the file's text. */
function renamedPytest(...renames: Array<(name: string) => string>): string {
  const file = JSON.parse(fixtureText("pytest-benchmark/pytest-benchmark-sum-squares.json")) as {
    benchmarks: Array<Record<string, unknown>>;
  };
  file.benchmarks = renames.flatMap((rename) =>
    file.benchmarks.map((benchmark) => ({
      ...benchmark,
      name: rename(benchmark.name as string),
      fullname: rename(benchmark.fullname as string),
    })),
  );
  return JSON.stringify(file);
}

describe("workload ids of names the store cannot keep as written", () => {
  it("keep ASCII names within 128 characters as they were (stored series keep their ids)", () => {
    expect(workloadId("test_sum_squares.py::test_sum_squares")).toBe("test_sum_squares.py::test_sum_squares");
    expect(workloadId("python3 sumsq.py {mode} {threads}")).toBe("python3-sumsq.py-mode-threads");
  });

  it("never give two names that differ in non-ASCII characters one id (test_α, test_β merged into one run)", () => {
    const names = [
      "test_α.py::test_α",
      "test_β.py::test_β",
      "test_测试",
      "test_тест",
      "BenchmarkÄrger",
      "BenchmarkÖrger",
    ];
    const ids = names.map(workloadId);
    expect(new Set(ids).size).toBe(names.length);
    for (const id of ids) expect(id).toMatch(storePattern);
    expect(workloadId("test_α.py::test_α")).toMatch(/^test_-.py::test_-[0-9a-f]{12}$/);
    // Stable: the same name gives the same id in every ingest, so its series continues.
    expect(workloadId("test_测试")).toBe(workloadId("test_测试"));
    expect(workloadId("测试")).toMatch(/^benchmark-[0-9a-f]{12}$/);
  });

  it("never give two names that differ only after character 128 one id", () => {
    const prefix = "a".repeat(130);
    const [first, second] = [workloadId(`${prefix}x`), workloadId(`${prefix}y`)];
    expect(first).not.toBe(second);
    expect(first).toMatch(storePattern);
    expect(first).toHaveLength(128);
  });
});

describe("benchmarks of one file", () => {
  it("keeps test_α and test_β apart: two runs of their own samples, not one run of both", () => {
    const runs = adaptedRuns(
      renamedPytest(
        (name) => name.replaceAll("test_sum_squares", "test_α"),
        (name) => name.replaceAll("test_sum_squares", "test_β"),
      ),
    );
    expect(runs).toHaveLength(2);
    expect(runs[0]?.workload).not.toBe(runs[1]?.workload);
    expect(runs[0]?.cells[0]?.samples).toHaveLength(5);
    expect(runs[0]?.cells[0]?.details.names).toEqual(["test_α[sequential-1]"]);
  });

  it("refuses a pytest-benchmark file holding one benchmark twice, naming both entries", () => {
    const error = adapterError(
      renamedPytest(
        (name) => name,
        (name) => name,
      ),
    );
    expect(error.issues[0]).toEqual({
      path: "benchmarks[6] (test_sum_squares[sequential-1])",
      message:
        'same run and cell (workload "test_sum_squares.py::test_sum_squares", mode sequential, 1 thread) as benchmarks[0] (test_sum_squares[sequential-1]): the benchmark appears twice; expected each benchmark once',
    });
  });

  it("refuses two names that map to one benchmark (BMF's threads=2 and threads:2)", () => {
    const error = adapterError(
      JSON.stringify({
        "sum-squares/threads=2": { latency: { value: 1000 } },
        "sum-squares/threads:2": { latency: { value: 2000 } },
      }),
    );
    expect(error.message).toContain(
      '"sum-squares/threads:2" (sum-squares/threads:2): same run and cell (workload "sum-squares", mode benchmark, 2 threads) as "sum-squares/threads=2" (sum-squares/threads=2): the two names map to one benchmark',
    );
  });

  it("still pools Go's -count repetitions of one benchmark, and keeps BenchmarkÄ and BenchmarkÖ apart", () => {
    const text = [
      "pkg: example.invalid/umlaut",
      "BenchmarkÄrger-2   \t      20\t   1000000 ns/op",
      "BenchmarkÄrger-2   \t      20\t   1100000 ns/op",
      "BenchmarkÖrger-2   \t      20\t   9000000 ns/op",
      "PASS",
      "",
    ].join("\n");
    const runs = adaptedRuns(text);
    expect(runs.map((run) => run.cells[0]?.samples.length)).toEqual([2, 1]);
    expect(runs[0]?.workload).not.toBe(runs[1]?.workload);
  });
});
