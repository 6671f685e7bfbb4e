import type { Database, Prisma } from "../db/client.js";
import { type RunFilter, runInclude, type StoredRun, toStoredRun } from "../db/run-repository.js";
import { UserInputError } from "../errors.js";

/*
 * Run listing for the GraphQL connection. db/run-repository.ts lists newest first only;
 * the dashboard also pages oldest first, so both orders are served here with the same
 * keyset (createdAt, id) the repository's indexes are built for.
 */

export type RunOrderDirection = "desc" | "asc";
/** Columns a runs page can be sorted by; creation time and id always break ties. */
export type RunSortField = "createdAt" | "workloadId" | "status";

/** A GraphQL RunOrder value as a sort column and direction. */
export function runOrder(order: string | null | undefined): {
  field: RunSortField;
  direction: RunOrderDirection;
} {
  const direction: RunOrderDirection = order?.endsWith("_ASC") ? "asc" : "desc";
  const field: RunSortField = order?.startsWith("WORKLOAD")
    ? "workloadId"
    : order?.startsWith("STATUS")
      ? "status"
      : "createdAt";
  return { field, direction };
}

export function runWhere(filter: RunFilter): Prisma.RunWhereInput {
  const where: Prisma.RunWhereInput = {};
  if (filter.workloadId !== undefined) where.workloadId = filter.workloadId;
  if (filter.status !== undefined)
    where.status = Array.isArray(filter.status) ? { in: filter.status } : filter.status;
  if (filter.branch !== undefined) where.branch = filter.branch;
  if (filter.commitSha !== undefined) {
    where.commitSha = filter.commitSha.length >= 40 ? filter.commitSha : { startsWith: filter.commitSha };
  }
  if (filter.testbedId !== undefined) where.testbedId = filter.testbedId;
  if (filter.source !== undefined) where.source = filter.source;
  if (filter.project !== undefined) where.project = filter.project;
  if (filter.harness !== undefined) where.harness = filter.harness;
  if (filter.seeded !== undefined) where.seeded = filter.seeded;
  if (filter.label !== undefined) where.labels = { some: { label: filter.label } };
  if (filter.mode !== undefined || filter.threads !== undefined) {
    where.measurements = {
      some: {
        ...(filter.mode !== undefined ? { mode: filter.mode } : {}),
        ...(filter.threads !== undefined ? { threads: filter.threads } : {}),
      },
    };
  }
  if (filter.from !== undefined || filter.to !== undefined) {
    where.createdAt = {
      ...(filter.from !== undefined ? { gte: filter.from } : {}),
      ...(filter.to !== undefined ? { lt: filter.to } : {}),
    };
  }
  return where;
}

/** A cursor holds the keyset of the last row: (sort value,) createdAt, id. */
export function encodeRunCursor(
  run: Pick<StoredRun, "createdAt" | "id" | "workloadId" | "status">,
  field: RunSortField = "createdAt",
): string {
  const keyset: unknown[] = [run.createdAt.getTime(), run.id];
  if (field !== "createdAt") keyset.push(run[field]);
  return Buffer.from(JSON.stringify(keyset)).toString("base64url");
}

/** The keyset of a cursor; BAD_USER_INPUT at `after` when it is not one (of this order). */
export function decodeRunCursor(
  cursor: string,
  field: RunSortField = "createdAt",
): { createdAt: Date; id: string; value?: string } {
  try {
    const [time, id, value] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const valueFits = field === "createdAt" ? value === undefined : typeof value === "string";
    if (typeof time === "number" && typeof id === "string" && valueFits) {
      return { createdAt: new Date(time), id, ...(typeof value === "string" ? { value } : {}) };
    }
  } catch {
    // reported below
  }
  throw new UserInputError([
    {
      path: "after",
      message: `"${cursor}" is not a cursor returned by a previous page (pageInfo.endCursor)`,
    },
  ]);
}

export interface RunPageRequest {
  filter: RunFilter;
  /** Default createdAt. */
  field?: RunSortField;
  direction: RunOrderDirection;
  first: number;
  after: string | null;
}

/** One page of runs (labels and testbed included) and whether more follow. */
export async function listRunPage(
  database: Database,
  request: RunPageRequest,
): Promise<{ runs: StoredRun[]; hasNextPage: boolean }> {
  const field = request.field ?? "createdAt";
  const where: Prisma.RunWhereInput[] = [runWhere(request.filter)];
  if (request.after) {
    const cursor = decodeRunCursor(request.after, field);
    const beyond = request.direction === "desc" ? "lt" : "gt";
    const afterTies: Prisma.RunWhereInput[] = [
      { createdAt: { [beyond]: cursor.createdAt } },
      { createdAt: cursor.createdAt, id: { [beyond]: cursor.id } },
    ];
    if (field === "createdAt" || cursor.value === undefined) {
      where.push({ OR: afterTies });
    } else {
      where.push({
        OR: [
          { [field]: { [beyond]: cursor.value } },
          { AND: [{ [field]: cursor.value }, { OR: afterTies }] },
        ],
      });
    }
  }
  const orderBy: Prisma.RunOrderByWithRelationInput[] = [
    { createdAt: request.direction },
    { id: request.direction },
  ];
  if (field !== "createdAt") orderBy.unshift({ [field]: request.direction });
  const rows = await database.prisma.run.findMany({
    where: { AND: where },
    orderBy,
    take: request.first + 1,
    include: runInclude,
  });
  return { runs: rows.slice(0, request.first).map(toStoredRun), hasNextPage: rows.length > request.first };
}

/** Runs by id in one query, in the order of `ids` (missing ones left out). */
export async function runsByIds(database: Database, ids: readonly string[]): Promise<StoredRun[]> {
  if (ids.length === 0) return [];
  const rows = await database.prisma.run.findMany({ where: { id: { in: [...ids] } }, include: runInclude });
  const byId = new Map(rows.map((row) => [row.id, toStoredRun(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
