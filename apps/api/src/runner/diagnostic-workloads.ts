import { type AnyWorkload, defineWorkload, findWorkload } from "@threadbench/workloads";
import { z } from "zod";
import { findModuleWorkload } from "./module-registry.js";
import { newSpaceBytes } from "./young-generation.js";

/**
 * Fault injection for the runner's own tests: a workload that throws, exits its
 * worker, exhausts its heap or never finishes. It is not in the public registry:
 * `parseRunPlan` never accepts it, and pool members only resolve it when
 * THREADBENCH_DIAGNOSTIC_WORKLOADS=1. Faults fire only inside a pool member, so the
 * sequential baseline on the main thread stays harmless.
 */
let insidePoolMember = false;

/** Called by the worker-thread and child-process entries. */
export function markPoolMember(): void {
  insidePoolMember = true;
}

export const faultBehaviours = ["throw", "exit", "exhaust-heap", "spin"] as const;

const fault = defineWorkload({
  id: "diagnostic-fault",
  title: "Fault injection (tests only)",
  description: "Misbehaves inside a worker thread or child process, on purpose.",
  parameters: z.object({
    behaviour: z.enum(faultBehaviours).default("throw"),
  }),
  unitName: "tasks",
  units: () => 1,
  createTask(params) {
    return {
      step() {
        if (!insidePoolMember) return true;
        switch (params.behaviour) {
          case "throw":
            throw new Error("fault injected: the task threw");
          case "exit":
            process.exit(3);
            break;
          case "exhaust-heap": {
            const hoard: number[][] = [];
            for (;;) hoard.push(new Array<number>(1_000_000).fill(hoard.length));
          }
          case "spin":
            for (;;) {
              // never returns: only a timeout or a cancellation ends it
            }
          default: {
            const unreachable: never = params.behaviour;
            throw new Error(`unknown behaviour ${String(unreachable)}`);
          }
        }
        return true;
      },
      result: () => 0,
    };
  },
  combine: () => ({ checksum: "fault" }),
});

/**
 * Reports the size of the new space of the isolate it runs in (a worker thread, a child
 * process or the main thread): the young-generation test compares pool members with the
 * main thread through the same task path the runner uses.
 */
const youngGeneration = defineWorkload({
  id: "diagnostic-young-generation",
  title: "New-space size (tests only)",
  description: "Answers the new-space size, in bytes, of the isolate that ran it, after some scavenges.",
  parameters: z.object({}),
  unitName: "tasks",
  units: () => 1,
  createTask() {
    return {
      step() {
        // Scavenge a few times first: a fresh isolate commits its second semi-space
        // only at its first scavenge, so its size is comparable only after some.
        let garbage = 0;
        for (let index = 0; index < 1_000_000; index++) garbage += [index, index].length;
        return garbage > 0;
      },
      result: () => newSpaceBytes(),
    };
  },
  combine: (_params, partials) => ({ checksum: String(partials[0]) }),
});

const diagnosticWorkloads = new Map<string, AnyWorkload>([
  [fault.id, fault as AnyWorkload],
  [youngGeneration.id, youngGeneration as AnyWorkload],
]);

/**
 * A public workload by id, a workload module loaded in this thread (`module:...`), or,
 * when diagnostics are enabled, a diagnostic one.
 */
export function resolveWorkload(id: string): AnyWorkload | undefined {
  const workload = findWorkload(id) ?? findModuleWorkload(id);
  if (workload) return workload;
  return process.env.THREADBENCH_DIAGNOSTIC_WORKLOADS === "1" ? diagnosticWorkloads.get(id) : undefined;
}
