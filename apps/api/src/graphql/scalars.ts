import { createRequire } from "node:module";
import type { ASTVisitor, ValidationContext } from "graphql";
import { GraphQLError, GraphQLScalarType, getNamedType, Kind } from "./graphql-js.js";
import { boundedJson } from "./inputs.js";

/*
 * JSON and the date-time check come from graphql-scalars, loaded through require for
 * the same reason as graphql-js itself (graphql-js.ts): its CommonJS build uses the same
 * graphql-js copy as our schema, its ESM build would not under Vitest.
 */
const { GraphQLDateTime, GraphQLJSON } = createRequire(import.meta.url)(
  "graphql-scalars",
) as typeof import("graphql-scalars");

const json = GraphQLJSON.toConfig();

/** JSON, with bounded nesting at the edge: deeper values would fail series keys (BAD_USER_INPUT). */
export const JSONScalar = new GraphQLScalarType({
  ...json,
  parseValue: (value) => boundedJson(json.parseValue?.(value) ?? value),
  parseLiteral: (node, variables) => boundedJson(json.parseLiteral?.(node, variables)),
});

const rfc3339 = GraphQLDateTime.toConfig();
/** ISO 8601's expanded years, as Date#toISOString writes years beyond 0000-9999. */
const expandedYear = /^[+-]\d{6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const allowedDateTime = "allowed: an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z";

/**
 * The instant an input date-time names, or null when it is not one: RFC 3339 (the ISO
 * 8601 profile graphql-scalars' DateTime checks, date and time and zone required; "1"
 * or "yesterday" are not dates, whatever Date.parse makes of them), plus ISO 8601's
 * expanded years ("+275760-09-13T00:00:00Z"), which reach the resolvers' range check
 * and are answered BAD_USER_INPUT naming the field (src/graphql/hostile-input.test.ts).
 */
export function parseDateTime(text: string): Date | null {
  let date: Date | null;
  if (expandedYear.test(text)) {
    date = new Date(text);
  } else {
    try {
      date = rfc3339.parseValue?.(text) as Date;
    } catch {
      date = null;
    }
  }
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date : null;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: "DateTime",
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue(value) {
    const date = typeof value === "string" ? parseDateTime(value) : null;
    if (!date) throw new GraphQLError(`${JSON.stringify(value)} is not a date-time (${allowedDateTime})`);
    return date;
  },
  parseLiteral(node) {
    // A string that is no date-time is reported by dateTimeLiteralRule, which can name
    // its argument (ValuesOfCorrectTypeRule, which calls this, knows only the value);
    // validation runs on both transports before anything executes, and the resolvers'
    // parseDate refuses an invalid Date all the same.
    if (node.kind === Kind.STRING) return parseDateTime(node.value) ?? new Date(Number.NaN);
    throw new TypeError(`a DateTime is written as a string (${allowedDateTime})`);
  },
});

/**
 * Refuses a DateTime literal that is not a date-time (see parseDateTime), naming the
 * argument and input field it is given to, e.g. `filter.createdFrom`, with its location.
 */
export function dateTimeLiteralRule(context: ValidationContext): ASTVisitor {
  const fields: string[] = [];
  return {
    ObjectField: {
      enter: (field) => {
        fields.push(field.name.value);
      },
      leave: () => {
        fields.pop();
      },
    },
    StringValue(node) {
      const type = context.getInputType();
      if (!type || getNamedType(type).name !== "DateTime" || parseDateTime(node.value)) return;
      const argument = context.getArgument()?.name;
      const path = [argument ?? "default value", ...fields].join(".");
      context.reportError(
        new GraphQLError(`${path}: ${JSON.stringify(node.value)} is not a date-time (${allowedDateTime})`, {
          nodes: node,
        }),
      );
    },
  };
}
