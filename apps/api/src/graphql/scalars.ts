import { createRequire } from "node:module";
import { GraphQLError, GraphQLScalarType } from "./graphql-js.js";
import { boundedJson } from "./inputs.js";

/*
 * The JSON and DateTime scalars come from graphql-scalars; loaded through require for
 * the same reason as graphql-js itself (graphql-js.ts): its CommonJS build uses the same
 * graphql-js copy as our schema, its ESM build would not under Vitest.
 */
const { GraphQLJSON, GraphQLDateTimeISO } = createRequire(import.meta.url)(
  "graphql-scalars",
) as typeof import("graphql-scalars");

const json = GraphQLJSON.toConfig();

/** JSON, with bounded nesting at the edge: deeper values would fail series keys (BAD_USER_INPUT). */
export const JSONScalar = new GraphQLScalarType({
  ...json,
  parseValue: (value) => boundedJson(json.parseValue?.(value) ?? value),
  parseLiteral: (node, variables) => boundedJson(json.parseLiteral?.(node, variables)),
});

const dateTime = GraphQLDateTimeISO.toConfig();

/**
 * RFC 3339 date-time text in, a Date to resolvers; a Date out as ISO 8601 text. The
 * library's errors are kept and given an example of what is allowed.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  ...dateTime,
  name: "DateTime",
  parseValue: (value) => withExample(() => dateTime.parseValue?.(value) as Date),
  parseLiteral: (node, variables) => withExample(() => dateTime.parseLiteral?.(node, variables) as Date),
});

function withExample<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new GraphQLError(`${message} DateTime must be an ISO 8601 string, e.g. 2026-01-31T12:00:00Z`);
  }
}
