import { setFlagsFromString } from "node:v8";
import { Piscina } from "piscina";
import { runnerEntryPoint } from "./entry-points.js";
import type { ReadyPayload } from "./task.js";
import type { PoolWorkerData } from "./worker.js";
import type { WorkloadModuleRef } from "./workload-module.js";
import { youngGenerationFlags } from "./young-generation.js";

export interface WorkerPoolOptions {
  threads: number;
  /** V8 old-generation limit of each worker, in MiB. */
  maxHeapMb: number;
  signal?: AbortSignal;
  /** A workload module every worker loads before it reports ready (module runs only). */
  workloadModule?: WorkloadModuleRef;
  /**
   * Semi-space size of every worker, in MiB (see young-generation.ts): the runner passes
   * the main thread's, so that the pool scavenges like the sequential baseline.
   */
  semiSpaceMb?: number;
}

/**
 * A piscina pool of exactly `threads` workers, started and warmed: it resolves only
 * once every worker has loaded the runner and answered, so timing never includes
 * thread start-up.
 */
export async function startWorkerPool(options: WorkerPoolOptions): Promise<Piscina> {
  const { threads } = options;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new TypeError("options.threads must be a positive integer");
  }
  // V8 flags are process-wide and read when an isolate is created: set before the
  // workers start, they size every worker's new space (the main thread's is unaffected).
  if (options.semiSpaceMb !== undefined) {
    for (const flag of youngGenerationFlags(options.semiSpaceMb)) setFlagsFromString(flag);
  }
  const pool = new Piscina({
    filename: runnerEntryPoint("worker"),
    minThreads: threads,
    maxThreads: threads,
    // Workers must not be reaped between repetitions: that would time thread start-up.
    idleTimeout: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: 1,
    maxQueue: "auto",
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb },
    ...(options.workloadModule
      ? { workerData: { workloadModule: options.workloadModule } satisfies PoolWorkerData }
      : {}),
  });
  // Every worker blocks until all have arrived: proves `threads` distinct workers are up.
  const ready: ReadyPayload = { kind: "ready", parties: threads, barrier: new SharedArrayBuffer(4) };
  try {
    await Promise.all(
      Array.from({ length: threads }, () =>
        pool.run(ready, options.signal ? { signal: options.signal } : {}),
      ),
    );
  } catch (error) {
    await pool.destroy();
    throw error;
  }
  return pool;
}
