import { defineProject } from "@threadbench/workloads";

/**
 * A team's benchmark suite: `npx threadbench run` in this directory (or below it) runs
 * every plan and stores one run per plan under the project "threadbench/examples".
 * Paths are relative to this file; ids become module:bench/blur and module:bench/primes.
 */
export default defineProject({
  project: "threadbench/examples",
  plans: [
    {
      name: "blur-512",
      workload: "./bench/blur.ts",
      params: { width: 512, height: 512 },
      threads: [1, 2],
      repetitions: 3,
    },
    {
      name: "primes",
      workload: "./bench/primes.mts",
      params: { n: 300_000 },
      modes: ["worker-threads", "child-processes"],
      threads: [1, 2],
      repetitions: 3,
      labels: ["example"],
    },
  ],
});
