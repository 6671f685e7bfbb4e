import { z } from "zod";
import { type BenchmarkEntry, groupEntries } from "./group.js";
import { decomposeName, millisecondsPerUnit, parseParamText, timeUnits } from "./names.js";
import {
  type Adapter,
  AdapterError,
  type AdapterIssue,
  type HarnessInput,
  type InputFile,
  type ParamValue,
} from "./types.js";
import { validate } from "./validate.js";

const benchmarkSchema = z.looseObject(
  {
    group_id: z.string({ error: "expected the group id (a string)" }),
    function_id: z.string().nullable().optional(),
    value_str: z.string().nullable().optional(),
    full_id: z.string({ error: "expected the full id (a string)" }),
  },
  { error: "expected Criterion's benchmark.json (an object)" },
);

const sampleSchema = z
  .looseObject(
    {
      sampling_mode: z.string().optional(),
      iters: z.array(z.number().positive({ error: "expected an iteration count > 0" }), {
        error: "expected the iterations of every sample (iters)",
      }),
      times: z.array(z.number().positive({ error: "expected a time in nanoseconds > 0" }), {
        error: "expected the time of every sample (times, nanoseconds)",
      }),
    },
    { error: "expected Criterion's sample.json (an object)" },
  )
  .refine((sample) => sample.iters.length === sample.times.length && sample.iters.length > 0, {
    error: "expected as many times as iters, at least one",
  });

const timeLine = /^(.*?)\s*time:\s+\[\s*([\d.]+)\s+(\S+)\s+([\d.]+)\s+(\S+)\s+([\d.]+)\s+(\S+)\s*\]/;

/**
 * Criterion.rs. Two inputs: the `target/criterion` directory (every benchmark's
 * `new/sample.json` holds the raw samples: each is `times[i]` nanoseconds for `iters[i]`
 * iterations, stored as time per iteration; `new/benchmark.json` names it), or the text
 * `cargo bench` prints ("name  time: [low estimate high]": only the estimate survives, one
 * sample, with its confidence bounds in the details). A BenchmarkId's function name and
 * parameter (`BenchmarkId::new("threads", 4)`) become the parameter threads = 4.
 */
export const criterionAdapter: Adapter = {
  name: "criterion",
  reads: "Criterion's target/criterion directory (raw samples) or cargo bench output",
  detect(input: HarnessInput): boolean {
    if (input.files) return input.files.some((file) => /(^|\/)new\/sample\.json$/.test(file.path));
    if (input.json !== undefined) return false;
    return input.text.split("\n", 5000).some((line) => timeLine.test(line));
  },
  parse(input, options) {
    const entries = input.files ? directoryEntries(input.files) : textEntries(input.text);
    return {
      kind: "runs",
      adapter: "criterion",
      runs: groupEntries("criterion", entries, options).map((run) => ({
        ...run,
        testbed: { runtime: "rust" },
        details: {
          harness: "criterion",
          sample: input.files
            ? "time per iteration of one sample (sample.json times / iters), as milliseconds"
            : "Criterion's point estimate of the time per iteration (cargo bench output has no raw samples), as milliseconds",
        },
      })),
    };
  },
};

function directoryEntries(files: readonly InputFile[]): BenchmarkEntry[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const issues: AdapterIssue[] = [];
  const entries: BenchmarkEntry[] = [];
  const sampleFiles = files
    .filter((file) => /(^|\/)new\/sample\.json$/.test(file.path))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const file of sampleFiles) {
    const directory = file.path.slice(0, -"sample.json".length);
    const benchmarkFile = byPath.get(`${directory}benchmark.json`);
    if (!benchmarkFile) {
      issues.push({ path: `${directory}benchmark.json`, message: "missing (expected next to sample.json)" });
      continue;
    }
    const benchmark = parseJsonFile(benchmarkFile, benchmarkSchema, issues);
    const sample = parseJsonFile(file, sampleSchema, issues);
    if (!benchmark || !sample) continue;
    const { workload, params } = benchmarkIdentity(benchmark);
    entries.push({
      name: benchmark.full_id,
      at: file.path,
      workload,
      params,
      samples: sample.times.map((time, index) => {
        const iterations = sample.iters[index] as number;
        return { wallMs: time / iterations / 1e6, iterations, at: `${file.path}: times[${index}]` };
      }),
      status: "succeeded",
      details: sample.sampling_mode ? { samplingMode: sample.sampling_mode } : {},
    });
  }
  if (issues.length > 0) throw new AdapterError("criterion", issues);
  if (entries.length === 0) {
    throw new AdapterError("criterion", [
      {
        path: "(directory)",
        message: "no */new/sample.json files (expected Criterion's target/criterion directory)",
      },
    ]);
  }
  return entries;
}

function parseJsonFile<T extends z.ZodType>(
  file: InputFile,
  schema: T,
  issues: AdapterIssue[],
): z.output<T> | null {
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (error) {
    issues.push({
      path: file.path,
      message: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
    });
    return null;
  }
  try {
    return validate("criterion", schema, json);
  } catch (error) {
    if (!(error instanceof AdapterError)) throw error;
    for (const issue of error.issues)
      issues.push({ path: `${file.path}: ${issue.path}`, message: issue.message });
    return null;
  }
}

function benchmarkIdentity(benchmark: z.output<typeof benchmarkSchema>): {
  workload: string;
  params: Record<string, ParamValue>;
} {
  if (benchmark.value_str != null) {
    return {
      workload: benchmark.group_id,
      params: { [benchmark.function_id ?? "parameter"]: parseParamText(benchmark.value_str) },
    };
  }
  return decomposeName(
    benchmark.function_id ? `${benchmark.group_id}/${benchmark.function_id}` : benchmark.full_id,
  );
}

function textEntries(text: string): BenchmarkEntry[] {
  const issues: AdapterIssue[] = [];
  const entries: BenchmarkEntry[] = [];
  let previousName = "";
  text.split("\n").forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, "");
    const match = timeLine.exec(line);
    if (!match) {
      // A long name is printed on its own line, its figures on the next.
      if (
        /^\S/.test(line) &&
        !/^(Benchmarking|Found|WARNING|Gnuplot|Running|change:|Performance)/.test(line)
      ) {
        previousName = line.trim();
      }
      return;
    }
    const name = (match[1] as string).trim() || previousName;
    const at = `line ${index + 1}`;
    const [low, point, high] = [
      [match[2], match[3]],
      [match[4], match[5]],
      [match[6], match[7]],
    ].map(([value, unit]) => {
      const perUnit = millisecondsPerUnit(unit as string);
      if (perUnit === null) {
        issues.push({ path: at, message: `expected a time unit (${timeUnits}), got "${unit}"` });
        return Number.NaN;
      }
      return Number(value) * perUnit;
    }) as [number, number, number];
    if (!name) {
      issues.push({ path: at, message: "expected the benchmark's name before time:" });
      return;
    }
    if (!(point > 0)) return;
    const { workload, params } = textIdentity(name);
    entries.push({
      name,
      at,
      workload,
      params,
      samples: [{ wallMs: point, at }],
      status: "succeeded",
      details: { estimateLowMs: low, estimateHighMs: high },
    });
    previousName = "";
  });
  if (issues.length > 0) throw new AdapterError("criterion", issues);
  if (entries.length === 0) {
    throw new AdapterError("criterion", [
      {
        path: "(input)",
        message: 'no results (expected lines like "name   time:   [1.0 ms 1.1 ms 1.2 ms]")',
      },
    ]);
  }
  return entries;
}

/**
 * The printed id is "group/function/parameter" for a BenchmarkId in a group: a numeric
 * last segment is the value of the parameter named by the segment before it, as in the
 * directory's benchmark.json. Anything else reads like other slash names.
 */
function textIdentity(name: string): { workload: string; params: Record<string, ParamValue> } {
  const segments = name.split("/");
  const last = segments.at(-1) as string;
  if (segments.length >= 3 && /^-?\d+(\.\d+)?$/.test(last)) {
    return {
      workload: segments.slice(0, -2).join("/"),
      params: { [segments.at(-2) as string]: parseParamText(last) },
    };
  }
  if (segments.length === 2 && /^-?\d+(\.\d+)?$/.test(last)) {
    return { workload: segments[0] as string, params: { parameter: parseParamText(last) } };
  }
  return decomposeName(name);
}
