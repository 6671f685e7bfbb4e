/**
 * `npm run bench` (runner part): the figures issue 2 asks for, printed as ratios
 * measured in one process on this machine. Not a test: nothing here asserts.
 *
 *   1. Parallel efficiency of worker-threads at threads = available cores
 *      (sum-squares, sqrt-log, image-analysis). Target >= 0.95.
 *   2. event-loop speedup at the same thread count. Target 0.9-1.1x.
 *   3. Runner overhead: an empty task through the runner's worker-threads path vs a
 *      hand-written worker_threads postMessage round trip, median per task.
 *      Target <= 1.5x.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { median } from "../analysis/summary.js";
import { executeRun } from "../runner/execute-run.js";
import { parseRunPlan } from "../runner/plan.js";
import type { TaskPayload } from "../runner/task.js";
import { startWorkerPool } from "../runner/worker-pool.js";

const cores = os.availableParallelism();
const repetitions = Number(process.env.BENCH_REPETITIONS ?? 9);

function verdict(ok: boolean): string {
  return ok ? "ok" : "MISSED";
}

/**
 * Task sizes for the scaling figures: the article's defaults are a few
 * milliseconds in V8, where scheduler noise on a shared machine is as large as
 * the work. Each size is about 100-300 ms per task here.
 */
const scalingCases = [
  { workload: "sum-squares", params: { n: 30_000_000 } },
  { workload: "sqrt-log", params: { n: 20_000_000 } },
  { workload: "image-analysis", params: { width: 4000, height: 3000 } },
];

async function scaling(): Promise<void> {
  console.log(
    `\n1-2. scaling at threads = available cores (${cores}), weak scaling, median of ${repetitions} repetitions`,
  );
  console.log("workload          seq median   worker-threads   efficiency      event-loop speedup");
  for (const testCase of scalingCases) {
    const plan = parseRunPlan({
      ...testCase,
      modes: ["sequential", "event-loop", "worker-threads"],
      threads: [cores],
      repetitions,
      warmups: 2,
    });
    const result = await executeRun(plan);
    const cell = (mode: string) => result.cells.find((candidate) => candidate.mode === mode);
    const sequential = cell("sequential");
    const workers = cell("worker-threads");
    const eventLoop = cell("event-loop");
    const efficiency = workers?.efficiency ?? Number.NaN;
    const eventLoopSpeedup = eventLoop?.speedup ?? Number.NaN;
    console.log(
      `${testCase.workload.padEnd(16)} ${sequential?.wall?.median.toFixed(1).padStart(8)} ms ${workers?.wall?.median.toFixed(1).padStart(11)} ms ${efficiency.toFixed(3).padStart(9)} ${verdict(efficiency >= 0.95).padEnd(6)} ${eventLoopSpeedup.toFixed(3).padStart(9)}x ${verdict(eventLoopSpeedup >= 0.9 && eventLoopSpeedup <= 1.1)}`,
    );
  }
}

const ROUND_TRIPS = 3000;

async function overhead(): Promise<void> {
  const pool = await startWorkerPool({ threads: 1, maxHeapMb: 256 });
  const empty: TaskPayload = {
    kind: "task",
    workloadId: "sum-squares",
    params: { n: 1 },
    range: { start: 0, end: 0 },
    taskIndex: 0,
    parties: 1,
  };
  const runnerTimes: number[] = [];
  for (let index = 0; index < ROUND_TRIPS + 500; index++) {
    const started = performance.now();
    await pool.run(empty);
    if (index >= 500) runnerTimes.push(performance.now() - started);
  }
  await pool.destroy();

  const worker = new Worker(
    "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m));",
    { eval: true },
  );
  const rawTimes: number[] = [];
  for (let index = 0; index < ROUND_TRIPS + 500; index++) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      worker.once("message", () => resolve());
      worker.postMessage(empty);
    });
    if (index >= 500) rawTimes.push(performance.now() - started);
  }
  await worker.terminate();

  const runnerMedian = median(runnerTimes) * 1000;
  const rawMedian = median(rawTimes) * 1000;
  const ratio = runnerMedian / rawMedian;
  console.log(`\n3. runner overhead, empty task, median of ${ROUND_TRIPS} round trips`);
  console.log(
    `runner worker-threads path ${runnerMedian.toFixed(1)} µs, raw postMessage ${rawMedian.toFixed(1)} µs, ratio ${ratio.toFixed(2)}x ${verdict(ratio <= 1.5)} (target <= 1.5x)`,
  );
}

console.log(
  `threadbench runner benchmark: node ${process.versions.node}, ${os.cpus()[0]?.model ?? "unknown cpu"}, ${cores} cores`,
);
await scaling();
await overhead();
