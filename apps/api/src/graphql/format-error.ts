import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
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
]);

export const maskedMessage = "Internal server error";

export interface FormatErrorOptions {
  logger: Logger;
  /** Include stack traces (development only). */
  includeStacktrace: boolean;
}

function innermost(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/**
 * The one place errors become what clients see. Our error classes map to their
 * `extensions.code` (with `issues` for BAD_USER_INPUT); request errors from GraphQL and
 * Apollo pass through; everything else is logged in full and masked.
 */
export function createErrorFormatter(options: FormatErrorOptions) {
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const original = innermost(error);
    const base = {
      message: formatted.message,
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
    const code = formatted.extensions?.code;
    const isRequestError =
      typeof code === "string" &&
      requestErrorCodes.has(code) &&
      // A plain GraphQLError raised by GraphQL itself (parse, validation, coercion).
      (!(original instanceof Error) || original instanceof GraphQLError);
    if (isRequestError) {
      if (options.includeStacktrace) return formatted;
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...base, extensions };
    }
    options.logger.error(
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
