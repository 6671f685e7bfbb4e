import type { FieldIssue } from "@threadbench/workloads";

/**
 * The few error kinds threadbench reports to users. Each has a string code that
 * maps 1:1 to GraphQL `extensions.code`; anything else is unexpected, logged in
 * full and masked for clients.
 */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "CONFLICT"
  | "CONFIGURATION"
  /** The database is down, restarting or locked (`db/unavailable.ts`): try again later. */
  | "DATABASE_UNAVAILABLE";

export abstract class ThreadbenchError extends Error {
  abstract readonly code: ErrorCode;
}

/** Input that does not fit: lists every problem with the path of its field. */
export class UserInputError extends ThreadbenchError {
  readonly code = "BAD_USER_INPUT" as const;
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[], summary?: string) {
    super(summary ?? issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "));
    this.name = "UserInputError";
    this.issues = issues;
  }
}

export class NotFoundError extends ThreadbenchError {
  readonly code = "NOT_FOUND" as const;
  constructor(what: string, id: string) {
    super(`${what} "${id}" was not found`);
    this.name = "NotFoundError";
  }
}

export class UnauthenticatedError extends ThreadbenchError {
  readonly code = "UNAUTHENTICATED" as const;
  constructor(message = "this operation needs an API token: send Authorization: Bearer <token>") {
    super(message);
    this.name = "UnauthenticatedError";
  }
}

/** A valid token without the scope the operation needs; the message names the scope. */
export class ForbiddenError extends ThreadbenchError {
  readonly code = "FORBIDDEN" as const;
  constructor(message: string) {
    super(message);
    this.name = "ForbiddenError";
  }
}

/** The request is valid but clashes with the current state (e.g. cancelling a finished run). */
export class ConflictError extends ThreadbenchError {
  readonly code = "CONFLICT" as const;
  constructor(message: string) {
    super(message);
    this.name = "ConflictError";
  }
}

/** Environment or configuration that cannot be used; names the variable. */
export class ConfigurationError extends ThreadbenchError {
  readonly code = "CONFIGURATION" as const;
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

/** What `issueMessage` reads of a zod issue. */
export interface ValidationIssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
}

const sizeUnits: Record<string, { big: string; small: string; unit: string }> = {
  string: { big: "too long", small: "too short", unit: " characters" },
  array: { big: "too many items", small: "too few items", unit: " items" },
  set: { big: "too many items", small: "too few items", unit: " items" },
};

/**
 * The message of a zod issue, naming the limit when a size check failed. In zod 4 a
 * schema-level `error` ("expected a string") also replaces the message of that schema's
 * length checks, so a 900 KB label read "expected a string" and 60 labels "expected an
 * array of strings": a too_big / too_small message that does not name its limit gets one.
 */
export function issueMessage(issue: ValidationIssueLike): string {
  const limit =
    issue.code === "too_big" ? issue.maximum : issue.code === "too_small" ? issue.minimum : undefined;
  // Lengths and counts only: number messages name their ranges ("a positive number").
  const words = sizeUnits[issue.origin ?? ""];
  if (limit === undefined || !words || issue.message.includes(String(limit))) return issue.message;
  return issue.code === "too_big"
    ? `${words.big} (allowed: at most ${limit}${words.unit})`
    : `${words.small} (allowed: at least ${limit}${words.unit})`;
}

/** Turns zod issues into field issues with dotted paths under `prefix`. */
export function fieldIssues(issues: ReadonlyArray<ValidationIssueLike>, prefix = ""): FieldIssue[] {
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || prefix || "(root)",
    message: issueMessage(issue),
  }));
}
