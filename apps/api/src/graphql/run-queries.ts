import type { Database, Prisma } from "../db/client.js";
import type { RunFilter, StoredRun } from "../db/run-repository.js";
import { toStoredTestbed } from "../db/testbed.js";
import type { RunSource, RunStatus } from "../db/vocabulary.js";
import { UserInputError } from "../errors.js";
import type { Environment } from "../runner/index.js";

/*
 * Run listing for the GraphQL connection. db/run-repository.ts lists newest first only;
 * the dashboard also pages oldest first, so both orders are served here with the same
 * keyset (createdAt, id) the repository's indexes are built for.
 */

export type RunOrderDirection = "desc" | "asc";

const runInclude = {
  testbed: true,
  labels: { select: { label: true }, orderBy: { label: "asc" } },
} as const satisfies Prisma.RunInclude;

type RunRow = Prisma.RunGetPayload<{ include: typeof runInclude }>;

/** The same mapping as the repository's: a stored row as a plain StoredRun. */
function toStoredRun(row: RunRow): StoredRun {
  return {
    ...row,
    params: row.params as Record<string, unknown>,
    modes: row.modes as string[],
    threads: row.threads as number[],
    status: row.status as RunStatus,
    source: row.source as RunSource,
    labels: row.labels.map((label) => label.label),
    environment: (row.environment ?? null) as Environment | null,
    testbed: row.testbed ? toStoredTestbed(row.testbed) : null,
  };
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

export function encodeRunCursor(run: Pick<StoredRun, "createdAt" | "id">): string {
  return Buffer.from(JSON.stringify([run.createdAt.getTime(), run.id])).toString("base64url");
}

/** The keyset (createdAt, id) of a cursor; BAD_USER_INPUT at `after` when it is not one. */
export function decodeRunCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof time === "number" && typeof id === "string") return { createdAt: new Date(time), id };
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
  direction: RunOrderDirection;
  first: number;
  after: string | null;
}

/** One page of runs (labels and testbed included) and whether more follow. */
export async function listRunPage(
  database: Database,
  request: RunPageRequest,
): Promise<{ runs: StoredRun[]; hasNextPage: boolean }> {
  const where: Prisma.RunWhereInput[] = [runWhere(request.filter)];
  if (request.after) {
    const cursor = decodeRunCursor(request.after);
    const beyond = request.direction === "desc" ? "lt" : "gt";
    where.push({
      OR: [
        { createdAt: { [beyond]: cursor.createdAt } },
        { createdAt: cursor.createdAt, id: { [beyond]: cursor.id } },
      ],
    });
  }
  const rows = await database.prisma.run.findMany({
    where: { AND: where },
    orderBy: [{ createdAt: request.direction }, { id: request.direction }],
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
