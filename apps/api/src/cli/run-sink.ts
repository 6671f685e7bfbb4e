import { randomUUID } from "node:crypto";
import { type Database, openDatabase } from "../db/client.js";
import { commitMessageFor, gitInfo } from "../db/git-info.js";
import { markInterruptedRuns } from "../db/run-repository.js";
import { type CliStore, openCliStore, storeTarget } from "./cli-store.js";
import { type CliIo, CliUsageError } from "./command.js";
import { executeAndStore, type PlanExecution, type PlanOutcome } from "./plan-execution.js";

/**
 * Where `threadbench run` keeps what it executes on this machine: the database (the run
 * lifecycle: queued and running before the first task, so a crash leaves an
 * `interrupted` run), a threadbench API (`--server`: the result is posted when the run
 * ends, with `recordRun`), or nowhere (`--no-store`).
 */
export type RunSink =
  | { kind: "database"; database: Database }
  | { kind: "server"; store: CliStore }
  | { kind: "none" };

/** Opens the sink the flags ask for: --no-store, else --server / THREADBENCH_SERVER_URL, else DATABASE_URL. */
export async function openRunSink(
  io: CliIo,
  flags: { noStore: boolean; server: string | undefined },
): Promise<RunSink> {
  if (flags.noStore && flags.server !== undefined) {
    throw new CliUsageError(
      "--no-store and --server exclude each other (--server stores the run on that server)",
    );
  }
  if (flags.noStore) return { kind: "none" };
  if (storeTarget(io, flags.server).kind === "server") {
    return { kind: "server", store: await openCliStore(io, flags.server) };
  }
  const database = await openDatabase(io.env.DATABASE_URL ?? "");
  try {
    // A run this machine left `running` when it crashed is not running any more.
    await markInterruptedRuns(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return { kind: "database", database };
}

export async function closeRunSink(sink: RunSink): Promise<void> {
  if (sink.kind === "database") await sink.database.close();
  if (sink.kind === "server") await sink.store.close();
}

/** Executes a plan here and keeps it in the sink; prints nothing (the caller does). */
export async function executeInto(sink: RunSink, execution: PlanExecution): Promise<PlanOutcome> {
  switch (sink.kind) {
    case "database":
      return executeAndStore(sink.database, execution);
    case "none":
      return executeAndStore(null, execution);
    case "server": {
      const git = await gitInfo(execution.gitDirectory, execution.io.env);
      const commitSha = execution.commit ?? git.commitSha;
      const branch = execution.branch ?? git.branch;
      const commitMessage = await commitMessageFor(execution.gitDirectory, git, commitSha);
      const outcome = await executeAndStore(null, execution);
      let recorded: Awaited<ReturnType<CliStore["recordRun"]>>;
      try {
        recorded = await sink.store.recordRun(outcome.result, {
          commitSha,
          commitMessage,
          branch,
          labels: execution.labels,
          project: execution.project,
          // One key per execution: a repeated post of this result stores it once.
          idempotencyKey: `threadbench-run-${randomUUID()}`,
        });
      } catch (error) {
        // The run is done and its figures are here: the caller prints them and why the
        // server did not keep them, instead of losing minutes of measuring to one error.
        return { ...outcome, notStored: error instanceof Error ? error.message : String(error) };
      }
      return {
        ...outcome,
        stored: { id: recorded.run.id, commitSha, branch },
        check: recorded.changes,
      };
    }
    default: {
      const unreachable: never = sink;
      throw new Error(`unknown run sink ${String(unreachable)}`);
    }
  }
}
