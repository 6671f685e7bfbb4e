import { median } from "@threadbench/core";
import { largestTriangleThreeBuckets } from "../analysis/lttb.js";
import { latestSucceededRunPerWorkload, listRuns, runsByIds } from "../db/run-list.js";
import { parametersKey, type StoredRunDetail } from "../db/run-rows.js";
import {
  branchActivity,
  findSeries,
  listSeries,
  listSeriesPage,
  openRegressionCounts,
  readRecentValues,
  readSeriesHistory,
  type SeriesFilter,
  type SeriesRow,
  seriesFacets,
} from "../db/series-repository.js";
import { listTestbeds } from "../db/testbed.js";
import { UserInputError } from "../errors.js";
import type {
  BranchCheck,
  BranchCheckCell,
  BranchGate,
  CheckReason,
  QueryResolvers,
  SeriesFilter as SeriesFilterInput,
  SeriesHistoryResolvers,
  SeriesResolvers,
} from "../generated/graphql.js";
import { checkBranch, type BranchCheck as StoredBranchCheck } from "../regressions/check-branch.js";
import type { GraphQLContext } from "./context.js";
import { branchSchema, checkInteger, pageLimits, parseDate, validate } from "./inputs.js";
import type {
  RunModel,
  SeriesHistoryModel,
  SeriesMetricValue,
  SeriesModel,
  SeriesPointModel,
} from "./models.js";
import { metricValue, metricValueColumns } from "./series-metrics.js";

/*
 * The dashboard's listings over many series and runtimes: the series explorer's page,
 * the facets its filters offer, a branch's review (what `threadbench check` decides),
 * the latest run per runtime of one machine and the efficiency history per thread count.
 * Thin: the queries are db/series-repository's, the check is regressions/check-branch's.
 */

export const seriesPageLimits = {
  maxFirst: 200,
  maxRecentPoints: 200,
  maxRunsByIds: 12,
  maxBranches: 500,
  minBuckets: 4,
  maxBuckets: 200,
} as const;

/** Points before the latest that its change is measured against (their median). */
const changeWindow = 10;

/** The GraphQL SeriesFilter as the store's; text fields are trimmed, lengths bounded. */
export function toSeriesFilter(input: SeriesFilterInput | null | undefined): SeriesFilter {
  if (!input) return {};
  const filter: SeriesFilter = {};
  const text = (value: string | null | undefined, path: string): string | undefined => {
    if (value === null || value === undefined) return undefined;
    if (value.length > 200) {
      throw new UserInputError([
        { path: `filter.${path}`, message: `${value.length} characters is too long (allowed: at most 200)` },
      ]);
    }
    return value;
  };
  const assign = <K extends keyof SeriesFilter>(key: K, value: SeriesFilter[K] | undefined) => {
    if (value !== undefined) filter[key] = value;
  };
  assign("workloadId", text(input.workload, "workload"));
  assign("mode", text(input.mode, "mode"));
  if (input.threads != null) filter.threads = checkInteger(input.threads, "filter.threads", 1, 100_000);
  assign("testbedId", text(input.testbedId, "testbedId"));
  assign("branch", text(input.branch, "branch"));
  assign("runtime", text(input.runtime, "runtime"));
  assign("machine", text(input.machine, "machine"));
  assign("project", text(input.project, "project"));
  assign("harness", text(input.harness, "harness"));
  const search = text(input.search, "search")?.trim();
  if (search) filter.search = search;
  return filter;
}

/** The latest value against the median of the (up to 10) values before it. */
export function latestChange(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const latest = values[values.length - 1] as number;
  const before = median(values.slice(-changeWindow - 1, -1));
  return before === 0 ? null : latest / before - 1;
}

function paramsObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserInputError([{ path, message: "allowed: a JSON object of parameters" }]);
  }
  return value as Record<string, unknown>;
}

/**
 * The history gate of a check as `checkBranch` returns it (regressions/check-branch.ts,
 * issue 13), described by the fields read here so that a check without one (a pairwise
 * check) maps too.
 */
interface HistoryGateResult {
  statistic: string;
  baseRuns: number;
  history: number;
  fewRuns: boolean;
  cells: ReadonlyArray<{
    mode: string;
    threads: number;
    metric: string;
    verdict: "pass" | "slower" | "unconfirmed" | "faster" | "insufficient-history";
    baseRuns: number;
    threshold: { model: string; boundary: number };
    outcome: {
      center: number;
      limit: number;
      head: number;
      change: number;
      detectableChange: number;
      pValue: number | null;
    } | null;
  }>;
}

const gateVerdicts = {
  pass: "PASS",
  slower: "SLOWER",
  unconfirmed: "UNCONFIRMED",
  faster: "FASTER",
  "insufficient-history": "INSUFFICIENT_HISTORY",
} as const;

function toBranchGate(gate: HistoryGateResult | null | undefined): BranchGate | null {
  if (!gate) return null;
  return {
    statistic: gate.statistic,
    baseRuns: gate.baseRuns,
    history: gate.history,
    fewRuns: gate.fewRuns,
    cells: gate.cells.map((cell) => ({
      mode: cell.mode,
      threads: cell.threads,
      metric: cell.metric,
      verdict: gateVerdicts[cell.verdict],
      baseRuns: cell.baseRuns,
      model: cell.threshold.model,
      boundary: cell.threshold.boundary,
      center: cell.outcome?.center ?? null,
      limit: cell.outcome?.limit ?? null,
      head: cell.outcome?.head ?? null,
      change: cell.outcome?.change ?? null,
      detectableChange: cell.outcome?.detectableChange ?? null,
      pValue: cell.outcome?.pValue ?? null,
    })),
  };
}

type BranchCheckResult = Omit<BranchCheck, "head" | "base"> & { head: RunModel; base: RunModel | null };

/** A stored check as GraphQL's BranchCheck (the CLI's reasons, as figures). */
export function toBranchCheck(check: StoredBranchCheck): BranchCheckResult {
  const reasons: CheckReason[] = check.reasons.map((reason) => {
    switch (reason.kind) {
      case "slower-cell":
        return {
          kind: "SLOWER_CELL",
          mode: reason.cell.mode,
          threads: reason.cell.threads,
          relativeChange: reason.cell.relativeChange?.estimate ?? null,
          relativeChangeLow: reason.cell.relativeChange?.lower ?? null,
          relativeChangeHigh: reason.cell.relativeChange?.upper ?? null,
          baseMedianMs: reason.cell.baseMedianMs,
          headMedianMs: reason.cell.headMedianMs,
        };
      case "scaling": {
        const { efficiency, serialFraction } = reason.result;
        return {
          kind: "SCALING",
          mode: reason.mode,
          threads: efficiency?.threads ?? null,
          efficiencyBase: efficiency?.base ?? null,
          efficiencyHead: efficiency?.head ?? null,
          serialFractionBase: serialFraction?.base ?? null,
          serialFractionHead: serialFraction?.head ?? null,
        };
      }
      default: {
        const exhaustive: never = reason;
        throw new Error(`unknown check reason ${JSON.stringify(exhaustive)}`);
      }
    }
  });
  const cells: BranchCheckCell[] = (check.comparison?.cells ?? []).map((cell) => {
    switch (cell.kind) {
      case "compared":
        return {
          mode: cell.mode,
          threads: cell.threads,
          status: "COMPARED",
          verdict: cell.verdict,
          baseMedianMs: cell.baseMedianMs,
          headMedianMs: cell.headMedianMs,
          relativeChange: cell.relativeChange?.estimate ?? cell.headMedianMs / cell.baseMedianMs - 1,
          relativeChangeLow: cell.relativeChange?.lower ?? null,
          relativeChangeHigh: cell.relativeChange?.upper ?? null,
          confidence: cell.relativeChange?.confidence ?? null,
          pValue: Number.isFinite(cell.pValue) ? cell.pValue : null,
          baseSampleCount: cell.baseSamples,
          headSampleCount: cell.headSamples,
        };
      case "failed":
        return { mode: cell.mode, threads: cell.threads, status: "FAILED" };
      case "base-only":
        return { mode: cell.mode, threads: cell.threads, status: "BASE_ONLY" };
      case "head-only":
        return { mode: cell.mode, threads: cell.threads, status: "HEAD_ONLY" };
      default: {
        const exhaustive: never = cell;
        throw new Error(`unknown cell ${JSON.stringify(exhaustive)}`);
      }
    }
  });
  return {
    workloadId: check.head.workloadId,
    head: check.head as StoredRunDetail,
    base: check.base,
    verdict: check.base === null ? "NO_BASE" : check.regressed ? "FAIL" : "PASS",
    reasons,
    cells,
    gate: toBranchGate((check as StoredBranchCheck & { gate?: HistoryGateResult | null }).gate),
    warnings: check.comparison?.warnings ?? [],
  };
}

export const seriesQueryResolvers: Pick<
  QueryResolvers<GraphQLContext>,
  | "seriesList"
  | "series"
  | "seriesPage"
  | "seriesFacets"
  | "branchReview"
  | "latestRunsPerRuntime"
  | "runsByIds"
  | "efficiencyHistory"
  | "branches"
> = {
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
      series = await findSeries(context.database, args.key);
    } else if (args.parts != null) {
      const parts = args.parts;
      const params = parts.params ?? {};
      if (typeof params !== "object" || Array.isArray(params)) {
        throw new UserInputError([{ path: "parts.params", message: "allowed: a JSON object of parameters" }]);
      }
      const candidates = await listSeries(
        context.database,
        {
          workloadId: parts.workload,
          paramsKey: parametersKey(parts.workload, params as Record<string, unknown>),
          mode: parts.mode,
          threads: parts.threads,
          scaling: parts.scaling ?? "weak",
          branch: parts.branch ?? "",
          ...(parts.testbedId != null ? { testbedId: parts.testbedId } : {}),
        },
        20,
      );
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
  seriesPage: async (_parent, args, context) => {
    const first = checkInteger(args.first ?? 50, "first", 1, seriesPageLimits.maxFirst);
    const offset = checkInteger(args.offset ?? 0, "offset", 0, 10_000_000);
    const recentPoints = checkInteger(
      args.recentPoints ?? 30,
      "recentPoints",
      1,
      seriesPageLimits.maxRecentPoints,
    );
    const metric = (args.metric ?? "WALL_MEDIAN") as SeriesMetricValue;
    const { series, totalCount } = await listSeriesPage(context.database, {
      filter: toSeriesFilter(args.filter),
      order: args.orderBy === "NEWEST" ? "newest" : args.orderBy === "RECENT" ? "recent" : "name",
      first,
      offset,
    });
    const keys = series.map((row) => row.seriesKey);
    const [histories, regressions] = await Promise.all([
      readRecentValues(context.database, keys, { last: recentPoints, column: metricValueColumns[metric] }),
      openRegressionCounts(context.database, keys),
    ]);
    return {
      totalCount,
      offset,
      nodes: series.map((row) => {
        const points = (histories.get(row.seriesKey) ?? []).flatMap(({ value, recordedAt }) =>
          value === null || !Number.isFinite(value) ? [] : [{ value, at: recordedAt }],
        );
        const values = points.map((point) => point.value);
        const latest = points.at(-1);
        return {
          series: row,
          recent: values,
          latestValue: latest?.value ?? null,
          latestAt: latest?.at ?? null,
          change: latestChange(values),
          openRegressions: regressions.get(row.seriesKey) ?? 0,
        };
      }),
    };
  },

  seriesFacets: async (_parent, _args, context) => {
    const facets = await seriesFacets(context.database);
    const testbeds = await Promise.all(facets.testbedIds.map((id) => context.loaders.testbedById.load(id)));
    return {
      ...facets,
      testbeds: testbeds
        .filter((testbed) => testbed !== null)
        .sort(
          (a, b) => a.hostname.localeCompare(b.hostname) || a.runtimeVersion.localeCompare(b.runtimeVersion),
        ),
    };
  },

  branchReview: async (_parent, args, context) => {
    const branch = validate(branchSchema, args.branch, "branch");
    const base = validate(branchSchema, args.base, "base");
    const heads = await latestSucceededRunPerWorkload(context.database, branch, args.workload ?? undefined);
    // Concurrently: PostgreSQL answers them on several pooled connections.
    const checks: BranchCheckResult[] = await Promise.all(
      heads.map(async ({ workloadId, runId }) =>
        toBranchCheck(await checkBranch(context.database, { base, branch, workloadId, headRunId: runId })),
      ),
    );
    const rank = { FAIL: 0, PASS: 1, NO_BASE: 2 } as const;
    checks.sort((a, b) => rank[a.verdict] - rank[b.verdict] || a.workloadId.localeCompare(b.workloadId));
    return { branch, base, regressed: checks.some((check) => check.verdict === "FAIL"), checks };
  },

  latestRunsPerRuntime: async (_parent, args, context) => {
    const testbeds = await listTestbeds(context.database, { hostname: args.machine });
    const paramsKey =
      args.params != null ? parametersKey(args.workload, paramsObject(args.params, "params")) : undefined;
    const latest = await Promise.all(
      testbeds.map(async (testbed) => {
        // Newest first; with parameters given, the newest run with those parameters among
        // the latest 50 of the runtime (older ones are not "the latest run" any more).
        const page = await listRuns(
          context.database,
          {
            workloadId: args.workload,
            testbedId: testbed.id,
            status: "succeeded",
            ...(args.branch != null ? { branch: args.branch } : {}),
          },
          { limit: paramsKey === undefined ? 1 : 50 },
        );
        return page.runs.find((run) => paramsKey === undefined || run.paramsKey === paramsKey) ?? null;
      }),
    );
    return latest.filter((run) => run !== null).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  },

  branches: async (_parent, args, context) => {
    const first = checkInteger(args.first ?? 100, "first", 1, seriesPageLimits.maxBranches);
    const activity = await branchActivity(context.database);
    // Newest run first, then by name (compared here: the databases' collations differ);
    // only the page's runs are read in full.
    const newest = (entry: (typeof activity)[number]) => entry.latestRunAt?.getTime() ?? -Infinity;
    activity.sort(
      (a, b) => newest(b) - newest(a) || (a.branch < b.branch ? -1 : a.branch > b.branch ? 1 : 0),
    );
    const page = activity.slice(0, first);
    const runs = await runsByIds(
      context.database,
      page.flatMap((entry) => (entry.latestRunId ? [entry.latestRunId] : [])),
    );
    const runById = new Map(runs.map((run) => [run.id, run]));
    return {
      totalCount: activity.length,
      nodes: page.map((entry) => ({
        name: entry.branch,
        seriesCount: entry.seriesCount,
        latestRun: entry.latestRunId ? (runById.get(entry.latestRunId) ?? null) : null,
      })),
    };
  },
  runsByIds: async (_parent, { ids }, context) => {
    if (ids.length > seriesPageLimits.maxRunsByIds) {
      throw new UserInputError([
        {
          path: "ids",
          message: `${ids.length} ids is too many (allowed: at most ${seriesPageLimits.maxRunsByIds})`,
        },
      ]);
    }
    return runsByIds(context.database, ids);
  },

  efficiencyHistory: async (_parent, args, context) => {
    const buckets = checkInteger(
      args.buckets ?? 48,
      "buckets",
      seriesPageLimits.minBuckets,
      seriesPageLimits.maxBuckets,
    );
    const filter: SeriesFilter = { workloadId: args.workload, testbedId: args.testbedId, mode: args.mode };
    if (args.params != null)
      filter.paramsKey = parametersKey(args.workload, paramsObject(args.params, "params"));
    if (args.branch != null) filter.branch = args.branch;
    let candidates = await listSeries(context.database, filter);
    if (candidates.length === 0) return null;
    if (args.branch == null) {
      const branch = candidates.some((row) => row.branch === "main")
        ? "main"
        : (candidates[0] as SeriesRow).branch;
      candidates = candidates.filter((row) => row.branch === branch);
    }
    if (args.params == null) {
      const newest = candidates.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
      candidates = candidates.filter((row) => row.paramsKey === newest.paramsKey);
    }
    const histories = await Promise.all(
      candidates.map(async (row) => ({
        row,
        points: (
          await readSeriesHistory(context.database, row.seriesKey, { succeededOnly: true, withRuns: false })
        ).filter((point) => point.efficiency !== null && Number.isFinite(point.efficiency)),
      })),
    );
    // A loop, not Math.min(...times): a long history would overflow the argument list.
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const { points } of histories) {
      for (const point of points) {
        const time = point.recordedAt.getTime();
        if (time < start) start = time;
        if (time > end) end = time;
      }
    }
    const first = candidates[0] as SeriesRow;
    if (!Number.isFinite(start)) start = end = first.createdAt.getTime();
    // No more slices than runs: a history of three runs is three cells wide, not 48.
    const slicesWanted = Math.min(buckets, Math.max(1, ...histories.map(({ points }) => points.length)));
    // The last slice's end is inclusive: the newest point belongs to it.
    const width = Math.max(1, (end - start) / slicesWanted);
    const rows = histories
      .sort((a, b) => a.row.threads - b.row.threads)
      .map(({ row, points }) => {
        const slices = Array.from({ length: slicesWanted }, () => ({
          values: [] as number[],
          lastRunId: null as string | null,
        }));
        for (const point of points) {
          const index = Math.min(slicesWanted - 1, Math.floor((point.recordedAt.getTime() - start) / width));
          const slice = slices[index] as (typeof slices)[number];
          slice.values.push(point.efficiency as number);
          slice.lastRunId = point.runId;
        }
        return {
          threads: row.threads,
          seriesKey: row.seriesKey,
          cells: slices.map((slice, index) => ({
            from: new Date(start + index * width),
            to: new Date(start + (index + 1) * width),
            efficiency: slice.values.length > 0 ? median(slice.values) : null,
            points: slice.values.length,
            lastRunId: slice.lastRunId,
          })),
        };
      });
    return {
      mode: args.mode,
      branch: first.branch === "" ? null : first.branch,
      params: JSON.parse(first.paramsKey) as unknown,
      from: new Date(start),
      to: new Date(start + slicesWanted * width),
      buckets: slicesWanted,
      rows,
    };
  },
};

/** Series fields that come straight from the Series row. */
export const seriesSourceResolvers: Pick<SeriesResolvers<GraphQLContext>, "project" | "harness"> = {
  project: (series) => (series as Partial<SeriesRow>).project ?? "default",
  harness: (series) => (series as Partial<SeriesRow>).harness ?? "threadbench",
};

/**
 * A series' history as GraphQL's SeriesHistory: the points of `metric` in [from, to),
 * downsampled to `maxPoints` with largest-triangle-three-buckets, read only when a field
 * that needs them is selected (the dashboard asks for a series' description and its
 * points under two aliases; the description alone must not read 5,000 points).
 */
export function seriesHistoryOf(
  context: GraphQLContext,
  series: SeriesModel,
  options: { metric: SeriesMetricValue; from: Date | undefined; to: Date | undefined; maxPoints: number },
): SeriesHistoryModel {
  let loaded: ReturnType<SeriesHistoryModel["history"]> | null = null;
  const load = async () => {
    const rows = await readSeriesHistory(context.database, series.seriesKey, {
      from: options.from,
      to: options.to,
    });
    const points: SeriesPointModel[] = [];
    for (const row of rows) {
      const { value, spread } = metricValue(options.metric, row);
      if (value === null) continue;
      points.push({
        runId: row.runId,
        measurementId: row.measurementId,
        commitSha: row.commitSha,
        branch: row.branch,
        workloadHash: row.workloadHash,
        timestamp: row.recordedAt,
        value,
        low: spread === null ? null : value - spread,
        high: spread === null ? null : value + spread,
      });
    }
    const sampled = largestTriangleThreeBuckets(
      points,
      options.maxPoints,
      (point) => point.timestamp.getTime(),
      (point) => point.value,
    );
    return { totalPoints: points.length, downsampled: sampled.length < points.length, points: sampled };
  };
  return {
    series,
    metric: options.metric,
    history: () => {
      loaded ??= load();
      return loaded;
    },
  };
}

export const seriesHistoryResolvers: Pick<
  SeriesHistoryResolvers<GraphQLContext>,
  "totalPoints" | "downsampled" | "points"
> = {
  totalPoints: async (history) => (await history.history()).totalPoints,
  downsampled: async (history) => (await history.history()).downsampled,
  points: async (history) => (await history.history()).points,
};
