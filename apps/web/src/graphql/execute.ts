/**
 * One GraphQL request over HTTP, used by server components (straight to the API)
 * and by the browser (through the dashboard's /graphql proxy). Failures become an
 * `ApiError` whose message says what to do about it.
 */
import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import { readToken } from "../lib/token";

/** One problem with one input field, as the API reports BAD_USER_INPUT. */
export interface FieldIssue {
  path: string;
  message: string;
}

export type ApiErrorCode =
  | "API_UNREACHABLE"
  /** The dashboard's own settings are wrong (THREADBENCH_API_URL). */
  | "MISCONFIGURED"
  | "BAD_RESPONSE"
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INTERNAL"
  | "GRAPHQL_VALIDATION_FAILED"
  | "OTHER";

const knownCodes = new Set<string>([
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "GRAPHQL_VALIDATION_FAILED",
]);

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues: FieldIssue[];
  constructor(code: ApiErrorCode, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.issues = issues;
  }
}

interface GraphQLErrorShape {
  message?: string;
  extensions?: { code?: unknown; issues?: unknown };
}

function toIssues(value: unknown): FieldIssue[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) =>
    item && typeof item === "object" && typeof (item as FieldIssue).message === "string"
      ? [{ path: String((item as FieldIssue).path ?? ""), message: (item as FieldIssue).message }]
      : [],
  );
}

/** Turns the first GraphQL error of a response into an ApiError with advice attached. */
export function apiErrorFromGraphQL(errors: readonly GraphQLErrorShape[]): ApiError {
  const first = errors[0] ?? {};
  const rawCode = typeof first.extensions?.code === "string" ? first.extensions.code : "";
  const message = first.message ?? "The API returned an error without a message.";
  const issues = toIssues(first.extensions?.issues);
  if (rawCode === "UNAUTHENTICATED") {
    return new ApiError(
      "UNAUTHENTICATED",
      `${message}. Enter an API token (from \`threadbench token create\`, the server's THREADBENCH_API_TOKENS or its data/api-token) and try again.`,
    );
  }
  if (rawCode === "FORBIDDEN") {
    return new ApiError("FORBIDDEN", `${message}. Enter a token that has this scope and try again.`);
  }
  if (
    rawCode === "GRAPHQL_VALIDATION_FAILED" &&
    !/^(Cannot query field|Unknown (argument|type)|Variable ")/.test(message)
  ) {
    return new ApiError("GRAPHQL_VALIDATION_FAILED", `The API refused this request: ${message}`);
  }
  if (rawCode === "GRAPHQL_VALIDATION_FAILED") {
    return new ApiError(
      "GRAPHQL_VALIDATION_FAILED",
      `The API does not understand this dashboard's request (${message}). The dashboard and API versions probably differ: rebuild both from the same commit.`,
    );
  }
  if (message === "Internal server error") {
    return new ApiError(
      "INTERNAL",
      "The API failed unexpectedly. Its log has the details; try again, and report it if it keeps happening.",
    );
  }
  const code = knownCodes.has(rawCode) ? (rawCode as ApiErrorCode) : "OTHER";
  return new ApiError(code, message, issues);
}

export interface ExecuteOptions {
  /**
   * Sent as `Authorization: Bearer`. In the browser, when not given, the token kept for
   * this session (lib/token.ts) is sent, so reads work on a private server too; null
   * sends none.
   */
  token?: string | null;
  signal?: AbortSignal;
  /** Extra fetch options (server components pass `cache: "no-store"`). */
  init?: RequestInit;
}

/** POSTs one operation and returns its data, or throws ApiError. */
export async function executeOperation<TResult, TVariables>(
  url: string,
  document: DocumentTypeDecoration<TResult, TVariables> & { toString(): string },
  variables: TVariables,
  options: ExecuteOptions = {},
): Promise<TResult> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/graphql-response+json, application/json",
  };
  const token = options.token === undefined && typeof window !== "undefined" ? readToken() : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, {
      ...options.init,
      method: "POST",
      headers,
      body: JSON.stringify({ query: document.toString(), variables }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof Error && error.name === "AbortError") throw error;
    throw new ApiError(
      "API_UNREACHABLE",
      `The threadbench API at ${url} is not reachable. Start it (npm start at the repository root starts API and dashboard), or point THREADBENCH_API_URL at a running API.`,
    );
  }
  let body: { data?: TResult | null; errors?: GraphQLErrorShape[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(
      response.status >= 500 ? "API_UNREACHABLE" : "BAD_RESPONSE",
      `The API at ${url} answered HTTP ${response.status} without a GraphQL response. Is THREADBENCH_API_URL pointing at the GraphQL endpoint (…/graphql)?`,
    );
  }
  if (body.errors && body.errors.length > 0) throw apiErrorFromGraphQL(body.errors);
  if (!body.data) {
    throw new ApiError("BAD_RESPONSE", `The API at ${url} answered HTTP ${response.status} with no data.`);
  }
  return body.data;
}
