import { describe, expect, it } from "vitest";
import { adapt } from "./index.js";
import { fixture } from "./test-support.js";
import type { AdaptedRun, AdapterOptions } from "./types.js";

function runsOf(path: string, options: AdapterOptions = {}): AdaptedRun[] {
  const { result } = adapt(fixture(path), null, options);
  if (result.kind !== "runs") throw new Error(`expected runs from ${path}`);
  return result.runs;
}

const cellsOf = (run: AdaptedRun | undefined) =>
  run?.cells.map((cell) => [cell.mode, cell.threads, cell.status, cell.samples.length]);

describe("hyperfine", () => {
  it("reads -L parameters as mode and threads, every run's time as a sample", () => {
    const runs = runsOf("hyperfine/hyperfine-L-mode-threads.json");
    expect(runs).toHaveLength(1);
    const [run] = runs;
    // "python3 sumsq.py {mode} {threads} 1000000": the scan's command template.
    expect(run?.workload).toBe("python3-sumsq.py-mode-threads-1000000");
    expect(run?.params).toEqual({});
    expect(cellsOf(run)).toEqual([
      ["sequential", 1, "succeeded", 5],
      ["threading", 1, "succeeded", 5],
      ["sequential", 2, "succeeded", 5],
      ["threading", 2, "succeeded", 5],
      ["sequential", 4, "succeeded", 5],
      ["threading", 4, "succeeded", 5],
    ]);
    // The "times" of "python3 sumsq.py sequential 1 1000000", seconds -> ms.
    expect(run?.cells[0]?.samples.map((sample) => sample.wallMs)).toEqual(
      [0.12064198152000001, 0.11483095952000001, 0.13374520452000002, 0.17719933952, 0.10861168852000001].map(
        (seconds) => seconds * 1000,
      ),
    );
    expect(run?.cells[0]?.details.command).toBe("python3 sumsq.py sequential 1 1000000");
  });

  it("reads the CSV export, whose median is the one sample it has", () => {
    const [run] = runsOf("hyperfine/hyperfine-L-mode-threads.csv");
    expect(cellsOf(run)).toHaveLength(6);
    const threading2 = run?.cells.find((cell) => cell.mode === "threading" && cell.threads === 2);
    expect(threading2?.samples).toEqual([{ wallMs: 0.14736867452000002 * 1000, at: "line 5: median" }]);
    expect(run?.details.sample).toMatch(/median/);
  });

  it("fails the cell of a command that exited non-zero (--ignore-failure)", () => {
    const runs = runsOf("hyperfine/hyperfine-ignore-failure.json");
    expect(runs.map((run) => run.workload)).toEqual(["true", "false"]);
    expect(runs[1]?.cells[0]).toMatchObject({
      mode: "benchmark",
      threads: 1,
      status: "failed",
      error: "exit code 1 in 3 of 3 runs (hyperfine --ignore-failure)",
    });
    expect(runs[0]?.cells[0]?.status).toBe("succeeded");
  });
});

describe("google-benchmark", () => {
  it("keeps each repetition, skips aggregates, takes threads from the harness (strong scaling)", () => {
    const runs = runsOf("google-benchmark/gbench-sum-squares.json");
    expect(runs.map((run) => [run.workload, run.params, run.scaling])).toEqual([
      ["BM_SumSquares/real_time", { arg0: 5000000 }, "strong"],
      ["BM_SumSquares", { arg0: 5000000 }, "strong"],
    ]);
    expect(cellsOf(runs[0])).toEqual([
      ["benchmark", 1, "succeeded", 3],
      ["benchmark", 2, "succeeded", 3],
      ["benchmark", 4, "succeeded", 3],
    ]);
    // BM_SumSquares/5000000/real_time/threads:1, repetition 0: real_time and cpu_time in ns.
    expect(runs[0]?.cells[0]?.samples[0]).toEqual({
      wallMs: 1.7073955769229217,
      cpuMs: 1.5288331987179489,
      iterations: 156,
      at: "benchmarks[0].real_time",
    });
    expect(runs[0]?.cells[2]?.details.iterationsPerSample).toBe(184);
    // 6 families x (mean, median, stddev, cv).
    expect(runs[0]?.details.aggregatesSkipped).toBe(24);
    expect(runs[0]?.testbed).toEqual({ hostname: "vm", logicalCores: 2 });
    expect(runs[0]?.startedAt).toBe("2026-12-01T19:13:44+00:00");
  });

  it("reads named arguments, keeps run options aside and fails a benchmark that reported an error", () => {
    const runs = runsOf("google-benchmark/gbench-named-args-repetitions-error.json");
    expect(runs.map((run) => [run.workload, run.params])).toEqual([
      ["BM_SumSquares/real_time", { n: 200000 }],
      ["BM_Broken", {}],
    ]);
    expect(cellsOf(runs[0])).toEqual([
      ["benchmark", 1, "succeeded", 3],
      ["benchmark", 2, "succeeded", 3],
    ]);
    expect(runs[0]?.cells[0]?.details.runOptions).toEqual({ repeats: 3 });
    expect(runs[1]?.cells[0]).toMatchObject({ status: "failed", error: "broken on purpose", samples: [] });
  });
});

describe("go-bench", () => {
  it("reads -cpu as GOMAXPROCS threads, -count as samples and sub-benchmark names as parameters", () => {
    const runs = runsOf("go/go-test-bench-sum-squares.txt");
    expect(runs.map((run) => [run.workload, run.params])).toEqual([
      ["example.invalid/sumsq.BenchmarkSumSquares", { n: 5000000, goroutines: 1 }],
      ["example.invalid/sumsq.BenchmarkSumSquares", { n: 5000000, goroutines: 2 }],
      ["example.invalid/sumsq.BenchmarkSumSquares", { n: 5000000, goroutines: 4 }],
      ["example.invalid/sumsq.BenchmarkSumSquaresParallel", {}],
    ]);
    expect(runs.every((run) => run.scaling === "strong")).toBe(true);
    expect(cellsOf(runs[0])).toEqual([
      ["benchmark", 1, "succeeded", 3],
      ["benchmark", 2, "succeeded", 3],
      ["benchmark", 4, "succeeded", 3],
    ]);
    expect(runs[0]?.cells[0]?.samples.map((sample) => sample.wallMs)).toEqual([1.486232, 1.649422, 1.511645]);
    expect(runs[0]?.cells[0]?.samples[0]?.iterations).toBe(20);
    expect(runs[3]?.cells[2]?.samples.map((sample) => sample.wallMs)).toEqual([0.237307, 0.236977, 0.245458]);
    expect(runs[0]?.testbed).toEqual({ runtime: "go", os: "linux", arch: "amd64", cpuModel: "AMD EPYC" });
  });

  it("takes threads from a sub-benchmark parameter with threadsParam; GOMAXPROCS becomes a parameter", () => {
    const runs = runsOf("go/go-test-bench-sum-squares.txt", { threadsParam: "goroutines" });
    const sumSquares = runs.filter((run) => run.workload.endsWith("BenchmarkSumSquares"));
    expect(sumSquares.map((run) => run.params)).toEqual([
      { n: 5000000, gomaxprocs: 1 },
      { n: 5000000, gomaxprocs: 2 },
      { n: 5000000, gomaxprocs: 4 },
    ]);
    expect(sumSquares[0]?.scaling).toBe("weak");
    expect(sumSquares[0]?.cells.map((cell) => cell.threads)).toEqual([1, 2, 4]);
    expect(sumSquares[0]?.cells[2]?.samples.map((sample) => sample.wallMs)).toEqual([
      5.603122, 5.581929, 5.656912,
    ]);
  });

  it("reads go test -json the same way, with its dates, and fails a benchmark that failed", () => {
    const text = runsOf("go/go-test-bench-cpu-count-fail.txt");
    const json = runsOf("go/go-test-json-cpu-count-fail.jsonl");
    expect(json.map((run) => [run.workload, run.params])).toEqual(
      text.map((run) => [run.workload, run.params]),
    );
    expect(json.map(cellsOf)).toEqual(text.map(cellsOf));
    const broken = json.find((run) => run.workload.endsWith("BenchmarkBroken"));
    expect(broken?.cells[0]).toMatchObject({
      threads: 1,
      status: "failed",
      error: "sumsq_test.go:57: broken on purpose",
    });
    expect(text.find((run) => run.workload.endsWith("BenchmarkBroken"))?.cells[0]?.error).toBe(
      "sumsq_test.go:57: broken on purpose",
    );
    expect(json[0]?.startedAt).toBe("2026-12-03T13:53:28.559058913Z");
    expect(json[0]?.finishedAt).toBe("2026-12-03T13:53:28.672001343Z");
    expect(json[2]?.cells[1]?.details.metrics).toEqual({ "B/op": [35, 30], "allocs/op": [0, 0] });
  });

  it("names the line of a result without ns/op", () => {
    expect(() =>
      adapt(
        fixtureWith("go/go-test-bench-sum-squares.txt", (text) =>
          text.replace("1486232 ns/op", "1486232 B/op"),
        ),
        "go-bench",
      ),
    ).toThrow(
      'go-bench: line 5: expected "<value> ns/op" (a time > 0) after the iterations, got "1486232 B/op"',
    );
  });
});

describe("go-bench: truncated and impossible results", () => {
  it("refuses output cut inside its last result line (it was stored as a 1-sample run)", () => {
    const text = fixture("go/go-test-bench-sum-squares.txt").text;
    const cut = text.slice(0, text.indexOf("1649422 ns/op") + "1649422 ns/op".length);
    expect(() => adapt({ text: cut, json: undefined }, "go-bench")).toThrow(
      "go-bench: line 6: the input ends inside this result line (no newline after it): the output looks truncated",
    );
    // Cut inside the figure: the same, although "1649 ns/op" would read as a result.
    expect(() =>
      adapt({ text: text.slice(0, text.indexOf("1649422")), json: undefined }, "go-bench"),
    ).toThrow("go-bench: line 6: the input ends inside this result line");
  });

  it("refuses an iteration count of 0, naming the line", () => {
    expect(() =>
      adapt(
        fixtureWith("go/go-test-bench-sum-squares.txt", (text) =>
          text.replace(/\t {6}20\t {3}1486232 ns\/op/, "\t       0\t   1486232 ns/op"),
        ),
        "go-bench",
      ),
    ).toThrow("go-bench: line 5: expected the iterations (b.N, an integer >= 1) after the name, got 0");
  });
});

describe("criterion", () => {
  it("reads raw samples from target/criterion: time per iteration, BenchmarkId as a parameter", () => {
    const [run, ...others] = runsOf("criterion/target-criterion");
    expect(others).toHaveLength(0);
    expect(run?.workload).toBe("sum_squares");
    expect(run?.params).toEqual({});
    expect(cellsOf(run)).toEqual([["benchmark", 1, "succeeded", 10]]);
    // sample.json: 51577307 ns for 34 iterations.
    expect(run?.cells[0]?.samples[0]).toEqual({
      wallMs: 51577307 / 34 / 1e6,
      iterations: 34,
      at: expect.stringMatching(/\/new\/sample\.json: times\[0\]$/),
    });
    expect(run?.cells[0]?.details.iterationsPerSample).toEqual([
      34, 68, 102, 136, 170, 204, 238, 272, 306, 340,
    ]);
    expect(run?.testbed).toEqual({ runtime: "rust" });
  });

  it("reads cargo bench output: the estimate of each benchmark", () => {
    const [run] = runsOf("criterion/criterion-stdout.txt");
    expect(run?.workload).toBe("sum_squares");
    expect(run?.cells.map((cell) => [cell.threads, cell.samples[0]?.wallMs])).toEqual([
      [1, 2.4124],
      [2, 3.4545],
      [4, 7.2668],
    ]);
    expect(run?.cells[2]?.details).toMatchObject({ estimateLowMs: 6.3062, estimateHighMs: 8.2558 });
  });
});

describe("bmf and github-action-benchmark", () => {
  it("bmf: one value per benchmark, threads and mode from the name", () => {
    const [run, ...others] = runsOf("bmf/bmf-sum-squares-cpython-3.11.json");
    expect(others).toHaveLength(0);
    expect(run?.workload).toBe("sum-squares/cpython-3.11.7");
    expect(run?.params).toEqual({ n: 5000000 });
    expect(run?.cells.map((cell) => [cell.mode, cell.threads, cell.samples[0]?.wallMs])).toEqual([
      ["sequential", 1, 191.281],
      ["threading", 1, 177.299],
      ["sequential", 2, 323.278],
      ["threading", 2, 361.342],
      ["sequential", 4, 711.441],
      ["threading", 4, 687.059],
    ]);
    expect(run?.cells[0]?.details).toMatchObject({ measure: "latency", lowerMs: 153.698, upperMs: 196.272 });
  });

  it("github-action-benchmark customSmallerIsBetter: times as they are", () => {
    const [run] = runsOf("github-action-benchmark/custom-smaller-is-better-sum-squares-cpython-3.11.json");
    expect(run?.workload).toBe("sum-squares/cpython-3.11.7");
    expect(run?.scaling).toBe("weak");
    expect(run?.cells.map((cell) => [cell.mode, cell.threads, cell.samples[0]?.wallMs])).toEqual([
      ["sequential", 1, 191.281],
      ["threading", 1, 177.299],
      ["sequential", 2, 323.278],
      ["threading", 2, 361.342],
      ["sequential", 4, 711.441],
      ["threading", 4, 687.059],
    ]);
    expect(run?.cells[0]?.details).toMatchObject({
      format: "customSmallerIsBetter",
      unit: "ms",
      range: "± 19.003",
    });
  });

  it("github-action-benchmark customBiggerIsBetter: a rate becomes time per unit of work (strong scaling)", () => {
    const [run] = runsOf("github-action-benchmark/custom-bigger-is-better-gbench-items.json");
    expect(run?.workload).toBe("BM_SumSquares");
    expect(run?.params).toEqual({ n: 200000 });
    expect(run?.scaling).toBe("strong");
    expect(run?.cells.map((cell) => [cell.threads, cell.samples[0]?.wallMs])).toEqual([
      [1, 1000 / 918995609.1],
      [2, 1000 / 849969022.6],
    ]);
    expect(run?.cells[0]?.details).toMatchObject({ format: "customBiggerIsBetter", unit: "items/sec" });
  });

  it("github-action-benchmark: a unit that is neither a time nor a rate is named", () => {
    const input = fixture("github-action-benchmark/custom-smaller-is-better-sum-squares-cpython-3.11.json");
    const json = structuredClone(input.json) as Array<{ unit: string }>;
    (json[2] as { unit: string }).unit = "points";
    expect(() => adapt({ ...input, json }, "github-action-benchmark")).toThrow(
      'github-action-benchmark: [2].unit: expected a time unit (ps, ns, us (µs), ms, s; customSmallerIsBetter) or a rate per second (ops/sec, MB/s, Hz; customBiggerIsBetter), got "points": threadbench stores times',
    );
  });
});

function fixtureWith(path: string, edit: (text: string) => string) {
  const input = fixture(path);
  return { ...input, text: edit(input.text) };
}
