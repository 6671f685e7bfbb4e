import { describe, expect, it } from "vitest";
import { AdapterError, adapt, adapterNames, detectAdapter, harnessInput } from "./index.js";
import { decomposeName, stripValues, workloadId } from "./names.js";
import { fixture } from "./test-support.js";

/** Every fixture and the adapter that must be detected for it. */
const fixtures: Array<[string, string]> = [
  ["threadbench/example-cpython-3.13-gil.json", "threadbench"],
  ["pytest-benchmark/pytest-benchmark-sum-squares.json", "pytest-benchmark"],
  ["pytest-benchmark/pytest-benchmark-pool.json", "pytest-benchmark"],
  ["pyperf/pyperf-bench-sum-squares-py3.11.json", "pyperf"],
  ["pyperf/pyperf-timeit-sum-squares-py3.11.json", "pyperf"],
  ["hyperfine/hyperfine-L-mode-threads.json", "hyperfine"],
  ["hyperfine/hyperfine-L-mode-threads.csv", "hyperfine"],
  ["hyperfine/hyperfine-ignore-failure.json", "hyperfine"],
  ["google-benchmark/gbench-sum-squares.json", "google-benchmark"],
  ["google-benchmark/gbench-named-args-repetitions-error.json", "google-benchmark"],
  ["go/go-test-bench-sum-squares.txt", "go-bench"],
  ["go/go-test-bench-cpu-count-fail.txt", "go-bench"],
  ["go/go-test-json-cpu-count-fail.jsonl", "go-bench"],
  ["criterion/criterion-stdout.txt", "criterion"],
  ["criterion/target-criterion", "criterion"],
  ["bmf/bmf-sum-squares-cpython-3.11.json", "bmf"],
  [
    "github-action-benchmark/custom-smaller-is-better-sum-squares-cpython-3.11.json",
    "github-action-benchmark",
  ],
  ["github-action-benchmark/custom-bigger-is-better-gbench-items.json", "github-action-benchmark"],
];

describe("detection", () => {
  it.each(fixtures)("%s is %s, and no other adapter claims it", (path, expected) => {
    const input = fixture(path);
    expect(detectAdapter(input).name).toBe(expected);
    const { adapter, detected } = adapt(input, null);
    expect([adapter, detected]).toEqual([expected, true]);
  });

  it("covers every adapter with a fixture", () => {
    expect(new Set(fixtures.map(([, adapter]) => adapter))).toEqual(new Set(adapterNames));
  });

  it("lists every adapter when it cannot tell the format", () => {
    const error = catchError(() => detectAdapter(harnessInput("Benchmark results\nfast: 12 ms\n")));
    expect(error).toBeInstanceOf(AdapterError);
    expect(error.message).toMatch(
      /^ingest: --adapter: cannot tell which harness wrote this input; pass --adapter NAME/,
    );
    for (const name of adapterNames) expect(error.message).toContain(name);
  });

  it("says when JSON is broken instead of guessing", () => {
    const error = catchError(() => detectAdapter(harnessInput('{"benchmarks": [')));
    expect(error.message).toMatch(/starts like JSON but is not/);
    expect(() => adapt(harnessInput("goos: linux\n"), "pyperf")).toThrow(
      "pyperf: (input): expected JSON (pyperf JSON (-o FILE, pyperf timeit -o FILE))",
    );
  });

  it("names the candidates when the input fits several formats", () => {
    const ambiguous = harnessInput(
      JSON.stringify({ formatVersion: 1, measurements: [], results: [{ command: "sleep 1" }] }),
    );
    expect(() => detectAdapter(ambiguous)).toThrow(
      "ingest: --adapter: the input fits several formats (threadbench, hyperfine); pass --adapter NAME",
    );
  });

  it("passes a threadbench ingest document through untouched", () => {
    const input = fixture("threadbench/example-cpython-3.13-gil.json");
    expect(adapt(input, "threadbench").result).toEqual({
      kind: "ingest-document",
      adapter: "threadbench",
      document: input.json,
    });
  });
});

describe("benchmark names", () => {
  it("splits slash names into workload, parameters and a known mode", () => {
    expect(decomposeName("sum-squares/n=5000000/cpython-3.11.7/threading/threads=2")).toEqual({
      workload: "sum-squares/cpython-3.11.7",
      params: { n: 5000000, mode: "threading", threads: 2 },
    });
    expect(decomposeName("BM_Copy/size:64/real_time")).toEqual({
      workload: "BM_Copy/real_time",
      params: { size: 64 },
    });
  });

  it("strips the values taken out of a name", () => {
    expect(stripValues("sum_squares-threading-2", ["threading", 2])).toBe("sum_squares");
    expect(stripValues("test_x[sequential-1]", ["sequential", 1])).toBe("test_x");
  });

  it("makes any name a valid workload id", () => {
    expect(workloadId("python3 sumsq.py {mode} {threads}")).toBe("python3-sumsq.py-mode-threads");
    expect(workloadId("BM_Foo<int>/8")).toBe("BM_Foo-int-/8");
    expect(workloadId("   ")).toBe("benchmark");
  });
});

function catchError(body: () => unknown): Error {
  try {
    body();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
