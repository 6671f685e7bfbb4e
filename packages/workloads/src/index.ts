export { defineWorkload, rangeTask } from "./define.js";
export {
  canonicalParameters,
  describeParameters,
  type FieldIssue,
  ParameterError,
  parseParameters,
} from "./parameters.js";
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
