import type { Environment, RunSource, RunStatus } from "@threadbench/core";
import { UserInputError } from "../errors.js";
import { type Database, Prisma } from "./client.js";
import { isDateInRange } from "./input-bounds.js";
import type { StoredRun } from "./run-rows.js";
import { asDate, asJson, asNumber, asString, queryRows, sqlInteger } from "./sql-rows.js";
import { testbedFields, testbedOfRow } from "./testbed.js";

/*
 * The one run listing: every runs page (the dashboard's GraphQL connection, the CLI's
 * `threadbench runs`, the benchmarks) and every count is built from `runConditions`, so a
 * page, its total and the CLI always agree for the same filter.
 */

export interface RunFilter {
  workloadId?: string;
  status?: RunStatus | RunStatus[];
  /** Runs with a measurement of this mode (and `threads`, when both are given: the same cell). */
  mode?: string;
  threads?: number;
  branch?: string;
  /** Full SHA or a prefix of at least 4 characters. */
  commitSha?: string;
  testbedId?: string;
  label?: string;
  source?: RunSource;
  /** The project (repository or suite) the runs belong to. */
  project?: string;
  /** The harness that produced the runs ("threadbench", "pyperf", ...). */
  harness?: string;
  /** true: only seeded runs; false: only real runs; undefined: both. */
  seeded?: boolean;
  /** createdAt >= from */
  from?: Date;
  /** createdAt < to */
  to?: Date;
}

/** Columns a runs page can be sorted by; creation time and id always break ties. */
export type RunSortField = "createdAt" | "workloadId" | "status";
export type RunOrderDirection = "desc" | "asc";

export interface RunPageRequest {
  /** Default 50, at most 500. */
  limit?: number;
  /** `nextCursor` of the previous page (or a GraphQL edge's cursor) of the same order. */
  cursor?: string | null;
  /** Default createdAt. */
  field?: RunSortField;
  /** Default desc (newest first). */
  direction?: RunOrderDirection;
}

export interface RunPage {
  runs: StoredRun[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * One page of runs, filtered and sorted, with an opaque keyset cursor: (sort value,)
 * createdAt, id, so the order is stable even for equal values.
 */
export async function listRuns(
  database: Database,
  filter: RunFilter = {},
  page: RunPageRequest = {},
): Promise<RunPage> {
  const limit = Math.min(Math.max(Math.trunc(page.limit ?? 50), 1), 500);
  const field = page.field ?? "createdAt";
  const direction = page.direction ?? "desc";
  // Hand-written SQL (see queryRows): the dashboard's busiest query. Prisma's own
  // findMany + include costs three round trips and ~4x the time of this one join
  // (measured by src/bench/storage-bench.ts).
  const conditions = runConditions(filter);
  if (page.cursor) conditions.push(afterCursor(decodeRunCursor(page.cursor, field), field, direction));
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const order = Prisma.raw(direction === "desc" ? "DESC" : "ASC");
  const orderBy =
    field === "createdAt"
      ? Prisma.sql`ORDER BY r."createdAt" ${order}, r."id" ${order}`
      : Prisma.sql`ORDER BY r.${Prisma.raw(`"${field}"`)} ${order}, r."createdAt" ${order}, r."id" ${order}`;
  const rows = (await queryRows(
    database,
    Prisma.sql`
    SELECT r.*, ${testbedColumns}, ${labelListColumn(database.provider)}
      FROM "Run" r LEFT JOIN "Testbed" t ON t."id" = r."testbedId"
      ${where}
     ${orderBy}
     LIMIT ${sqlInteger(limit + 1)}`,
  )) as RawRunRow[];
  const hasMore = rows.length > limit;
  const runs = rows.slice(0, limit).map((row) => fromRawRunRow(row, splitLabelList(row.labelList)));
  const last = runs.at(-1);
  return { runs, nextCursor: hasMore && last ? encodeRunCursor(last, field) : null };
}

/** Counts the runs matching a filter (for "N runs" in lists): the same conditions as listRuns. */
export async function countRuns(database: Database, filter: RunFilter = {}): Promise<number> {
  const conditions = runConditions(filter);
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const rows = await queryRows(database, Prisma.sql`SELECT count(*) AS "count" FROM "Run" r ${where}`);
  return Number(rows[0]?.count ?? 0);
}

/** A workload's latest succeeded run on a branch (see {@link latestSucceededRunPerWorkload}). */
export interface LatestWorkloadRun {
  workloadId: string;
  runId: string;
}

/**
 * Each workload with a succeeded run on `branch` (or only `workloadId`), in name order,
 * with its latest succeeded run (newest createdAt, then id: listRuns' order): what the
 * branch review checks. One query on the (branch, status, workloadId, createdAt, id)
 * index; at 100,000 runs the workload list, a count and a listRuns per workload read
 * ~20,000 table rows each through the (branch, createdAt) index (~180 ms in all).
 */
export async function latestSucceededRunPerWorkload(
  database: Database,
  branch: string,
  workloadId?: string,
): Promise<LatestWorkloadRun[]> {
  const onlyWorkload = workloadId !== undefined ? Prisma.sql`AND "workloadId" = ${workloadId}` : Prisma.empty;
  const rows = await queryRows(
    database,
    Prisma.sql`
    SELECT w."workloadId",
           (SELECT r."id" FROM "Run" r
             WHERE r."branch" = ${branch} AND r."status" = 'succeeded' AND r."workloadId" = w."workloadId"
             ORDER BY r."createdAt" DESC, r."id" DESC LIMIT 1) AS "runId"
      FROM (SELECT DISTINCT "workloadId" FROM "Run"
             WHERE "branch" = ${branch} AND "status" = 'succeeded' ${onlyWorkload}) w`,
  );
  // Sorted here, not by ORDER BY: PostgreSQL's collation and SQLite's byte order differ.
  return rows
    .map((row) => ({ workloadId: String(row.workloadId), runId: String(row.runId) }))
    .sort((a, b) => (a.workloadId < b.workloadId ? -1 : a.workloadId > b.workloadId ? 1 : 0));
}

/** Runs by id in one query, in the order of `ids` (missing ones left out). */
export async function runsByIds(database: Database, ids: readonly string[]): Promise<StoredRun[]> {
  if (ids.length === 0) return [];
  const rows = (await queryRows(
    database,
    Prisma.sql`
    SELECT r.*, ${testbedColumns}, ${labelListColumn(database.provider)}
      FROM "Run" r LEFT JOIN "Testbed" t ON t."id" = r."testbedId"
     WHERE r."id" IN (${Prisma.join([...ids])})`,
  )) as RawRunRow[];
  const byId = new Map(rows.map((row) => [row.id, fromRawRunRow(row, splitLabelList(row.labelList))]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

function afterCursor(cursor: RunCursor, field: RunSortField, direction: RunOrderDirection): Prisma.Sql {
  const beyond = Prisma.raw(direction === "desc" ? "<" : ">");
  const afterTies = Prisma.sql`(r."createdAt" ${beyond} ${cursor.createdAt} OR (r."createdAt" = ${cursor.createdAt} AND r."id" ${beyond} ${cursor.id}))`;
  if (field === "createdAt" || cursor.value === undefined) return afterTies;
  const column = Prisma.raw(`r."${field}"`);
  return Prisma.sql`(${column} ${beyond} ${cursor.value} OR (${column} = ${cursor.value} AND ${afterTies}))`;
}

interface RunCursor {
  createdAt: Date;
  id: string;
  value?: string;
}

/**
 * A cursor holds the keyset of the last row: createdAt, id (, sort value). Runs and
 * regressions (db/regression-repository.ts) page with the same cursors.
 */
export function encodeKeysetCursor(row: { createdAt: Date; id: string }, value?: string): string {
  const keyset: unknown[] = [row.createdAt.getTime(), row.id];
  if (value !== undefined) keyset.push(value);
  return Buffer.from(JSON.stringify(keyset)).toString("base64url");
}

export function encodeRunCursor(
  run: Pick<StoredRun, "createdAt" | "id" | "workloadId" | "status">,
  field: RunSortField = "createdAt",
): string {
  return encodeKeysetCursor(run, field === "createdAt" ? undefined : run[field]);
}

/** The keyset of a cursor; BAD_USER_INPUT at `after` when it is not one (of this order). */
export function decodeRunCursor(cursor: string, field: RunSortField = "createdAt"): RunCursor {
  try {
    const [time, id, value] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const valueFits = field === "createdAt" ? value === undefined : typeof value === "string";
    // Only dates of years 1 to 9999: anything else fails in a driver (PostgreSQL), not here.
    const timeFits = typeof time === "number" && isDateInRange(time);
    if (timeFits && typeof id === "string" && valueFits) {
      return { createdAt: new Date(time), id, ...(typeof value === "string" ? { value } : {}) };
    }
  } catch {
    // reported below
  }
  throw new UserInputError([
    {
      path: "after",
      message: `"${cursor}" is not a cursor returned by a previous page of this order (pageInfo.endCursor)`,
    },
  ]);
}

const testbedColumns = Prisma.raw(
  ["id", "fingerprint", ...testbedFields, "createdAt"]
    .map((column) => `t."${column}" AS "testbed_${column}"`)
    .join(", "),
);

type RawRunRow = Record<string, unknown> & { id: string };
/** Labels never contain U+001F (unit separator): it joins them into one column. */
const labelSeparator = "\u001f";

/**
 * The run's labels, sorted, as one separator-joined column: a correlated subquery, so a
 * page is one query (each Prisma query costs about a millisecond of overhead on its own).
 */
function labelListColumn(provider: Database["provider"]): Prisma.Sql {
  return provider === "sqlite"
    ? Prisma.raw(
        `(SELECT group_concat("label", char(31)) FROM (SELECT "label" FROM "RunLabel" l WHERE l."runId" = r."id" ORDER BY "label")) AS "labelList"`,
      )
    : Prisma.raw(
        `(SELECT string_agg("label", chr(31) ORDER BY "label") FROM "RunLabel" l WHERE l."runId" = r."id") AS "labelList"`,
      );
}

function splitLabelList(value: unknown): string[] {
  return typeof value === "string" && value.length > 0 ? value.split(labelSeparator) : [];
}

function runConditions(filter: RunFilter): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.workloadId !== undefined) conditions.push(Prisma.sql`r."workloadId" = ${filter.workloadId}`);
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    conditions.push(
      statuses.length === 0
        ? Prisma.sql`1 = 0`
        : statuses.length === 1
          ? Prisma.sql`r."status" = ${statuses[0]}`
          : Prisma.sql`r."status" IN (${Prisma.join(statuses)})`,
    );
  }
  if (filter.branch !== undefined) conditions.push(Prisma.sql`r."branch" = ${filter.branch}`);
  if (filter.commitSha !== undefined) {
    conditions.push(
      filter.commitSha.length >= 40
        ? Prisma.sql`r."commitSha" = ${filter.commitSha}`
        : Prisma.sql`substr(r."commitSha", 1, ${filter.commitSha.length}) = ${filter.commitSha}`,
    );
  }
  if (filter.testbedId !== undefined) conditions.push(Prisma.sql`r."testbedId" = ${filter.testbedId}`);
  if (filter.source !== undefined) conditions.push(Prisma.sql`r."source" = ${filter.source}`);
  if (filter.project !== undefined) conditions.push(Prisma.sql`r."project" = ${filter.project}`);
  if (filter.harness !== undefined) conditions.push(Prisma.sql`r."harness" = ${filter.harness}`);
  if (filter.seeded !== undefined) conditions.push(Prisma.sql`r."seeded" = ${filter.seeded}`);
  if (filter.label !== undefined) {
    conditions.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "RunLabel" l WHERE l."runId" = r."id" AND l."label" = ${filter.label})`,
    );
  }
  if (filter.mode !== undefined || filter.threads !== undefined) {
    const cell: Prisma.Sql[] = [Prisma.sql`m."runId" = r."id"`];
    if (filter.mode !== undefined) cell.push(Prisma.sql`m."mode" = ${filter.mode}`);
    if (filter.threads !== undefined) cell.push(Prisma.sql`m."threads" = ${filter.threads}`);
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Measurement" m WHERE ${Prisma.join(cell, " AND ")})`);
  }
  if (filter.from !== undefined) conditions.push(Prisma.sql`r."createdAt" >= ${filter.from}`);
  if (filter.to !== undefined) conditions.push(Prisma.sql`r."createdAt" < ${filter.to}`);
  return conditions;
}

/** A raw `r.*, testbed_*` row as a StoredRun (raw results keep each driver's types). */
function fromRawRunRow(row: RawRunRow, labels: string[]): StoredRun {
  return {
    id: row.id,
    workloadId: String(row.workloadId),
    params: asJson(row.params) as Record<string, unknown>,
    paramsKey: String(row.paramsKey),
    modes: asJson(row.modes) as string[],
    threads: asJson(row.threads) as number[],
    repetitions: Number(row.repetitions),
    warmups: Number(row.warmups),
    scaling: String(row.scaling),
    taskTimeoutMs: asNumber(row.taskTimeoutMs),
    maxHeapMb: asNumber(row.maxHeapMb),
    runtime: asString(row.runtime),
    status: String(row.status) as RunStatus,
    error: asString(row.error),
    source: String(row.source) as RunSource,
    harness: String(row.harness ?? "threadbench"),
    project: String(row.project ?? "default"),
    workloadHash: asString(row.workloadHash),
    workloadModule: asString(row.workloadModule),
    commitSha: asString(row.commitSha),
    commitMessage: asString(row.commitMessage),
    branch: asString(row.branch),
    labels,
    idempotencyKey: asString(row.idempotencyKey),
    seeded: row.seeded === true || Number(row.seeded) === 1,
    environment: asJson(row.environment) as Environment | null,
    testbed: row.testbed_fingerprint == null ? null : testbedOfRow(row, "testbed_"),
    createdAt: asDate(row.createdAt) as Date,
    startedAt: asDate(row.startedAt),
    finishedAt: asDate(row.finishedAt),
    updatedAt: asDate(row.updatedAt) as Date,
    priority: Number(row.priority),
    requestedBy: asString(row.requestedBy),
    claimedBy: asString(row.claimedBy),
    heartbeatAt: asDate(row.heartbeatAt),
    cancelRequestedAt: asDate(row.cancelRequestedAt),
    targetAgentId: asString(row.targetAgentId),
    targetLabels: (asJson(row.targetLabels) as string[] | null) ?? [],
    agentId: asString(row.agentId),
  };
}

// ---------------------------------------------------------------------------------------
// The history a pull-request gate judges against (regressions/check-branch.ts)

/** What makes a run comparable to another: the same benchmark on the same testbed. */
export interface ComparableRunsRequest {
  /** The checked run: its own id is left out. */
  head: Pick<StoredRun, "id" | "workloadId" | "paramsKey" | "scaling" | "seeded" | "project" | "harness"> & {
    testbedId: string | null;
  };
  /** The branch whose runs are the history. */
  branch: string;
  /** Only runs created before this. */
  createdBefore?: Date;
  /** A workload module's source hash to match; undefined: any source. */
  workloadHash?: string | null;
  /** At most this many, newest first. */
  take: number;
}

/** Ids of the most recent succeeded runs comparable to `head` on `branch`, newest first. */
export async function comparableRunIds(
  database: Database,
  request: ComparableRunsRequest,
): Promise<string[]> {
  const { head } = request;
  // Hand-written SQL (queryRows): Prisma's findMany cost 2-5 ms here, several times the
  // query on the (branch, status, workloadId, createdAt, id) index, per workload reviewed.
  const equalOrNull = (column: string, value: string | null) =>
    value === null
      ? Prisma.sql`r.${Prisma.raw(`"${column}"`)} IS NULL`
      : Prisma.sql`r.${Prisma.raw(`"${column}"`)} = ${value}`;
  const conditions: Prisma.Sql[] = [
    Prisma.sql`r."id" <> ${head.id}`,
    Prisma.sql`r."branch" = ${request.branch}`,
    Prisma.sql`r."status" = 'succeeded'`,
    Prisma.sql`r."workloadId" = ${head.workloadId}`,
    Prisma.sql`r."paramsKey" = ${head.paramsKey}`,
    Prisma.sql`r."scaling" = ${head.scaling}`,
    equalOrNull("testbedId", head.testbedId),
    Prisma.sql`r."seeded" = ${head.seeded}`,
    Prisma.sql`r."project" = ${head.project}`,
    Prisma.sql`r."harness" = ${head.harness}`,
  ];
  if (request.createdBefore) conditions.push(Prisma.sql`r."createdAt" < ${request.createdBefore}`);
  if (request.workloadHash !== undefined) conditions.push(equalOrNull("workloadHash", request.workloadHash));
  const rows = await queryRows(
    database,
    Prisma.sql`
    SELECT r."id" FROM "Run" r
     WHERE ${Prisma.join(conditions, " AND ")}
     ORDER BY r."createdAt" DESC, r."id" DESC
     LIMIT ${sqlInteger(Math.max(0, Math.trunc(request.take)))}`,
  );
  return rows.map((row) => String(row.id));
}

/** A succeeded cell's figures the gate's thresholds read. */
export interface SucceededCell {
  runId: string;
  mode: string;
  threads: number;
  wallMin: number | null;
  wallMedian: number | null;
  efficiency: number | null;
  speedup: number | null;
}

/** The succeeded cells of these runs, summary columns only (what the gate's thresholds read). */
export async function succeededCellsOfRuns(
  database: Database,
  runIds: readonly string[],
): Promise<SucceededCell[]> {
  if (runIds.length === 0) return [];
  // Hand-written SQL (queryRows): Prisma's findMany took 4-20 ms for the ~180 cells of 30
  // runs at 100,000 runs, several times the query, once per workload of a branch review.
  const rows = await queryRows(
    database,
    Prisma.sql`
    SELECT "runId", "mode", "threads", "wallMin", "wallMedian", "efficiency", "speedup"
      FROM "Measurement"
     WHERE "runId" IN (${Prisma.join([...runIds])}) AND "status" = 'succeeded'
     ORDER BY "runId", "mode", "threads"`,
  );
  return rows.map((row) => ({
    runId: String(row.runId),
    mode: String(row.mode),
    threads: Number(row.threads),
    wallMin: asNumber(row.wallMin),
    wallMedian: asNumber(row.wallMedian),
    efficiency: asNumber(row.efficiency),
    speedup: asNumber(row.speedup),
  }));
}
