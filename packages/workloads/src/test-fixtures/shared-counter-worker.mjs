// Runs one shared-counter task in a worker thread, on the TypeScript source through
// tsx's loader (registered here because a worker does not inherit the test's loader),
// so the test exercises the code as it is now rather than a possibly stale dist/.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { sharedCounter } = await import("../shared-counter.ts");
const { params, range, taskIndex, parties, shared } = workerData;
const task = sharedCounter.createTask(params, range, { taskIndex, parties, shared });
while (!task.step(Number.POSITIVE_INFINITY)) {
  // step(Infinity) finishes in one call; the loop only guards the contract.
}
parentPort.postMessage(task.result());
