import { workerData } from "piscina";
import { executePayload, type TaskOutcome } from "../runner/task.js";
import type { PoolWorkerData } from "../runner/worker.js";
import { onCpuMs } from "./on-cpu-time.js";

/**
 * The module bench's worker: the runner's own task execution (executePayload, as
 * runner/worker.ts runs it, the module loaded the same way before the first task), plus
 * the task's on-CPU time of this thread. On a machine shared with other work, wall time
 * includes the time other processes held the core; on-CPU time is what the code itself
 * took, so module and built-in compare within a percent where wall time swings 10%.
 */

const workloadModule = (workerData as PoolWorkerData | undefined)?.workloadModule;
if (workloadModule) {
  const { loadPoolWorkloadModule } = await import("../runner/workload-module.js");
  await loadPoolWorkloadModule(workloadModule);
}

export default function runTask(payload: unknown): TaskOutcome & { onCpuMs: number } {
  const before = onCpuMs();
  const outcome = executePayload(payload, { measureCpu: false });
  return { ...outcome, onCpuMs: onCpuMs() - before };
}
