// The vocabulary every layer shares (api and web alike): modes and their order, statuses,
// the plan's shape and limits, the run's stored shapes, and small pure helpers. No Node
// imports here: the dashboard bundles this package for the browser.
export { formatDuration, toSignificant } from "./format.js";
export {
  compareModes,
  type ExecutionMode,
  executionModes,
  modeRank,
  type PlanRuntime,
  processModes,
  type RuntimeKind,
  runtimeModes,
  type ScalingKind,
  scalingKinds,
} from "./modes.js";
export {
  planLimits,
  type RunPlanInput,
  resultValuesPerMessage,
  resultValuesPerSample,
  runPlanInputSchema,
} from "./plan.js";
export { createRandom, deriveSeed, normalizeSeed, type Random, seededRandom } from "./random.js";
export {
  type CellResult,
  type CellStatus,
  type ChecksumStatus,
  cellStatuses,
  checksumStatuses,
  type Environment,
  type PlanWorkloadModule,
  type RepetitionSample,
  type RunOutcome,
  type RunPlan,
  type RunProgress,
  type RunResult,
  type Summary,
} from "./run-types.js";
export { median, medianOfSorted } from "./statistics.js";
export * from "./vocabulary.js";
