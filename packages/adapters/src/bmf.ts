import { z } from "zod";
import { type BenchmarkEntry, groupEntries } from "./group.js";
import { decomposeName } from "./names.js";
import { type Adapter, AdapterError, type AdapterIssue, type HarnessInput } from "./types.js";
import { isObject, validate } from "./validate.js";

const metricSchema = z.looseObject(
  {
    value: z.number({ error: "expected the metric's value (a number)" }),
    lower_value: z.number().nullable().optional(),
    upper_value: z.number().nullable().optional(),
  },
  { error: "expected a metric ({ value, lower_value?, upper_value? })" },
);

const fileSchema = z.record(
  z.string(),
  z.record(z.string(), metricSchema, { error: "expected an object of measures" }),
  { error: "expected a JSON object of benchmarks" },
);

/**
 * How each of Bencher's built-in measures becomes milliseconds per iteration: latency is
 * nanoseconds, throughput operations per second, build-time seconds. Other measures
 * (file-size, custom ones) are not times and are left out.
 */
const measures: Record<string, { toMs: (value: number) => number; unit: string }> = {
  latency: { toMs: (value) => value / 1e6, unit: "nanoseconds" },
  throughput: { toMs: (value) => 1000 / value, unit: "operations / second (stored as time per operation)" },
  "build-time": { toMs: (value) => value * 1000, unit: "seconds" },
};

/**
 * Bencher Metric Format: `{ "benchmark name": { "latency": { "value": 1.0, "lower_value":
 * ..., "upper_value": ... } } }`. One value per benchmark, so one sample; the bounds go to
 * the details. Thread counts, modes and parameters come from the name
 * ("sum-squares/n=5000000/threading/threads=2").
 */
export const bmfAdapter: Adapter = {
  name: "bmf",
  reads: "Bencher Metric Format (BMF) JSON",
  detect(input: HarnessInput): boolean {
    const json = input.json;
    if (!isObject(json)) return false;
    const benchmarks = Object.values(json);
    return (
      benchmarks.length > 0 &&
      benchmarks.every(
        (benchmark) =>
          isObject(benchmark) &&
          Object.keys(benchmark).length > 0 &&
          Object.values(benchmark).every((metric) => isObject(metric) && typeof metric.value === "number"),
      )
    );
  },
  parse(input, options) {
    const file = validate("bmf", fileSchema, input.json);
    const issues: AdapterIssue[] = [];
    const entries: BenchmarkEntry[] = [];
    for (const [name, metrics] of Object.entries(file)) {
      const measure = Object.keys(measures).find((candidate) => metrics[candidate] !== undefined);
      if (!measure) {
        issues.push({
          path: JSON.stringify(name),
          message: `expected a time measure (${Object.keys(measures).join(", ")}), found ${Object.keys(
            metrics,
          )
            .map((key) => `"${key}"`)
            .join(", ")}`,
        });
        continue;
      }
      const metric = metrics[measure] as z.output<typeof metricSchema>;
      const { toMs, unit } = measures[measure] as (typeof measures)[string];
      if (!(metric.value > 0)) {
        issues.push({ path: `${JSON.stringify(name)}.${measure}.value`, message: "expected a value > 0" });
        continue;
      }
      // Both bounds or none: throughput's lower value is the longer time.
      const bounds =
        typeof metric.lower_value === "number" &&
        typeof metric.upper_value === "number" &&
        metric.lower_value > 0 &&
        metric.upper_value > 0
          ? [toMs(metric.lower_value), toMs(metric.upper_value)].sort((a, b) => a - b)
          : null;
      const { workload, params } = decomposeName(name);
      entries.push({
        name,
        at: JSON.stringify(name),
        workload,
        params,
        samples: [{ wallMs: toMs(metric.value), at: `${JSON.stringify(name)}.${measure}.value` }],
        status: "succeeded",
        details: {
          measure,
          measureUnit: unit,
          ...(bounds ? { lowerMs: bounds[0], upperMs: bounds[1] } : {}),
        },
      });
    }
    if (issues.length > 0) throw new AdapterError("bmf", issues);
    return {
      kind: "runs",
      adapter: "bmf",
      // Throughput at N threads is that of all N together (see github-action-benchmark).
      runs: groupEntries("bmf", entries, options, {
        ...(entries.some((entry) => entry.details?.measure === "throughput") ? { scaling: "strong" } : {}),
      }).map((run) => ({
        ...run,
        testbed: {},
        details: {
          harness: "bmf",
          sample: "the benchmark's one value (BMF keeps no raw samples), as milliseconds",
        },
      })),
    };
  },
};
