export { collectEnvironment } from "./environment.js";
export { type ExecuteRunOptions, executeRun, finishCell, taskRanges } from "./execute-run.js";
export { parseRunPlan, runPlanInputSchema } from "./plan.js";
// The shapes a run produces (RunResult, CellResult, ...) and planLimits: @threadbench/core.
