import { z } from "zod";
import { type BenchmarkEntry, groupEntries } from "./group.js";
import { decomposeName, millisecondsPerUnit, timeUnits } from "./names.js";
import { type Adapter, AdapterError, type AdapterIssue, type HarnessInput } from "./types.js";
import { isObject, validate } from "./validate.js";

const fileSchema = z
  .array(
    z.looseObject(
      {
        name: z.string({ error: "expected the benchmark's name (a string)" }).min(1),
        unit: z.string({ error: "expected the value's unit (a string)" }),
        value: z.number({ error: "expected the value (a number)" }),
        range: z.string().optional(),
        extra: z.string().optional(),
      },
      { error: "expected a benchmark ({ name, unit, value, range?, extra? })" },
    ),
    { error: "expected a JSON array of benchmarks" },
  )
  .min(1, { error: "expected at least one benchmark" });

/** "ops/sec", "iter/s", "MB/s", "Hz": bigger is better, one unit of work per 1/value seconds. */
const ratePerSecond = /^(.+?)\s*\/\s*(s|sec|secs|second|seconds)$|^hz$/i;

/**
 * github-action-benchmark's custom formats: `[{ "name", "unit", "value", "range"?, "extra"? }]`.
 * The file does not say whether it was meant as customSmallerIsBetter or
 * customBiggerIsBetter; the unit does: a time (ns, us, ms, s) is smaller-is-better and
 * stored as is, a rate per second (ops/sec, MB/s, Hz) is bigger-is-better and stored as
 * time per unit of work (1 / value). One value per benchmark, so one sample; thread
 * counts, modes and parameters come from the name.
 */
export const githubActionBenchmarkAdapter: Adapter = {
  name: "github-action-benchmark",
  reads: "github-action-benchmark customSmallerIsBetter / customBiggerIsBetter JSON",
  detect(input: HarnessInput): boolean {
    const json = input.json;
    return (
      Array.isArray(json) &&
      json.length > 0 &&
      json.every(
        (item) =>
          isObject(item) &&
          typeof item.name === "string" &&
          typeof item.unit === "string" &&
          typeof item.value === "number",
      )
    );
  },
  parse(input, options) {
    const file = validate("github-action-benchmark", fileSchema, input.json);
    const issues: AdapterIssue[] = [];
    const entries: BenchmarkEntry[] = [];
    file.forEach((benchmark, index) => {
      const at = `[${index}]`;
      if (!(benchmark.value > 0)) {
        issues.push({ path: `${at}.value`, message: `expected a value > 0, got ${benchmark.value}` });
        return;
      }
      const perUnit = millisecondsPerUnit(benchmark.unit);
      const rate = perUnit === null && ratePerSecond.test(benchmark.unit.trim());
      if (perUnit === null && !rate) {
        issues.push({
          path: `${at}.unit`,
          message: `expected a time unit (${timeUnits}; customSmallerIsBetter) or a rate per second (ops/sec, MB/s, Hz; customBiggerIsBetter), got "${benchmark.unit}": threadbench stores times`,
        });
        return;
      }
      const { workload, params } = decomposeName(benchmark.name);
      entries.push({
        name: benchmark.name,
        at,
        workload,
        params,
        samples: [
          {
            wallMs: perUnit !== null ? benchmark.value * perUnit : 1000 / benchmark.value,
            at: `${at}.value`,
          },
        ],
        status: "succeeded",
        details: {
          format: perUnit !== null ? "customSmallerIsBetter" : "customBiggerIsBetter",
          unit: benchmark.unit,
          value: benchmark.value,
          ...(benchmark.range ? { range: benchmark.range } : {}),
          ...(benchmark.extra ? { extra: benchmark.extra } : {}),
        },
      });
    });
    if (issues.length > 0) throw new AdapterError("github-action-benchmark", issues);
    return {
      kind: "runs",
      adapter: "github-action-benchmark",
      // A rate at N threads is the throughput of all N together: time per unit of work
      // falls as 1/N ideally, so the 1-thread cell is the baseline as is.
      runs: groupEntries("github-action-benchmark", entries, options, {
        ...(entries.some((entry) => entry.details?.format === "customBiggerIsBetter")
          ? { scaling: "strong" }
          : {}),
      }).map((run) => ({
        ...run,
        testbed: {},
        details: {
          harness: "github-action-benchmark",
          sample:
            "the benchmark's one value as milliseconds (a time unit as is; a rate per second as time per unit of work)",
        },
      })),
    };
  },
};
