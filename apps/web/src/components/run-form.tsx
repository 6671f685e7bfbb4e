"use client";

import { type ExecutionMode, planLimits, processModes } from "@threadbench/core";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useMemo, useRef, useState } from "react";
import { StartRunDocument } from "../generated/graphql";
import { ApiError, executeOperation } from "../graphql/execute";
import { formatQuantity } from "../lib/format";
import { modeDescriptions, scalingKindLabels, valueOfLabel } from "../lib/labels";
import {
  defaultFormValues,
  type FieldErrors,
  formFieldOfPath,
  modesFor,
  type RunFormValues,
  type RuntimeOption,
  runtimeChoiceLabel,
  validateRunForm,
  type WorkloadOption,
} from "../lib/run-form";
import { targetInput } from "./machines/run-target";
import { RunTargetField } from "./machines/run-target-field";
import { TokenField, useApiToken } from "./token-field";

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span id={id} className="field-error" role="alert">
      {message}
    </span>
  );
}

/**
 * The new-run form, generated from the workloads' parameter schemas. Validation runs
 * in the browser first (nothing is sent while a field is wrong) and the API's own
 * field errors are shown the same way.
 */
export function RunForm({ workloads, runtimes }: { workloads: WorkloadOption[]; runtimes: RuntimeOption[] }) {
  const router = useRouter();
  const formId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const firstRuntime = runtimes[0] as RuntimeOption;
  const first = workloads[0] as WorkloadOption;
  const [values, setValues] = useState<RunFormValues>(() => defaultFormValues(first, firstRuntime));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [attempted, setAttempted] = useState(false);
  const [labels, setLabels] = useState("");
  const [target, setTarget] = useState("any");
  const [submitting, setSubmitting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [token] = useApiToken();
  const runtime = runtimes.find((candidate) => candidate.name === values.runtime) ?? firstRuntime;
  // The workloads this runtime runs (a Python interpreter: the article's four experiments).
  const offered = useMemo(
    () => workloads.filter((candidate) => runtime.workloads.includes(candidate.id)),
    [workloads, runtime],
  );
  const workload = useMemo(
    () => offered.find((candidate) => candidate.id === values.workloadId) ?? offered[0] ?? first,
    [offered, values.workloadId, first],
  );

  function update(next: RunFormValues) {
    setValues(next);
    if (attempted) {
      const result = validateRunForm(next, workloads, runtimes);
      setErrors((current) => ({
        ...(result.ok ? {} : result.errors),
        ...(current.token && !token ? { token: current.token } : {}),
      }));
    }
  }

  function chooseWorkload(id: string) {
    const chosen = workloads.find((candidate) => candidate.id === id);
    if (!chosen) return;
    const defaults = defaultFormValues(chosen, runtime);
    update({
      ...values,
      workloadId: id,
      params: defaults.params,
      modes: chosen.requiresSharedMemory
        ? values.modes.filter((mode) => !processModes.includes(mode))
        : values.modes,
    });
  }

  /**
   * Another runtime has other modes (and maybe fewer workloads): its modes start all
   * ticked, the workload is kept when the runtime runs it (with the values typed so far).
   */
  function chooseRuntime(name: string) {
    const chosen = runtimes.find((candidate) => candidate.name === name);
    if (!chosen) return;
    const kept = chosen.workloads.includes(values.workloadId)
      ? workload
      : workloads.find((candidate) => chosen.workloads.includes(candidate.id));
    if (!kept) return;
    const defaults = defaultFormValues(kept, chosen);
    update({
      ...values,
      runtime: chosen.name,
      workloadId: kept.id,
      params: kept.id === values.workloadId ? values.params : defaults.params,
      modes: modesFor(chosen, kept),
    });
  }

  function toggleMode(mode: ExecutionMode) {
    const modes = values.modes.includes(mode)
      ? values.modes.filter((other) => other !== mode)
      : [...values.modes, mode];
    update({ ...values, modes });
  }

  function focusFirstError(found: FieldErrors) {
    const firstKey = Object.keys(found)[0];
    if (!firstKey) return;
    requestAnimationFrame(() => {
      const element = formRef.current?.querySelector<HTMLElement>(`[data-field="${firstKey}"]`);
      element?.focus();
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    setFormError(null);
    const result = validateRunForm(values, workloads, runtimes);
    const found: FieldErrors = result.ok ? {} : { ...result.errors };
    if (!token) found.token = "Enter an API token: starting a run is a write.";
    setErrors(found);
    if (!result.ok || Object.keys(found).length > 0) {
      focusFirstError(found);
      return;
    }
    setSubmitting(true);
    try {
      const plan = {
        ...result.plan,
        scaling: valueOfLabel(scalingKindLabels, result.plan.scaling),
      };
      const labelList = labels
        .split(",")
        .map((label) => label.trim())
        .filter(Boolean);
      const data = await executeOperation(
        "/graphql",
        StartRunDocument,
        { plan, labels: labelList.length > 0 ? labelList : null, target: targetInput(target) },
        { token },
      );
      router.push(`/runs/${encodeURIComponent(data.startRun.id)}`);
    } catch (error) {
      setSubmitting(false);
      if (error instanceof ApiError && error.code === "UNAUTHENTICATED") {
        setErrors({ token: error.message });
        focusFirstError({ token: error.message });
      } else if (error instanceof ApiError && error.issues.length > 0) {
        const mapped: FieldErrors = {};
        for (const issue of error.issues) mapped[formFieldOfPath(issue.path)] = issue.message;
        setErrors(mapped);
        if (mapped.form) setFormError(mapped.form);
        focusFirstError(mapped);
      } else {
        setFormError(error instanceof Error ? error.message : "Starting the run failed; try again.");
      }
    }
  }

  const errorId = (field: string) => `${formId}-${field.replace(/\W/g, "-")}-error`;
  const described = (field: string, hintId?: string) =>
    [errors[field] ? errorId(field) : null, hintId].filter(Boolean).join(" ") || undefined;

  return (
    <form
      ref={formRef}
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label="New run"
      data-testid="run-form"
    >
      {formError ? (
        <div className="callout error" role="alert">
          <strong>The run was not started</strong>
          <p>{formError}</p>
        </div>
      ) : null}
      <div className="stack">
        <fieldset>
          <legend>Workload</legend>
          {runtimes.length > 1 ? (
            <div className="field">
              <label htmlFor={`${formId}-runtime`}>Runtime</label>
              <select
                id={`${formId}-runtime`}
                name="runtime"
                data-field="runtime"
                value={runtime.name}
                onChange={(event) => chooseRuntime(event.target.value)}
                aria-invalid={errors.runtime ? true : undefined}
                aria-describedby={described("runtime", `${formId}-runtime-hint`)}
              >
                {runtimes.map((candidate) => (
                  <option key={candidate.name} value={candidate.name}>
                    {runtimeChoiceLabel(candidate)}
                  </option>
                ))}
              </select>
              <span id={`${formId}-runtime-hint`} className="hint">
                {runtime.kind === "python"
                  ? "threadbench's CPython harness runs the article's experiments with this interpreter; the run records its version and whether the GIL was on."
                  : "Node.js on the agent that takes the run."}
              </span>
              <FieldError id={errorId("runtime")} message={errors.runtime} />
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={`${formId}-workload`} className="visually-hidden">
              Workload
            </label>
            <select
              id={`${formId}-workload`}
              name="workload"
              data-field="workload"
              value={values.workloadId}
              onChange={(event) => chooseWorkload(event.target.value)}
              aria-invalid={errors.workload ? true : undefined}
              aria-describedby={described("workload", `${formId}-workload-description`)}
            >
              {offered.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.title} ({candidate.id})
                </option>
              ))}
            </select>
            <span id={`${formId}-workload-description`} className="hint">
              {workload.description}
            </span>
            <FieldError id={errorId("workload")} message={errors.workload} />
          </div>
        </fieldset>

        <fieldset>
          <legend>Parameters</legend>
          {workload.parameters.length === 0 ? (
            <p className="muted">This workload has no parameters.</p>
          ) : null}
          <div className="form-grid">
            {workload.parameters.map((parameter) => {
              const field = `params.${parameter.name}`;
              const inputId = `${formId}-param-${parameter.name}`;
              const hintId = `${inputId}-hint`;
              const bounds =
                parameter.minimum !== undefined && parameter.maximum !== undefined
                  ? `${formatQuantity(parameter.minimum)} to ${formatQuantity(parameter.maximum)}`
                  : null;
              return (
                <div className="field" key={parameter.name}>
                  <label htmlFor={inputId}>
                    {parameter.name}
                    {parameter.unit ? <span className="muted"> ({parameter.unit})</span> : null}
                  </label>
                  {parameter.type === "enum" || parameter.type === "boolean" ? (
                    <select
                      id={inputId}
                      name={field}
                      data-field={field}
                      value={values.params[parameter.name] ?? ""}
                      onChange={(event) =>
                        update({
                          ...values,
                          params: { ...values.params, [parameter.name]: event.target.value },
                        })
                      }
                      aria-invalid={errors[field] ? true : undefined}
                      aria-describedby={described(field, hintId)}
                    >
                      {(parameter.type === "boolean" ? ["true", "false"] : (parameter.options ?? [])).map(
                        (option) => (
                          <option key={option} value={option}>
                            {option}
                          </option>
                        ),
                      )}
                    </select>
                  ) : (
                    <input
                      id={inputId}
                      name={field}
                      data-field={field}
                      type="text"
                      inputMode={parameter.type === "integer" ? "numeric" : "decimal"}
                      autoComplete="off"
                      value={values.params[parameter.name] ?? ""}
                      onChange={(event) =>
                        update({
                          ...values,
                          params: { ...values.params, [parameter.name]: event.target.value },
                        })
                      }
                      aria-invalid={errors[field] ? true : undefined}
                      aria-describedby={described(field, hintId)}
                    />
                  )}
                  <span id={hintId} className="hint">
                    {parameter.description}
                    {bounds ? `. ${parameter.type === "integer" ? "Whole number" : "Number"}, ${bounds}` : ""}
                    {`; default ${typeof parameter.default === "number" ? formatQuantity(parameter.default) : String(parameter.default)}.`}
                  </span>
                  <FieldError id={errorId(field)} message={errors[field]} />
                </div>
              );
            })}
          </div>
        </fieldset>

        <fieldset aria-describedby={errors.modes ? errorId("modes") : undefined}>
          <legend>Modes</legend>
          <div className="checks">
            {runtime.modes.map((mode, index) => {
              const separate = processModes.includes(mode);
              const disabled = mode === "sequential" || (separate && workload.requiresSharedMemory);
              return (
                <label key={mode} title={modeDescriptions[mode]}>
                  <input
                    type="checkbox"
                    name="modes"
                    value={mode}
                    data-field={index === 1 ? "modes" : undefined}
                    checked={mode === "sequential" || values.modes.includes(mode)}
                    disabled={disabled && !(separate && values.modes.includes(mode))}
                    onChange={() => toggleMode(mode)}
                  />
                  {mode}
                  {mode === "sequential" ? (
                    <span className="muted small">(baseline, always runs)</span>
                  ) : null}
                </label>
              );
            })}
          </div>
          {workload.requiresSharedMemory ? (
            <p className="hint small">
              {workload.id} shares memory between its tasks, so it cannot run in separate processes.
            </p>
          ) : null}
          <FieldError id={errorId("modes")} message={errors.modes} />
        </fieldset>

        <fieldset>
          <legend>Plan</legend>
          <div className="form-grid">
            <div className="field">
              <label htmlFor={`${formId}-threads`}>Thread counts</label>
              <input
                id={`${formId}-threads`}
                name="threads"
                data-field="threads"
                value={values.threads}
                onChange={(event) => update({ ...values, threads: event.target.value })}
                aria-invalid={errors.threads ? true : undefined}
                aria-describedby={described("threads", `${formId}-threads-hint`)}
                autoComplete="off"
              />
              <span id={`${formId}-threads-hint`} className="hint">
                Comma-separated, 1 to {planLimits.maxThreads}; at most {planLimits.maxThreadCounts} values.
              </span>
              <FieldError id={errorId("threads")} message={errors.threads} />
            </div>
            <div className="field">
              <label htmlFor={`${formId}-repetitions`}>Repetitions</label>
              <input
                id={`${formId}-repetitions`}
                name="repetitions"
                data-field="repetitions"
                inputMode="numeric"
                value={values.repetitions}
                onChange={(event) => update({ ...values, repetitions: event.target.value })}
                aria-invalid={errors.repetitions ? true : undefined}
                aria-describedby={described("repetitions", `${formId}-repetitions-hint`)}
                autoComplete="off"
              />
              <span id={`${formId}-repetitions-hint`} className="hint">
                Timed repetitions per cell, 1 to {planLimits.maxRepetitions}.
              </span>
              <FieldError id={errorId("repetitions")} message={errors.repetitions} />
            </div>
            <div className="field">
              <label htmlFor={`${formId}-warmups`}>Warm-ups</label>
              <input
                id={`${formId}-warmups`}
                name="warmups"
                data-field="warmups"
                inputMode="numeric"
                value={values.warmups}
                onChange={(event) => update({ ...values, warmups: event.target.value })}
                aria-invalid={errors.warmups ? true : undefined}
                aria-describedby={described("warmups", `${formId}-warmups-hint`)}
                autoComplete="off"
              />
              <span id={`${formId}-warmups-hint`} className="hint">
                Untimed repetitions before timing, 0 to {planLimits.maxWarmups}.
              </span>
              <FieldError id={errorId("warmups")} message={errors.warmups} />
            </div>
            <div className="field">
              <label htmlFor={`${formId}-scaling`}>Scaling</label>
              <select
                id={`${formId}-scaling`}
                name="scaling"
                data-field="scaling"
                value={values.scaling}
                onChange={(event) =>
                  update({ ...values, scaling: event.target.value === "strong" ? "strong" : "weak" })
                }
                aria-describedby={`${formId}-scaling-hint`}
              >
                <option value="weak">weak: N full-size tasks on N threads</option>
                <option value="strong">strong: one job split into N chunks</option>
              </select>
              <span id={`${formId}-scaling-hint`} className="hint">
                Weak: ideal time stays flat. Strong: ideal time falls as 1/N.
              </span>
            </div>
            <div className="field">
              <label htmlFor={`${formId}-labels`}>Labels</label>
              <input
                id={`${formId}-labels`}
                name="labels"
                value={labels}
                onChange={(event) => setLabels(event.target.value)}
                placeholder="optional, e.g. nightly, pr-1234"
                autoComplete="off"
              />
              <span className="hint">Comma-separated; filterable in the runs table.</span>
            </div>
            <RunTargetField id={`${formId}-target`} value={target} onChange={setTarget} />
          </div>
        </fieldset>

        <fieldset>
          <legend>Authorisation</legend>
          <div data-field="token" tabIndex={-1}>
            <TokenField error={errors.token} />
          </div>
        </fieldset>

        <div className="actions">
          <button type="submit" className="primary" disabled={submitting}>
            {submitting ? "Starting…" : "Start run"}
          </button>
          {attempted && Object.keys(errors).length > 0 ? (
            <span className="field-error" role="status">
              Fix the {Object.keys(errors).length} highlighted field
              {Object.keys(errors).length === 1 ? "" : "s"}; nothing was sent.
            </span>
          ) : (
            <span className="muted small">
              The run is queued; an agent executes it, one run at a time per machine.
            </span>
          )}
        </div>
      </div>
    </form>
  );
}
