import { z } from "zod";
import { type BenchmarkEntry, groupEntries } from "./group.js";
import type { AdaptedTestbed, Adapter, HarnessInput } from "./types.js";
import { isObject, validate } from "./validate.js";

const seconds = z
  .number({ error: "expected a time in seconds (a number)" })
  .positive({ error: "expected a time in seconds > 0" });

const fileSchema = z.looseObject(
  {
    machine_info: z
      .looseObject({
        node: z.string().optional(),
        machine: z.string().optional(),
        system: z.string().optional(),
        release: z.string().optional(),
        python_implementation: z.string().optional(),
        python_version: z.string().optional(),
        cpu: z
          .looseObject({ brand_raw: z.string().optional(), count: z.number().int().positive().optional() })
          .optional(),
      })
      .optional(),
    commit_info: z
      .looseObject({
        id: z.string().nullable().optional(),
        branch: z.string().nullable().optional(),
        dirty: z.boolean().nullable().optional(),
      })
      .nullable()
      .optional(),
    datetime: z.string().optional(),
    version: z.string().optional(),
    benchmarks: z
      .array(
        z.looseObject({
          name: z.string({ error: "expected the benchmark's name (a string)" }).min(1),
          fullname: z.string().optional(),
          group: z.string().nullable().optional(),
          params: z
            .record(z.string(), z.json(), { error: "expected an object of parameters" })
            .nullable()
            .optional(),
          extra_info: z.record(z.string(), z.json()).optional(),
          stats: z.looseObject(
            {
              data: z.array(seconds, {
                error:
                  "expected the raw time of every round (stats.data, an array of seconds; pytest-benchmark writes it with --benchmark-json)",
              }),
              iterations: z
                .number({ error: "expected the iterations per round (an integer >= 1)" })
                .int()
                .positive()
                .optional(),
            },
            { error: "expected the benchmark's stats (an object)" },
          ),
          options: z.looseObject({ warmup: z.union([z.boolean(), z.number()]).optional() }).optional(),
        }),
        { error: "expected an array of benchmarks" },
      )
      .min(1, { error: "expected at least one benchmark" }),
  },
  { error: "expected a JSON object" },
);

/**
 * pytest-benchmark's `--benchmark-json` (and `--benchmark-save`) files. Every round's time
 * (`stats.data`, seconds per iteration: pytest-benchmark divides a round by its
 * iterations) is a sample; parameters are the test's `params`, so thread counts and modes
 * come from `@pytest.mark.parametrize("threads", ...)`.
 */
export const pytestBenchmarkAdapter: Adapter = {
  name: "pytest-benchmark",
  reads: "pytest-benchmark --benchmark-json files",
  detect(input: HarnessInput): boolean {
    const json = input.json;
    return isObject(json) && Array.isArray(json.benchmarks) && isObject(json.machine_info);
  },
  parse(input, options) {
    const file = validate("pytest-benchmark", fileSchema, input.json);
    const entries: BenchmarkEntry[] = file.benchmarks.map((benchmark, index) => {
      const iterations = benchmark.stats.iterations ?? 1;
      const base = (benchmark.fullname ?? benchmark.name).replace(/\[.*\]$/s, "");
      return {
        name: benchmark.name,
        at: `benchmarks[${index}]`,
        workload: base,
        params: { ...(benchmark.params ?? {}) } as BenchmarkEntry["params"],
        samples: benchmark.stats.data.map((value, sample) => ({
          wallMs: value * 1000,
          iterations,
          at: `benchmarks[${index}].stats.data[${sample}]`,
        })),
        status: "succeeded",
        details: {
          ...(benchmark.group ? { group: benchmark.group } : {}),
          ...(benchmark.extra_info && Object.keys(benchmark.extra_info).length > 0
            ? { extraInfo: benchmark.extra_info }
            : {}),
        },
      };
    });
    const machine = file.machine_info;
    const testbed: AdaptedTestbed = {
      ...(machine?.node ? { hostname: machine.node } : {}),
      ...(machine?.system ? { os: machine.system } : {}),
      ...(machine?.release ? { osRelease: machine.release } : {}),
      ...(machine?.machine ? { arch: machine.machine } : {}),
      ...(machine?.cpu?.brand_raw ? { cpuModel: machine.cpu.brand_raw } : {}),
      ...(machine?.cpu?.count ? { logicalCores: machine.cpu.count } : {}),
      ...(machine?.python_implementation ? { runtime: machine.python_implementation.toLowerCase() } : {}),
      ...(machine?.python_version ? { runtimeVersion: machine.python_version } : {}),
    };
    const commit = file.commit_info;
    return {
      kind: "runs",
      adapter: "pytest-benchmark",
      runs: groupEntries("pytest-benchmark", entries, options).map((run) => ({
        ...run,
        testbed,
        ...(file.datetime ? { startedAt: file.datetime } : {}),
        ...(commit?.id && /^[0-9a-f]{4,64}$/i.test(commit.id) ? { commitSha: commit.id } : {}),
        // Outside a git checkout pytest-benchmark writes branch "(unknown)", id "unversioned".
        ...(commit?.branch && commit.branch !== "(unknown)" ? { branch: commit.branch } : {}),
        details: {
          harness: "pytest-benchmark",
          ...(file.version ? { harnessVersion: file.version } : {}),
          sample: "seconds per iteration of one round (stats.data), as milliseconds",
          ...(commit?.dirty ? { dirtyCheckout: true } : {}),
        },
      })),
    };
  },
};
