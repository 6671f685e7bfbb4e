/*
 * Long `IN (...)` lists on SQLite. Prisma binds each value of an `in` filter as a
 * parameter, and SQLite (as Prisma drives it) takes at most 999. Prisma splits a long
 * list into several queries itself only when the `in` is the query's whole filter, with
 * no orderBy, take or other condition; otherwise the query fails with P2029 ("The query
 * parameter limit supported by your database is exceeded"), checked against Prisma 6.19.
 * A run may have up to 10,000 cells, and a page of runs up to 200 runs of them, so the
 * readers below split their lists themselves. PostgreSQL takes 32,767 parameters; the
 * same batches cost it nothing noticeable.
 */

/** Values per query: half SQLite's limit, room for the query's other parameters. */
export const listBatchSize = 500;

/** `values` in consecutive slices of at most `size` (none for an empty list). */
export function batchesOf<T>(values: readonly T[], size = listBatchSize): T[][] {
  if (!Number.isSafeInteger(size) || size < 1)
    throw new Error(`batch size must be a positive integer, not ${size}`);
  const batches: T[][] = [];
  for (let start = 0; start < values.length; start += size) batches.push(values.slice(start, start + size));
  return batches;
}

/**
 * Runs `read` once per batch of `values`, one batch after another (a SQLite connection
 * serves one query at a time anyway), and concatenates the rows in batch order.
 */
export async function readInBatches<T, Row>(
  values: readonly T[],
  read: (batch: T[]) => Promise<Row[]>,
  size = listBatchSize,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const batch of batchesOf(values, size)) rows.push(...(await read(batch)));
  return rows;
}
