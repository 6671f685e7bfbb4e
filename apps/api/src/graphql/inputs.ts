import { z } from "zod";
import {
  branchRule,
  commitShaRule,
  describePath,
  isDateInRange,
  jsonProblem,
  labelsRule,
} from "../db/input-bounds.js";
import type { RunFilter } from "../db/run-list.js";
import { fieldIssues, UserInputError } from "../errors.js";
import type { RunFilter as RunFilterInput } from "../generated/graphql.js";
import { GraphQLError } from "./graphql-js.js";

/*
 * Validation of GraphQL arguments beyond their types: ranges, lengths, formats. Every
 * problem becomes a BAD_USER_INPUT issue with the argument's path and what is allowed.
 */

export const pageLimits = {
  maxRunsPage: 200,
  maxSeriesList: 500,
  maxSeriesPoints: 5_000,
  minSeriesPoints: 3,
  maxRegressionsPage: 200,
  /** Points searched by Series.changePoints (the detector is linear per permutation). */
  maxChangePointPoints: 2_000,
} as const;

/** An agent's labels (what runs it takes), not a run's: matched as words, so no spaces. */
const agentLabelSchema = z
  .string()
  .trim()
  .min(1, "allowed: 1 to 64 characters")
  .max(64, "allowed: 1 to 64 characters")
  .regex(/^[\w.:/@+-]+$/, "allowed: letters, digits and _ . : / @ + -");
export const agentLabelsSchema = z.array(agentLabelSchema).max(32, "allowed: at most 32 labels");
/** A run's tags: the rules every edge that stores a run shares (db/input-bounds.ts). */
export const labelsSchema = labelsRule;
export const commitShaSchema = commitShaRule;
/** A commit message as sent; the store keeps its first line (db/git-info.ts commitSubject). */
export const commitMessageSchema = z.string().max(10_000, "allowed: at most 10,000 characters");
export const branchSchema = branchRule;

/** Parses `value` with `schema`; issues get `path` as prefix. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, path: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UserInputError(fieldIssues(parsed.error.issues, path));
  return parsed.data;
}

export function checkInteger(value: number, path: string, minimum: number, maximum: number): number {
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    throw new UserInputError([
      { path, message: `${value} is out of range (allowed: an integer from ${minimum} to ${maximum})` },
    ]);
  }
  return value;
}

export function parseDate(value: unknown, path: string): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) {
    throw new UserInputError([
      { path, message: `"${String(value)}" is not a date (allowed: ISO 8601, e.g. 2026-01-31T12:00:00Z)` },
    ]);
  }
  if (!isDateInRange(date.getTime())) {
    throw new UserInputError([
      {
        path,
        message: `${date.toISOString()} is out of range (allowed: dates from 0001-01-01 to 9999-12-31)`,
      },
    ]);
  }
  return date;
}

/**
 * A JSON input (the JSON scalar) that can be stored: bounded nesting (deeper documents
 * would overflow series keys, and nothing real nests that deep) and text without NUL or
 * lone surrogates. The error becomes BAD_USER_INPUT for a variable (naming it and the
 * path inside it) on both transports, GRAPHQL_VALIDATION_FAILED for a literal.
 */
export function boundedJson(value: unknown): unknown {
  const problem = jsonProblem(value);
  if (problem === null) return value;
  const where = problem.path.length > 0 ? ` at ${describePath("", problem.path)}` : "";
  throw new GraphQLError(`JSON value${where} ${problem.message}`);
}

export function toRunFilter(input: RunFilterInput | null | undefined): RunFilter {
  if (!input) return {};
  const filter: RunFilter = {};
  if (input.workload != null) filter.workloadId = input.workload;
  if (input.status != null && input.status.length > 0) {
    filter.status = [...input.status];
  }
  if (input.mode != null) filter.mode = input.mode;
  if (input.threads != null) filter.threads = checkInteger(input.threads, "filter.threads", 1, 100_000);
  if (input.branch != null) filter.branch = input.branch;
  if (input.commitSha != null)
    filter.commitSha = validate(commitShaSchema, input.commitSha, "filter.commitSha");
  if (input.testbedId != null) filter.testbedId = input.testbedId;
  if (input.label != null) filter.label = input.label;
  if (input.source != null) filter.source = input.source;
  if (input.project != null) filter.project = input.project;
  if (input.harness != null) filter.harness = input.harness;
  if (input.createdFrom != null) filter.from = parseDate(input.createdFrom, "filter.createdFrom");
  if (input.createdTo != null) filter.to = parseDate(input.createdTo, "filter.createdTo");
  if (input.seeded != null) filter.seeded = input.seeded;
  return filter;
}
