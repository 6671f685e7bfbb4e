import { markPoolMember } from "./diagnostic-workloads.js";
import { executePayload } from "./task.js";

markPoolMember();

/**
 * Child-process entry of the process pool. Messages: `{ id, payload }` in,
 * `{ id, ok: true, outcome }` or `{ id, ok: false, error }` out; `{ ready: true }`
 * once the workload registry is loaded, so spawn cost can be told from task time.
 */
interface Request {
  id: number;
  payload: unknown;
}

if (!process.send) {
  process.stderr.write("threadbench child: must be started with an IPC channel (child_process.fork)\n");
  process.exit(1);
}

process.on("message", (message: Request) => {
  try {
    const outcome = executePayload(message.payload, { measureCpu: true });
    process.send?.({ id: message.id, ok: true, outcome });
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.send?.({ id: message.id, ok: false, error: text });
  }
});

// The parent going away must not leave an orphan spinning on a task.
process.on("disconnect", () => process.exit(0));
process.send({ ready: true });
