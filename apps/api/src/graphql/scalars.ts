import { createRequire } from "node:module";
import { GraphQLError, GraphQLScalarType, Kind } from "./graphql-js.js";
import { boundedJson } from "./inputs.js";

/*
 * The JSON scalar comes from graphql-scalars, loaded through require for
 * the same reason as graphql-js itself (graphql-js.ts): its CommonJS build uses the same
 * graphql-js copy as our schema, its ESM build would not under Vitest.
 */
const { GraphQLJSON } = createRequire(import.meta.url)("graphql-scalars") as typeof import("graphql-scalars");

const json = GraphQLJSON.toConfig();

/** JSON, with bounded nesting at the edge: deeper values would fail series keys (BAD_USER_INPUT). */
export const JSONScalar = new GraphQLScalarType({
  ...json,
  parseValue: (value) => boundedJson(json.parseValue?.(value) ?? value),
  parseLiteral: (node, variables) => boundedJson(json.parseLiteral?.(node, variables)),
});

/**
 * DateTime stays hand-written: graphql-scalars' DateTime accepts RFC 3339 only, so an
 * ISO 8601 date with an expanded year ("+275760-09-13T00:00:00Z") would fail as a
 * GRAPHQL_VALIDATION_FAILED literal instead of reaching the resolvers' range check,
 * which answers BAD_USER_INPUT naming the field (src/graphql/hostile-input.test.ts).
 */
export const DateTimeScalar = new GraphQLScalarType({
  name: "DateTime",
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue(value) {
    const date = new Date(typeof value === "number" ? value : String(value));
    if (typeof value !== "string" || Number.isNaN(date.getTime())) {
      throw new GraphQLError(
        `DateTime must be an ISO 8601 string, e.g. 2026-01-31T12:00:00Z; got ${JSON.stringify(value)}`,
      );
    }
    return date;
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING || Number.isNaN(Date.parse(node.value))) {
      throw new GraphQLError("DateTime must be an ISO 8601 string, e.g. 2026-01-31T12:00:00Z");
    }
    return new Date(node.value);
  },
});
