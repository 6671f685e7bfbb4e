/**
 * `npm run bench` (module part): a workload module against the same code built in
 * (issue 9: worker-threads efficiency within 2%). Not a test: nothing here asserts.
 *
 * The module is the built-in's own source file (packages/workloads/src/<id>.ts) with
 * its two imports pointed at @threadbench/workloads, written to a temp directory and
 * loaded the way a team's module is (loadWorkloadModule: TypeScript through tsx on Node
 * 20, Node's own type stripping where it has it), on the main thread and in every worker
 * of its pool. The built-in is the same source compiled by tsc.
 *
 * Whole runs compared with whole runs swung by +-40% here (this VM's speed drifts over
 * seconds and other work takes its cores), so the two are interleaved at the level of
 * one repetition, through the runner's own pieces: the sequential baseline on the main
 * thread as executeRun steps it (runToCompletion), the tasks on a warmed piscina pool
 * (startWorkerPool, one per side). Each repetition measures, in a rotating order,
 * built-in sequential, module sequential, built-in pool, module pool; the figure is the
 * median over repetitions of (module efficiency / built-in efficiency), each efficiency
 * being sequential time / pool time / threads of that same repetition.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "@threadbench/core";
import { type AnyWorkload, findWorkload, parseParameters, type UnitRange } from "@threadbench/workloads";
import { Piscina } from "piscina";
import { workSpanMs } from "../runner/execute-run.js";
import { ProcessPool } from "../runner/process-pool.js";
import { runToCompletion } from "../runner/run-to-completion.js";
import type { TaskOutcome, TaskPayload } from "../runner/task.js";
import { startWorkerPool } from "../runner/worker-pool.js";
import { type LoadedWorkloadModule, loadWorkloadModule } from "../runner/workload-module.js";
import { primeYoungGeneration } from "../runner/young-generation.js";
import { machineCeiling } from "./machine-ceiling.js";
import { onCpuMs } from "./on-cpu-time.js";

const cores = os.availableParallelism();
const repetitions = Number(process.env.BENCH_REPETITIONS ?? 25);
const warmups = 3;

/** About 100-300 ms per task here, as in runner-bench: large enough to see past the scheduler. */
const only = process.env.BENCH_WORKLOADS?.split(",");
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

/** One side of the comparison: a workload, its pool, and how to time one repetition. */
interface Side {
  workload: AnyWorkload;
  pool: Piscina;
  payloads: TaskPayload[];
  params: Record<string, unknown>;
  checksums: Set<string>;
}

/** One timed repetition: its wall time and each task's own time where it ran. */
interface Timing {
  wallMs: number;
  taskMs: number[];
}

/**
 * The sequential baseline as executeRun's main-thread executor runs it: every task's
 * state created first, then the tasks back to back on this thread.
 */
function sequentialMs(side: Side): Timing {
  const states = side.payloads.map((payload) =>
    side.workload.createTask(side.params, payload.range, {
      taskIndex: payload.taskIndex,
      parties: payload.parties,
    }),
  );
  const taskMs: number[] = [];
  const started = performance.now();
  for (const [index, state] of states.entries()) {
    const taskStarted = performance.now();
    runToCompletion(state, (side.payloads[index] as TaskPayload).range);
    taskMs.push(performance.now() - taskStarted);
  }
  const wallMs = performance.now() - started;
  side.checksums.add(
    side.workload.combine(
      side.params,
      states.map((state) => state.result()),
    ).checksum,
  );
  return { wallMs, taskMs };
}

/**
 * A pooled repetition timed as executeRun's worker-thread executor times it: from the
 * first task's start to the last one's end where they ran (workSpanMs), not from this
 * thread, whose hand-off both ways is not the workload's time.
 */
async function poolMs(side: Side): Promise<Timing> {
  const started = performance.now();
  const outcomes = (await Promise.all(
    side.payloads.map((payload) => side.pool.run(payload)),
  )) as TaskOutcome[];
  const wallMs = workSpanMs(outcomes) ?? performance.now() - started;
  side.checksums.add(
    side.workload.combine(
      side.params,
      outcomes.map((outcome) => outcome.partial),
    ).checksum,
  );
  return { wallMs, taskMs: outcomes.map((outcome) => outcome.durationMs) };
}

async function timed<T>(start: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await start();
  return { value, ms: performance.now() - started };
}

async function compare(testCase: (typeof cases)[number], loaded: LoadedWorkloadModule): Promise<string> {
  const builtIn = findWorkload(testCase.workload) as AnyWorkload;
  const params = parseParameters(builtIn, testCase.params);
  const range: UnitRange = { start: 0, end: builtIn.units(params) };
  const payloadsFor = (workloadId: string): TaskPayload[] =>
    Array.from({ length: cores }, (_, taskIndex) => ({
      kind: "task",
      workloadId,
      params,
      range,
      taskIndex,
      parties: cores,
    }));
  // Every isolate gets the main thread's young generation, as executeRun gives it.
  const semiSpaceMb = primeYoungGeneration();
  const builtInPool = await timed(() => startWorkerPool({ threads: cores, maxHeapMb: 2048, semiSpaceMb }));
  const modulePool = await timed(() =>
    startWorkerPool({
      threads: cores,
      maxHeapMb: 2048,
      semiSpaceMb,
      workloadModule: { id: loaded.id, file: loaded.file },
    }),
  );
  // Spawn cost of the process pool too, with and without the module (loading is setup).
  const builtInProcesses = await timed(() =>
    ProcessPool.start({ size: cores, maxHeapMb: 2048, semiSpaceMb }),
  );
  builtInProcesses.value.close();
  const moduleProcesses = await timed(() =>
    ProcessPool.start({
      size: cores,
      maxHeapMb: 2048,
      semiSpaceMb,
      workloadModule: { id: loaded.id, file: loaded.file },
    }),
  );
  moduleProcesses.value.close();

  const sides = {
    builtIn: {
      workload: builtIn,
      pool: builtInPool.value,
      payloads: payloadsFor(builtIn.id),
      params,
      checksums: new Set<string>(),
    },
    module: {
      workload: loaded.workload,
      pool: modulePool.value,
      payloads: payloadsFor(loaded.id),
      params,
      checksums: new Set<string>(),
    },
  } satisfies Record<string, Side>;
  const ratios: number[] = [];
  const sequentialRatios: number[] = [];
  // The tasks' own times, module over built-in: on the main thread, and on the workers.
  const mainTaskRatios: number[] = [];
  const workerTaskRatios: number[] = [];
  const efficiencies = { builtIn: [] as number[], module: [] as number[] };
  const none: Timing = { wallMs: 0, taskMs: [] };
  try {
    for (let repetition = 0; repetition < warmups + repetitions; repetition++) {
      const times = { builtInSequential: none, moduleSequential: none, builtInPool: none, modulePool: none };
      const steps: Array<() => Promise<void>> = [
        async () => {
          times.builtInSequential = sequentialMs(sides.builtIn);
        },
        async () => {
          times.moduleSequential = sequentialMs(sides.module);
        },
        async () => {
          times.builtInPool = await poolMs(sides.builtIn);
        },
        async () => {
          times.modulePool = await poolMs(sides.module);
        },
      ];
      // A rotating order: no side is always measured first (or right after the other).
      for (let offset = 0; offset < steps.length; offset++) {
        await (steps[(repetition + offset) % steps.length] as () => Promise<void>)();
      }
      if (repetition < warmups) continue;
      const builtInEfficiency = times.builtInSequential.wallMs / times.builtInPool.wallMs / cores;
      const moduleEfficiency = times.moduleSequential.wallMs / times.modulePool.wallMs / cores;
      efficiencies.builtIn.push(builtInEfficiency);
      efficiencies.module.push(moduleEfficiency);
      ratios.push(moduleEfficiency / builtInEfficiency);
      sequentialRatios.push(times.moduleSequential.wallMs / times.builtInSequential.wallMs);
      mainTaskRatios.push(median(times.moduleSequential.taskMs) / median(times.builtInSequential.taskMs));
      workerTaskRatios.push(median(times.modulePool.taskMs) / median(times.builtInPool.taskMs));
    }
  } finally {
    await Promise.all([builtInPool.value.destroy(), modulePool.value.destroy()]);
  }
  const checksums = new Set([...sides.builtIn.checksums, ...sides.module.checksums]);
  if (checksums.size !== 1) throw new Error(`checksums disagree: ${[...checksums].join(" vs ")}`);
  const sorted = [...ratios].sort((a, b) => a - b);
  const quartile = (fraction: number) => sorted[Math.floor(fraction * (sorted.length - 1))] as number;
  const ratio = median(ratios);
  const ceiling = await machineCeiling(cores, 5);
  return [
    testCase.workload.padEnd(14),
    median(efficiencies.builtIn).toFixed(3).padStart(9),
    median(efficiencies.module).toFixed(3).padStart(7),
    `${ratio.toFixed(3)} [${quartile(0.25).toFixed(3)}-${quartile(0.75).toFixed(3)}] ${Math.abs(ratio - 1) <= 0.02 ? "ok" : "MISSED"}`.padStart(
      30,
    ),
    `${median(sequentialRatios).toFixed(3)}x`.padStart(11),
    `${median(mainTaskRatios).toFixed(3)}x / ${median(workerTaskRatios).toFixed(3)}x`.padStart(17),
    `${builtInPool.ms.toFixed(0)} / ${modulePool.ms.toFixed(0)} ms`.padStart(21),
    `${builtInProcesses.ms.toFixed(0)} / ${moduleProcesses.ms.toFixed(0)} ms`.padStart(21),
    ceiling.toFixed(3).padStart(8),
  ].join("  ");
}

/** Whether this machine reports per-thread on-CPU time (Linux with schedstats). */
function onCpuAvailable(): boolean {
  try {
    return Number.isFinite(onCpuMs());
  } catch {
    return false;
  }
}

/**
 * The same task, built in and as a module, on one thread each, interleaved pair by pair:
 * module / built-in on-CPU time per task, on the main thread (the sequential path) and
 * on a worker (the pool's path). Efficiency is sequential time / pool time, so these two
 * ratios are what could move it; on-CPU time leaves out the waits for a core that make
 * wall time swing on a shared machine.
 */
async function onCpuRatios(
  testCase: (typeof cases)[number],
  loaded: LoadedWorkloadModule,
  pairs: number,
): Promise<{ main: number[]; worker: number[] }> {
  const builtIn = findWorkload(testCase.workload) as AnyWorkload;
  const params = parseParameters(builtIn, testCase.params);
  const range: UnitRange = { start: 0, end: builtIn.units(params) };
  const filename = fileURLToPath(new URL("./on-cpu-worker.js", import.meta.url));
  const poolFor = (workloadModule?: { id: string; file: string }) =>
    new Piscina({
      filename,
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      ...(workloadModule ? { workerData: { workloadModule } } : {}),
    });
  const pools = { builtIn: poolFor(), module: poolFor({ id: loaded.id, file: loaded.file }) };
  const payload = (workloadId: string): TaskPayload => ({
    kind: "task",
    workloadId,
    params,
    range,
    taskIndex: 0,
    parties: 1,
  });
  const onMain = (workload: AnyWorkload): number => {
    const state = workload.createTask(params, range, { taskIndex: 0, parties: 1 });
    const before = onCpuMs();
    runToCompletion(state, range);
    return onCpuMs() - before;
  };
  const ratios = { main: [] as number[], worker: [] as number[] };
  try {
    for (let pair = 0; pair < warmups + pairs; pair++) {
      // Alternate which side goes first, on each thread.
      const moduleFirst = pair % 2 === 1;
      const main = { builtIn: 0, module: 0 };
      for (const side of moduleFirst ? (["module", "builtIn"] as const) : (["builtIn", "module"] as const)) {
        main[side] = onMain(side === "module" ? loaded.workload : builtIn);
      }
      const worker = { builtIn: 0, module: 0 };
      for (const side of moduleFirst ? (["module", "builtIn"] as const) : (["builtIn", "module"] as const)) {
        const outcome = (await pools[side].run(payload(side === "module" ? loaded.id : builtIn.id))) as {
          onCpuMs: number;
        };
        worker[side] = outcome.onCpuMs;
      }
      if (pair < warmups) continue;
      ratios.main.push(main.module / main.builtIn);
      ratios.worker.push(worker.module / worker.builtIn);
    }
  } finally {
    await Promise.all([pools.builtIn.destroy(), pools.module.destroy()]);
  }
  return ratios;
}

const directory = mkdtempSync(path.join(os.tmpdir(), "threadbench-module-bench-"));
try {
  mkdirSync(path.join(directory, "bench"));
  console.log(
    `threadbench module benchmark: node ${process.versions.node}, ${os.cpus()[0]?.model ?? "unknown cpu"}, ${cores} cores`,
  );
  console.log(
    `\nworkload module vs the same code built in, worker-threads at ${cores} threads: ${repetitions} repetitions (+${warmups} warm-ups), the two interleaved within each`,
  );
  console.log(
    "workload        efficiency built-in / module   module/built-in [IQR]   sequential m/b   task m/b main / worker   worker pool setup b/m   process pool setup b/m   ceiling",
  );
  const selected = cases.filter((candidate) => !only || only.includes(candidate.workload));
  const modules = new Map<string, LoadedWorkloadModule>();
  for (const testCase of selected) {
    const loaded = await loadWorkloadModule({
      reference: writeModule(directory, testCase.workload),
      cwd: directory,
      root: directory,
    });
    modules.set(testCase.workload, loaded);
    console.log(await compare(testCase, loaded));
  }
  if (onCpuAvailable()) {
    console.log(
      `\nthe same task on one thread each, module / built-in on-CPU time (/proc/thread-self/schedstat), ${repetitions} interleaved pairs: median [IQR]`,
    );
    console.log("workload        main thread (sequential)      worker thread (pool)");
    const spread = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const at = (fraction: number) =>
        (sorted[Math.floor(fraction * (sorted.length - 1))] as number).toFixed(3);
      return `${median(values).toFixed(3)} [${at(0.25)}-${at(0.75)}]`;
    };
    for (const testCase of selected) {
      const ratios = await onCpuRatios(
        testCase,
        modules.get(testCase.workload) as LoadedWorkloadModule,
        repetitions,
      );
      console.log(
        [
          testCase.workload.padEnd(14),
          spread(ratios.main).padStart(24),
          spread(ratios.worker).padStart(26),
        ].join("  "),
      );
    }
  } else {
    console.log("\n(no per-thread on-CPU time on this machine: /proc/thread-self/schedstat is Linux-only)");
  }
  console.log(
    "\ntarget: module/built-in efficiency within 2% (0.98-1.02). Setup (module loading in every worker and child) is kept out of every timing." +
      "\nceiling: a hand-written loop on one worker vs on all of them, measured right after; no efficiency can beat it.",
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}
