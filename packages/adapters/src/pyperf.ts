import { z } from "zod";
import { type BenchmarkEntry, groupEntries } from "./group.js";
import { stripValues } from "./names.js";
import {
  type AdaptedTestbed,
  type Adapter,
  AdapterError,
  type HarnessInput,
  type ParamValue,
} from "./types.js";
import { isObject, validate } from "./validate.js";

/**
 * Metadata pyperf writes itself (pyperf/_collect_metadata.py, _metadata.py, _runner.py).
 * Every other key is the benchmark's own (`runner.metadata[...]`, `bench_func(...,
 * metadata=...)`) and becomes a parameter, so `threads` and `mode` set there are found.
 */
const pyperfMetadata = new Set([
  "aslr",
  "boot_time",
  "calibrate_loops",
  "calibrate_warmups",
  "command",
  "command_max_rss",
  "cpu_affinity",
  "cpu_config",
  "cpu_count",
  "cpu_freq",
  "cpu_machine",
  "cpu_model_name",
  "cpu_temp",
  "date",
  "description",
  "duration",
  "hostname",
  "inner_loops",
  "load_avg_1min",
  "loops",
  "mem_max_rss",
  "mem_peak_pagefile_usage",
  "name",
  "perf_version",
  "phase",
  "platform",
  "python_cflags",
  "python_compiler",
  "python_config_args",
  "python_executable",
  "python_gc",
  "python_hash_seed",
  "python_implementation",
  "python_unicode",
  "python_version",
  "recalibrate_loops",
  "recalibrate_warmups",
  "runnable_threads",
  "tags",
  "timer",
  "unit",
  "uptime",
]);

const metadataSchema = z.record(z.string(), z.json(), { error: "expected an object of metadata" });

const fileSchema = z.looseObject(
  {
    version: z.string({ error: 'expected pyperf\'s format version (a string, e.g. "1.0")' }),
    metadata: metadataSchema.optional(),
    benchmarks: z
      .array(
        z.looseObject(
          {
            metadata: metadataSchema.optional(),
            runs: z
              .array(
                z.looseObject({
                  metadata: metadataSchema.optional(),
                  values: z
                    .array(
                      z
                        .number({ error: "expected a value (seconds per loop)" })
                        .positive({ error: "expected a value > 0 (seconds per loop)" }),
                      { error: "expected an array of values (seconds per loop)" },
                    )
                    .optional(),
                  warmups: z
                    .array(z.tuple([z.number(), z.number()]), {
                      error: "expected an array of [loops, value] warm-ups",
                    })
                    .optional(),
                }),
                { error: "expected an array of runs" },
              )
              .min(1, { error: "expected at least one run" }),
          },
          { error: "expected a benchmark (an object with runs)" },
        ),
        { error: "expected an array of benchmarks" },
      )
      .min(1, { error: "expected at least one benchmark" }),
  },
  { error: "expected a JSON object" },
);

/**
 * pyperf's JSON (`-o`/`--output`, `--append`, `pyperf timeit -o`). Each value of each
 * worker process is a sample: seconds per loop iteration (pyperf divides by loops x
 * inner_loops), kept as such, with the loops in the details; warm-ups and calibration
 * runs are left out. Metadata common to all benchmarks sits at the top of the file.
 */
export const pyperfAdapter: Adapter = {
  name: "pyperf",
  reads: "pyperf JSON (-o FILE, pyperf timeit -o FILE)",
  detect(input: HarnessInput): boolean {
    const json = input.json;
    return (
      isObject(json) &&
      typeof json.version === "string" &&
      Array.isArray(json.benchmarks) &&
      json.benchmarks.every((benchmark) => isObject(benchmark) && Array.isArray(benchmark.runs))
    );
  },
  parse(input, options) {
    const file = validate("pyperf", fileSchema, input.json);
    const common = file.metadata ?? {};
    const consumed = [options.threadsParam ?? "threads", options.modeParam ?? "mode"];
    const issues: { path: string; message: string }[] = [];
    let firstDate: string | undefined;
    let lastEnd: number | undefined;
    const entries: BenchmarkEntry[] = [];
    file.benchmarks.forEach((benchmark, index) => {
      const metadata = { ...common, ...(benchmark.metadata ?? {}) };
      const at = `benchmarks[${index}]`;
      const name = metadata.name;
      if (typeof name !== "string" || name === "") {
        issues.push({ path: `${at}.metadata.name`, message: "expected the benchmark's name (a string)" });
        return;
      }
      const unit = metadata.unit ?? "second";
      if (unit !== "second") {
        issues.push({
          path: `${at}.metadata.unit`,
          message: `expected "second" (threadbench stores times), got ${JSON.stringify(unit)}`,
        });
        return;
      }
      const params: Record<string, ParamValue> = {};
      for (const [key, value] of Object.entries(metadata)) {
        if (!pyperfMetadata.has(key)) params[key] = value as ParamValue;
      }
      const samples: BenchmarkEntry["samples"] = [];
      let warmups = 0;
      let calibrationRuns = 0;
      let processes = 0;
      benchmark.runs.forEach((run, runIndex) => {
        const runMetadata = { ...metadata, ...(run.metadata ?? {}) };
        const date = typeof runMetadata.date === "string" ? runMetadata.date : undefined;
        if (date && (firstDate === undefined || date < firstDate)) firstDate = date;
        if (date) {
          const end =
            Date.parse(localIso(date)) +
            (typeof runMetadata.duration === "number" ? runMetadata.duration * 1000 : 0);
          if (Number.isFinite(end) && (lastEnd === undefined || end > lastEnd)) lastEnd = end;
        }
        warmups += run.warmups?.length ?? 0;
        if (!run.values || run.values.length === 0) {
          // pyperf's calibration runs (warm-ups only) measure nothing to keep.
          calibrationRuns++;
          return;
        }
        const loops = positiveInteger(runMetadata.loops);
        const innerLoops = positiveInteger(runMetadata.inner_loops);
        if (loops === null) {
          issues.push({
            path: `${at}.runs[${runIndex}].metadata.loops`,
            message:
              "expected the run's loops (an integer >= 1) in the run's, benchmark's or file's metadata",
          });
          return;
        }
        processes++;
        run.values.forEach((value, valueIndex) => {
          samples.push({
            wallMs: value * 1000,
            iterations: loops * (innerLoops ?? 1),
            at: `${at}.runs[${runIndex}].values[${valueIndex}]`,
          });
        });
      });
      const strip = consumed.flatMap((key) => (params[key] === undefined ? [] : [params[key] as ParamValue]));
      entries.push({
        name,
        at,
        workload: stripValues(name, strip) || name,
        params,
        samples,
        status: "succeeded",
        details: {
          processes,
          warmupsSkipped: warmups,
          calibrationRunsSkipped: calibrationRuns,
          ...(typeof metadata.description === "string" ? { description: metadata.description } : {}),
        },
      });
    });
    if (issues.length > 0) throw new AdapterError("pyperf", issues);
    const testbed = pyperfTestbed(common, file.benchmarks[0]?.metadata ?? {});
    return {
      kind: "runs",
      adapter: "pyperf",
      runs: groupEntries("pyperf", entries, options).map((run) => ({
        ...run,
        testbed,
        ...(firstDate ? { startedAt: localIso(firstDate) } : {}),
        ...(lastEnd !== undefined ? { finishedAt: new Date(lastEnd).toISOString() } : {}),
        details: {
          harness: "pyperf",
          ...(typeof common.perf_version === "string" ? { harnessVersion: common.perf_version } : {}),
          sample:
            "seconds per loop iteration of one value of one worker process (values / (loops x inner_loops)), as milliseconds; warm-ups and calibration runs left out",
        },
      })),
    };
  },
};

function positiveInteger(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 ? value : null;
}

/**
 * pyperf's dates are the worker's local time without an offset ("2026-12-01
 * 19:11:43.964821"): read as local time of the machine running ingest.
 */
function localIso(date: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*$/.exec(date.trim());
  if (!match) return date;
  const local = new Date(`${match[1]}T${match[2]}${match[3] ?? ""}`);
  return Number.isNaN(local.getTime()) ? date : local.toISOString();
}

/** Testbed facts from pyperf's metadata: hostname, CPU, platform string, Python. */
function pyperfTestbed(common: Record<string, unknown>, first: Record<string, unknown>): AdaptedTestbed {
  const metadata = { ...first, ...common };
  const testbed: AdaptedTestbed = {};
  if (typeof metadata.hostname === "string") testbed.hostname = metadata.hostname;
  if (typeof metadata.cpu_model_name === "string") testbed.cpuModel = metadata.cpu_model_name;
  if (typeof metadata.cpu_count === "number") testbed.logicalCores = metadata.cpu_count;
  if (typeof metadata.platform === "string") {
    // platform.platform(): "Linux-6.18.44-fc-v657-x86_64-with-glibc2.36", "macOS-14.1-arm64-arm-64bit".
    const match =
      /^([A-Za-z]+)-(.+?)-(x86_64|amd64|aarch64|arm64|i686|i386|ppc64le|s390x|riscv64|armv7l)(?:-|$)/.exec(
        metadata.platform,
      );
    if (match) {
      testbed.os = match[1] as string;
      testbed.osRelease = match[2] as string;
      testbed.arch = match[3] as string;
    }
  }
  if (typeof metadata.python_implementation === "string") {
    testbed.runtime = metadata.python_implementation.toLowerCase();
  }
  if (typeof metadata.python_version === "string") {
    // "3.11.7 (64-bit)", "3.13.0 (64-bit) revision 60403a5": the version is the first word.
    const version = metadata.python_version.trim().split(/\s+/)[0];
    if (version) testbed.runtimeVersion = version;
  }
  return testbed;
}
