import { finishedRunStatuses, planLimits, runtimeLabel } from "@threadbench/core";
import { describeParameters, findWorkload, workloads } from "@threadbench/workloads";
import { gitInfo } from "../db/git-info.js";
import { countRuns, encodeRunCursor, listRuns, runsByIds } from "../db/run-list.js";
import { getRun, requireRun } from "../db/run-reads.js";
import { deleteRun, updateRunLabels } from "../db/run-repository.js";
import { measurementSummary } from "../db/run-rows.js";
import { listTestbeds } from "../db/testbed.js";
import { ConflictError, NotFoundError, UserInputError } from "../errors.js";
import type { Resolvers } from "../generated/graphql.js";
import { parseRunPlan } from "../runner/index.js";
import { disallowedRuntime } from "../runner/python/python-runtime.js";
import { requireScope } from "../services/auth.js";
import {
  agentMutationResolvers,
  agentQueryResolvers,
  agentResolvers,
  agentSignalResolvers,
  agentSubscriptionResolvers,
  queueAgentResolvers,
  resolveRunTarget,
  runAgentResolvers,
} from "./agent-resolvers.js";
import {
  analysisMutationResolvers,
  analysisQueryResolvers,
  analysisSubscriptionResolvers,
  changePointResolvers,
  regressionConnectionResolvers,
  regressionResolvers,
  runAnalysisResolvers,
  scalingFitResolvers,
  seriesAnalysisResolvers,
} from "./analysis-resolvers.js";
import { checkDecisionResolvers, checkQueryResolvers } from "./check-resolvers.js";
import { compareQueryResolvers } from "./compare-resolvers.js";
import { connectionResolvers } from "./connection-resolvers.js";
import { enumResolvers } from "./enum-values.js";
import { ingestMutationResolvers } from "./ingest-resolvers.js";
import {
  branchSchema,
  checkInteger,
  commitShaSchema,
  labelsSchema,
  pageLimits,
  toRunFilter,
  validate,
} from "./inputs.js";
import type { RunModel } from "./models.js";
import { recordRunMutationResolvers } from "./record-run-resolvers.js";
import { regressionMetricResolvers } from "./regression-metric-resolvers.js";
import { runOrder } from "./run-queries.js";
import { runSubscriptionResolvers } from "./run-subscriptions.js";
import { executionModeDescriptions, runtimeQueryResolvers } from "./runtime-resolvers.js";
import { DateTimeScalar, JSONScalar } from "./scalars.js";
import { seriesHistoryResolvers, seriesQueryResolvers, seriesSourceResolvers } from "./series-resolvers.js";

function planFromInput(input: Record<string, unknown>): Record<string, unknown> {
  // GraphQL nulls mean "not given": the runner's defaults apply.
  const plan = Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined),
  );
  return plan;
}

export const resolvers: Resolvers = {
  ...enumResolvers,
  JSON: JSONScalar,
  DateTime: DateTimeScalar,

  Query: {
    workloads: () => [...workloads],
    workload: (_parent, { id }) => findWorkload(id) ?? null,
    executionModes: () => executionModeDescriptions,
    planLimits: () => ({ ...planLimits }),
    runs: async (_parent, { filter, orderBy, first, after }, context) => {
      const pageSize = checkInteger(first ?? 20, "first", 1, pageLimits.maxRunsPage);
      const runFilter = toRunFilter(filter);
      const { field, direction } = runOrder(orderBy);
      const page = await listRuns(context.database, runFilter, {
        field,
        direction,
        limit: pageSize,
        cursor: after ?? null,
      });
      return {
        edges: page.runs.map((run) => ({ cursor: encodeRunCursor(run, field), node: run })),
        hasNextPage: page.nextCursor !== null,
        hasPreviousPage: Boolean(after),
        count: () => countRuns(context.database, runFilter),
      };
    },
    run: (_parent, { id }, context) => getRun(context.database, id, { samples: false }),
    testbeds: async (_parent, _args, context) => {
      const testbeds = await listTestbeds(context.database);
      for (const testbed of testbeds) context.loaders.testbedById.prime(testbed.id, testbed);
      return testbeds;
    },
    ...compareQueryResolvers,
    queue: async (_parent, _args, context) => ({
      runningRunId: (await context.queue.runningRunIds())[0] ?? null,
      queuedRunIds: await context.queue.queuedRunIds(),
    }),
    ...analysisQueryResolvers,
    ...runtimeQueryResolvers,
    ...checkQueryResolvers,
    ...agentQueryResolvers,
    ...seriesQueryResolvers,
  },

  Mutation: {
    startRun: async (_parent, args, context) => {
      const requestedBy = requireScope(context, "run");
      const plan = parseRunPlan(planFromInput(args.plan as Record<string, unknown>), "plan");
      // Only interpreters the server's operator listed: never a program a client names.
      const refusedRuntime = disallowedRuntime(
        plan.runtime,
        context.config.pythonRuntimes ?? [],
        "plan.runtime",
      );
      if (refusedRuntime) throw new UserInputError([refusedRuntime]);
      const labels = args.labels != null ? validate(labelsSchema, args.labels, "labels") : [];
      let commitSha = args.commitSha != null ? validate(commitShaSchema, args.commitSha, "commitSha") : null;
      let branch = args.branch != null ? validate(branchSchema, args.branch, "branch") : null;
      let commitMessage: string | null = null;
      if (commitSha === null && branch === null) {
        // Like `threadbench run`: a run started without a commit is of the server's
        // checkout, so runs from the dashboard join the CLI's series instead of forming
        // their own branchless ones.
        const git = await gitInfo(process.cwd());
        commitSha = git.commitSha;
        branch = git.branch;
        commitMessage = git.commitMessage;
      }
      const target = await resolveRunTarget(context, args.target);
      return context.queue.enqueue({ plan, labels, commitSha, commitMessage, branch, requestedBy, target });
    },
    cancelRun: async (_parent, { id }, context) => {
      const requestedBy = requireScope(context, "run");
      const run = await getRun(context.database, id, { samples: false });
      if (!run) throw new NotFoundError("run", id);
      if (finishedRunStatuses.includes(run.status)) {
        throw new ConflictError(
          `run "${id}" has already finished (${run.status}); only queued or running runs can be cancelled`,
        );
      }
      return context.queue.cancel(id, requestedBy);
    },
    ...ingestMutationResolvers,
    ...recordRunMutationResolvers,
    deleteRun: async (_parent, { id }, context) => {
      requireScope(context, "admin");
      const run = await getRun(context.database, id, { samples: false });
      if (!run) throw new NotFoundError("run", id);
      if (run.status === "queued" || run.status === "running") {
        throw new ConflictError(`run "${id}" is ${run.status}; cancel it before deleting it`);
      }
      await deleteRun(context.database, id);
      context.events.publishEvent({ kind: "deleted", runId: id, status: null, at: new Date() });
      return id;
    },
    updateRunLabels: async (_parent, { id, labels }, context) => {
      requireScope(context, "run");
      return updateRunLabels(context.database, id, validate(labelsSchema, labels, "labels"));
    },
    ...analysisMutationResolvers,
    ...agentMutationResolvers,
  },

  Subscription: {
    ...runSubscriptionResolvers,
    ...analysisSubscriptionResolvers,
    ...agentSubscriptionResolvers,
  },

  Workload: {
    requiresSharedMemory: (workload) => workload.requiresSharedMemory ?? false,
    parameters: (workload) => describeParameters(workload),
  },
  ParameterDescription: {
    minimum: (parameter) => parameter.minimum ?? null,
    maximum: (parameter) => parameter.maximum ?? null,
    unit: (parameter) => parameter.unit ?? null,
    options: (parameter) => parameter.options ?? null,
  },

  Run: {
    workload: (run) => findWorkload(run.workloadId) ?? null,
    durationMs: (run) =>
      run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    queuePosition: (run, _args, context) =>
      run.status === "queued" ? context.loaders.queuePosition(run.id) : null,
    progress: (run, _args, context) => (run.status === "running" ? context.queue.progressOf(run.id) : null),
    measurements: (run, _args, context) => context.loaders.measurementsByRun.load(run.id),
    ...runAnalysisResolvers,
    ...runAgentResolvers,
  },

  Measurement: {
    wall: (row) => measurementSummary(row, "wall"),
    cpu: (row) => measurementSummary(row, "cpu"),
    sharedMemory: (row) => (Array.isArray(row.sharedMemory) ? (row.sharedMemory as never[]) : null),
    samples: (measurement, _args, context) => context.loaders.samplesByMeasurement.load(measurement.id),
  },
  Sample: {
    taskDurationsMs: (sample) =>
      Array.isArray(sample.taskDurationsMs) ? (sample.taskDurationsMs as number[]) : [],
    sharedMemory: (sample) => (Array.isArray(sample.sharedMemory) ? (sample.sharedMemory as never[]) : null),
  },

  RunProgress: {
    fraction: (progress) =>
      progress.stepsTotal > 0 ? Math.min(1, progress.stepsDone / progress.stepsTotal) : 1,
  },

  RunEvent: {
    // The one place an event kind is not its internal value: a server configured for
    // subscribers written before SUCCEEDED sends the deprecated FINISHED instead.
    kind: (event, _args, context) =>
      event.kind === "succeeded" && context.config.legacyFinishedEvents ? "finished" : event.kind,
    run: (event, _args, context) =>
      event.kind === "deleted" ? null : getRun(context.database, event.runId, { samples: false }),
    regression: (event) => event.regression ?? null,
  },

  Queue: {
    ...queueAgentResolvers,
    running: (queue, _args, context) =>
      queue.runningRunId ? requireRun(context.database, queue.runningRunId) : null,
    queued: (queue, _args, context) => runsByIds(context.database, queue.queuedRunIds),
  },

  RunConnection: connectionResolvers<RunModel>(),

  Testbed: {
    runtimeLabel: (testbed) => runtimeLabel(testbed),
  },

  Series: {
    key: (series) => series.seriesKey,
    workload: (series) => findWorkload(series.workloadId) ?? null,
    params: (series) => JSON.parse(series.paramsKey) as unknown,
    testbed: (series, _args, context) =>
      series.testbedId ? context.loaders.testbedById.load(series.testbedId) : null,
    branch: (series) => (series.branch === "" ? null : series.branch),
    ...seriesAnalysisResolvers,
    ...seriesSourceResolvers,
  },

  Agent: agentResolvers,
  AgentSignal: agentSignalResolvers,
  Regression: { ...regressionResolvers, ...regressionMetricResolvers },
  RegressionConnection: regressionConnectionResolvers,
  SeriesHistory: seriesHistoryResolvers,
  ScalingFit: scalingFitResolvers,
  CheckDecision: checkDecisionResolvers,
  ChangePoint: changePointResolvers,
};
