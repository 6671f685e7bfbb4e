import type { z } from "zod";
import { AdapterError, type AdapterName } from "./types.js";

/** `benchmarks[2].stats.data[0]` from zod's ["benchmarks", 2, "stats", "data", 0]. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text || "(root)";
}

/**
 * Checks the parts of a harness's file an adapter reads (zod, loose objects: harnesses
 * add fields between versions) and throws AdapterError listing every problem by JSON path.
 */
export function validate<T extends z.ZodType>(adapter: AdapterName, schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AdapterError(
    adapter,
    result.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message })),
  );
}

/** A plain object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
