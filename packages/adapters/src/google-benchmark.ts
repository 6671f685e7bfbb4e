import { z } from "zod";
import { type BenchmarkEntry, groupEntries } from "./group.js";
import { millisecondsPerUnit, parseParamText, timeUnits } from "./names.js";
import {
  type Adapter,
  AdapterError,
  type AdapterIssue,
  type HarnessInput,
  type ParamValue,
} from "./types.js";
import { isObject, validate } from "./validate.js";

const fileSchema = z.looseObject(
  {
    context: z
      .looseObject({
        date: z.string().optional(),
        host_name: z.string().optional(),
        num_cpus: z.number().int().positive().optional(),
        library_build_type: z.string().optional(),
        library_version: z.string().optional(),
      })
      .optional(),
    benchmarks: z.array(
      z.looseObject({
        name: z.string({ error: "expected the benchmark's name (a string)" }).min(1),
        run_name: z.string().optional(),
        run_type: z.string().optional(),
        aggregate_name: z.string().optional(),
        threads: z.number().int().positive().optional(),
        repetition_index: z.number().int().optional(),
        iterations: z.number({ error: "expected the iterations (a number)" }).optional(),
        real_time: z.number({ error: "expected the real time per iteration (a number)" }).optional(),
        cpu_time: z.number().optional(),
        time_unit: z.string().optional(),
        error_occurred: z.boolean().optional(),
        error_message: z.string().optional(),
      }),
      { error: "expected an array of benchmarks" },
    ),
  },
  { error: "expected a JSON object" },
);

/** Name segments that are run options, not part of what is measured. */
const runOptions = new Set(["repeats", "iterations", "min_time", "min_warmup_time"]);
/** Aggregate rows of files written before `run_type` existed (Google Benchmark < 1.5). */
const aggregateSuffix = /_(mean|median|stddev|cv|BigO|RMS)$/;

/**
 * Google Benchmark's `--benchmark_out=FILE` JSON (`--benchmark_format=json` on stdout
 * too). Each repetition ("iteration" rows) is a sample: real time per iteration, CPU time
 * per iteration, in `time_unit`. Aggregate rows (mean, median, stddev, cv, BigO, RMS) are
 * skipped: they summarise the repetitions already kept. `threads` is the harness's own
 * thread count; its time per iteration counts the iterations of every thread, so the
 * 1-thread cell is the baseline as is (strong scaling).
 */
export const googleBenchmarkAdapter: Adapter = {
  name: "google-benchmark",
  reads: "Google Benchmark --benchmark_out JSON",
  detect(input: HarnessInput): boolean {
    const json = input.json;
    return (
      isObject(json) &&
      isObject(json.context) &&
      Array.isArray(json.benchmarks) &&
      json.benchmarks.every((row) => isObject(row) && typeof row.name === "string")
    );
  },
  parse(input, options) {
    const file = validate("google-benchmark", fileSchema, input.json);
    const issues: AdapterIssue[] = [];
    const entries: BenchmarkEntry[] = [];
    let aggregatesSkipped = 0;
    file.benchmarks.forEach((row, index) => {
      const at = `benchmarks[${index}]`;
      if (row.run_type === "aggregate" || (row.run_type === undefined && aggregateSuffix.test(row.name))) {
        aggregatesSkipped++;
        return;
      }
      const parsed = parseName(row.run_name ?? row.name);
      const threads = row.threads ?? parsed.threads ?? 1;
      if (row.error_occurred) {
        entries.push({
          name: row.name,
          at,
          workload: parsed.workload,
          params: parsed.params,
          harnessThreads: { value: threads, param: "threads" },
          samples: [],
          status: "failed",
          error: row.error_message ?? "Google Benchmark reported an error",
        });
        return;
      }
      const unit = row.time_unit ?? "ns";
      const perUnit = millisecondsPerUnit(unit);
      if (perUnit === null) {
        issues.push({
          path: `${at}.time_unit`,
          message: `expected a time unit (${timeUnits}), got "${unit}"`,
        });
        return;
      }
      if (!(typeof row.real_time === "number" && row.real_time > 0)) {
        issues.push({
          path: `${at}.real_time`,
          message: "expected the real time per iteration (a number > 0)",
        });
        return;
      }
      entries.push({
        name: row.name,
        at,
        workload: parsed.workload,
        params: parsed.params,
        harnessThreads: { value: threads, param: "threads" },
        samples: [
          {
            wallMs: row.real_time * perUnit,
            cpuMs: typeof row.cpu_time === "number" && row.cpu_time >= 0 ? row.cpu_time * perUnit : null,
            ...(typeof row.iterations === "number" ? { iterations: row.iterations } : {}),
            at: `${at}.real_time`,
          },
        ],
        status: "succeeded",
        details: Object.keys(parsed.runOptions).length > 0 ? { runOptions: parsed.runOptions } : {},
      });
    });
    if (issues.length > 0) throw new AdapterError("google-benchmark", issues);
    const context = file.context;
    return {
      kind: "runs",
      adapter: "google-benchmark",
      runs: groupEntries("google-benchmark", entries, options, { repetitions: true }).map((run) => ({
        ...run,
        testbed: {
          ...(context?.host_name ? { hostname: context.host_name } : {}),
          ...(context?.num_cpus ? { logicalCores: context.num_cpus } : {}),
        },
        ...(context?.date ? { startedAt: context.date } : {}),
        details: {
          harness: "google-benchmark",
          ...(context?.library_version ? { harnessVersion: context.library_version } : {}),
          ...(context?.library_build_type ? { libraryBuildType: context.library_build_type } : {}),
          sample:
            "real time per iteration of one repetition (iterations of all threads counted), as milliseconds; cpuMs: CPU time per iteration",
          aggregatesSkipped,
        },
      })),
    };
  },
};

/**
 * "BM_SumSquares/n:200000/repeats:3/real_time/threads:2" -> workload
 * "BM_SumSquares/real_time", params { n: 200000 }, threads 2, run options { repeats: 3 }.
 * Unnamed arguments ("BM_Copy/8/64") become arg0, arg1, ...
 */
function parseName(name: string): {
  workload: string;
  params: Record<string, ParamValue>;
  threads: number | null;
  runOptions: Record<string, ParamValue>;
} {
  const [family = name, ...segments] = name.split("/");
  const workload = [family];
  const params: Record<string, ParamValue> = {};
  const options: Record<string, ParamValue> = {};
  let threads: number | null = null;
  let positional = 0;
  for (const segment of segments) {
    const pair = /^([A-Za-z_][A-Za-z0-9_]*):(.*)$/.exec(segment);
    if (pair) {
      const [, key, value] = pair as unknown as [string, string, string];
      if (key === "threads" && /^\d+$/.test(value)) threads = Number(value);
      else if (runOptions.has(key)) options[key] = parseParamText(value);
      else params[key] = parseParamText(value);
    } else if (/^-?\d+(\.\d+)?$/.test(segment)) {
      params[`arg${positional++}`] = parseParamText(segment);
    } else {
      workload.push(segment);
    }
  }
  return { workload: workload.join("/"), params, threads, runOptions: options };
}
