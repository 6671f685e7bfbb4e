import { type ExecutionMode, executionModes, type RuntimeKind, runtimeModes } from "@threadbench/core";
import { workloadIds } from "@threadbench/workloads";
import type { QueryResolvers } from "../generated/graphql.js";
import { pythonWorkloadIds } from "../runner/python/python-runtime.js";

const modeDescriptions: Record<ExecutionMode, string> = {
  sequential: "Main thread, tasks back to back: every cell's baseline.",
  "event-loop": "Main thread, tasks interleaved in slices: concurrency without parallelism.",
  "worker-threads": "A pool of worker threads (piscina): parallel, shared process.",
  "child-processes": "A pool of child processes: parallel, separate memory.",
  threading:
    "CPython: one threading.Thread per task. About 1.0x with the GIL; near-linear on a free-threaded build.",
  multiprocessing: "CPython: a pool of spawned interpreters (multiprocessing): parallel, separate memory.",
};

const runtimeKinds: readonly RuntimeKind[] = ["node", "python"];

/** Query.executionModes: every mode of every runtime, in the order cells run. */
export const executionModeDescriptions = executionModes.map((name) => ({
  name,
  description: modeDescriptions[name],
  runtimes: runtimeKinds.filter((kind) => runtimeModes[kind].includes(name)),
}));

export const runtimeQueryResolvers: Pick<Required<QueryResolvers>, "runtimes"> = {
  runtimes: (_parent, _args, context) => [
    { name: "node", kind: "node", modes: [...runtimeModes.node], workloads: [...workloadIds] },
    ...(context.config.pythonRuntimes ?? []).map((name) => ({
      name,
      kind: "python",
      modes: [...runtimeModes.python],
      workloads: [...pythonWorkloadIds],
    })),
  ],
};
