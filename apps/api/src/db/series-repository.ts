import { runtimeLabel } from "@threadbench/core";
import { type Database, Prisma } from "./client.js";
import { batchesOf, readInBatches } from "./list-batches.js";
import { asDate, asNumber, asString, queryRows, sqlInteger } from "./sql-rows.js";

/*
 * Series in the store: one filter that every listing and its count are built from, and
 * one reader of a series' history (points of one series, or the last points of many).
 */

/** A series as stored in the Series table. */
export interface StoredSeries {
  seriesKey: string;
  workloadId: string;
  paramsKey: string;
  mode: string;
  threads: number;
  scaling: string;
  testbedId: string | null;
  /** "" when the runs had no branch. */
  branch: string;
  createdAt: Date;
}

/** A series row with where its runs came from (the Series table's columns). */
export type SeriesRow = StoredSeries & { project: string; harness: string };

/** What a series listing can be narrowed by; every field is optional. */
export interface SeriesFilter {
  workloadId?: string;
  mode?: string;
  threads?: number;
  testbedId?: string;
  /** A runtime name ("node", "cpython") or a full runtime label ("cpython 3.13.1t (no GIL)"). */
  runtime?: string;
  /** The machine: a testbed's hostname (one machine can run several runtimes). */
  machine?: string;
  /** "" selects the series of runs without a branch. */
  branch?: string;
  project?: string;
  harness?: string;
  paramsKey?: string;
  /** "weak" or "strong". */
  scaling?: string;
  /**
   * Words that must each appear (case-insensitively for ASCII on SQLite, as written on
   * PostgreSQL) in the workload, parameters, mode, branch, project, harness or hostname.
   */
  search?: string;
}

export type SeriesOrder = "name" | "newest" | "recent";

/** At most this many words of a search are used (each one adds an OR of seven LIKEs). */
const maxSearchWords = 8;

/** The words of a search, lower-cased (identifiers are lower-case in practice). */
export function searchWords(search: string | undefined): string[] {
  return (search ?? "").trim().toLowerCase().split(/\s+/).filter(Boolean).slice(0, maxSearchWords);
}

/** Testbed ids whose runtime name or runtime label is `runtime`. */
async function testbedIdsOfRuntime(database: Database, runtime: string): Promise<string[]> {
  const testbeds = await database.prisma.testbed.findMany({
    select: { id: true, runtime: true, runtimeVersion: true, gilEnabled: true, freeThreadedBuild: true },
  });
  return testbeds
    .filter((testbed) => testbed.runtime === runtime || runtimeLabel(testbed) === runtime)
    .map((testbed) => testbed.id);
}

/**
 * The one series filter, as the where clause of a query on `"Series" s`: listings,
 * counts and the series a chart is drawn from are all narrowed by it, so a page and its
 * count never disagree. Hand-written SQL rather than a Prisma where input: Prisma's
 * per-row result handling made a page of 24 series and its count take ~15 ms at any
 * history size, against ~0.3 ms for the same SQL (the overview and the series explorer
 * wait for it). Search words are matched with a plain LIKE '%word%', as Prisma's
 * `contains` did (no escaping of % and _; case-insensitive for ASCII on SQLite only).
 */
export async function seriesConditions(database: Database, filter: SeriesFilter): Promise<Prisma.Sql> {
  const and: Prisma.Sql[] = [];
  const equal = (column: string, value: string | number | undefined) => {
    if (value !== undefined) and.push(Prisma.sql`s.${Prisma.raw(`"${column}"`)} = ${value}`);
  };
  equal("workloadId", filter.workloadId);
  equal("mode", filter.mode);
  equal("threads", filter.threads);
  equal("testbedId", filter.testbedId);
  equal("branch", filter.branch);
  equal("project", filter.project);
  equal("harness", filter.harness);
  equal("paramsKey", filter.paramsKey);
  equal("scaling", filter.scaling);
  if (filter.machine !== undefined) {
    and.push(
      Prisma.sql`s."testbedId" IN (SELECT t."id" FROM "Testbed" t WHERE t."hostname" = ${filter.machine})`,
    );
  }
  if (filter.runtime !== undefined) {
    const ids = await testbedIdsOfRuntime(database, filter.runtime);
    and.push(ids.length === 0 ? Prisma.sql`1 = 0` : Prisma.sql`s."testbedId" IN (${Prisma.join(ids)})`);
  }
  for (const word of searchWords(filter.search)) {
    const pattern = `%${word}%`;
    const columns = ["workloadId", "paramsKey", "mode", "branch", "project", "harness"].map(
      (column) => Prisma.sql`s.${Prisma.raw(`"${column}"`)} LIKE ${pattern}`,
    );
    columns.push(
      Prisma.sql`s."testbedId" IN (SELECT t."id" FROM "Testbed" t WHERE t."hostname" LIKE ${pattern})`,
    );
    and.push(Prisma.sql`(${Prisma.join(columns, " OR ")})`);
  }
  return and.length === 0 ? Prisma.sql`1 = 1` : Prisma.join(and, " AND ");
}

function seriesOrderBy(order: SeriesOrder): Prisma.Sql {
  switch (order) {
    case "name":
      return Prisma.sql`s."workloadId" ASC, s."paramsKey" ASC, s."mode" ASC, s."threads" ASC, s."branch" ASC, s."seriesKey" ASC`;
    case "newest":
      return Prisma.sql`s."createdAt" DESC, s."seriesKey" ASC`;
    case "recent":
      // One seek per series on the Measurement (seriesKey, recordedAt DESC) index; a
      // series with no point yet counts from when it was created.
      return Prisma.sql`COALESCE((SELECT MAX(m."recordedAt") FROM "Measurement" m WHERE m."seriesKey" = s."seriesKey"), s."createdAt") DESC,
        s."workloadId" ASC, s."paramsKey" ASC, s."mode" ASC, s."threads" ASC, s."branch" ASC, s."seriesKey" ASC`;
    default: {
      const exhaustive: never = order;
      throw new Error(`unknown series order ${String(exhaustive)}`);
    }
  }
}

const seriesColumns = Prisma.raw(
  `s."seriesKey", s."workloadId", s."paramsKey", s."mode", s."threads", s."scaling", s."testbedId", s."branch",
   s."project", s."harness", s."createdAt"`,
);

function toSeriesRow(row: Record<string, unknown>): SeriesRow {
  return {
    seriesKey: String(row.seriesKey),
    workloadId: String(row.workloadId),
    paramsKey: String(row.paramsKey),
    mode: String(row.mode),
    threads: Number(row.threads),
    scaling: String(row.scaling),
    testbedId: asString(row.testbedId),
    branch: String(row.branch),
    project: String(row.project),
    harness: String(row.harness),
    createdAt: asDate(row.createdAt) as Date,
  };
}

/** Series matching the where clause, in `order`, `limit` of them after `offset`. */
async function selectSeries(
  database: Database,
  where: Prisma.Sql,
  order: SeriesOrder,
  limit: number,
  offset: number,
): Promise<SeriesRow[]> {
  const rows = await queryRows(
    database,
    Prisma.sql`SELECT ${seriesColumns} FROM "Series" s WHERE ${where}
     ORDER BY ${seriesOrderBy(order)} LIMIT ${sqlInteger(limit)} OFFSET ${sqlInteger(offset)}`,
  );
  return rows.map(toSeriesRow);
}

export interface SeriesPageRequest {
  filter: SeriesFilter;
  order?: SeriesOrder;
  /** Page size, 1..500 (callers validate; clamped here). */
  first: number;
  /** Series skipped before the page (series are hundreds to thousands: offsets are cheap). */
  offset: number;
}

/** One page of series and how many match the filter, both from one where clause. */
export async function listSeriesPage(
  database: Database,
  request: SeriesPageRequest,
): Promise<{ series: SeriesRow[]; totalCount: number }> {
  const where = await seriesConditions(database, request.filter);
  const [series, [count]] = await Promise.all([
    selectSeries(
      database,
      where,
      request.order ?? "name",
      Math.min(Math.max(Math.trunc(request.first), 1), 500),
      Math.max(0, Math.trunc(request.offset)),
    ),
    queryRows(database, Prisma.sql`SELECT COUNT(*) AS "count" FROM "Series" s WHERE ${where}`),
  ]);
  return { series, totalCount: Number(count?.count ?? 0) };
}

/** Every series matching the filter, in name order (for charts built from a few series). */
export async function listSeries(
  database: Database,
  filter: SeriesFilter,
  limit = 500,
): Promise<SeriesRow[]> {
  return selectSeries(
    database,
    await seriesConditions(database, filter),
    "name",
    Math.max(1, Math.trunc(limit)),
    0,
  );
}

/** One series by key, or null. */
export async function findSeries(database: Database, key: string): Promise<SeriesRow | null> {
  return database.prisma.series.findUnique({ where: { seriesKey: key } });
}

/** Series by key in one query (missing keys left out). */
export async function seriesByKeys(database: Database, keys: readonly string[]): Promise<SeriesRow[]> {
  if (keys.length === 0) return [];
  return database.prisma.series.findMany({ where: { seriesKey: { in: [...keys] } } });
}

/** The distinct values series have, for the filters of a listing (small: the Series table). */
export interface SeriesFacets {
  workloads: string[];
  modes: string[];
  threads: number[];
  branches: string[];
  projects: string[];
  harnesses: string[];
  /** Testbed ids that have series. */
  testbedIds: string[];
}

export async function seriesFacets(database: Database): Promise<SeriesFacets> {
  const distinct = async (column: string) => {
    const rows = await queryRows(
      database,
      Prisma.sql`SELECT DISTINCT ${Prisma.raw(`"${column}"`)} AS "value" FROM "Series" ORDER BY 1`,
    );
    return rows.map((row) => row.value).filter((value) => value !== null && value !== undefined);
  };
  const [workloads, modes, threads, branches, projects, harnesses, testbedIds] = await Promise.all([
    distinct("workloadId"),
    distinct("mode"),
    distinct("threads"),
    distinct("branch"),
    distinct("project"),
    distinct("harness"),
    distinct("testbedId"),
  ]);
  return {
    workloads: workloads.map(String),
    modes: modes.map(String),
    threads: threads.map(Number),
    branches: branches.map(String),
    projects: projects.map(String),
    harnesses: harnesses.map(String),
    testbedIds: testbedIds.map(String),
  };
}

/** A branch with stored series: how many, and its newest run (null when none is left). */
export interface BranchActivity {
  branch: string;
  seriesCount: number;
  latestRunId: string | null;
  latestRunAt: Date | null;
}

/**
 * Every branch with stored series, each with its series count and its newest run (any
 * status): one GROUP BY over the series (hundreds to thousands of rows) and one seek per
 * branch on the Run (branch, createdAt DESC, id DESC) index, never a scan of the runs.
 */
export async function branchActivity(database: Database): Promise<BranchActivity[]> {
  const rows = await queryRows(
    database,
    Prisma.sql`SELECT b."branch", b."seriesCount", r."id" AS "runId", r."createdAt" AS "runAt"
     FROM (SELECT s."branch", COUNT(*) AS "seriesCount" FROM "Series" s
            WHERE s."branch" <> '' GROUP BY s."branch") b
     LEFT JOIN "Run" r ON r."id" = (SELECT r2."id" FROM "Run" r2 WHERE r2."branch" = b."branch"
                                     ORDER BY r2."createdAt" DESC, r2."id" DESC LIMIT 1)`,
  );
  return rows.map((row) => ({
    branch: String(row.branch),
    seriesCount: Number(row.seriesCount),
    latestRunId: asString(row.runId),
    latestRunAt: asDate(row.runAt),
  }));
}

/** Open regressions (slowdowns) per series key (hand-written: Prisma's groupBy took 2-10 ms). */
export async function openRegressionCounts(
  database: Database,
  keys: readonly string[],
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await queryRows(
    database,
    Prisma.sql`SELECT "seriesKey", COUNT(*) AS "count" FROM "Regression"
     WHERE "seriesKey" IN (${Prisma.join([...keys])}) AND "status" = 'open' AND "kind" = 'regression'
     GROUP BY "seriesKey"`,
  );
  return new Map(rows.map((row) => [String(row.seriesKey), Number(row.count)]));
}

// ---------------------------------------------------------------------------------------
// History

/** One point of a series' history: a measurement with its run's commit and branch. */
export interface SeriesHistoryRow {
  measurementId: string;
  runId: string;
  recordedAt: Date;
  status: string;
  sampleCount: number;
  wallMedian: number | null;
  wallMean: number | null;
  wallMin: number | null;
  wallMax: number | null;
  wallStddev: number | null;
  cpuMedian: number | null;
  cpuStddev: number | null;
  speedup: number | null;
  efficiency: number | null;
  checksumStatus: string;
  commitSha: string | null;
  branch: string | null;
  seeded: boolean;
  /** The run's workload module hash (module workloads only): a change marks a changed benchmark. */
  workloadHash: string | null;
}

export interface SeriesHistoryOptions {
  /** recordedAt >= from */
  from?: Date | undefined;
  /** recordedAt < to */
  to?: Date | undefined;
  /** Only points recorded strictly before this date (paging back in time). */
  before?: Date | undefined;
  /** Only the most recent N points of the range (at most 100,000); default: all of them. */
  last?: number | undefined;
  /** Only cells that succeeded (what detectors and sparklines read). */
  succeededOnly?: boolean | undefined;
  /**
   * Read each point's run for its commit, branch and seeded flag (default true). Without
   * it those are null/false: sparklines and aggregates skip the join, which is most of
   * the cost of a page of them (the Run rows are wide).
   */
  withRuns?: boolean | undefined;
}

const historyColumns = Prisma.raw(
  `"id", "runId", "seriesKey", "recordedAt", "status", "sampleCount", "wallMedian", "wallMean", "wallMin", "wallMax",
   "wallStddev", "cpuMedian", "cpuStddev", "speedup", "efficiency", "checksumStatus"`,
);

/** The newest-first scan of one series' index range, as a subquery. */
function historyScan(key: string, options: SeriesHistoryOptions): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`"seriesKey" = ${key}`];
  if (options.succeededOnly) conditions.push(Prisma.sql`"status" = 'succeeded'`);
  if (options.from) conditions.push(Prisma.sql`"recordedAt" >= ${options.from}`);
  if (options.to) conditions.push(Prisma.sql`"recordedAt" < ${options.to}`);
  if (options.before) conditions.push(Prisma.sql`"recordedAt" < ${options.before}`);
  const limit =
    options.last !== undefined
      ? Prisma.sql`LIMIT ${sqlInteger(Math.min(Math.max(Math.trunc(options.last), 1), 100_000))}`
      : Prisma.empty;
  return Prisma.sql`SELECT ${historyColumns} FROM "Measurement"
     WHERE ${Prisma.join(conditions, " AND ")}
     ORDER BY "recordedAt" DESC, "id" DESC ${limit}`;
}

function toHistoryRow(row: Record<string, unknown>): SeriesHistoryRow {
  return {
    measurementId: String(row.id),
    runId: String(row.runId),
    recordedAt: asDate(row.recordedAt) as Date,
    status: String(row.status),
    sampleCount: Number(row.sampleCount),
    wallMedian: asNumber(row.wallMedian),
    wallMean: asNumber(row.wallMean),
    wallMin: asNumber(row.wallMin),
    wallMax: asNumber(row.wallMax),
    wallStddev: asNumber(row.wallStddev),
    cpuMedian: asNumber(row.cpuMedian),
    cpuStddev: asNumber(row.cpuStddev),
    speedup: asNumber(row.speedup),
    efficiency: asNumber(row.efficiency),
    checksumStatus: String(row.checksumStatus),
    commitSha: asString(row.commitSha),
    branch: asString(row.branch),
    seeded: row.seeded === true || (row.seeded !== undefined && Number(row.seeded) === 1),
    workloadHash: asString(row.workloadHash),
  };
}

/**
 * The history of one series, oldest first: one range scan of the (seriesKey,
 * recordedAt desc, id desc) index joined to the runs for commit and branch. Any LIMIT
 * sits in the subquery, so PostgreSQL walks the index and joins only those rows instead
 * of hash-joining the whole Run table (10x slower at 100,000 runs).
 */
export async function readSeriesHistory(
  database: Database,
  key: string,
  options: SeriesHistoryOptions = {},
): Promise<SeriesHistoryRow[]> {
  const rows = await queryRows(
    database,
    options.withRuns === false
      ? Prisma.sql`SELECT * FROM (${historyScan(key, options)}) m ORDER BY m."recordedAt" DESC, m."id" DESC`
      : Prisma.sql`
    SELECT m.*, r."commitSha", r."branch", r."seeded", r."workloadHash"
      FROM (${historyScan(key, options)}) m
      JOIN "Run" r ON r."id" = m."runId"
     ORDER BY m."recordedAt" DESC, m."id" DESC`,
  );
  return rows.reverse().map(toHistoryRow);
}

/**
 * The last `last` points of each of several series (a page of sparklines) in one
 * query: one index range scan per series, glued with UNION ALL (a window function
 * would read every point of every series). Oldest first per key.
 */
export async function readRecentHistories(
  database: Database,
  keys: readonly string[],
  options: { last: number; succeededOnly?: boolean; withRuns?: boolean },
): Promise<Map<string, SeriesHistoryRow[]>> {
  const byKey = new Map<string, SeriesHistoryRow[]>(keys.map((key) => [key, []]));
  if (keys.length === 0) return byKey;
  const scans = keys.map(
    (key, index) =>
      Prisma.sql`SELECT * FROM (${historyScan(key, { last: options.last, succeededOnly: options.succeededOnly })}) ${Prisma.raw(`p${index}`)}`,
  );
  const rows = await queryRows(
    database,
    options.withRuns === false
      ? Prisma.sql`SELECT * FROM (${Prisma.join(scans, " UNION ALL ")}) m ORDER BY m."recordedAt" ASC, m."id" ASC`
      : Prisma.sql`
    SELECT m.*, r."commitSha", r."branch", r."seeded", r."workloadHash"
      FROM (${Prisma.join(scans, " UNION ALL ")}) m
      JOIN "Run" r ON r."id" = m."runId"
     ORDER BY m."recordedAt" ASC, m."id" ASC`,
  );
  for (const row of rows) byKey.get(String(row.seriesKey))?.push(toHistoryRow(row));
  return byKey;
}

/** The Measurement columns a sparkline can be drawn from (one per series metric). */
export type PointValueColumn = "wallMedian" | "wallMean" | "wallMin" | "cpuMedian" | "speedup" | "efficiency";

const pointValueColumns: ReadonlySet<string> = new Set<PointValueColumn>([
  "wallMedian",
  "wallMean",
  "wallMin",
  "cpuMedian",
  "speedup",
  "efficiency",
]);

/** One value of a sparkline: a succeeded point's column, null where it has none. */
export interface RecentValue {
  value: number | null;
  recordedAt: Date;
}

/**
 * The last `last` succeeded values of one column in each of several series (a page of
 * sparklines), oldest first per key: what readRecentHistories reads, narrowed to the
 * key, time and one column. For the wall-time median the (seriesKey, status, recordedAt
 * desc, id desc, wallMedian) index holds all of it, so no Measurement row is read (the
 * wide rows cost ~5 us each: ~15-20 ms for a page of 24-50 sparklines at 100,000 runs).
 */
export async function readRecentValues(
  database: Database,
  keys: readonly string[],
  options: { last: number; column: PointValueColumn },
): Promise<Map<string, RecentValue[]>> {
  const byKey = new Map<string, RecentValue[]>(keys.map((key) => [key, []]));
  if (keys.length === 0) return byKey;
  if (!pointValueColumns.has(options.column)) throw new Error(`not a point value column: ${options.column}`);
  const column = Prisma.raw(`"${options.column}"`);
  const limit = sqlInteger(Math.min(Math.max(Math.trunc(options.last), 1), 100_000));
  const scans = keys.map(
    (key, index) => Prisma.sql`SELECT * FROM (SELECT "seriesKey", "recordedAt", "id", ${column} AS "value"
       FROM "Measurement" WHERE "seriesKey" = ${key} AND "status" = 'succeeded'
       ORDER BY "recordedAt" DESC, "id" DESC LIMIT ${limit}) ${Prisma.raw(`p${index}`)}`,
  );
  const rows = await queryRows(
    database,
    Prisma.sql`SELECT * FROM (${Prisma.join(scans, " UNION ALL ")}) m ORDER BY m."recordedAt" ASC, m."id" ASC`,
  );
  for (const row of rows) {
    byKey
      .get(String(row.seriesKey))
      ?.push({ value: asNumber(row.value), recordedAt: asDate(row.recordedAt) as Date });
  }
  return byKey;
}

// ---------------------------------------------------------------------------------------
// What the regression detector reads (regressions/check-run.ts)

/** One point of a series as the detector reads it: a succeeded measurement with a wall time. */
export interface DetectorHistoryRow {
  runId: string;
  wallMedian: number;
  wallStddev: number | null;
  sampleCount: number;
  efficiency: number | null;
}

/**
 * The detector's histories of several series, oldest first, each ending at (and
 * including) `recordedAt`: one query for all of them (a run's cells are measured
 * together, so their series have the same runs), then one more per series that came back
 * short because the others filled the limit. Seeded (synthetic) and real history never
 * mix; workload modules compare only runs of the same module source (a changed
 * `workloadHash` is a changed benchmark, not a regression of the code; built-ins have
 * null, which matches null).
 */
export async function readDetectorHistories(
  database: Database,
  request: {
    keys: readonly string[];
    recordedAt: Date | undefined;
    seeded: boolean;
    workloadHash: string | null;
    historyLength: number;
  },
): Promise<Map<string, DetectorHistoryRow[]>> {
  const { recordedAt, historyLength } = request;
  const byKey = new Map<string, DetectorHistoryRow[]>();
  if (!recordedAt || request.keys.length === 0) return byKey;
  const read = (keys: readonly string[], take: number) =>
    database.prisma.measurement.findMany({
      where: {
        seriesKey: { in: [...keys] },
        status: "succeeded",
        wallMedian: { not: null },
        recordedAt: { lte: recordedAt },
        run: { seeded: request.seeded, workloadHash: request.workloadHash },
      },
      orderBy: [{ recordedAt: "desc" }, { id: "desc" }],
      take,
      select: {
        seriesKey: true,
        runId: true,
        wallMedian: true,
        wallStddev: true,
        sampleCount: true,
        efficiency: true,
      },
    });
  const collect = (rows: Awaited<ReturnType<typeof read>>) => {
    for (const { seriesKey, wallMedian, ...row } of rows) {
      const list = byKey.get(seriesKey) ?? [];
      if (list.length >= historyLength || wallMedian === null || !(wallMedian > 0)) continue;
      list.push({ ...row, wallMedian });
      byKey.set(seriesKey, list);
    }
  };
  for (const keys of batchesOf(request.keys)) {
    const take = historyLength * keys.length;
    const rows = await read(keys, take);
    collect(rows);
    if (rows.length === take) {
      for (const key of keys) {
        if ((byKey.get(key)?.length ?? 0) >= historyLength) continue;
        byKey.delete(key);
        collect(await read([key], historyLength));
      }
    }
  }
  for (const list of byKey.values()) list.reverse();
  return byKey;
}

/** The succeeded cells of one mode with a speedup, in these runs (what a serial-fraction fit reads). */
export async function runSpeedups(
  database: Database,
  runIds: readonly string[],
  mode: string,
): Promise<{ runId: string; threads: number; speedup: number | null }[]> {
  return readInBatches(runIds, (batch) =>
    database.prisma.measurement.findMany({
      where: { runId: { in: batch }, mode, status: "succeeded", speedup: { not: null } },
      select: { runId: true, threads: true, speedup: true },
    }),
  );
}

/**
 * For each (series, run) pair, the run of the point before it in the series as the
 * detector saw it (succeeded cells with a wall time, seeded and real runs apart), keyed
 * by `seriesKey \u0000 runId`. One query for the points, then one per pair.
 */
export async function previousRunsInSeries(
  database: Database,
  pairs: readonly { seriesKey: string; runId: string }[],
): Promise<Map<string, string | null>> {
  if (pairs.length === 0) return new Map();
  const points = await database.prisma.measurement.findMany({
    where: { OR: pairs.map(({ seriesKey, runId }) => ({ seriesKey, runId })) },
    select: { id: true, seriesKey: true, runId: true, recordedAt: true, run: { select: { seeded: true } } },
  });
  const previous = await Promise.all(
    points.map(async (point) => {
      const row = await database.prisma.measurement.findFirst({
        where: {
          seriesKey: point.seriesKey,
          status: "succeeded",
          wallMedian: { not: null },
          run: { seeded: point.run.seeded },
          OR: [
            { recordedAt: { lt: point.recordedAt } },
            { recordedAt: point.recordedAt, id: { lt: point.id } },
          ],
        },
        orderBy: [{ recordedAt: "desc" }, { id: "desc" }],
        select: { runId: true },
      });
      return [`${point.seriesKey}\u0000${point.runId}`, row?.runId ?? null] as const;
    }),
  );
  return new Map(previous);
}

/** The series with the most measurements (what a benchmark of a busy history chart reads), or null. */
export async function longestSeriesKey(database: Database): Promise<string | null> {
  const [largest] = await database.prisma.measurement.groupBy({
    by: ["seriesKey"],
    _count: { seriesKey: true },
    orderBy: { _count: { seriesKey: "desc" } },
    take: 1,
  });
  return largest?.seriesKey ?? null;
}
