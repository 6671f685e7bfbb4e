import { parentPort, workerData } from "node:worker_threads";
import type { CellResult, RunProgress, RunResult } from "@threadbench/core";
import { executeRun } from "../runner/execute-run.js";
import { parseRunPlan } from "../runner/plan.js";

/**
 * The worker thread an agent executes one run in. The runner's sequential and
 * event-loop modes keep their thread busy for as long as a task runs (seconds, for big
 * plans); on the agent's main thread that would stop its heartbeats and lose the claim.
 * Here they block only this thread, and the main thread keeps talking to the server.
 */

/** Agent main thread -> run worker. */
export type ToRunWorker = { type: "cancel"; reason: string };

/** Run worker -> agent main thread. */
export type FromRunWorker =
  | { type: "progress"; progress: RunProgress }
  | { type: "cell"; cell: CellResult }
  | { type: "result"; result: RunResult }
  | { type: "error"; message: string };

const port = parentPort;
if (!port) throw new Error("run-worker.js runs as a worker thread of `threadbench agent`");
const controller = new AbortController();
port.on("message", (message: ToRunWorker) => {
  if (message.type === "cancel") controller.abort(new Error(message.reason));
});
const send = (message: FromRunWorker) => port.postMessage(message);

try {
  // The plan came from the server: validated again here, like any input.
  const plan = parseRunPlan((workerData as { plan: unknown }).plan, "plan");
  const result = await executeRun(plan, {
    signal: controller.signal,
    onProgress: (progress) => send({ type: "progress", progress }),
    onCell: (cell) => send({ type: "cell", cell }),
  });
  send({ type: "result", result });
} catch (error) {
  send({ type: "error", message: error instanceof Error ? error.message : String(error) });
}
port.close();
