import type { Database, Prisma } from "../db/client.js";
import {
  type RegressionKind,
  type RegressionMetric,
  type RegressionStatus,
  regressionStatuses,
} from "../db/vocabulary.js";
import { NotFoundError, UserInputError } from "../errors.js";

/*
 * Reading and changing stored regressions and muted series. Plain data out: no Prisma
 * types leak to callers (CLI, GraphQL). The queries live here rather than in db/ so the
 * storage layer stays the storage engineer's; they only use the Regression, Series and
 * MutedSeries tables as the schema defines them.
 */

/** What a series is, for people: the Series row of a regression's key. */
export interface RegressionSeries {
  seriesKey: string;
  workloadId: string;
  paramsKey: string;
  mode: string;
  threads: number;
  scaling: string;
  testbedId: string | null;
  /** "" when the runs had no branch. */
  branch: string;
}

/** One stored regression (or improvement) of a series. */
export interface StoredRegression {
  id: string;
  seriesKey: string;
  /** The run that introduced the change (the first point at the new level). */
  runId: string;
  kind: RegressionKind;
  /** What changed: the median wall time, the efficiency or the serial fraction. */
  metric: RegressionMetric;
  /**
   * The change, signed so that positive is worse: relative for wall time (+0.08 = 8%
   * slower) and efficiency (+0.1 = efficiency fell by 10% of itself), absolute for the
   * serial fraction (+0.05 = five points more of the work is serial).
   */
  size: number;
  /** Interval of `size` (95%); null when the detector gave none. */
  interval: { lower: number; upper: number } | null;
  /**
   * The metric's level before and after the change: milliseconds for wall time, a
   * fraction (0..1) for efficiency and serial fraction. Stored in the columns
   * `baselineValue` / `currentValue`, their names before the glossary's "before / after":
   * renaming the columns would need a data migration, so they are mapped here, once.
   */
  beforeValue: number | null;
  afterValue: number | null;
  /** 0..1 */
  confidence: number;
  status: RegressionStatus;
  statusChangedBy: string | null;
  statusChangedAt: Date | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Null only if the Series row is missing (data written outside the repository). */
  series: RegressionSeries | null;
}

type RegressionRow = Prisma.RegressionGetPayload<object>;

/** Maps rows to StoredRegression, reading their series in one query. */
export async function toStoredRegressions(
  database: Pick<Database, "prisma">,
  rows: readonly RegressionRow[],
): Promise<StoredRegression[]> {
  const keys = [...new Set(rows.map((row) => row.seriesKey))];
  const seriesRows =
    keys.length === 0 ? [] : await database.prisma.series.findMany({ where: { seriesKey: { in: keys } } });
  const seriesByKey = new Map(seriesRows.map((series) => [series.seriesKey, series]));
  return rows.map((row) => {
    const series = seriesByKey.get(row.seriesKey);
    return {
      id: row.id,
      seriesKey: row.seriesKey,
      runId: row.runId,
      kind: row.kind as RegressionKind,
      metric: row.metric as RegressionMetric,
      size: row.size,
      interval:
        row.intervalLow === null || row.intervalHigh === null
          ? null
          : { lower: row.intervalLow, upper: row.intervalHigh },
      beforeValue: row.baselineValue,
      afterValue: row.currentValue,
      confidence: row.confidence,
      status: row.status as RegressionStatus,
      statusChangedBy: row.statusChangedBy,
      statusChangedAt: row.statusChangedAt,
      note: row.note,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      series: series
        ? {
            seriesKey: series.seriesKey,
            workloadId: series.workloadId,
            paramsKey: series.paramsKey,
            mode: series.mode,
            threads: series.threads,
            scaling: series.scaling,
            testbedId: series.testbedId,
            branch: series.branch,
          }
        : null,
    };
  });
}

export interface RegressionFilter {
  status?: RegressionStatus | RegressionStatus[];
  kind?: RegressionKind;
  metric?: RegressionMetric;
  seriesKey?: string;
  runId?: string;
}

/** Stored regressions, newest first (createdAt desc, id desc). */
export async function listRegressions(
  database: Pick<Database, "prisma">,
  filter: RegressionFilter = {},
  options: { limit?: number } = {},
): Promise<StoredRegression[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), 1000);
  const where: Prisma.RegressionWhereInput = {};
  if (filter.status !== undefined) {
    where.status = Array.isArray(filter.status) ? { in: filter.status } : filter.status;
  }
  if (filter.kind !== undefined) where.kind = filter.kind;
  if (filter.metric !== undefined) where.metric = filter.metric;
  if (filter.seriesKey !== undefined) where.seriesKey = filter.seriesKey;
  if (filter.runId !== undefined) where.runId = filter.runId;
  const rows = await database.prisma.regression.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return toStoredRegressions(database, rows);
}

/** One stored regression; NotFoundError when missing. */
export async function requireRegression(
  database: Pick<Database, "prisma">,
  id: string,
): Promise<StoredRegression> {
  const row = await database.prisma.regression.findUnique({ where: { id } });
  if (!row) throw new NotFoundError("regression", id);
  const [stored] = await toStoredRegressions(database, [row]);
  return stored as StoredRegression;
}

/** Who changed a status and why. */
export interface StatusChange {
  /** A person or token name; required so every status change can be traced. */
  by: string;
  note?: string | null;
  /** Default: now. */
  at?: Date;
}

/**
 * Sets a regression's status and records who did it, when and why. Any status may follow
 * any other (a "fixed" regression that comes back is reopened by hand, for instance); the
 * note replaces the previous one.
 */
export async function setRegressionStatus(
  database: Pick<Database, "prisma">,
  id: string,
  status: RegressionStatus,
  change: StatusChange,
): Promise<StoredRegression> {
  if (!regressionStatuses.includes(status)) {
    throw new UserInputError([
      { path: "status", message: `"${status}" is not allowed (allowed: ${regressionStatuses.join(", ")})` },
    ]);
  }
  const by = change.by.trim();
  if (by === "")
    throw new UserInputError([{ path: "by", message: "expected who changes the status (a non-empty name)" }]);
  const at = change.at ?? new Date();
  const { count } = await database.prisma.regression.updateMany({
    where: { id },
    data: { status, statusChangedBy: by, statusChangedAt: at, note: change.note ?? null, updatedAt: at },
  });
  if (count === 0) throw new NotFoundError("regression", id);
  return requireRegression(database, id);
}

/** open -> acknowledged: someone looked at it and owns it. */
export function acknowledgeRegression(
  database: Pick<Database, "prisma">,
  id: string,
  change: StatusChange,
): Promise<StoredRegression> {
  return setRegressionStatus(database, id, "acknowledged", change);
}

/** The change was not real (noise, a machine hiccup): kept for the detector's statistics. */
export function markFalseAlarm(
  database: Pick<Database, "prisma">,
  id: string,
  change: StatusChange,
): Promise<StoredRegression> {
  return setRegressionStatus(database, id, "false_alarm", change);
}

/** The regression was fixed (say by which commit in the note). */
export function markFixed(
  database: Pick<Database, "prisma">,
  id: string,
  change: StatusChange,
): Promise<StoredRegression> {
  return setRegressionStatus(database, id, "fixed", change);
}

/** Back to open (e.g. a "fixed" regression that came back). */
export function reopenRegression(
  database: Pick<Database, "prisma">,
  id: string,
  change: StatusChange,
): Promise<StoredRegression> {
  return setRegressionStatus(database, id, "open", change);
}

// ---------------------------------------------------------------------------------------
// Muted series

export interface MutedSeriesEntry {
  seriesKey: string;
  reason: string | null;
  mutedBy: string | null;
  createdAt: Date;
}

/**
 * Mutes a series: its history is kept and charted, but no regression is stored for it.
 * NotFoundError for an unknown series key (a typo would otherwise mute nothing).
 * Muting again updates reason and who.
 */
export async function muteSeries(
  database: Pick<Database, "prisma">,
  seriesKey: string,
  options: { by?: string | null; reason?: string | null } = {},
): Promise<MutedSeriesEntry> {
  const series = await database.prisma.series.findUnique({
    where: { seriesKey },
    select: { seriesKey: true },
  });
  if (!series) throw new NotFoundError("series", seriesKey);
  const data = { reason: options.reason ?? null, mutedBy: options.by ?? null };
  return database.prisma.mutedSeries.upsert({
    where: { seriesKey },
    create: { seriesKey, ...data, createdAt: new Date() },
    update: data,
  });
}

/** Unmutes a series; false when it was not muted. */
export async function unmuteSeries(database: Pick<Database, "prisma">, seriesKey: string): Promise<boolean> {
  const { count } = await database.prisma.mutedSeries.deleteMany({ where: { seriesKey } });
  return count > 0;
}

/** Every muted series, oldest first. */
export async function listMutedSeries(database: Pick<Database, "prisma">): Promise<MutedSeriesEntry[]> {
  return database.prisma.mutedSeries.findMany({ orderBy: [{ createdAt: "asc" }, { seriesKey: "asc" }] });
}
