import {
  type ExecutionMode,
  executionModes,
  planLimits,
  processModes,
  type RunPlan,
  resultValuesPerMessage,
  resultValuesPerSample,
  runtimeModes,
  runPlanInputSchema as sharedRunPlanInputSchema,
} from "@threadbench/core";
import {
  type AnyWorkload,
  findWorkload,
  ParameterError,
  parseParameters,
  workloadIds,
} from "@threadbench/workloads";
import { z } from "zod";
import { fieldIssues, UserInputError } from "../errors.js";
import { looksLikeModuleReference } from "./module-registry.js";
import { allowedRuntimesText, classifyRuntimeName, pythonWorkloadIds } from "./python/python-runtime.js";

/**
 * The plan as users write it, with the checks only the runner can make: the workload
 * must exist (or be a module reference) and the runtime message names what this machine
 * accepts. Shape and bounds are the shared schema's (@threadbench/core).
 */
export const runPlanInputSchema = sharedRunPlanInputSchema.extend({
  workload: z.string().refine((id) => findWorkload(id) !== undefined || looksLikeModuleReference(id), {
    message: `unknown workload (allowed: ${workloadIds.join(", ")}, or a workload module from the CLI)`,
  }),
  runtime: z.string().trim().min(1, `allowed: ${allowedRuntimesText}`).max(4096).default("node"),
});

/** A workload module the caller loaded (the CLI's loadWorkloadModule) for `parseRunPlan`. */
export interface PlanModuleInput {
  /** `module:<path>`: the plan's `workload` must name it. */
  id: string;
  file: string;
  relativePath: string;
  hash: string;
  workload: AnyWorkload;
}

export interface ParseRunPlanOptions {
  /**
   * The loaded module when the plan names one. Only the CLI (and an agent running a
   * project it has checked out) loads modules: a plan from an API client that names a
   * file or a `module:` id is refused, because a server must never import a path a
   * client chose.
   */
  workloadModule?: PlanModuleInput;
}

/**
 * Validates a plan at the edge and normalises it: defaults filled, workload
 * parameters parsed, thread counts sorted and distinct, `sequential` added as the
 * baseline every other mode is compared with. Throws `UserInputError` listing
 * every problem with its field path.
 */
export function parseRunPlan(input: unknown, pathPrefix = "", options: ParseRunPlanOptions = {}): RunPlan {
  const parsed = runPlanInputSchema.safeParse(input);
  if (!parsed.success) throw new UserInputError(fieldIssues(parsed.error.issues, pathPrefix));
  const raw = parsed.data;
  const at = (field: string) => (pathPrefix ? `${pathPrefix}.${field}` : field);
  const loadedModule = options.workloadModule;
  const workload =
    findWorkload(raw.workload) ?? (loadedModule?.id === raw.workload ? loadedModule.workload : undefined);
  if (!workload) {
    throw new UserInputError([
      {
        path: at("workload"),
        message: looksLikeModuleReference(raw.workload)
          ? `"${raw.workload}" names a workload module: modules run from the CLI (threadbench run --workload FILE) on a machine with the project checked out, never from a plan sent to the server, which does not load files its clients name (allowed here: ${workloadIds.join(", ")})`
          : "unknown workload",
      },
    ]);
  }

  let params: Record<string, unknown>;
  try {
    params = parseParameters(workload, raw.params, at("params"));
  } catch (error) {
    if (error instanceof ParameterError) throw new UserInputError(error.issues);
    throw error;
  }

  const runtime = classifyRuntimeName(raw.runtime);
  if (!runtime) {
    throw new UserInputError([
      { path: at("runtime"), message: `"${raw.runtime}" is not allowed (allowed: ${allowedRuntimesText})` },
    ]);
  }
  if (runtime.kind === "python" && !pythonWorkloadIds.includes(workload.id)) {
    throw new UserInputError([
      {
        path: at("workload"),
        message: `"${raw.workload}" has no CPython implementation (allowed with runtime ${raw.runtime}: ${pythonWorkloadIds.join(", ")})`,
      },
    ]);
  }
  const runtimeAllows = runtimeModes[runtime.kind];
  // Unless modes are named, every mode of the runtime that can run the workload.
  const requestedModes =
    raw.modes ??
    runtimeAllows.filter((mode) => !(workload.requiresSharedMemory && processModes.includes(mode)));
  const foreign = requestedModes.filter((mode) => !runtimeAllows.includes(mode));
  if (foreign.length > 0) {
    throw new UserInputError([
      {
        path: at("modes"),
        message: `${foreign.map((mode) => `"${mode}"`).join(", ")} ${foreign.length === 1 ? "is not a mode" : "are not modes"} of runtime ${raw.runtime} (allowed: ${runtimeAllows.join(", ")})`,
      },
    ]);
  }
  const modes: ExecutionMode[] = executionModes.filter(
    (mode) => mode === "sequential" || requestedModes.includes(mode),
  );
  const separateProcesses = modes.filter((mode) => processModes.includes(mode));
  if (workload.requiresSharedMemory && separateProcesses.length > 0) {
    throw new UserInputError([
      {
        path: at("modes"),
        message: `${workload.id} needs memory shared between its tasks, which separate processes cannot have; drop ${separateProcesses.join(", ")} (allowed: ${runtimeAllows.filter((mode) => !processModes.includes(mode)).join(", ")})`,
      },
    ]);
  }
  if (loadedModule && workload === loadedModule.workload) checkModuleUnits(workload, params, at("params"));
  const threads = [...new Set(raw.threads)].sort((a, b) => a - b);
  const tasksPerMode = threads.reduce((total, count) => total + count, 0);
  const totalTasks = tasksPerMode * modes.length * (raw.repetitions + raw.warmups);
  if (totalTasks > planLimits.maxTotalTasks) {
    throw new UserInputError([
      {
        path: at("repetitions"),
        message: `the plan runs ${totalTasks} tasks (modes x thread counts x (repetitions + warm-ups)); allowed: at most ${planLimits.maxTotalTasks}`,
      },
    ]);
  }
  // An agent delivers results in WebSocket messages the server bounds: a plan whose results
  // cannot fit would run to the end and then be lost, so it is refused here, up front.
  const resultValues = resultValuesPerMessage({
    runtime: runtime.kind,
    modeCount: modes.length,
    threads,
    repetitions: raw.repetitions,
  });
  if (resultValues > planLimits.maxResultValuesPerMessage) {
    const largest = threads.at(-1) as number;
    const counted =
      runtime.kind === "python"
        ? `a CPython run's results travel in one message: ${modes.length} modes x ${raw.repetitions} repetitions x (threads + ${resultValuesPerSample}) over thread counts ${threads.join(", ")}`
        : `each cell's results travel in one message, the largest: ${raw.repetitions} repetitions x (${largest} threads + ${resultValuesPerSample})`;
    const repetitionsAllowed = Math.floor(
      planLimits.maxResultValuesPerMessage / (resultValues / raw.repetitions),
    );
    throw new UserInputError([
      {
        path: at("repetitions"),
        message: `${counted} = ${resultValues} values, more than an agent can deliver (the server's WebSocket message limit, THREADBENCH_MAX_BODY_BYTES, is 1 MiB by default); allowed: at most ${planLimits.maxResultValuesPerMessage} values per message (one per task duration, ${resultValuesPerSample} more per sample), here at most ${repetitionsAllowed} repetitions, or fewer threads`,
      },
    ]);
  }
  return {
    workloadId: workload.id,
    ...(loadedModule && workload === loadedModule.workload
      ? {
          workloadModule: {
            file: loadedModule.file,
            relativePath: loadedModule.relativePath,
            hash: loadedModule.hash,
          },
        }
      : {}),
    // Only python plans carry a runtime: node plans stay exactly what they always were.
    ...(runtime.kind === "python" ? { runtime } : {}),
    params,
    modes,
    threads,
    repetitions: raw.repetitions,
    warmups: raw.warmups,
    scaling: raw.scaling,
    taskTimeoutMs: raw.taskTimeoutMs,
    maxHeapMb: raw.maxHeapMb,
  };
}

/**
 * A module's `units(params)` must be a whole number of units: the runner slices and
 * splits that range. Built-ins are tested; a team's module is checked here, once.
 */
function checkModuleUnits(workload: AnyWorkload, params: Record<string, unknown>, path: string): void {
  let units: unknown;
  try {
    units = workload.units(params);
  } catch (error) {
    throw new UserInputError([
      { path, message: `units(params) threw: ${error instanceof Error ? error.message : String(error)}` },
    ]);
  }
  if (typeof units !== "number" || !Number.isSafeInteger(units) || units < 1) {
    throw new UserInputError([
      {
        path,
        message: `units(params) of ${workload.id} returned ${String(units)} (allowed: an integer from 1 to ${Number.MAX_SAFE_INTEGER})`,
      },
    ]);
  }
}
