import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { JsonTooDeepError } from "../db/series-key.js";
import { databaseUnavailableMessage } from "../db/unavailable.js";
import { ThreadbenchError, UserInputError } from "../errors.js";
import { GraphQLError } from "./graphql-js.js";

/**
 * Codes that GraphQL itself or Apollo Server produce for requests that are wrong (not
 * for failures of ours): passed through to the client unchanged.
 */
const requestErrorCodes = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "UNAUTHENTICATED",
  "FORBIDDEN",
]);

export const maskedMessage = "Internal server error";

export interface FormatErrorOptions {
  /** Used when no request logger is in scope (see `requestScope`). */
  logger: Logger;
  /** Include stack traces (development only). */
  includeStacktrace: boolean;
  /**
   * Remove "Did you mean ...?" suggestions, which spell out schema fields, arguments and
   * enum values that introspection (off in production) would otherwise hide.
   */
  hideSchemaDetails: boolean;
}

/**
 * The request an error belongs to. The HTTP handler runs each request inside
 * `requestScope.run({ logger })` with a logger that carries its request id, so errors
 * formatted anywhere below (Apollo calls `formatError` without a context) are logged
 * with it; the WebSocket passes its operation's logger to `formatError` explicitly.
 */
export const requestScope = new AsyncLocalStorage<{ logger: Logger }>();

function innermost(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/** graphql-js's suggestion suffix: `Cannot query field "x". Did you mean "y"?` */
const suggestion = / ?Did you mean .+\?$/s;

/**
 * The field issue of a variable that failed coercion, from graphql-js's messages:
 * `Variable "$plan" got invalid value {...} at "plan.params"; <reason>` and
 * `Variable "$id" of required type "ID!" was not provided.`
 */
function coercionIssue(message: string): { path: string; message: string } | null {
  const variable = /^Variable "\$(\w+)" /.exec(message)?.[1];
  if (!variable) return null;
  const located = / at "(\w+(?:\.\w+|\[\d+\])*)"; (.*)$/s.exec(message);
  const path = located?.[1] ?? variable;
  const reason = located?.[2] ?? /^Variable "\$\w+" got invalid value .*?; (.*)$/s.exec(message)?.[1];
  // The JSON scalar names the place inside the value (inputs.ts boundedJson).
  const inside = reason ? /^JSON value at (\S+) (.*)$/s.exec(reason) : null;
  if (inside?.[1] && inside[2]) {
    return { path: `${path}${inside[1].startsWith("[") ? "" : "."}${inside[1]}`, message: inside[2] };
  }
  return { path, message: reason ?? message };
}

/**
 * The one place errors become what clients see, for HTTP and the WebSocket alike. Our
 * error classes map to their `extensions.code` (with `issues` for BAD_USER_INPUT);
 * request errors from GraphQL and Apollo pass through (BAD_USER_INPUT from variable
 * coercion gets `issues` too); everything else is logged in full, with the request id
 * of the request's logger, and masked.
 */
export function createErrorFormatter(options: FormatErrorOptions) {
  const hide = (message: string) => (options.hideSchemaDetails ? message.replace(suggestion, "") : message);
  return function formatError(
    formatted: GraphQLFormattedError,
    error: unknown,
    logger: Logger = requestScope.getStore()?.logger ?? options.logger,
  ): GraphQLFormattedError {
    const original = innermost(error);
    const base = {
      message: hide(formatted.message),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    if (original instanceof ThreadbenchError) {
      return {
        ...base,
        message: original.message,
        extensions: {
          code: original.code,
          ...(original instanceof UserInputError ? { issues: original.issues } : {}),
          ...(options.includeStacktrace && original.stack ? { stacktrace: original.stack.split("\n") } : {}),
        },
      };
    }
    // A JSON value that slipped past the edges' depth checks: still the client's input.
    if (original instanceof JsonTooDeepError) {
      const path = formatted.path?.join(".") ?? "(root)";
      return {
        ...base,
        message: `${path}: ${original.message}`,
        extensions: { code: "BAD_USER_INPUT", issues: [{ path, message: original.message }] },
      };
    }
    const code = formatted.extensions?.code;
    const isRequestError =
      typeof code === "string" &&
      requestErrorCodes.has(code) &&
      // A plain GraphQLError raised by GraphQL itself (parse, validation, coercion).
      (!(original instanceof Error) || original instanceof GraphQLError);
    if (isRequestError) {
      // `http` is Apollo's status hint (it strips it over HTTP): no client's business.
      const { stacktrace, http: _http, ...extensions } = formatted.extensions ?? {};
      const issue = code === "BAD_USER_INPUT" && !extensions.issues ? coercionIssue(base.message) : null;
      return {
        ...base,
        extensions: {
          ...extensions,
          ...(issue ? { issues: [issue] } : {}),
          ...(options.includeStacktrace && stacktrace ? { stacktrace } : {}),
        },
      };
    }
    // Not a failure of ours: the request may succeed once the database is back.
    const unavailable = databaseUnavailableMessage(original);
    if (unavailable) {
      logger.warn({ err: original, path: formatted.path }, "the database is unavailable");
      return { ...base, message: unavailable, extensions: { code: "DATABASE_UNAVAILABLE" } };
    }
    logger.error(
      { err: original, path: formatted.path },
      "unexpected error while handling a GraphQL request",
    );
    return {
      ...base,
      message: maskedMessage,
      extensions: {
        code: "INTERNAL_SERVER_ERROR",
        ...(options.includeStacktrace && original instanceof Error && original.stack
          ? { stacktrace: original.stack.split("\n") }
          : {}),
      },
    };
  };
}

export type ErrorFormatter = ReturnType<typeof createErrorFormatter>;

/** The request id and logger of one WebSocket operation. */
export interface OperationLog {
  requestId: string;
  logger: Logger;
}

/**
 * Request ids of WebSocket operations: one per operation (subscription id) of a
 * connection, created on first use, so that its context and every error formatted for
 * it (graphql-ws's onError and onNext get no context of ours) carry the same id.
 */
export function createOperationLogs(logger: Logger) {
  const byConnection = new WeakMap<object, Map<string, OperationLog>>();
  return {
    of(connection: object, id: string): OperationLog {
      let logs = byConnection.get(connection);
      if (!logs) {
        logs = new Map();
        byConnection.set(connection, logs);
      }
      let found = logs.get(id);
      if (!found) {
        const requestId = randomUUID();
        found = { requestId, logger: logger.child({ requestId, transport: "ws" }) };
        logs.set(id, found);
      }
      return found;
    },
    /** The operation ended: its id may be reused by the client for a new one. */
    forget(connection: object, id: string): void {
      byConnection.get(connection)?.delete(id);
    },
  };
}
