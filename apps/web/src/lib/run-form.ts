/**
 * The new-run form as data: the values a person types (all strings, as inputs hold
 * them), validation with messages that name the allowed range, and the plan sent to
 * the API. Bounds are the runner's own plan limits (@threadbench/core), so that most
 * mistakes are caught before a request; the server validates again and its field errors
 * are shown the same way.
 */
import {
  type ExecutionMode,
  executionModes,
  planLimits,
  processModes,
  type RunPlanInput,
  resultValuesPerMessage,
  resultValuesPerSample,
  runtimeModes,
  type ScalingKind,
} from "@threadbench/core";
import type { ParameterDescription } from "@threadbench/workloads";

/**
 * A runtime the server lets a plan name (its `Query.runtimes`): node, or a Python
 * interpreter its operator listed in THREADBENCH_PYTHON.
 */
export interface RuntimeOption {
  /** "node", or the interpreter as configured ("python3", "/opt/python3.13t/bin/python3"). */
  name: string;
  kind: "node" | "python";
  /** The modes it runs, in the order cells run. */
  modes: readonly ExecutionMode[];
  /** The workload ids it runs (python: the article's four experiments). */
  workloads: readonly string[];
}

/**
 * The node runtime as every server offers it, for when the server's list is not at
 * hand (the API unreachable while the page rendered): every workload, node's four modes.
 */
export function nodeRuntimeOption(workloadIds: readonly string[]): RuntimeOption {
  return { name: "node", kind: "node", modes: runtimeModes.node, workloads: workloadIds };
}

/** The server's runtimes with the mode names checked: a mode the form does not know is dropped. */
export function runtimeOptionsOf(
  runtimes: readonly { name: string; kind: string; modes: readonly string[]; workloads: readonly string[] }[],
): RuntimeOption[] {
  const known = new Set<string>(executionModes);
  return runtimes.flatMap((runtime) =>
    runtime.kind === "node" || runtime.kind === "python"
      ? [
          {
            name: runtime.name,
            kind: runtime.kind,
            modes: runtime.modes.filter((mode): mode is ExecutionMode => known.has(mode)),
            workloads: [...runtime.workloads],
          },
        ]
      : [],
  );
}

/** "node", or "cpython (python3)": how the form names a runtime. */
export function runtimeChoiceLabel(runtime: RuntimeOption): string {
  return runtime.kind === "node" ? "node" : `cpython (${runtime.name})`;
}

/** One workload as the form needs it: plain data, computed on the server. */
export interface WorkloadOption {
  id: string;
  title: string;
  description: string;
  unitName: string;
  requiresSharedMemory: boolean;
  parameters: ParameterDescription[];
}

export interface RunFormValues {
  /** A runtime's name (RuntimeOption.name): "node" or a Python interpreter. */
  runtime: string;
  workloadId: string;
  /** Parameter values as typed, by parameter name. */
  params: Record<string, string>;
  modes: ExecutionMode[];
  /** Comma- or space-separated thread counts, e.g. "1, 2, 4". */
  threads: string;
  repetitions: string;
  warmups: string;
  scaling: ScalingKind;
}

/**
 * The plan as the API's `startRun` input expects it, every field the form sets filled in
 * (`runtime` only for a Python interpreter: a node plan stays exactly what it always was).
 */
export type FormPlan = Required<
  Pick<RunPlanInput, "workload" | "params" | "modes" | "threads" | "repetitions" | "warmups" | "scaling">
> &
  Pick<RunPlanInput, "runtime">;

/** Field path ("params.n", "threads", ...) to message. */
export type FieldErrors = Record<string, string>;

export type ValidationResult = { ok: true; plan: FormPlan } | { ok: false; errors: FieldErrors };

/** The modes of `runtime` that can run `workload` (no process pool for shared memory). */
export function modesFor(runtime: RuntimeOption, workload: WorkloadOption): ExecutionMode[] {
  return runtime.modes.filter((mode) => !(workload.requiresSharedMemory && processModes.includes(mode)));
}

/** The form's starting values: every parameter at its default, every mode the runtime can run. */
export function defaultFormValues(
  workload: WorkloadOption,
  runtime: RuntimeOption = nodeRuntimeOption([workload.id]),
): RunFormValues {
  return {
    runtime: runtime.name,
    workloadId: workload.id,
    params: Object.fromEntries(
      workload.parameters.map((parameter) => [parameter.name, String(parameter.default)]),
    ),
    modes: modesFor(runtime, workload),
    threads: "1, 2, 4",
    repetitions: "5",
    warmups: "1",
    scaling: "weak",
  };
}

function rangeText(parameter: ParameterDescription): string {
  const kind = parameter.type === "integer" ? "an integer" : "a number";
  const unit = parameter.unit ? ` ${parameter.unit}` : "";
  if (parameter.minimum !== undefined && parameter.maximum !== undefined) {
    return `${kind} from ${parameter.minimum.toLocaleString("en-US")} to ${parameter.maximum.toLocaleString("en-US")}${unit}`;
  }
  if (parameter.minimum !== undefined) return `${kind} of at least ${parameter.minimum}${unit}`;
  if (parameter.maximum !== undefined) return `${kind} of at most ${parameter.maximum}${unit}`;
  return kind;
}

/** Parses "5,000,000" or "5_000_000" or "5e6" as a number; null when it is not one. */
export function parseNumber(text: string): number | null {
  const cleaned = text.trim().replace(/[,_\s]/g, "");
  if (cleaned === "") return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : null;
}

/** Validates one parameter; returns the parsed value or an error message. */
export function validateParameter(
  parameter: ParameterDescription,
  text: string | undefined,
): { value: number | string | boolean } | { error: string } {
  const raw = text ?? "";
  switch (parameter.type) {
    case "boolean":
      if (raw === "true" || raw === "false") return { value: raw === "true" };
      return { error: "allowed: true or false" };
    case "enum": {
      const options = parameter.options ?? [];
      if (options.includes(raw)) return { value: raw };
      return { error: `allowed: ${options.join(", ")}` };
    }
    case "integer":
    case "number": {
      const value = parseNumber(raw);
      const allowed = `allowed: ${rangeText(parameter)}`;
      if (value === null) return { error: `enter a number (${allowed})` };
      if (parameter.type === "integer" && !Number.isInteger(value)) {
        return { error: `must be a whole number (${allowed})` };
      }
      if (parameter.minimum !== undefined && value < parameter.minimum) {
        return { error: `too small (${allowed})` };
      }
      if (parameter.maximum !== undefined && value > parameter.maximum) {
        return { error: `too large (${allowed})` };
      }
      return { value };
    }
    default: {
      const exhaustive: never = parameter.type;
      return { error: `unsupported parameter type ${String(exhaustive)}` };
    }
  }
}

/** "1, 2 4" -> [1, 2, 4]; an error message names the first bad entry. */
export function parseThreadCounts(text: string): { threads: number[] } | { error: string } {
  const parts = text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  const allowed = `allowed: whole numbers from 1 to ${planLimits.maxThreads}, separated by commas`;
  if (parts.length === 0) return { error: `enter at least one thread count (${allowed})` };
  const threads: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (!Number.isInteger(value) || value < 1 || value > planLimits.maxThreads) {
      return { error: `"${part}" is not a valid thread count (${allowed})` };
    }
    threads.push(value);
  }
  const distinct = [...new Set(threads)].sort((a, b) => a - b);
  if (distinct.length > planLimits.maxThreadCounts) {
    return { error: `at most ${planLimits.maxThreadCounts} different thread counts` };
  }
  return { threads: distinct };
}

function parseBoundedInteger(
  text: string,
  minimum: number,
  maximum: number,
): { value: number } | { error: string } {
  const value = parseNumber(text);
  const allowed = `allowed: a whole number from ${minimum} to ${maximum}`;
  if (value === null || !Number.isInteger(value)) return { error: `enter a whole number (${allowed})` };
  if (value < minimum || value > maximum) return { error: `out of range (${allowed})` };
  return { value };
}

/**
 * Validates the whole form. Every problem is reported at once, by field path, so the
 * person can fix them all in one pass; nothing is sent while any remain.
 */
export function validateRunForm(
  values: RunFormValues,
  workloads: readonly WorkloadOption[],
  runtimes: readonly RuntimeOption[] = [nodeRuntimeOption(workloads.map((workload) => workload.id))],
): ValidationResult {
  const errors: FieldErrors = {};
  const runtime = runtimes.find((candidate) => candidate.name === values.runtime);
  if (!runtime) {
    return {
      ok: false,
      errors: {
        runtime: `choose a runtime this server offers (allowed: ${runtimes.map((option) => option.name).join(", ")})`,
      },
    };
  }
  const offered = workloads.filter((candidate) => runtime.workloads.includes(candidate.id));
  const workload = offered.find((candidate) => candidate.id === values.workloadId);
  if (!workload) {
    return {
      ok: false,
      errors: {
        workload: `choose a workload ${runtime.kind === "node" ? "" : `${runtimeChoiceLabel(runtime)} runs `}(allowed: ${offered.map((w) => w.id).join(", ")})`,
      },
    };
  }

  const params: Record<string, number | string | boolean> = {};
  for (const parameter of workload.parameters) {
    const result = validateParameter(parameter, values.params[parameter.name]);
    if ("error" in result) errors[`params.${parameter.name}`] = result.error;
    else params[parameter.name] = result.value;
  }

  // The runtime's own order; a mode of another runtime (left over from a switch) is dropped.
  const modes = runtime.modes.filter((mode) => mode === "sequential" || values.modes.includes(mode));
  const separate = modes.filter((mode) => processModes.includes(mode));
  if (workload.requiresSharedMemory && separate.length > 0) {
    errors.modes = `${workload.id} needs memory shared between its tasks, which separate processes cannot have: untick ${separate.join(", ")}`;
  }

  const threads = parseThreadCounts(values.threads);
  if ("error" in threads) errors.threads = threads.error;
  const repetitions = parseBoundedInteger(values.repetitions, 1, planLimits.maxRepetitions);
  if ("error" in repetitions) errors.repetitions = repetitions.error;
  const warmups = parseBoundedInteger(values.warmups, 0, planLimits.maxWarmups);
  if ("error" in warmups) errors.warmups = warmups.error;

  if ("threads" in threads && "value" in repetitions && "value" in warmups) {
    const tasksPerMode = threads.threads.reduce((total, count) => total + count, 0);
    const totalTasks = tasksPerMode * modes.length * (repetitions.value + warmups.value);
    if (totalTasks > planLimits.maxTotalTasks) {
      errors.repetitions = `the plan would run ${totalTasks.toLocaleString("en-US")} tasks (modes × thread counts × (repetitions + warm-ups)); allowed: at most ${planLimits.maxTotalTasks.toLocaleString("en-US")}`;
    }
    const resultValues = resultValuesPerMessage({
      runtime: runtime.kind,
      modeCount: modes.length,
      threads: threads.threads,
      repetitions: repetitions.value,
    });
    if (!errors.repetitions && resultValues > planLimits.maxResultValuesPerMessage) {
      errors.repetitions = `the results would not fit one message of the agent: ${resultValues.toLocaleString("en-US")} values (one per task duration, ${resultValuesPerSample} more per sample${runtime.kind === "python" ? ", every cell of a CPython run together" : ", in the cell with the most threads"}); allowed: at most ${planLimits.maxResultValuesPerMessage.toLocaleString("en-US")}: fewer repetitions or threads`;
    }
  }

  if (Object.keys(errors).length > 0 || !("threads" in threads)) return { ok: false, errors };
  if (!("value" in repetitions) || !("value" in warmups)) return { ok: false, errors };
  return {
    ok: true,
    plan: {
      workload: workload.id,
      params,
      modes,
      threads: threads.threads,
      repetitions: repetitions.value,
      warmups: warmups.value,
      scaling: values.scaling,
      ...(runtime.kind === "python" ? { runtime: runtime.name } : {}),
    },
  };
}

/**
 * Maps the API's field paths ("plan.params.n", "input.threads.0") onto the form's
 * fields, so server-side validation errors appear next to the input they concern.
 */
export function formFieldOfPath(path: string): string {
  const parts = path.split(".").filter((part) => !/^\d+$/.test(part));
  while (parts.length > 0 && !isFormField(parts[0] ?? "")) parts.shift();
  if (parts[0] === "params" && parts[1]) return `params.${parts[1]}`;
  return parts[0] ?? "form";
}

function isFormField(name: string): boolean {
  return ["runtime", "workload", "params", "modes", "threads", "repetitions", "warmups", "scaling"].includes(
    name,
  );
}
