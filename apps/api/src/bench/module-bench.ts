/**
 * `npm run bench` (module part): a workload module against the same code built in
 * (issue 9: worker-threads efficiency within 2%). Not a test: nothing here asserts.
 *
 * The module is the built-in's own source file (packages/workloads/src/<id>.ts) with
 * its two imports pointed at @threadbench/workloads, written to a temp directory and
 * loaded the way a team's module is: TypeScript through tsx on Node 20 (or Node's own
 * type stripping), in the main thread, every piscina worker and every child process.
 * The built-in is the same source compiled by tsc. Pairs of runs alternate which goes
 * first; each run interleaves its own repetitions, so every figure is a ratio measured
 * moments apart (this VM's speed drifts over seconds).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "../analysis/summary.js";
import { executeRun } from "../runner/execute-run.js";
import { parseRunPlan } from "../runner/plan.js";
import type { RunResult } from "../runner/types.js";
import { loadWorkloadModule } from "../runner/workload-module.js";
import { machineCeiling } from "./machine-ceiling.js";

const cores = os.availableParallelism();
const pairs = Number(process.env.BENCH_PAIRS ?? 5);
const repetitions = Number(process.env.BENCH_REPETITIONS ?? 9);

/** About 100-300 ms per task here, as in runner-bench: large enough to see past the scheduler. */
const cases = [
  { workload: "sum-squares", params: { n: 30_000_000 } },
  { workload: "sqrt-log", params: { n: 20_000_000 } },
] as const;

const workloadsSource = fileURLToPath(new URL("../../../../packages/workloads/src/", import.meta.url));

/** The built-in's source as a team's module: same code, public imports. */
function writeModule(directory: string, workload: string): string {
  const source = readFileSync(path.join(workloadsSource, `${workload}.ts`), "utf8")
    .replace('import { z } from "zod";\n', "")
    .replace(
      'import { defineWorkload, rangeTask } from "./define.js";',
      'import { defineWorkload, rangeTask, z } from "@threadbench/workloads";',
    );
  if (!source.includes('from "@threadbench/workloads"')) {
    throw new Error(`${workload}.ts no longer has the imports this bench rewrites`);
  }
  const file = path.join(directory, "bench", `${workload}.ts`);
  writeFileSync(file, source.replace(/export const \w+ = defineWorkload/, "export default defineWorkload"));
  return file;
}

interface Figures {
  efficiency: number;
  sequentialMs: number;
  setupMs: number;
}

function figuresOf(result: RunResult): Figures {
  const cell = (mode: string) => result.cells.find((candidate) => candidate.mode === mode);
  if (result.status !== "succeeded")
    throw new Error(`run ${result.plan.workloadId} ${result.status}: ${result.error}`);
  return {
    efficiency: cell("worker-threads")?.efficiency ?? Number.NaN,
    sequentialMs: cell("sequential")?.wall?.median ?? Number.NaN,
    setupMs: cell("worker-threads")?.setupMs ?? Number.NaN,
  };
}

const directory = mkdtempSync(path.join(os.tmpdir(), "threadbench-module-bench-"));
try {
  mkdirSync(path.join(directory, "bench"));
  console.log(
    `threadbench module benchmark: node ${process.versions.node}, ${os.cpus()[0]?.model ?? "unknown cpu"}, ${cores} cores`,
  );
  console.log(
    `\nworkload module vs the same code built in: worker-threads at ${cores} threads, ${pairs} pairs of runs, ${repetitions} interleaved repetitions (+2 warm-ups) each`,
  );
  console.log(
    "workload       efficiency built-in   module   module/built-in: median [min-max] of pairs   sequential module/built-in   pool setup built-in   module   machine ceiling",
  );
  for (const testCase of cases) {
    const loaded = await loadWorkloadModule({
      reference: writeModule(directory, testCase.workload),
      cwd: directory,
      root: directory,
    });
    const common = {
      params: testCase.params,
      modes: ["sequential", "worker-threads"],
      threads: [cores],
      repetitions,
      warmups: 2,
    };
    const builtInPlan = parseRunPlan({ ...common, workload: testCase.workload });
    const modulePlan = parseRunPlan({ ...common, workload: loaded.id }, "", { workloadModule: loaded });
    const builtIn: Figures[] = [];
    const module: Figures[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      // Alternate the order so neither side always runs on a warmer (or busier) machine.
      if (pair % 2 === 0) {
        builtIn.push(figuresOf(await executeRun(builtInPlan)));
        module.push(figuresOf(await executeRun(modulePlan)));
      } else {
        module.push(figuresOf(await executeRun(modulePlan)));
        builtIn.push(figuresOf(await executeRun(builtInPlan)));
      }
    }
    const ratios = module.map(
      (figures, index) => figures.efficiency / (builtIn[index] as Figures).efficiency,
    );
    const efficiencyRatio = median(ratios);
    const spread = `[${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}]`;
    const sequentialRatio = median(
      module.map((figures, index) => figures.sequentialMs / (builtIn[index] as Figures).sequentialMs),
    );
    const ceiling = await machineCeiling(cores, repetitions);
    const within = Math.abs(efficiencyRatio - 1) <= 0.02 ? "ok" : "MISSED";
    const columns = [
      testCase.workload.padEnd(14),
      median(builtIn.map((figures) => figures.efficiency))
        .toFixed(3)
        .padStart(19),
      median(module.map((figures) => figures.efficiency))
        .toFixed(3)
        .padStart(8),
      `${efficiencyRatio.toFixed(3)} ${spread} ${within}`.padStart(44),
      `${sequentialRatio.toFixed(3)}x`.padStart(28),
      `${median(builtIn.map((figures) => figures.setupMs)).toFixed(0)} ms`.padStart(21),
      `${median(module.map((figures) => figures.setupMs)).toFixed(0)} ms`.padStart(8),
      ceiling.toFixed(3).padStart(17),
    ];
    console.log(columns.join(" "));
  }
  console.log(
    "\ntarget: module/built-in efficiency within 2% (0.98-1.02). Pool setup (module loading included) is kept out of the timings." +
      "\nmachine ceiling: a hand-written loop on one worker vs on all of them, measured right after; efficiency cannot beat it.",
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}
