import type { Database, Prisma } from "../db/client.js";
import { decodeRunCursor } from "../db/run-list.js";
import type { RegressionKind, RegressionMetric, RegressionStatus } from "../db/vocabulary.js";
import { type StoredRegression, toStoredRegressions } from "../regressions/regression-store.js";

/*
 * Regression listing for the GraphQL connection: the regressions module lists newest
 * first without paging or series filters; the dashboard pages and narrows by workload,
 * branch and testbed, which live on the Series row (the Regression table has only the
 * key), so those filters become a set of series keys first.
 */

export interface RegressionPageFilter {
  status?: RegressionStatus[];
  kind?: RegressionKind;
  metric?: RegressionMetric;
  workloadId?: string;
  /** "" selects series whose runs had no branch. */
  branch?: string;
  testbedId?: string;
  seriesKey?: string;
  runId?: string;
}

/** The where clause of a filter; null when no regression can match. */
export async function regressionWhere(
  database: Pick<Database, "prisma">,
  filter: RegressionPageFilter,
): Promise<Prisma.RegressionWhereInput | null> {
  const where: Prisma.RegressionWhereInput = {};
  if (filter.status !== undefined && filter.status.length > 0) where.status = { in: filter.status };
  if (filter.kind !== undefined) where.kind = filter.kind;
  if (filter.metric !== undefined) where.metric = filter.metric;
  if (filter.runId !== undefined) where.runId = filter.runId;
  if (filter.seriesKey !== undefined) where.seriesKey = filter.seriesKey;
  if (filter.workloadId !== undefined || filter.branch !== undefined || filter.testbedId !== undefined) {
    const series = await database.prisma.series.findMany({
      where: {
        ...(filter.workloadId !== undefined ? { workloadId: filter.workloadId } : {}),
        ...(filter.branch !== undefined ? { branch: filter.branch } : {}),
        ...(filter.testbedId !== undefined ? { testbedId: filter.testbedId } : {}),
        ...(filter.seriesKey !== undefined ? { seriesKey: filter.seriesKey } : {}),
      },
      select: { seriesKey: true },
    });
    if (series.length === 0) return null;
    where.seriesKey = { in: series.map((row) => row.seriesKey) };
  }
  return where;
}

export function encodeRegressionCursor(regression: Pick<StoredRegression, "createdAt" | "id">): string {
  return Buffer.from(JSON.stringify([regression.createdAt.getTime(), regression.id])).toString("base64url");
}

/** One page of regressions, newest first (createdAt, id descending), and whether more follow. */
export async function listRegressionPage(
  database: Pick<Database, "prisma">,
  request: { where: Prisma.RegressionWhereInput | null; first: number; after: string | null },
): Promise<{ regressions: StoredRegression[]; hasNextPage: boolean }> {
  const cursor = request.after ? decodeRunCursor(request.after) : null;
  if (request.where === null) return { regressions: [], hasNextPage: false };
  const where: Prisma.RegressionWhereInput[] = [request.where];
  if (cursor) {
    where.push({
      OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
    });
  }
  const rows = await database.prisma.regression.findMany({
    where: { AND: where },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: request.first + 1,
  });
  return {
    regressions: await toStoredRegressions(database, rows.slice(0, request.first)),
    hasNextPage: rows.length > request.first,
  };
}
