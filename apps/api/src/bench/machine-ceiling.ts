import { Worker } from "node:worker_threads";
import { median } from "@threadbench/core";

/**
 * The machine's own parallel ceiling, without threadbench: a hand-written integer loop on
 * one worker thread, then on `threads` worker threads at once, interleaved; the median of
 * (one alone / all together). 1.0 means `threads` full cores were there; on a shared or
 * busy host it is lower, and no runner can beat it. runner-bench.ts and module-bench.ts print it.
 */
export async function machineCeiling(threads: number, repetitions: number): Promise<number> {
  const code = `const { parentPort } = require("node:worker_threads");
parentPort.on("message", () => {
  let sum = 0;
  for (let i = 0; i < 1e8; i++) sum += i % 7;
  parentPort.postMessage(sum);
});`;
  const workers = Array.from({ length: threads }, () => new Worker(code, { eval: true }));
  const run = (worker: Worker) =>
    new Promise<void>((resolve) => {
      worker.once("message", () => resolve());
      worker.postMessage(null);
    });
  const ratios: number[] = [];
  for (let index = 0; index < repetitions + 2; index++) {
    let started = performance.now();
    await run(workers[0] as Worker);
    const alone = performance.now() - started;
    started = performance.now();
    await Promise.all(workers.map(run));
    const together = performance.now() - started;
    if (index >= 2) ratios.push(alone / together);
  }
  await Promise.all(workers.map((worker) => worker.terminate()));
  return median(ratios);
}
