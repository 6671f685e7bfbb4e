import type { FieldIssue } from "@threadbench/workloads";
import { z } from "zod";
import { UserInputError } from "../errors.js";
import { maxJsonDepth } from "./series-key.js";

/*
 * Bounds on what any input may hold before it is stored, whichever edge it came through
 * (GraphQL on either transport, an ingest file, an adapter): JSON nesting that series
 * keys can hash, text that both databases can store, dates both can represent.
 */

export { maxJsonDepth };

/**
 * NUL (PostgreSQL text and jsonb refuse U+0000) or a UTF-16 surrogate without its pair
 * (no UTF-8 encoding exists for it). Code units, no `u` flag: lone halves are the point.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is this pattern's purpose
const unstorableCharacter = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored as it is, or null when it can. */
export function unstorableTextReason(text: string): string | null {
  const match = unstorableCharacter.exec(text);
  if (!match) return null;
  const unit = match[0].charCodeAt(0);
  return unit === 0
    ? "contains a NUL character (U+0000), which cannot be stored (allowed: text without U+0000)"
    : `contains a lone UTF-16 surrogate (U+${unit.toString(16).toUpperCase()}), which is not valid Unicode (allowed: well-formed text)`;
}

/** `params.a[0]` from ["params", "a", 0], after `prefix`; long paths keep their first levels. */
export function describePath(prefix: string, path: ReadonlyArray<string | number>, levels = 4): string {
  let text = prefix;
  for (const part of path.slice(0, levels)) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text ? `.${part}` : part;
  }
  return text || "(root)";
}

export function jsonTooDeepMessage(limit: number = maxJsonDepth): string {
  return `nests deeper than allowed (allowed: at most ${limit} levels of arrays and objects)`;
}

/** The first problem of a JSON value: where, and what. */
export interface JsonProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * The first reason a JSON value cannot be stored: nesting deeper than `limit` levels of
 * arrays and objects, or a string (value or key) holding NUL or a lone surrogate. Null
 * when there is none. Iterative (an explicit stack), so a document nested 100,000 deep is
 * measured without overflowing the call stack, and no branch is followed beyond `limit`.
 */
export function jsonProblem(value: unknown, limit: number = maxJsonDepth): JsonProblem | null {
  // Each entry links to its parent: paths are built only for a problem, never copied per
  // level (which would make a deep document quadratic).
  interface Entry {
    value: unknown;
    depth: number;
    key: string | number | null;
    parent: Entry | null;
  }
  const pathOf = (entry: Entry | null, last?: string): Array<string | number> => {
    const path: Array<string | number> = last === undefined ? [] : [last];
    for (let at = entry; at !== null && at.key !== null; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const stack: Entry[] = [{ value, depth: 0, key: null, parent: null }];
  while (stack.length > 0) {
    const entry = stack.pop() as Entry;
    if (typeof entry.value === "string") {
      const reason = unstorableTextReason(entry.value);
      if (reason) return { path: pathOf(entry), message: reason };
      continue;
    }
    if (entry.value === null || typeof entry.value !== "object") continue;
    // Entering an array or object is one level: `{}` is depth 1, `{"a": []}` depth 2.
    const depth = entry.depth + 1;
    if (depth > limit) return { path: pathOf(entry), message: jsonTooDeepMessage(limit) };
    if (Array.isArray(entry.value)) {
      entry.value.forEach((child, index) => {
        stack.push({ value: child, depth, key: index, parent: entry });
      });
      continue;
    }
    for (const [key, child] of Object.entries(entry.value as Record<string, unknown>)) {
      const reason = unstorableTextReason(key);
      if (reason) return { path: pathOf(entry, key), message: `key ${reason}` };
      stack.push({ value: child, depth, key, parent: entry });
    }
  }
  return null;
}

/** The field issue of a JSON value that cannot be stored, its path under `prefix`; or null. */
export function jsonIssue(value: unknown, prefix: string, limit: number = maxJsonDepth): FieldIssue | null {
  const problem = jsonProblem(value, limit);
  return problem ? { path: describePath(prefix, problem.path), message: problem.message } : null;
}

/**
 * Throws BAD_USER_INPUT when `value` nests deeper than `maxJsonDepth` (the most that
 * series keys, stored parameters and ingest documents accept) or holds text no database
 * can store. The issue's path is `prefix` and the first levels below it.
 */
export function assertStorableJson(value: unknown, prefix: string, limit: number = maxJsonDepth): void {
  const issue = jsonIssue(value, prefix, limit);
  if (issue) throw new UserInputError([issue]);
}

/**
 * Dates an input may name: years 1 to 9999. JavaScript dates reach year 275760 either
 * way, PostgreSQL's timestamps 4713 BC to 294276 AD, ISO 8601 has four-digit years: a
 * date outside this range is never a real run's and must not reach a database.
 */
export const dateRange = {
  /** 0001-01-01T00:00:00.000Z (Date.UTC maps years below 100 to 19xx). */
  earliestMs: -62_135_596_800_000,
  /** 9999-12-31T23:59:59.999Z */
  latestMs: 253_402_300_799_999,
} as const;

/** True when `ms` (Unix milliseconds) is a date inside `dateRange`. */
export function isDateInRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= dateRange.earliestMs && ms <= dateRange.latestMs;
}

/** For date-time text (ISO 8601) already checked to be one: inside `dateRange`? */
export function isStorableDateText(text: string): boolean {
  return isDateInRange(Date.parse(text));
}

export const dateRangeMessage = "allowed: dates from 0001-01-01 to 9999-12-31";

/**
 * The longest timing (a sample's wall or CPU time, a task's duration, a set-up cost) an
 * input may hold, in milliseconds: 1e12 ms is about 31.7 years, beyond any benchmark, yet
 * far enough below Number.MAX_VALUE that sums and squared deviations of 100,000 samples
 * stay finite. Without a bound, 1e308 ms was stored and its variance overflowed to
 * Infinity, which the store keeps as null and shows as a CV of 0.0%.
 */
export const maxTimingMs = 1e12;

export const timingRangeMessage = `allowed: at most ${maxTimingMs.toExponential()} ms (about 31 years)`;

/*
 * What a run is tagged with, one rule per field for every edge that stores a run: `run`
 * and `ingest` on a database, recordRun, ingestRun, startRun and the agents' targets.
 * The widest rule any edge already enforced is kept (ingest's: labels of up to 100
 * characters, spaces allowed), so no label stored before is refused now; control
 * characters are refused because a newline in a branch or label breaks every table
 * that prints it, and no git branch can hold one.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const printableText = /^[^\u0000-\u001f\u007f]*$/;

/** The messages are the ingest format's (the first edge that checked these fields). */
const taggingText = (what: string, maximum: number) => {
  const expected = `expected ${what} of 1 to ${maximum} characters, without control characters`;
  return z
    .string({ error: expected })
    .trim()
    .min(1, { error: expected })
    .max(maximum, { error: expected })
    .regex(printableText, { error: expected });
};

export const runTagLimits = { maxBranch: 255, maxLabel: 100, maxLabels: 50, maxProject: 200 } as const;

/** A commit SHA, full or abbreviated; stored in lower case so filters find it either way. */
export const commitShaRule = z
  .string({ error: "expected a commit SHA: 4 to 64 hexadecimal digits" })
  .regex(/^[0-9a-f]{4,64}$/i, { error: "expected a commit SHA: 4 to 64 hexadecimal digits" })
  .transform((sha) => sha.toLowerCase());
export const branchRule = taggingText("a branch name", runTagLimits.maxBranch);
export const labelRule = taggingText("a label", runTagLimits.maxLabel);
export const labelsRule = z
  .array(labelRule, { error: "expected a list of labels" })
  .max(runTagLimits.maxLabels, { error: `expected at most ${runTagLimits.maxLabels} labels` });
export const projectRule = taggingText("a project name", runTagLimits.maxProject);
