import { finishedRunStatuses, type RunStatus as StoredRunStatus } from "@threadbench/core";
import { getRun } from "../db/run-reads.js";
import type { StoredRun } from "../db/run-rows.js";
import { NotFoundError } from "../errors.js";
import type { SubscriptionResolvers } from "../generated/graphql.js";
import { pushIterator, type RunEvent, type RunProgressUpdate } from "../services/events.js";
import type { GraphQLContext } from "./context.js";

/* The run subscriptions: one run's progress to its end, and every run's events. */

/** The progress of a run that is not executing here, derived from what is stored. */
async function storedProgress(context: GraphQLContext, run: StoredRun): Promise<RunProgressUpdate> {
  const cellsTotal = run.modes.length * run.threads.length;
  const stepsPerCell = run.repetitions + run.warmups;
  const measurements = run.status === "queued" ? [] : await context.loaders.measurementsByRun.load(run.id);
  const cellsDone = Math.min(measurements.length, cellsTotal);
  const elapsedMs = run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : 0;
  return {
    runId: run.id,
    status: run.status,
    cellsDone: run.status === "succeeded" ? cellsTotal : cellsDone,
    cellsTotal,
    stepsDone: run.status === "succeeded" ? cellsTotal * stepsPerCell : cellsDone * stepsPerCell,
    stepsTotal: cellsTotal * stepsPerCell,
    currentCell: null,
    elapsedMs,
    etaMs: finishedRunStatuses.includes(run.status) ? 0 : null,
  };
}

const isFinished = (status: StoredRunStatus | null) =>
  status === null || finishedRunStatuses.includes(status);

/**
 * One run's progress from now to its end. Listens before reading the run, so that no
 * update falls between the two; an unknown run is NOT_FOUND (and a failed read an
 * unexpected error) for the subscriber, never a stream that just ends.
 */
async function progressSubscription(
  context: GraphQLContext,
  runId: string,
): Promise<AsyncIterableIterator<RunProgressUpdate>> {
  const unsubscribers: Array<() => void> = [];
  const stream = pushIterator<RunProgressUpdate>(() => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  });
  let ready = false;
  let last: RunProgressUpdate | null = null;
  const early: RunProgressUpdate[] = [];
  const deliver = (update: RunProgressUpdate) => {
    last = update;
    stream.push(update);
    if (isFinished(update.status)) stream.end();
  };
  unsubscribers.push(
    context.events.onProgress(runId, (update) => (ready ? deliver(update) : early.push(update))),
    context.events.onEvent((event) => {
      if (event.kind === "regression-detected") return;
      if (event.runId !== runId || !isFinished(event.status) || !ready || last === null) return;
      if (!isFinished(last.status))
        deliver({ ...last, status: event.status ?? "cancelled", currentCell: null });
    }),
  );
  try {
    const live = context.queue.progressOf(runId);
    const run = live ? null : await getRun(context.database, runId, { samples: false });
    if (!live && !run) throw new NotFoundError("run", runId);
    const initial = live ?? (await storedProgress(context, run as StoredRun));
    deliver(initial);
    for (const update of early) {
      if (!isFinished((last as RunProgressUpdate | null)?.status ?? null)) deliver(update);
    }
    ready = true;
  } catch (error) {
    stream.end();
    throw error;
  }
  return stream.iterator;
}

function eventSubscription(context: GraphQLContext): AsyncIterableIterator<RunEvent> {
  let unsubscribe = () => {};
  const stream = pushIterator<RunEvent>(() => unsubscribe());
  unsubscribe = context.events.onEvent((event) => stream.push(event));
  return stream.iterator;
}

export const runSubscriptionResolvers: Pick<
  SubscriptionResolvers<GraphQLContext>,
  "runProgress" | "runEvents"
> = {
  runProgress: {
    subscribe: (_parent, { id }, context) => progressSubscription(context, id),
    resolve: (payload: RunProgressUpdate) => payload,
  },
  runEvents: {
    subscribe: (_parent, _args, context) => eventSubscription(context),
    resolve: (payload: RunEvent) => payload,
  },
};
