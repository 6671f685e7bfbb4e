import type { RunPlan, RunResult } from "@threadbench/core";
import type { Database } from "../db/client.js";
import { commitMessageFor, gitInfo } from "../db/git-info.js";
import {
  createQueuedRun,
  finishRunWithoutResult,
  heartbeatRun,
  markRunRunning,
  storeRunResult,
} from "../db/run-repository.js";
import type { CheckRunResult } from "../regressions/check-run.js";
import { executeRun } from "../runner/execute-run.js";
import type { CliIo } from "./command.js";
import { formatStoredChanges } from "./comparison-format.js";
import { detectAfterStore } from "./detect-after-store.js";
import {
  formatCells,
  formatEnvironment,
  formatHeadline,
  formatOverheadNote,
  formatSharedMemory,
  reliabilityWarnings,
} from "./format.js";
import { ProgressBar } from "./progress-bar.js";

/**
 * Executing one plan from the CLI and storing it: shared by `threadbench run` with one
 * workload and by a project file's suite (one call per plan).
 */

/** How often a running run proves it is alive, so a crash can be told from a long run. */
const HEARTBEAT_MS = 5_000;

/** Prints a finished run for people. */
export function printRun(result: RunResult, io: CliIo, extra: string[] = []): void {
  const plan = result.plan;
  const params = Object.entries(plan.params)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");
  io.stdout.write(
    [
      `workload  ${plan.workloadId} ${params}`,
      `plan      ${plan.scaling} scaling, threads ${plan.threads.join(",")}, ${plan.repetitions} repetitions + ${plan.warmups} warm-up${plan.warmups === 1 ? "" : "s"}`,
      formatEnvironment(result.environment),
      ...extra,
      "",
      formatCells(result.cells),
      ...[formatOverheadNote(result.cells)].filter((note) => note !== null),
      "",
      formatHeadline(result),
      "",
    ].join("\n"),
  );
  const shared = formatSharedMemory(result.cells);
  if (shared) io.stdout.write(`${shared}\n\n`);
  for (const warning of reliabilityWarnings(result.cells)) io.stdout.write(`${warning}\n`);
  io.stdout.write(`status    ${result.status}${result.error ? `: ${result.error}` : ""}\n`);
}

/** One plan to execute and store (a single `run`, or one plan of a suite). */
export interface PlanExecution {
  plan: RunPlan;
  labels: string[];
  /** The project the run belongs to. */
  project: string;
  /** The checkout whose commit and branch the run records (the project root). */
  gitDirectory: string;
  commit?: string | undefined;
  branch?: string | undefined;
  showProgress: boolean;
  io: CliIo;
}

/** What executing a plan gave: the result, where it was stored, what the history check found. */
export interface PlanOutcome {
  result: RunResult;
  project: string;
  stored: { id: string; commitSha: string | null; branch: string | null } | null;
  check: Pick<CheckRunResult, "stored"> | null;
  /** Why a run that should have been stored (`--server` refused it) was not. */
  notStored?: string;
}

/**
 * Executes a plan and, with a database, stores it as it goes: queued and running before
 * the first task (so a crash leaves an `interrupted` run, never a silent gap), the
 * result after, then checks it against its history. The caller holds the machine lock.
 */
export async function executeAndStore(
  database: Database | null,
  execution: PlanExecution,
): Promise<PlanOutcome> {
  const { plan, labels, project, io } = execution;
  let stored: PlanOutcome["stored"] = null;
  if (database) {
    const git = await gitInfo(execution.gitDirectory, io.env);
    const commitSha = execution.commit ?? git.commitSha;
    const branch = execution.branch ?? git.branch;
    const commitMessage = await commitMessageFor(execution.gitDirectory, git, commitSha);
    const { run } = await createQueuedRun(database, {
      plan,
      commitSha,
      commitMessage,
      branch,
      labels,
      project,
    });
    await markRunRunning(database, run.id);
    stored = { id: run.id, commitSha, branch };
  }
  const heartbeat =
    database && stored
      ? setInterval(() => {
          heartbeatRun(database, (stored as { id: string }).id).catch(() => {});
        }, HEARTBEAT_MS)
      : null;
  const bar = new ProgressBar(io.stderr);
  let result: RunResult;
  try {
    result = await executeRun(plan, {
      signal: io.signal,
      onProgress: (progress) => {
        if (execution.showProgress) bar.update(progress);
      },
    });
  } catch (error) {
    if (database && stored) {
      await finishRunWithoutResult(database, stored.id, {
        status: "failed",
        error: error instanceof Error ? error.message : String(error),
      });
    }
    throw error;
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    bar.done();
  }
  let check: CheckRunResult | null = null;
  if (database && stored) {
    await storeRunResult(database, result, {
      runId: stored.id,
      commitSha: stored.commitSha,
      branch: stored.branch,
      labels,
      project,
    });
    check = await detectAfterStore(database, stored.id, io);
  }
  return { result, project, stored, check };
}

/** A run as `--json` prints it. */
export function runJson(outcome: PlanOutcome): Record<string, unknown> {
  return {
    id: outcome.stored?.id ?? null,
    ...(outcome.notStored !== undefined ? { notStored: outcome.notStored } : {}),
    project: outcome.project,
    ...outcome.result,
    regressions: outcome.check?.stored ?? [],
  };
}

/** Prints a run and where it was stored, for people. */
export function printStoredRun(outcome: PlanOutcome, io: CliIo, header: string[] = []): void {
  const { stored, check } = outcome;
  const where = stored
    ? [
        `stored    run ${stored.id}${stored.commitSha ? ` at ${stored.commitSha.slice(0, 12)}` : ""}${stored.branch ? ` on ${stored.branch}` : ""} (threadbench show ${stored.id})`,
      ]
    : outcome.notStored !== undefined
      ? [`stored    NO: the server refused the run, it is not kept (${outcome.notStored})`]
      : ["stored    no (--no-store)"];
  printRun(outcome.result, io, [...header, `project   ${outcome.project}`, ...where]);
  for (const line of check ? formatStoredChanges(check) : []) io.stdout.write(`${line}\n`);
}

/**
 * Says on stderr that a finished run was not stored and why (the results are printed
 * all the same); true when so, and the command then exits 1.
 */
export function reportNotStored(outcome: PlanOutcome, io: CliIo, command: string): boolean {
  if (outcome.notStored === undefined) return false;
  io.stderr.write(
    `threadbench ${command}: the run finished but was NOT stored: the server refused it: ${outcome.notStored}\n`,
  );
  return true;
}
