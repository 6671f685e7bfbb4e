import { sharedCounter } from "./shared-counter.js";
import { sumSquares } from "./sum-squares.js";
import type { AnyWorkload } from "./types.js";

/** Every workload threadbench knows, in the order they are listed to users. */
export const workloads: readonly AnyWorkload[] = [sumSquares, sharedCounter];

const byId = new Map(workloads.map((workload) => [workload.id, workload]));

/** The ids of all workloads, for error messages and forms. */
export const workloadIds: readonly string[] = workloads.map((workload) => workload.id);

/** The workload with this id, or undefined. */
export function findWorkload(id: string): AnyWorkload | undefined {
  return byId.get(id);
}
