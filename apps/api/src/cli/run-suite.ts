import path from "node:path";
import type { RunPlan } from "@threadbench/core";
import { branchRule, commitShaRule, labelsRule, projectRule } from "../db/input-bounds.js";
import { defaultProject } from "../db/series-key.js";
import { UserInputError } from "../errors.js";
import { findProjectFile, loadProjectFile, type ProjectFile } from "../project/project-file.js";
import { gitTopLevel, resolveProjectName } from "../project/project-name.js";
import { acquireMachineLock } from "../runner/machine-lock.js";
import { looksLikeModuleReference } from "../runner/module-registry.js";
import { type PlanModuleInput, parseRunPlan } from "../runner/plan.js";
import { type LoadedWorkloadModule, loadWorkloadModule } from "../runner/workload-module.js";
import { type CliIo, CliUsageError, parseWithRule } from "./command.js";
import { type PlanOutcome, printStoredRun, reportNotStored, runJson } from "./plan-execution.js";
import { closeRunSink, executeInto, openRunSink } from "./run-sink.js";

/** What `--workload` names, resolved: a built-in id, or a loaded module with its project. */
export interface WorkloadTarget {
  /** The id the plan runs: a built-in id or `module:<path>`. */
  workloadId: string;
  workloadModule?: LoadedWorkloadModule;
  /** The project the run belongs to. */
  project: string;
  /** The project root: the checkout whose commit the run records; module paths are relative to it. */
  root: string;
}

/** `--project NAME`: the stored project's rule (printable, 1 to 200 characters). */
export function checkProjectFlag(value: string | undefined): string | undefined {
  return value === undefined ? undefined : parseWithRule("project", value, projectRule);
}

/**
 * `--commit`, `--branch` and `--label` by the rules every store applies, checked before
 * anything runs: a value the database or a server would refuse must not cost a run.
 */
export function checkRunTagFlags(values: {
  commit?: string | undefined;
  branch?: string | undefined;
  label?: string[] | undefined;
}): { commit: string | undefined; branch: string | undefined; label: string[] } {
  return {
    commit: values.commit === undefined ? undefined : parseWithRule("commit", values.commit, commitShaRule),
    branch: values.branch === undefined ? undefined : parseWithRule("branch", values.branch, branchRule),
    label: parseWithRule("label", values.label ?? [], labelsRule),
  };
}

/** A bad module or project file is one line on stderr and exit status 2. */
function asUsageError(error: unknown, prefix = ""): never {
  if (error instanceof UserInputError) {
    throw new CliUsageError(`${prefix}${error.message}`, { usageHint: false });
  }
  throw error;
}

/**
 * The project root of a module run: the directory of the project file above the module
 * (when the module lies inside it), else the module's git checkout, else where the
 * command was typed.
 */
async function moduleRoot(
  moduleFile: string,
  cwd: string,
): Promise<{ root: string; projectFile: string | null }> {
  const directory = path.dirname(moduleFile);
  const projectFile = await findProjectFile(directory);
  if (projectFile) return { root: path.dirname(projectFile), projectFile };
  return { root: (await gitTopLevel(directory)) ?? cwd, projectFile: null };
}

/**
 * Resolves `--workload`: a built-in id runs in the default project (or `--project`);
 * a file is loaded as a workload module (TypeScript or JavaScript) and runs in its
 * project: `--project`, else the project file's name, else the git remote, else default.
 */
export async function resolveWorkloadFlag(
  workload: string,
  projectFlag: string | undefined,
  io: CliIo,
): Promise<WorkloadTarget> {
  const flagged = checkProjectFlag(projectFlag);
  if (!looksLikeModuleReference(workload)) {
    return { workloadId: workload, project: flagged ?? defaultProject, root: io.cwd };
  }
  const { root, projectFile } = await moduleRoot(path.resolve(io.cwd, workload), io.cwd);
  let named = flagged;
  if (named === undefined && projectFile) {
    named = (await loadProjectFile(projectFile, io.cwd).catch((error: unknown) => asUsageError(error)))
      .project;
  }
  const loaded = await loadWorkloadModule({ reference: workload, cwd: io.cwd, root }).catch(
    (error: unknown) => asUsageError(error),
  );
  return {
    workloadId: loaded.id,
    workloadModule: loaded,
    project: await resolveProjectName(named, root),
    root,
  };
}

/** The lines `run` prints about a module above the table. */
export function moduleHeader(target: { workloadModule?: LoadedWorkloadModule }): string[] {
  const loaded = target.workloadModule;
  if (!loaded) return [];
  const files = loaded.files.length === 1 ? "1 file" : `${loaded.files.length} files`;
  return [
    `module    ${loaded.relativePath} (sha256 ${loaded.hash.slice(0, 12)} over ${files}, loaded by ${loaded.loader})`,
  ];
}

/** Flags that shape one plan: a suite's plans set these themselves. */
const planFlags: ReadonlyArray<readonly [long: string, short?: string]> = [
  ["param", "p"],
  ["threads", "t"],
  ["modes", "m"],
  ["runtime"],
  ["repetitions", "r"],
  ["warmups"],
  ["scaling"],
  ["task-timeout"],
  ["max-heap"],
];

/** The plan-shaping flags given on the command line (they conflict with running a suite). */
export function suiteFlagConflicts(argv: readonly string[]): string[] {
  const given = new Set<string>();
  for (const token of argv) {
    for (const [long, short] of planFlags) {
      if (
        token === `--${long}` ||
        token.startsWith(`--${long}=`) ||
        (short && token.startsWith(`-${short}`))
      ) {
        given.add(`--${long}`);
      }
    }
  }
  return [...given];
}

/** One plan of a suite, checked and ready to run. */
interface SuitePlan {
  name: string;
  plan: RunPlan;
  labels: string[];
  workloadModule?: LoadedWorkloadModule;
}

/**
 * Loads every module and checks every plan before the first one runs: a mistake in
 * plan 5 must not surface after plans 1-4 took twenty minutes.
 */
async function prepareSuite(
  projectFile: ProjectFile,
  selected: readonly string[],
  io: CliIo,
): Promise<SuitePlan[]> {
  const shownAs = path.relative(io.cwd, projectFile.file) || projectFile.file;
  const known = projectFile.plans.map((plan) => plan.name);
  for (const name of selected) {
    if (!known.includes(name)) {
      throw new CliUsageError(`--plan: "${name}" is not a plan of ${shownAs} (allowed: ${known.join(", ")})`);
    }
  }
  const prepared: SuitePlan[] = [];
  for (const [index, entry] of projectFile.plans.entries()) {
    if (selected.length > 0 && !selected.includes(entry.name)) continue;
    const at = `plans.${index}`;
    let workloadModule: LoadedWorkloadModule | undefined;
    if (looksLikeModuleReference(entry.workload)) {
      workloadModule = await loadWorkloadModule({
        reference: entry.workload,
        cwd: projectFile.root,
        root: projectFile.root,
      }).catch((error: unknown) => asUsageError(error, `${shownAs}: ${at}.workload: `));
    }
    const { name: _name, labels, ...fields } = entry;
    const input = { ...fields, workload: workloadModule?.id ?? entry.workload };
    let plan: RunPlan;
    try {
      const moduleInput: PlanModuleInput | undefined = workloadModule;
      plan = parseRunPlan(input, at, moduleInput ? { workloadModule: moduleInput } : {});
    } catch (error) {
      asUsageError(error, `${shownAs}: `);
    }
    prepared.push({
      name: entry.name,
      plan,
      labels: labels ?? [],
      ...(workloadModule ? { workloadModule } : {}),
    });
  }
  return prepared;
}

/** The flags `runSuite` reads (a subset of `run`'s). */
export interface SuiteFlags {
  config?: string | undefined;
  project?: string | undefined;
  plan?: string[] | undefined;
  label?: string[] | undefined;
  commit?: string | undefined;
  branch?: string | undefined;
  "no-store": boolean;
  server?: string | undefined;
  json: boolean;
  progress: boolean;
  "no-progress": boolean;
}

/**
 * `threadbench run` without `--workload`: runs the suite of the project file named by
 * `--config` or found in the working directory or above, one stored run per plan,
 * under one machine lock. Returns null when there is no project file (the caller runs
 * the default workload), else the exit status: 0 when every plan succeeded, 1 when any
 * failed or the suite was interrupted.
 */
export async function runSuite(
  values: SuiteFlags,
  io: CliIo,
  options: { conflicts: string[] },
): Promise<number | null> {
  const file = values.config ? path.resolve(io.cwd, values.config) : await findProjectFile(io.cwd);
  if (!file) return null;
  if (options.conflicts.length > 0) {
    throw new CliUsageError(
      `${options.conflicts.join(", ")}: not allowed when running a project file's suite (${path.relative(io.cwd, file) || file} sets them per plan); run one workload with --workload FILE instead`,
    );
  }
  const projectFile = await loadProjectFile(file, io.cwd).catch((error: unknown) => asUsageError(error));
  const plans = await prepareSuite(projectFile, values.plan ?? [], io);
  const project = await resolveProjectName(
    checkProjectFlag(values.project) ?? projectFile.project,
    projectFile.root,
  );
  const shownAs = path.relative(io.cwd, projectFile.file) || projectFile.file;

  const lock = await acquireMachineLock({
    description: `threadbench run (suite ${shownAs})`,
    signal: io.signal,
    onWait: (holder) =>
      io.stderr.write(
        `threadbench run: waiting for another run on this machine to finish (${holder.description}, pid ${holder.pid}, since ${holder.since})\n`,
      ),
  });
  const outcomes: Array<{ name: string; outcome: PlanOutcome | null; error: string | null }> = [];
  try {
    const sink = await openRunSink(io, { noStore: values["no-store"], server: values.server });
    try {
      for (const [index, suitePlan] of plans.entries()) {
        if (io.signal.aborted) break;
        if (!values.json) {
          io.stdout.write(
            `suite     ${project}: plan ${index + 1} of ${plans.length}, "${suitePlan.name}" (${shownAs})\n`,
          );
        }
        try {
          const outcome = await executeInto(sink, {
            plan: suitePlan.plan,
            labels: [...(values.label ?? []), ...suitePlan.labels],
            project,
            gitDirectory: projectFile.root,
            commit: values.commit,
            branch: values.branch,
            showProgress: !values["no-progress"] && values.progress,
            io,
          });
          outcomes.push({ name: suitePlan.name, outcome, error: null });
          if (!values.json) {
            printStoredRun(outcome, io, moduleHeader(suitePlan));
            io.stdout.write("\n");
          }
          reportNotStored(outcome, io, "run");
        } catch (error) {
          // A plan that could not execute at all fails itself; the suite goes on.
          const message = error instanceof Error ? error.message : String(error);
          outcomes.push({ name: suitePlan.name, outcome: null, error: message });
          if (!values.json) io.stdout.write(`status    failed: ${message}\n\n`);
        }
      }
    } finally {
      await closeRunSink(sink);
    }
  } finally {
    lock.release();
  }

  const failed = outcomes.filter(
    (entry) => entry.outcome?.result.status !== "succeeded" || entry.outcome.notStored !== undefined,
  );
  const skipped = plans.length - outcomes.length;
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          project,
          config: projectFile.file,
          plans: outcomes.map((entry) => ({
            name: entry.name,
            ...(entry.outcome ? runJson(entry.outcome) : { id: null, status: "failed", error: entry.error }),
          })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const width = Math.max(4, ...outcomes.map((entry) => entry.name.length));
    io.stdout.write(
      `suite     ${project} (${shownAs}): ${outcomes.length - failed.length} of ${plans.length} plans succeeded\n`,
    );
    for (const entry of outcomes) {
      const status = entry.outcome?.result.status ?? "failed";
      const run = entry.outcome?.stored ? `run ${entry.outcome.stored.id}` : "not stored";
      io.stdout.write(`  ${entry.name.padEnd(width)}  ${status.padEnd(9)}  ${run}\n`);
    }
    if (skipped > 0) io.stdout.write(`  ${skipped} plan${skipped === 1 ? "" : "s"} not run (interrupted)\n`);
  }
  return failed.length === 0 && skipped === 0 ? 0 : 1;
}
