import { workerData } from "piscina";
import { markPoolMember } from "./diagnostic-workloads.js";
import { executePayload, type TaskOutcome } from "./task.js";

markPoolMember();

/** What the pool hands each worker at start-up (piscina's `workerData`). */
export interface PoolWorkerData {
  /** A workload module to load before the first task (`module:...` runs only). */
  workloadModule?: { id: string; file: string };
}

// Top-level await: piscina imports this file and waits for it, so the module is loaded
// before the worker answers the pool's start-up handshake (loading is setup, not task
// time). Built-in runs never import the loader.
const workloadModule = (workerData as PoolWorkerData | undefined)?.workloadModule;
if (workloadModule) {
  const { isWorkloadModuleRef, loadPoolWorkloadModule } = await import("./workload-module.js");
  if (!isWorkloadModuleRef(workloadModule)) {
    throw new TypeError("workerData.workloadModule must be { id: 'module:...', file: absolute path }");
  }
  await loadPoolWorkloadModule(workloadModule);
}

/**
 * piscina worker entry. `process.cpuUsage()` is process-wide inside a worker
 * thread, so the per-task CPU figure is dropped here; the runner measures the
 * pool's CPU time around each repetition instead.
 */
export default function runTask(payload: unknown): TaskOutcome {
  return executePayload(payload, { measureCpu: false });
}
