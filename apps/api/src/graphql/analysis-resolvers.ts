import { findWorkload } from "@threadbench/workloads";
import { detectChangePoints } from "../analysis/change-points.js";
import { fitScaling } from "../analysis/scaling.js";
import {
  acknowledgeRegression,
  countRegressions,
  encodeRegressionCursor,
  findRegression,
  listRegressionPage,
  markFalseAlarm,
  markFixed,
  muteSeries,
  type RegressionFilter,
  reopenRegression,
  type StoredRegression,
  unmuteSeries,
} from "../db/regression-repository.js";
import { toStoredMeasurement } from "../db/run-rows.js";
import { findSeries, readSeriesHistory } from "../db/series-repository.js";
import { NotFoundError, UserInputError } from "../errors.js";
import type {
  ChangePointResolvers,
  MutationResolvers,
  QueryResolvers,
  RegressionConnectionResolvers,
  RegressionResolvers,
  RunResolvers,
  ScalingFitResolvers,
  SeriesResolvers,
  SubscriptionResolvers,
} from "../generated/graphql.js";
import { scalingPoints } from "../regressions/check-run.js";
import { requireScope } from "../services/auth.js";
import { pushIterator } from "../services/events.js";
import { connectionResolvers } from "./connection-resolvers.js";
import type { GraphQLContext } from "./context.js";
import type { ScalingKindValue } from "./enum-values.js";
import { branchSchema, checkInteger, pageLimits, validate } from "./inputs.js";
import type { ChangePointModel, RegressionModel, SeriesMetricValue } from "./models.js";
import { metricValue } from "./series-metrics.js";

/*
 * The analysis part of the schema: stored regressions (listing, status changes, muting),
 * change points of a series and scaling fits of a run. Thin: the statistics are
 * src/analysis', the stored regressions src/regressions'.
 */

const finiteOrNull = (value: number | null | undefined): number | null =>
  value !== null && value !== undefined && Number.isFinite(value) ? value : null;

const idSchemaMessage = "allowed: a non-empty id of at most 200 characters";

/** Ids are opaque, but an empty or huge one is a mistake of the caller, not a miss. */
function checkId(value: string, path: string): string {
  if (value.trim() === "" || value.length > 200) {
    throw new UserInputError([
      { path, message: `"${value.slice(0, 40)}" is not an id (${idSchemaMessage})` },
    ]);
  }
  return value;
}

function checkText(value: string | null | undefined, path: string, maximum: number): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > maximum) {
    throw new UserInputError([
      { path, message: `${text.length} characters is too long (allowed: at most ${maximum})` },
    ]);
  }
  return text === "" ? null : text;
}

/**
 * Standard uncertainty of a point of a time metric: about 1.25 sigma / sqrt(n) for a
 * median of normal noise, sigma / sqrt(n) for a mean (the same as the regression check
 * uses); null for ratios and minima, where the repetitions give none.
 */
function pointUncertainty(
  metric: SeriesMetricValue,
  spread: number | null,
  sampleCount: number,
): number | null {
  if (spread === null || sampleCount < 2) return null;
  switch (metric) {
    case "WALL_MEDIAN":
    case "CPU_MEDIAN":
      return (1.2533 * spread) / Math.sqrt(sampleCount);
    case "WALL_MEAN":
      return spread / Math.sqrt(sampleCount);
    case "WALL_MIN":
    case "SPEEDUP":
    case "EFFICIENCY":
      return null;
    default: {
      const unreachable: never = metric;
      throw new Error(`unknown metric ${String(unreachable)}`);
    }
  }
}

async function changePointsOf(
  context: GraphQLContext,
  seriesKey: string,
  options: { metric: SeriesMetricValue; last: number; alpha: number | undefined },
): Promise<ChangePointModel[]> {
  // The one series reader (db/series-repository.ts), oldest first.
  const rows = await readSeriesHistory(context.database, seriesKey, {
    last: options.last,
    succeededOnly: true,
  });
  const points = rows.flatMap((row) => {
    const { value, spread } = metricValue(options.metric, row);
    if (value === null || !Number.isFinite(value)) return [];
    return [{ row, value, uncertainty: pointUncertainty(options.metric, spread, row.sampleCount) }];
  });
  const values = points.map((point) => point.value);
  const withUncertainty = points.every((point) => point.uncertainty !== null);
  const changes = detectChangePoints(values, {
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
    ...(withUncertainty && points.length > 0
      ? { uncertainties: points.map((point) => point.uncertainty as number) }
      : {}),
  });
  return changes.map((change) => {
    const point = points[change.index] as (typeof points)[number];
    return {
      index: change.index,
      runId: point.row.runId,
      previousRunId: points[change.index - 1]?.row.runId ?? null,
      timestamp: point.row.recordedAt,
      commitSha: point.row.commitSha,
      beforeMedian: change.beforeMedian,
      afterMedian: change.afterMedian,
      beforeCount: change.beforeCount,
      afterCount: change.afterCount,
      relativeStep: finiteOrNull(change.relativeStep.estimate),
      relativeStepLow: finiteOrNull(change.relativeStep.lower),
      relativeStepHigh: finiteOrNull(change.relativeStep.upper),
      intervalConfidence: change.relativeStep.confidence,
      pValue: change.pValue,
      confidence: change.confidence,
    };
  });
}

function regressionDetectedSubscription(context: GraphQLContext): AsyncIterableIterator<StoredRegression> {
  let unsubscribe = () => {};
  const stream = pushIterator<StoredRegression>(() => unsubscribe());
  unsubscribe = context.events.onRegression((regression) => stream.push(regression));
  return stream.iterator;
}

type StatusChange = typeof acknowledgeRegression;

function statusMutation(change: StatusChange) {
  return async (
    _parent: unknown,
    args: { id: string; note?: string | null },
    context: GraphQLContext,
  ): Promise<StoredRegression> => {
    const by = requireScope(context, "run");
    const id = checkId(args.id, "id");
    const note = checkText(args.note, "note", 2000);
    return change(context.database, id, { by, note });
  };
}

async function requireSeries(context: GraphQLContext, key: string) {
  const series = await findSeries(context.database, key);
  if (!series) throw new NotFoundError("series", key);
  return series;
}

export const analysisQueryResolvers: Pick<Required<QueryResolvers>, "regressions" | "regression"> = {
  regressions: async (_parent, { filter, first, after }, context) => {
    const pageSize = checkInteger(first ?? 20, "first", 1, pageLimits.maxRegressionsPage);
    const pageFilter: RegressionFilter = {};
    if (filter?.status != null) pageFilter.status = filter.status;
    if (filter?.kind != null) pageFilter.kind = filter.kind;
    if (filter?.metric != null) pageFilter.metric = filter.metric;
    if (filter?.workload != null) pageFilter.workloadId = filter.workload;
    if (filter?.branch != null) pageFilter.branch = validate(branchSchema, filter.branch, "filter.branch");
    if (filter?.testbedId != null) pageFilter.testbedId = checkId(filter.testbedId, "filter.testbedId");
    if (filter?.seriesKey != null) pageFilter.seriesKey = checkId(filter.seriesKey, "filter.seriesKey");
    if (filter?.runId != null) pageFilter.runId = checkId(filter.runId, "filter.runId");
    const page = await listRegressionPage(context.database, pageFilter, {
      first: pageSize,
      after: after ?? null,
    });
    return {
      edges: page.regressions.map((regression) => ({
        cursor: encodeRegressionCursor(regression),
        node: regression,
      })),
      hasNextPage: page.hasNextPage,
      hasPreviousPage: Boolean(after),
      count: () => countRegressions(context.database, pageFilter),
    };
  },
  regression: async (_parent, { id }, context) => {
    return findRegression(context.database, checkId(id, "id"));
  },
};

export const analysisMutationResolvers: Pick<
  Required<MutationResolvers>,
  | "acknowledgeRegression"
  | "markFalseAlarm"
  | "markRegressionFixed"
  | "reopenRegression"
  | "muteSeries"
  | "unmuteSeries"
> = {
  acknowledgeRegression: statusMutation(acknowledgeRegression),
  markFalseAlarm: statusMutation(markFalseAlarm),
  markRegressionFixed: statusMutation(markFixed),
  reopenRegression: statusMutation(reopenRegression),
  muteSeries: async (_parent, { key, reason }, context) => {
    const by = requireScope(context, "run");
    checkId(key, "key");
    const text = checkText(reason, "reason", 500);
    await muteSeries(context.database, key, { by, reason: text });
    return requireSeries(context, key);
  },
  unmuteSeries: async (_parent, { key }, context) => {
    requireScope(context, "run");
    const series = await requireSeries(context, checkId(key, "key"));
    await unmuteSeries(context.database, key);
    return series;
  },
};

export const analysisSubscriptionResolvers: Pick<Required<SubscriptionResolvers>, "regressionDetected"> = {
  regressionDetected: {
    subscribe: (_parent, _args, context) => regressionDetectedSubscription(context),
    resolve: (payload: StoredRegression) => payload,
  },
};

export const regressionResolvers: RegressionResolvers = {
  series: (regression, _args, context) => context.loaders.seriesByKey.load(regression.seriesKey),
  workloadId: (regression) => regression.series?.workloadId ?? null,
  workload: (regression) => (regression.series ? (findWorkload(regression.series.workloadId) ?? null) : null),
  params: (regression) => (regression.series ? (JSON.parse(regression.series.paramsKey) as unknown) : null),
  mode: (regression) => regression.series?.mode ?? null,
  threads: (regression) => regression.series?.threads ?? null,
  // Series rows hold the scaling as plain text, one of the runner's scaling kinds.
  scaling: (regression) => (regression.series?.scaling as ScalingKindValue | undefined) ?? null,
  testbedId: (regression) => regression.series?.testbedId ?? null,
  testbed: (regression, _args, context) =>
    regression.series?.testbedId ? context.loaders.testbedById.load(regression.series.testbedId) : null,
  branch: (regression) => (regression.series?.branch ? regression.series.branch : null),
  run: (regression, _args, context) => context.loaders.runById.load(regression.runId),
  previousRunId: (regression, _args, context) =>
    context.loaders.previousRunInSeries.load(`${regression.seriesKey}\u0000${regression.runId}`),
  previousRun: async (regression, _args, context) => {
    const previous = await context.loaders.previousRunInSeries.load(
      `${regression.seriesKey}\u0000${regression.runId}`,
    );
    return previous ? context.loaders.runById.load(previous) : null;
  },
  sizeLow: (regression) => regression.interval?.lower ?? null,
  sizeHigh: (regression) => regression.interval?.upper ?? null,
  // Deprecated names of beforeValue / afterValue (API.md, "Deprecations").
  baselineValue: (regression) => regression.beforeValue,
  currentValue: (regression) => regression.afterValue,
  pValue: (regression) => Math.min(1, Math.max(0, 1 - regression.confidence)),
};

export const regressionConnectionResolvers: RegressionConnectionResolvers =
  connectionResolvers<RegressionModel>();

export const changePointResolvers: ChangePointResolvers = {
  run: (point, _args, context) => context.loaders.runById.load(point.runId),
};

export const scalingFitResolvers: ScalingFitResolvers = {
  points: ({ fit }) =>
    fit.points.map((point) => ({
      threads: point.threads,
      speedup: point.speedup,
      spread: finiteOrNull(point.spread),
    })),
  amdahl: ({ fit }) =>
    fit.amdahl && Number.isFinite(fit.amdahl.serialFraction)
      ? {
          serialFraction: fit.amdahl.serialFraction,
          serialFractionStdError: finiteOrNull(fit.amdahl.serialFractionStdError),
          rSquared: finiteOrNull(fit.amdahl.rSquared) ?? 0,
          rmse: finiteOrNull(fit.amdahl.rmse) ?? 0,
          peakSpeedup: finiteOrNull(fit.amdahl.peakSpeedup),
        }
      : null,
  usl: ({ fit }) =>
    fit.usl && Number.isFinite(fit.usl.contention) && Number.isFinite(fit.usl.coherency)
      ? {
          contention: fit.usl.contention,
          coherency: fit.usl.coherency,
          rSquared: finiteOrNull(fit.usl.rSquared) ?? 0,
          rmse: finiteOrNull(fit.usl.rmse) ?? 0,
          peakThreads: finiteOrNull(fit.usl.peakThreads),
          peakSpeedup: finiteOrNull(fit.usl.peakSpeedup),
        }
      : null,
  maxThreads: ({ fit }) => Math.max(...fit.points.map((point) => point.threads)),
  efficiencyAtMaxThreads: ({ fit }) => {
    const top = fit.points.reduce((best, point) => (point.threads > best.threads ? point : best));
    return finiteOrNull(top.speedup / top.threads);
  },
};

export const runAnalysisResolvers: Pick<RunResolvers, "regressions" | "scalingFits"> = {
  regressions: (run, _args, context) => context.loaders.regressionsByRun.load(run.id),
  scalingFits: async (run, _args, context) => {
    const rows = await context.loaders.measurementsByRun.load(run.id);
    const detail = { measurements: rows.map(toStoredMeasurement) };
    const modes = [...new Set(rows.map((row) => row.mode))].filter((mode) => mode !== "sequential");
    return modes
      .map((mode) => ({ mode, fit: fitScaling(scalingPoints(detail, mode)) }))
      .filter(({ fit }) => new Set(fit.points.map((point) => point.threads)).size >= 2);
  },
};

export const seriesAnalysisResolvers: Pick<
  SeriesResolvers,
  "muted" | "mutedReason" | "mutedBy" | "mutedAt" | "changePoints" | "regressions"
> = {
  muted: async (series, _args, context) =>
    (await context.loaders.mutedSeriesByKey.load(series.seriesKey)) !== null,
  mutedReason: async (series, _args, context) =>
    (await context.loaders.mutedSeriesByKey.load(series.seriesKey))?.reason ?? null,
  mutedBy: async (series, _args, context) =>
    (await context.loaders.mutedSeriesByKey.load(series.seriesKey))?.mutedBy ?? null,
  mutedAt: async (series, _args, context) =>
    (await context.loaders.mutedSeriesByKey.load(series.seriesKey))?.createdAt ?? null,
  changePoints: (series, args, context) => {
    const last = checkInteger(args.last ?? 500, "last", 10, pageLimits.maxChangePointPoints);
    if (args.alpha != null && !(args.alpha > 0 && args.alpha <= 0.2)) {
      throw new UserInputError([
        { path: "alpha", message: `${args.alpha} is out of range (allowed: above 0, at most 0.2)` },
      ]);
    }
    return changePointsOf(context, series.seriesKey, {
      metric: (args.metric ?? "WALL_MEDIAN") as SeriesMetricValue,
      last,
      alpha: args.alpha ?? undefined,
    });
  },
  regressions: async (series, { status }, context) => {
    const regressions = await context.loaders.regressionsBySeries.load(series.seriesKey);
    if (status == null || status.length === 0) return regressions;
    const wanted = new Set<string>(status);
    return regressions.filter((regression) => wanted.has(regression.status));
  },
};
