import { describeParameters, findWorkload, workloads } from "@threadbench/workloads";
import type { ValueNode } from "graphql";
import { compareSamples } from "../analysis/compare.js";
import { gitInfo } from "../db/git-info.js";
import { countRuns, encodeRunCursor, listRuns, runsByIds } from "../db/run-list.js";
import {
  deleteRun,
  getRun,
  parametersKey,
  requireRun,
  type StoredRun,
  updateRunLabels,
} from "../db/run-repository.js";
import { listSeries } from "../db/series-repository.js";
import { finishedRunStatuses, runtimeLabel, type RunStatus as StoredRunStatus } from "../db/vocabulary.js";
import { ConflictError, NotFoundError, UserInputError } from "../errors.js";
import type { Resolvers } from "../generated/graphql.js";
import { compareRunDetails } from "../regressions/compare-runs.js";
import { parseRunPlan, planLimits } from "../runner/index.js";
import { disallowedRuntime } from "../runner/python/python-runtime.js";
import { requireScope } from "../server/auth.js";
import { pushIterator, type RunEvent, type RunProgressUpdate } from "../server/events.js";
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
import type { GraphQLContext } from "./context.js";
import { enumResolvers } from "./enum-values.js";
import { GraphQLError, GraphQLScalarType, Kind } from "./graphql-js.js";
import { ingestMutationResolvers } from "./ingest-resolvers.js";
import {
  boundedJson,
  branchSchema,
  checkInteger,
  commitShaSchema,
  labelsSchema,
  pageLimits,
  parseDate,
  toRunFilter,
  validate,
} from "./inputs.js";
import type { CellComparisonModel, MeasurementModel, SeriesMetricValue, SeriesModel } from "./models.js";
import { recordRunMutationResolvers } from "./record-run-resolvers.js";
import { regressionMetricResolvers } from "./regression-metric-resolvers.js";
import { runOrder } from "./run-queries.js";
import { executionModeDescriptions, runtimeQueryResolvers } from "./runtime-resolvers.js";
import {
  seriesHistoryOf,
  seriesHistoryResolvers,
  seriesQueryResolvers,
  seriesSourceResolvers,
  toSeriesFilter,
} from "./series-resolvers.js";

function jsonLiteral(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.NULL:
      return null;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.LIST:
      return node.values.map((value) => jsonLiteral(value, variables));
    case Kind.OBJECT:
      return Object.fromEntries(
        node.fields.map((field) => [field.name.value, jsonLiteral(field.value, variables)]),
      );
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

const JSONScalar = new GraphQLScalarType({
  name: "JSON",
  serialize: (value) => value,
  // Bounded nesting at the edge: deeper values would fail series keys (BAD_USER_INPUT).
  parseValue: (value) => boundedJson(value),
  parseLiteral: (node, variables) => boundedJson(jsonLiteral(node, variables)),
});

const DateTimeScalar = new GraphQLScalarType({
  name: "DateTime",
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue(value) {
    const date = new Date(typeof value === "number" ? value : String(value));
    if (typeof value !== "string" || Number.isNaN(date.getTime())) {
      throw new GraphQLError(
        `DateTime must be an ISO 8601 string, e.g. 2026-01-31T12:00:00Z; got ${JSON.stringify(value)}`,
      );
    }
    return date;
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING || Number.isNaN(Date.parse(node.value))) {
      throw new GraphQLError("DateTime must be an ISO 8601 string, e.g. 2026-01-31T12:00:00Z");
    }
    return new Date(node.value);
  },
});

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

function progressSubscription(
  context: GraphQLContext,
  runId: string,
): AsyncIterableIterator<RunProgressUpdate> {
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
  void (async () => {
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
      context.logger.warn({ err: error, runId }, "runProgress subscription could not start");
      stream.end();
    }
  })();
  return stream.iterator;
}

function eventSubscription(context: GraphQLContext): AsyncIterableIterator<RunEvent> {
  let unsubscribe = () => {};
  const stream = pushIterator<RunEvent>(() => unsubscribe());
  unsubscribe = context.events.onEvent((event) => stream.push(event));
  return stream.iterator;
}

function planFromInput(input: Record<string, unknown>): Record<string, unknown> {
  // GraphQL nulls mean "not given": the runner's defaults apply.
  const plan = Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined),
  );
  return plan;
}

function compareCells(
  base: MeasurementModel[],
  head: MeasurementModel[],
  baseSamples: Map<string, number[]>,
  headSamples: Map<string, number[]>,
): CellComparisonModel[] {
  const key = (measurement: MeasurementModel) => `${measurement.mode}\u0000${measurement.threads}`;
  const headByCell = new Map(head.map((measurement) => [key(measurement), measurement]));
  const cells: CellComparisonModel[] = [];
  const seen = new Set<string>();
  for (const measurement of [...base, ...head]) {
    const cellKey = key(measurement);
    if (seen.has(cellKey)) continue;
    seen.add(cellKey);
    const baseCell = base.find((candidate) => key(candidate) === cellKey) ?? null;
    const headCell = headByCell.get(cellKey) ?? null;
    const baseMedian = baseCell?.wallMedian ?? null;
    const headMedian = headCell?.wallMedian ?? null;
    const cell: CellComparisonModel = {
      mode: measurement.mode,
      threads: measurement.threads,
      base: baseCell,
      head: headCell,
      baseMedianMs: baseMedian,
      headMedianMs: headMedian,
      differenceMs: baseMedian !== null && headMedian !== null ? headMedian - baseMedian : null,
      relativeChange:
        baseMedian !== null && headMedian !== null && baseMedian > 0 ? headMedian / baseMedian - 1 : null,
      relativeChangeLow: null,
      relativeChangeHigh: null,
      confidence: null,
      pValue: null,
      verdict: null,
      baseSpeedup: baseCell?.speedup ?? null,
      headSpeedup: headCell?.speedup ?? null,
      baseSampleCount: baseCell?.sampleCount ?? null,
      headSampleCount: headCell?.sampleCount ?? null,
    };
    const baseWall = baseCell ? baseSamples.get(baseCell.id) : undefined;
    const headWall = headCell ? headSamples.get(headCell.id) : undefined;
    if (baseWall && headWall && baseWall.length > 0 && headWall.length > 0) {
      const comparison = compareSamples(baseWall, headWall);
      cell.relativeChange = comparison.relativeChange?.estimate ?? cell.relativeChange;
      cell.relativeChangeLow = comparison.relativeChange?.lower ?? null;
      cell.relativeChangeHigh = comparison.relativeChange?.upper ?? null;
      cell.confidence = comparison.relativeChange?.confidence ?? null;
      cell.pValue = Number.isFinite(comparison.mannWhitney.pValue) ? comparison.mannWhitney.pValue : null;
      cell.verdict = comparison.verdict;
    }
    cells.push(cell);
  }
  return cells;
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
      const rows = await context.database.prisma.testbed.findMany({
        orderBy: [{ hostname: "asc" }, { createdAt: "asc" }],
      });
      return Promise.all(rows.map((row) => context.loaders.testbedById.load(row.id))).then((testbeds) =>
        testbeds.filter((testbed) => testbed !== null),
      );
    },
    seriesList: async (_parent, { filter, first }, context) => {
      const limit = checkInteger(first ?? 100, "first", 1, pageLimits.maxSeriesList);
      return listSeries(context.database, toSeriesFilter(filter), limit);
    },
    series: async (_parent, args, context) => {
      const maxPoints = checkInteger(
        args.maxPoints ?? 1000,
        "maxPoints",
        pageLimits.minSeriesPoints,
        pageLimits.maxSeriesPoints,
      );
      const metric = (args.metric ?? "WALL_MEDIAN") as SeriesMetricValue;
      const from = args.from != null ? parseDate(args.from, "from") : undefined;
      const to = args.to != null ? parseDate(args.to, "to") : undefined;
      let series: SeriesModel | null;
      if (args.key != null && args.parts != null) {
        throw new UserInputError([{ path: "key", message: "give either key or parts, not both" }]);
      } else if (args.key != null) {
        series = await context.database.prisma.series.findUnique({ where: { seriesKey: args.key } });
      } else if (args.parts != null) {
        const parts = args.parts;
        const params = parts.params ?? {};
        if (typeof params !== "object" || Array.isArray(params)) {
          throw new UserInputError([
            { path: "parts.params", message: "allowed: a JSON object of parameters" },
          ]);
        }
        const candidates = await context.database.prisma.series.findMany({
          where: {
            workloadId: parts.workload,
            paramsKey: parametersKey(parts.workload, params as Record<string, unknown>),
            mode: parts.mode,
            threads: parts.threads,
            scaling: parts.scaling ?? "weak",
            branch: parts.branch ?? "",
            ...(parts.testbedId != null ? { testbedId: parts.testbedId } : {}),
          },
          take: 20,
        });
        if (candidates.length > 1) {
          throw new UserInputError([
            {
              path: "parts.testbedId",
              message: `the parts match ${candidates.length} series on different testbeds; name one (allowed: ${candidates.map((candidate) => candidate.testbedId ?? "null").join(", ")})`,
            },
          ]);
        }
        series = candidates[0] ?? null;
      } else {
        throw new UserInputError([{ path: "key", message: "give the series key or its parts" }]);
      }
      if (!series) return null;
      return seriesHistoryOf(context, series, { metric, from, to, maxPoints });
    },
    compare: async (_parent, { baseRunId, headRunId }, context) => {
      const [base, head] = await Promise.all([
        getRun(context.database, baseRunId, { samples: false }),
        getRun(context.database, headRunId, { samples: false }),
      ]);
      if (!base) throw new NotFoundError("run", baseRunId);
      if (!head) throw new NotFoundError("run", headRunId);
      const [baseCells, headCells] = await Promise.all([
        context.loaders.measurementsByRun.load(base.id),
        context.loaders.measurementsByRun.load(head.id),
      ]);
      const wallSamples = async (cells: MeasurementModel[]) =>
        new Map(
          await Promise.all(
            cells.map(async (cell) => {
              const samples = await context.loaders.samplesByMeasurement.load(cell.id);
              return [cell.id, samples.map((sample) => sample.wallMs)] as const;
            }),
          ),
        );
      const [baseSamples, headSamples] = await Promise.all([wallSamples(baseCells), wallSamples(headCells)]);
      return {
        base,
        head,
        cells: compareCells(baseCells, headCells, baseSamples, headSamples),
        // The regressions module's warnings; they only read the runs, not their cells.
        warnings: compareRunDetails({ ...base, measurements: [] }, { ...head, measurements: [] }).warnings,
      };
    },
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
      if (commitSha === null && branch === null) {
        // Like `threadbench run`: a run started without a commit is of the server's
        // checkout, so runs from the dashboard join the CLI's series instead of forming
        // their own branchless ones.
        const git = await gitInfo(process.cwd());
        commitSha = git.commitSha;
        branch = git.branch;
      }
      const target = await resolveRunTarget(context, args.target);
      return context.queue.enqueue({ plan, labels, commitSha, branch, requestedBy, target });
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
    runProgress: {
      subscribe: (_parent, { id }, context) => progressSubscription(context, id),
      resolve: (payload: RunProgressUpdate) => payload,
    },
    runEvents: {
      subscribe: (_parent, _args, context) => eventSubscription(context),
      resolve: (payload: RunEvent) => payload,
    },
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
    wall: (row) =>
      row.wallMedian === null || row.wallMin === null || row.wallMax === null || row.wallMean === null
        ? null
        : {
            min: row.wallMin,
            max: row.wallMax,
            median: row.wallMedian,
            mean: row.wallMean,
            stddev: row.wallStddev ?? 0,
            cv: row.wallCv ?? 0,
          },
    cpu: (row) =>
      row.cpuMedian === null || row.cpuMin === null || row.cpuMax === null || row.cpuMean === null
        ? null
        : {
            min: row.cpuMin,
            max: row.cpuMax,
            median: row.cpuMedian,
            mean: row.cpuMean,
            stddev: row.cpuStddev ?? 0,
            cv: row.cpuCv ?? 0,
          },
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

  Comparison: {
    verdicts: (comparison) => {
      const counts = { faster: 0, slower: 0, unchanged: 0, noisy: 0 };
      for (const cell of comparison.cells) {
        if (cell.verdict !== null) counts[cell.verdict]++;
      }
      return counts;
    },
  },

  Queue: {
    ...queueAgentResolvers,
    running: (queue, _args, context) =>
      queue.runningRunId ? requireRun(context.database, queue.runningRunId) : null,
    queued: (queue, _args, context) => runsByIds(context.database, queue.queuedRunIds),
  },

  RunConnection: {
    nodes: (connection) => connection.edges.map((edge) => edge.node),
    pageInfo: (connection) => ({
      hasNextPage: connection.hasNextPage,
      hasPreviousPage: connection.hasPreviousPage,
      startCursor: connection.edges[0]?.cursor ?? null,
      endCursor: connection.edges.at(-1)?.cursor ?? null,
    }),
    totalCount: (connection) => connection.count(),
  },

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
