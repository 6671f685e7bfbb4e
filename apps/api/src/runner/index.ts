export { collectEnvironment } from "./environment.js";
export { type ExecuteRunOptions, executeRun, finishCell, taskRanges } from "./execute-run.js";
export { parseRunPlan, planLimits, type RunPlanInput, runPlanInputSchema } from "./plan.js";
export type {
  CellResult,
  CellStatus,
  ChecksumStatus,
  Environment,
  ExecutionMode,
  RepetitionSample,
  RunOutcome,
  RunPlan,
  RunProgress,
  RunResult,
  ScalingKind,
  Summary,
} from "./types.js";
export { executionModes, scalingKinds } from "./types.js";
