import { markPoolMember } from "./diagnostic-workloads.js";
import { executePayload, type TaskOutcome } from "./task.js";

markPoolMember();

/**
 * piscina worker entry. `process.cpuUsage()` is process-wide inside a worker
 * thread, so the per-task CPU figure is dropped here; the runner measures the
 * pool's CPU time around each repetition instead.
 */
export default function runTask(payload: unknown): TaskOutcome {
  return executePayload(payload, { measureCpu: false });
}
