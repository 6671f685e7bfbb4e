import { markPoolMember } from "./diagnostic-workloads.js";
import { executePayload } from "./task.js";

markPoolMember();

/**
 * Child-process entry of the process pool. Messages: `{ id, payload }` in,
 * `{ id, ok: true, outcome }` or `{ id, ok: false, error }` out; `{ ready: true }`
 * once the workload registry is loaded, so spawn cost can be told from task time, or
 * `{ ready: false, error }` when a workload module named in argv[2] (JSON
 * `{ id, file }`) cannot be loaded.
 */
interface Request {
  id: number;
  payload: unknown;
}

if (!process.send) {
  process.stderr.write("threadbench child: must be started with an IPC channel (child_process.fork)\n");
  process.exit(1);
}

const moduleArgument = process.argv[2];
if (moduleArgument !== undefined) {
  // Only module runs pay for the loader (see worker.ts).
  try {
    const { isWorkloadModuleRef, loadPoolWorkloadModule } = await import("./workload-module.js");
    const ref: unknown = JSON.parse(moduleArgument);
    if (!isWorkloadModuleRef(ref)) {
      throw new TypeError("argv[2] must be JSON { id: 'module:...', file: absolute path }");
    }
    await loadPoolWorkloadModule(ref);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // Exit only once the message is out, or the parent would see a bare exit code.
    await new Promise<void>((resolve) => process.send?.({ ready: false, error: text }, () => resolve()));
    process.exit(1);
  }
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
