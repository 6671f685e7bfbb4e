import { type Database, Prisma } from "./client.js";

/*
 * Raw SQL on the hot read paths (run pages, series points) and the value mapping that
 * copes with both drivers' result types. Kept apart so that every raw reader shares it.
 */

/**
 * Runs a read-only SQL query of the dashboard's hot paths. PostgreSQL: Prisma's
 * `$queryRaw`. SQLite: the same SQL on the adapter's own better-sqlite3 connection,
 * because Prisma's per-value result handling alone cost 2-8x the query itself on a
 * 50-run page (see src/bench/storage-bench.ts). The mapping below copes with both
 * drivers' value types (Unix-ms numbers or Dates, JSON text or objects, 0/1 or booleans).
 */
export async function queryRows(
  database: Database,
  query: Prisma.Sql,
): Promise<Array<Record<string, unknown>>> {
  if (database.provider === "sqlite" && database.sqliteConnection) {
    const values = query.values.map((value) =>
      value instanceof Date ? value.getTime() : typeof value === "boolean" ? (value ? 1 : 0) : value,
    );
    return database
      .sqliteConnection()
      .prepare(query.sql)
      .safeIntegers(false)
      .all(...values) as Array<Record<string, unknown>>;
  }
  return database.prisma.$queryRaw<Array<Record<string, unknown>>>(query);
}

/**
 * A LIMIT written into the SQL rather than bound: with a bound LIMIT, SQLite (through
 * the adapter) picked a plan ~5x slower for the run pages. Only for integers we clamped.
 */
export function sqlInteger(value: number): Prisma.Sql {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return Prisma.raw(String(value));
}

export const asDate = (value: unknown): Date | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value
      : typeof value === "number" || typeof value === "bigint"
        ? new Date(Number(value))
        : new Date(String(value));
export const asNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
export const asJson = (value: unknown): unknown =>
  typeof value === "string" ? JSON.parse(value) : (value ?? null);
export const asString = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);
export const asBoolean = (value: unknown): boolean | null =>
  value === null || value === undefined ? null : value === true || Number(value) === 1;
