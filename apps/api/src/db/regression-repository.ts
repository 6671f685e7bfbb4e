import { randomUUID } from "node:crypto";
import {
  type RegressionKind,
  type RegressionMetric,
  type RegressionStatus,
  regressionStatuses,
} from "@threadbench/core";
import { NotFoundError, UserInputError } from "../errors.js";
import { type Database, isUniqueViolation, Prisma } from "./client.js";
import { readInBatches } from "./list-batches.js";
import { decodeRunCursor, encodeKeysetCursor } from "./run-list.js";
import type { StoredSeries } from "./series-repository.js";
import { queryRows, sqlInteger } from "./sql-rows.js";

/*
 * Reading and changing stored regressions and muted series: the one regression query
 * (`regressionWhere`) behind the GraphQL connection, its count, the CLI's `regressions`
 * and the detector's reads and writes. Plain data out: no Prisma types leak to callers.
 */

/** What a series is, for people: the Series row of a regression's key. */
export type RegressionSeries = Omit<StoredSeries, "createdAt">;

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
  /** The filters below live on the Series row (the Regression table has only the key). */
  workloadId?: string;
  /** "" selects series whose runs had no branch. */
  branch?: string;
  testbedId?: string;
}

/** The statuses a filter allows (none: any). */
const statusesOf = (filter: RegressionFilter): RegressionStatus[] =>
  filter.status === undefined ? [] : [filter.status].flat();

/** The where clause of a filter on the Regression row's own columns. */
function regressionWhere(filter: RegressionFilter): Prisma.RegressionWhereInput {
  const where: Prisma.RegressionWhereInput = {};
  const statuses = statusesOf(filter);
  if (statuses.length > 0) where.status = { in: statuses };
  if (filter.kind !== undefined) where.kind = filter.kind;
  if (filter.metric !== undefined) where.metric = filter.metric;
  if (filter.runId !== undefined) where.runId = filter.runId;
  if (filter.seriesKey !== undefined) where.seriesKey = filter.seriesKey;
  return where;
}

/**
 * The same filter as SQL on "Regression" g when it names series columns (workload,
 * branch, testbed), which live on the Series row; null when it names none. A subquery,
 * not a list of the matching keys: a branch can have thousands of series, more than
 * SQLite takes as parameters of one query.
 */
function regressionSeriesSql(filter: RegressionFilter): Prisma.Sql[] | null {
  const series: Prisma.Sql[] = [];
  if (filter.workloadId !== undefined) series.push(Prisma.sql`s."workloadId" = ${filter.workloadId}`);
  if (filter.branch !== undefined) series.push(Prisma.sql`s."branch" = ${filter.branch}`);
  if (filter.testbedId !== undefined) series.push(Prisma.sql`s."testbedId" = ${filter.testbedId}`);
  if (series.length === 0) return null;
  const conditions = [
    Prisma.sql`g."seriesKey" IN (SELECT s."seriesKey" FROM "Series" s WHERE ${Prisma.join(series, " AND ")})`,
  ];
  const statuses = statusesOf(filter);
  if (statuses.length > 0) conditions.push(Prisma.sql`g."status" IN (${Prisma.join(statuses)})`);
  if (filter.kind !== undefined) conditions.push(Prisma.sql`g."kind" = ${filter.kind}`);
  if (filter.metric !== undefined) conditions.push(Prisma.sql`g."metric" = ${filter.metric}`);
  if (filter.runId !== undefined) conditions.push(Prisma.sql`g."runId" = ${filter.runId}`);
  if (filter.seriesKey !== undefined) conditions.push(Prisma.sql`g."seriesKey" = ${filter.seriesKey}`);
  return conditions;
}

export function encodeRegressionCursor(regression: Pick<StoredRegression, "createdAt" | "id">): string {
  return encodeKeysetCursor(regression);
}

/** One page of regressions, newest first (createdAt, id descending), and whether more follow. */
export async function listRegressionPage(
  database: Database,
  filter: RegressionFilter,
  page: { first: number; after?: string | null },
): Promise<{ regressions: StoredRegression[]; hasNextPage: boolean }> {
  const cursor = page.after ? decodeRunCursor(page.after) : null;
  const bySeries = regressionSeriesSql(filter);
  let rows: RegressionRow[];
  if (bySeries) {
    if (cursor) {
      bySeries.push(
        Prisma.sql`(g."createdAt" < ${cursor.createdAt} OR (g."createdAt" = ${cursor.createdAt} AND g."id" < ${cursor.id}))`,
      );
    }
    const ids = (
      await queryRows(
        database,
        Prisma.sql`SELECT g."id" AS "id" FROM "Regression" g WHERE ${Prisma.join(bySeries, " AND ")}
          ORDER BY g."createdAt" DESC, g."id" DESC LIMIT ${sqlInteger(page.first + 1)}`,
      )
    ).map((row) => String(row.id));
    const byId = new Map(
      (await database.prisma.regression.findMany({ where: { id: { in: ids } } })).map((row) => [row.id, row]),
    );
    rows = ids.flatMap((id) => byId.get(id) ?? []);
  } else {
    const where: Prisma.RegressionWhereInput[] = [regressionWhere(filter)];
    if (cursor) {
      where.push({
        OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
      });
    }
    rows = await database.prisma.regression.findMany({
      where: { AND: where },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: page.first + 1,
    });
  }
  return {
    regressions: await toStoredRegressions(database, rows.slice(0, page.first)),
    hasNextPage: rows.length > page.first,
  };
}

/** How many regressions match the filter (the connection's count). */
export async function countRegressions(database: Database, filter: RegressionFilter): Promise<number> {
  const bySeries = regressionSeriesSql(filter);
  if (!bySeries) return database.prisma.regression.count({ where: regressionWhere(filter) });
  const [row] = await queryRows(
    database,
    Prisma.sql`SELECT count(*) AS "count" FROM "Regression" g WHERE ${Prisma.join(bySeries, " AND ")}`,
  );
  return Number(row?.count ?? 0);
}

/** Stored regressions, newest first (createdAt desc, id desc): the first page of {@link listRegressionPage}. */
export async function listRegressions(
  database: Database,
  filter: RegressionFilter = {},
  options: { limit?: number } = {},
): Promise<StoredRegression[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), 1000);
  return (await listRegressionPage(database, filter, { first: limit })).regressions;
}

/** One stored regression, or null. */
export async function findRegression(
  database: Pick<Database, "prisma">,
  id: string,
): Promise<StoredRegression | null> {
  const row = await database.prisma.regression.findUnique({ where: { id } });
  if (!row) return null;
  const [stored] = await toStoredRegressions(database, [row]);
  return stored ?? null;
}

/** One stored regression; NotFoundError when missing. */
export async function requireRegression(
  database: Pick<Database, "prisma">,
  id: string,
): Promise<StoredRegression> {
  const stored = await findRegression(database, id);
  if (!stored) throw new NotFoundError("regression", id);
  return stored;
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

/** The muted keys among `keys`. */
export async function mutedSeriesKeys(
  database: Pick<Database, "prisma">,
  keys: readonly string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await database.prisma.mutedSeries.findMany({
    where: { seriesKey: { in: [...keys] } },
    select: { seriesKey: true },
  });
  return new Set(rows.map((row) => row.seriesKey));
}

// ---------------------------------------------------------------------------------------
// What the detector (regressions/check-run.ts) reads and writes

/** The identity of a stored change, as the detector matches it to a new search. */
export interface KnownRegressionRow {
  id: string;
  seriesKey: string;
  runId: string;
  kind: RegressionKind;
  metric: RegressionMetric;
  status: RegressionStatus;
}

/** Every stored change of these series (any metric, any status). */
export async function regressionsOfSeries(
  database: Pick<Database, "prisma">,
  keys: readonly string[],
): Promise<KnownRegressionRow[]> {
  if (keys.length === 0) return [];
  const rows = await database.prisma.regression.findMany({
    where: { seriesKey: { in: [...keys] } },
    select: { id: true, seriesKey: true, runId: true, kind: true, metric: true, status: true },
  });
  return rows.map((row) => ({
    ...row,
    kind: row.kind as RegressionKind,
    metric: row.metric as RegressionMetric,
    status: row.status as RegressionStatus,
  }));
}

/** Ids in the order SQL sorts them (byte order, as both databases compare these ASCII ids). */
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** These regressions, oldest first (createdAt, id). */
export async function regressionsByIds(
  database: Pick<Database, "prisma">,
  ids: readonly string[],
): Promise<StoredRegression[]> {
  const rows = await readInBatches(ids, (batch) =>
    database.prisma.regression.findMany({ where: { id: { in: batch } } }),
  );
  rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compareIds(a.id, b.id));
  return toStoredRegressions(database, rows);
}

/** The measured columns of a change (what a re-check updates). */
export interface RegressionEstimate {
  size: number;
  intervalLow: number | null;
  intervalHigh: number | null;
  baselineValue: number | null;
  currentValue: number | null;
  confidence: number;
}

/**
 * Stores a new open change; its id, or null when a concurrent check of another run
 * stored the same (series, run, metric) first (the unique index decides).
 */
export async function createRegression(
  database: Pick<Database, "prisma">,
  change: {
    seriesKey: string;
    runId: string;
    kind: RegressionKind;
    metric: RegressionMetric;
  } & RegressionEstimate,
): Promise<string | null> {
  const id = randomUUID();
  const now = new Date();
  try {
    await database.prisma.regression.create({
      data: { id, ...change, status: "open", createdAt: now, updatedAt: now },
    });
    return id;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return null;
  }
}

/**
 * Writes a re-measured change: new estimates, and a new run when `runId` is given. A move
 * onto a run that already holds a change of the metric keeps the row where it is
 * ("updated"); "gone" when the row was deleted meanwhile.
 */
export async function updateRegressionEstimate(
  database: Pick<Database, "prisma">,
  id: string,
  estimate: RegressionEstimate,
  runId?: string,
): Promise<"moved" | "updated" | "gone"> {
  const data = { ...estimate, updatedAt: new Date() };
  const write = (extra: { runId?: string }) =>
    database.prisma.regression.updateMany({ where: { id }, data: { ...data, ...extra } });
  try {
    const { count } = await write(runId !== undefined ? { runId } : {});
    return count === 0 ? "gone" : runId !== undefined ? "moved" : "updated";
  } catch (error) {
    if (runId === undefined || !isUniqueViolation(error)) throw error;
    const { count } = await write({});
    return count === 0 ? "gone" : "updated";
  }
}

/** Muted entries of these series, by key. */
export async function mutedSeriesByKeys(
  database: Pick<Database, "prisma">,
  keys: readonly string[],
): Promise<MutedSeriesEntry[]> {
  if (keys.length === 0) return [];
  return database.prisma.mutedSeries.findMany({ where: { seriesKey: { in: [...keys] } } });
}

/** The regressions and improvements these runs introduced (or of these series), newest first. */
export async function regressionsOf(
  database: Pick<Database, "prisma">,
  of: { runIds: readonly string[] } | { seriesKeys: readonly string[] },
): Promise<StoredRegression[]> {
  const rows = await readInBatches("runIds" in of ? of.runIds : of.seriesKeys, (batch) =>
    database.prisma.regression.findMany({
      where: "runIds" in of ? { runId: { in: batch } } : { seriesKey: { in: batch } },
    }),
  );
  rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareIds(b.id, a.id));
  return toStoredRegressions(database, rows);
}
