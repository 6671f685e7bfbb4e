import type { RunOrderDirection, RunSortField } from "../db/run-list.js";

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
