import { defineWorkload, rangeTask, z } from "@threadbench/workloads";

/*
 * The workload module of the gate's A/A benchmark (aa-bench.ts): sum-squares' loop as a
 * team's module, with a way to plant a slowdown that leaves the series alone. With
 * THREADBENCH_AA_EXTRA_WORK=0.1 every task does 10% more iterations: the same file, the
 * same parameters and the same content hash (so the same series and history), but code
 * that is 10% slower, as a commit that adds work would be. Read per task, so worker
 * threads and child processes (which inherit the environment) do the same.
 */

const MODULUS = 1_000_000_007;

interface Partial {
  total: number;
}

function extraWork(): number {
  const raw = process.env.THREADBENCH_AA_EXTRA_WORK;
  const value = raw === undefined ? 0 : Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 10) {
    throw new TypeError(`THREADBENCH_AA_EXTRA_WORK must be a number from 0 to 10, got "${raw}"`);
  }
  return value;
}

export default defineWorkload({
  id: "aa-sum-squares",
  title: "Sum of squares (A/A benchmark module)",
  description: "sum of i*i mod a prime over the units; THREADBENCH_AA_EXTRA_WORK plants more work per unit",
  parameters: z.object({
    n: z
      .number()
      .int()
      .min(1)
      .max(67_108_864)
      .default(1_000_000)
      .meta({ description: "Units per task", unit: "iterations" }),
  }),
  unitName: "iterations",
  units: (params) => params.n,
  createTask(_params, range) {
    const extra = extraWork();
    let total = 0;
    return rangeTask<Partial>(
      range,
      (from, to) => {
        const end = to + Math.round((to - from) * extra);
        for (let i = from; i < end; i++) total = (total + ((i * i) % 1_000_003)) % MODULUS;
      },
      () => ({ total }),
    );
  },
  combine(_params, partials: Partial[]) {
    return { checksum: String(partials.reduce((sum, partial) => (sum + partial.total) % MODULUS, 0)) };
  },
});
