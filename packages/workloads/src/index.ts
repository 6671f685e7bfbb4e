// Workload modules import `z` from here, so their parameter schemas are built by the
// same zod that threadbench validates them with.
export { z } from "zod";
export { defineWorkload, rangeTask } from "./define.js";
export {
  canonicalParameters,
  describeParameters,
  type FieldIssue,
  ParameterError,
  parseParameters,
} from "./parameters.js";
export { defineProject, type ProjectConfig, type ProjectPlan, type ProjectPlanMode } from "./project.js";
export { findWorkload, workloadIds, workloads } from "./registry.js";
export type {
  AnyWorkload,
  CombinedResult,
  ParameterDescription,
  SharedMemoryReport,
  TaskContext,
  TaskState,
  UnitRange,
  Workload,
} from "./types.js";
