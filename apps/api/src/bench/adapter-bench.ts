/**
 * Adapter benchmark: how fast does a harness's file get into the store?
 *
 *   npx tsx apps/api/src/bench/adapter-bench.ts [--sqlite-only] [--repetitions 3]
 *   node dist/bench/adapter-bench.js              (after building apps/api)
 *
 * For every adapter, a file in its harness's format with about 10,000 samples in 30
 * benchmarks (300 values in 50-100 benchmarks for the formats that keep one value per
 * benchmark), generated from a seeded random
 * generator in the shape of the real files in packages/adapters/fixtures (so the
 * figures are about format size, not about one lucky file). Each file goes through the
 * public path, `ingestHarnessFile` (what `threadbench ingest` and `ingestRun(adapter:)`
 * call): detection, parsing, validation, then storing every benchmark as a run with its
 * summaries, speedups and samples, on a temporary SQLite file and an ephemeral
 * PostgreSQL. Printed: samples per second of parsing alone and of parse + store, medians
 * of interleaved repetitions, and each adapter's parse + store rate as a ratio of the
 * same number of samples posted in threadbench's own format v1 in the same run. The
 * machine is shared and noisy: compare the ratios, not the absolute rates.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { AdapterName, InputFile } from "@threadbench/adapters";
import { createRandom, median, type Random } from "@threadbench/core";
import { type Database, openDatabase } from "../db/client.js";
import { createScratchDatabase, startEphemeralPostgres } from "../db/ephemeral-postgres.js";
import { ingestHarnessFile } from "../ingest/ingest-harness-file.js";
import { type HarnessIngestRequest, prepareHarnessIngest } from "../ingest/prepare-runs.js";

const argv = process.argv.slice(2);
const sqliteOnly = argv.includes("--sqlite-only");
const repetitionsFlag = argv.indexOf("--repetitions");
const repetitions = repetitionsFlag >= 0 ? Number(argv[repetitionsFlag + 1]) : 3;

const machine = {
  hostname: "bench-host",
  os: "linux",
  osRelease: "6.1.0",
  arch: "x64",
  cpuModel: "Bench CPU",
  logicalCores: 2,
  memoryBytes: 8 * 1024 ** 3,
};

interface BenchFile {
  adapter: AdapterName;
  input: HarnessIngestRequest["input"];
  samples: number;
}

const modes = ["sequential", "threading"] as const;
const threadCounts = [1, 2, 4] as const;
/** Benchmarks (runs) per file. */
const families = 30;

const seconds = (random: Random, base: number) => base * (1 + 0.05 * random.normal() ** 2);

function goText(random: Random): { text: string; samples: number } {
  const lines = ["goos: linux", "goarch: amd64", "pkg: example.invalid/bench", "cpu: Bench CPU"];
  let samples = 0;
  for (let family = 0; family < families / 3; family++) {
    for (const size of [1000, 2000, 4000]) {
      for (const cpu of threadCounts) {
        for (let count = 0; count < 111; count++) {
          const suffix = cpu === 1 ? "" : `-${cpu}`;
          lines.push(
            `BenchmarkWork${family}/size=${size}${suffix}\t     100\t ${Math.round(seconds(random, 150_000 * size) / cpu)} ns/op\t      64 B/op\t       2 allocs/op`,
          );
          samples++;
        }
      }
    }
  }
  lines.push("PASS", "ok  \texample.invalid/bench\t12.3s");
  return { text: `${lines.join("\n")}\n`, samples };
}

function goJson(random: Random): { text: string; samples: number } {
  const { text, samples } = goText(random);
  const start = Date.parse("2026-12-03T10:00:00Z");
  const events = text
    .split("\n")
    .filter(Boolean)
    .flatMap((line, index) => {
      const time = new Date(start + index).toISOString();
      const event = (output: string) =>
        JSON.stringify({ Time: time, Action: "output", Package: "example.invalid/bench", Output: output });
      // go test -json splits a result line after the name, as Go 1.19 does.
      const tab = line.indexOf("\t");
      return line.startsWith("Benchmark") && tab > 0
        ? [event(`${line.slice(0, tab + 1)}`), event(`${line.slice(tab + 1)}\n`)]
        : [event(`${line}\n`)];
    });
  return { text: `${events.join("\n")}\n`, samples };
}

function pytestBenchmark(random: Random): { text: string; samples: number } {
  const benchmarks = [];
  let samples = 0;
  for (let family = 0; family < families; family++) {
    for (const mode of modes) {
      for (const threads of threadCounts) {
        const data = Array.from({ length: 55 }, () => seconds(random, 0.04 * threads));
        samples += data.length;
        benchmarks.push({
          group: null,
          name: `test_work_${family}[${mode}-${threads}]`,
          fullname: `tests/test_bench.py::test_work_${family}[${mode}-${threads}]`,
          params: { mode, threads },
          param: `${mode}-${threads}`,
          extra_info: {},
          options: { disable_gc: false, timer: "perf_counter", min_rounds: 5, warmup: false },
          stats: { min: Math.min(...data), max: Math.max(...data), rounds: data.length, data, iterations: 1 },
        });
      }
    }
  }
  return {
    text: JSON.stringify({
      machine_info: {
        node: "bench-host",
        machine: "x86_64",
        system: "Linux",
        release: "6.1.0",
        python_implementation: "CPython",
        python_version: "3.11.7",
        cpu: { brand_raw: "Bench CPU", count: 2 },
      },
      commit_info: { id: "5073abe389c6a11ad8731b9db0aaec9a72c81565", branch: "main", dirty: false },
      benchmarks,
      datetime: "2026-12-03T10:00:00+00:00",
      version: "5.3.0",
    }),
    samples,
  };
}

function pyperf(random: Random): { text: string; samples: number } {
  const benchmarks = [];
  let samples = 0;
  for (let family = 0; family < families; family++) {
    for (const mode of modes) {
      for (const threads of threadCounts) {
        const runs: unknown[] = [
          {
            metadata: { calibrate_loops: 4 },
            warmups: [
              [1, 0.03],
              [2, 0.03],
              [4, 0.03],
            ],
          },
        ];
        for (let process = 0; process < 10; process++) {
          runs.push({
            metadata: { date: "2026-12-03 10:00:00.000000", duration: 0.4 },
            values: Array.from({ length: 5 }, () => seconds(random, 0.03 * threads)),
            warmups: [[4, 0.031]],
          });
          samples += 5;
        }
        benchmarks.push({
          metadata: { name: `work_${family}-${mode}-${threads}`, mode, threads, loops: 4 },
          runs,
        });
      }
    }
  }
  return {
    text: JSON.stringify({
      version: "1.0",
      metadata: {
        hostname: "bench-host",
        cpu_count: 2,
        cpu_model_name: "Bench CPU",
        platform: "Linux-6.1.0-x86_64-with-glibc2.36",
        python_implementation: "cpython",
        python_version: "3.11.7 (64-bit)",
        perf_version: "2.10.0",
        unit: "second",
      },
      benchmarks,
    }),
    samples,
  };
}

function hyperfine(random: Random): { text: string; samples: number } {
  const results = [];
  let samples = 0;
  for (let family = 0; family < families; family++) {
    for (const mode of modes) {
      for (const threads of threadCounts) {
        const times = Array.from({ length: 55 }, () => seconds(random, 0.1 * threads));
        samples += times.length;
        results.push({
          command: `python3 work${family}.py ${mode} ${threads}`,
          mean: times[0],
          median: times[0],
          times,
          exit_codes: times.map(() => 0),
          parameters: { mode, threads: String(threads) },
        });
      }
    }
  }
  return { text: JSON.stringify({ results }), samples };
}

function googleBenchmark(random: Random): { text: string; samples: number } {
  const rows = [];
  let samples = 0;
  for (let family = 0; family < families; family++) {
    for (const threads of threadCounts) {
      const name = `BM_Work${family}/n:100000/real_time/threads:${threads}`;
      for (let repetition = 0; repetition < 110; repetition++) {
        const time = seconds(random, 1_500_000 / threads);
        rows.push({
          name,
          run_name: name,
          run_type: "iteration",
          repetitions: 110,
          repetition_index: repetition,
          threads,
          iterations: 150,
          real_time: time,
          cpu_time: time * threads,
          time_unit: "ns",
        });
        samples++;
      }
      for (const aggregate of ["mean", "median", "stddev", "cv"]) {
        rows.push({
          name: `${name}_${aggregate}`,
          run_name: name,
          run_type: "aggregate",
          aggregate_name: aggregate,
          threads,
          iterations: 110,
          real_time: 1,
          cpu_time: 1,
          time_unit: "ns",
        });
      }
    }
  }
  return {
    text: JSON.stringify({
      context: { date: "2026-12-03T10:00:00+00:00", host_name: "bench-host", num_cpus: 2 },
      benchmarks: rows,
    }),
    samples,
  };
}

function criterionDirectory(random: Random): { files: InputFile[]; samples: number } {
  const files: InputFile[] = [];
  let samples = 0;
  for (let family = 0; family < families; family++) {
    for (const threads of threadCounts) {
      const directory = `work_${family}/threads/${threads}/new`;
      const iters = Array.from({ length: 100 }, (_, index) => 34 * (index + 1));
      const times = iters.map((count) => count * seconds(random, 1_500_000 * threads));
      samples += iters.length;
      files.push(
        {
          path: `${directory}/benchmark.json`,
          text: JSON.stringify({
            group_id: `work_${family}`,
            function_id: "threads",
            value_str: String(threads),
            full_id: `work_${family}/threads/${threads}`,
          }),
        },
        { path: `${directory}/sample.json`, text: JSON.stringify({ sampling_mode: "Linear", iters, times }) },
      );
    }
  }
  return { files, samples };
}

function criterionText(random: Random): { text: string; samples: number } {
  const lines: string[] = [];
  for (let family = 0; family < 100; family++) {
    for (const threads of threadCounts) {
      const point = seconds(random, 2.4 * threads);
      lines.push(
        `Benchmarking work_${family}/threads/${threads}: Analyzing`,
        `work_${family}/threads/${threads}   time:   [${(point * 0.9).toFixed(4)} ms ${point.toFixed(4)} ms ${(point * 1.1).toFixed(4)} ms]`,
      );
    }
  }
  return { text: `${lines.join("\n")}\n`, samples: 300 };
}

function bmf(random: Random): { text: string; samples: number } {
  const file: Record<string, unknown> = {};
  for (let family = 0; family < 50; family++) {
    for (const mode of modes) {
      for (const threads of threadCounts) {
        const value = seconds(random, 190_000_000 * threads);
        file[`work-${family}/n=5000000/${mode}/threads=${threads}`] = {
          latency: { value, lower_value: value * 0.9, upper_value: value * 1.1 },
        };
      }
    }
  }
  return { text: JSON.stringify(file), samples: 300 };
}

function githubActionBenchmark(random: Random): { text: string; samples: number } {
  const entries = [];
  for (let family = 0; family < 50; family++) {
    for (const mode of modes) {
      for (const threads of threadCounts) {
        entries.push({
          name: `work-${family}/n=5000000/${mode}/threads=${threads}`,
          unit: "ms",
          value: seconds(random, 190 * threads),
          range: "± 10.0",
        });
      }
    }
  }
  return { text: JSON.stringify(entries), samples: 300 };
}

/** The reference: the same number of samples in threadbench's own format v1 (20 cells x 500). */
function threadbenchDocument(random: Random): { text: string; samples: number } {
  const measurements = [];
  for (let cell = 0; cell < 20; cell++) {
    measurements.push({
      mode: cell % 2 === 0 ? "sequential" : "threading",
      threads: Math.floor(cell / 2) + 1,
      samples: Array.from({ length: 500 }, () => ({ wallMs: seconds(random, 100) })),
    });
  }
  return {
    text: JSON.stringify({
      formatVersion: 1,
      workload: "bench-work",
      params: { n: 1000 },
      startedAt: "2026-12-03T10:00:00Z",
      testbed: { ...machine, runtime: "cpython", runtimeVersion: "3.11.7" },
      measurements,
    }),
    samples: 10_000,
  };
}

function benchFiles(): BenchFile[] {
  const random = createRandom(20261203);
  const text = (adapter: AdapterName, made: { text: string; samples: number }): BenchFile => ({
    adapter,
    input: { text: made.text },
    samples: made.samples,
  });
  const criterion = criterionDirectory(random);
  return [
    text("threadbench", threadbenchDocument(random)),
    text("pytest-benchmark", pytestBenchmark(random)),
    text("pyperf", pyperf(random)),
    text("hyperfine", hyperfine(random)),
    text("google-benchmark", googleBenchmark(random)),
    text("go-bench", goText(random)),
    { ...text("go-bench", goJson(random)), adapter: "go-bench" },
    { adapter: "criterion", input: { files: criterion.files }, samples: criterion.samples },
    text("criterion", criterionText(random)),
    text("bmf", bmf(random)),
    text("github-action-benchmark", githubActionBenchmark(random)),
  ];
}

const label = (file: BenchFile, index: number) =>
  file.adapter === "go-bench" && index === 6
    ? "go-bench (-json)"
    : file.adapter === "criterion"
      ? `criterion (${"files" in file.input ? "target/criterion" : "cargo bench text"})`
      : file.adapter;

interface Figures {
  runs: number;
  parsePerSecond: number;
  storePerSecond: Record<string, number>;
}

async function main(): Promise<void> {
  const files = benchFiles();
  const figures: Figures[] = files.map((file) => ({
    runs: prepareHarnessIngest({ input: file.input, adapter: null, options: { machine } }).runs.length,
    parsePerSecond: 0,
    storePerSecond: {},
  }));
  const directory = mkdtempSync(join(tmpdir(), "threadbench-adapter-bench-"));
  const databases: Database[] = [await openDatabase(`file:${join(directory, "adapters.db")}`)];
  let postgres: Awaited<ReturnType<typeof startEphemeralPostgres>> | null = null;
  if (!sqliteOnly) {
    try {
      postgres = await startEphemeralPostgres();
      databases.push(
        await openDatabase(await createScratchDatabase(postgres.adminUrl, "threadbench_adapter_bench")),
      );
    } catch (error) {
      process.stderr.write(`PostgreSQL skipped: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  try {
    const parseRates: number[][] = files.map(() => []);
    const storeRates: Record<string, number[]>[] = files.map(() => ({}));
    // Warm-up: one pass of everything (JIT, prepared statements, the testbed row).
    for (const [index, file] of files.entries()) {
      for (const database of databases) {
        await ingestHarnessFile(database, {
          input: file.input,
          adapter: null,
          options: { machine, idempotencyKey: `warmup-${index}` },
        });
      }
    }
    // Repetitions interleaved across adapters, so machine noise hits every adapter alike.
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const [index, file] of files.entries()) {
        let start = performance.now();
        prepareHarnessIngest({ input: file.input, adapter: null, options: { machine } });
        parseRates[index]?.push(file.samples / ((performance.now() - start) / 1000));
        for (const database of databases) {
          start = performance.now();
          const result = await ingestHarnessFile(database, {
            input: file.input,
            adapter: null,
            // A new key per repetition: the same content is stored again, on purpose.
            options: { machine, idempotencyKey: `bench-${repetition}-${index}` },
          });
          const seconds = (performance.now() - start) / 1000;
          if (!result.runs.every((run) => run.created))
            throw new Error(`${file.adapter}: a run was not stored`);
          const rates = storeRates[index] as Record<string, number[]>;
          rates[database.provider] = [...(rates[database.provider] ?? []), file.samples / seconds];
        }
      }
    }
    for (const [index, figure] of figures.entries()) {
      figure.parsePerSecond = median(parseRates[index] as number[]);
      for (const [provider, rates] of Object.entries(storeRates[index] as Record<string, number[]>)) {
        figure.storePerSecond[provider] = median(rates);
      }
    }
  } finally {
    for (const database of databases) await database.close();
    await postgres?.stop();
    rmSync(directory, { recursive: true, force: true });
  }
  print(
    files,
    figures,
    databases.map((database) => database.provider),
  );
}

function print(files: BenchFile[], figures: Figures[], providers: string[]): void {
  const rate = (value: number | undefined) =>
    value === undefined ? "-" : `${Math.round(value).toLocaleString("en-US")}/s`;
  const reference = figures[0] as Figures;
  const lines = [
    "",
    `adapter benchmark: ingestHarnessFile (detect, parse, validate, store), samples per second, medians of ${repetitions} interleaved repetitions`,
    "",
    `${"adapter".padEnd(32)} ${"samples".padStart(7)} ${"runs".padStart(5)} ${"parse".padStart(12)} ${providers
      .map((provider) => `${`parse+store ${provider}`.padStart(24)} ${"vs v1".padStart(6)}`)
      .join(" ")}`,
  ];
  for (const [index, file] of files.entries()) {
    const figure = figures[index] as Figures;
    lines.push(
      `${label(file, index).padEnd(32)} ${String(file.samples).padStart(7)} ${String(figure.runs).padStart(5)} ${rate(figure.parsePerSecond).padStart(12)} ${providers
        .map((provider) => {
          const value = figure.storePerSecond[provider];
          const base = reference.storePerSecond[provider];
          const ratio = value !== undefined && base ? `${(value / base).toFixed(2)}x` : "-";
          return `${rate(value).padStart(24)} ${ratio.padStart(6)}`;
        })
        .join(" ")}`,
    );
  }
  lines.push(
    "",
    '"vs v1": the adapter\'s parse+store rate over that of 10,000 samples posted as one threadbench v1 document (first row).',
    "Files with one value per benchmark (Criterion's text, BMF, github-action-benchmark) store a run per 3-6 values: their rate is bound by runs, not samples.",
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  process.stdout.write(
    `${JSON.stringify({
      benchmark: "adapters",
      repetitions,
      figures: files.map((file, index) => ({
        adapter: label(file, index),
        samples: file.samples,
        ...figures[index],
      })),
    })}\n`,
  );
}

await main();
