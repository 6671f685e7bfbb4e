import { z } from "zod";
import type { AnyWorkload, ParameterDescription } from "./types.js";

/** A problem with one field of some input, named by its path. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Raised when parameters do not fit a workload's schema; lists every problem. */
export class ParameterError extends Error {
  readonly issues: FieldIssue[];
  constructor(workloadId: string, issues: FieldIssue[]) {
    super(
      `invalid parameters for workload "${workloadId}": ` +
        issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "),
    );
    this.name = "ParameterError";
    this.issues = issues;
  }
}

interface JsonSchemaProperty {
  type?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  unit?: string;
}

/** The workload's parameters as plain data: for CLI help, GraphQL and forms. */
export function describeParameters(workload: AnyWorkload): ParameterDescription[] {
  const schema = z.toJSONSchema(workload.parameters, { io: "input" }) as {
    properties?: Record<string, JsonSchemaProperty>;
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const description: ParameterDescription = {
      name,
      type: property.enum
        ? "enum"
        : property.type === "integer"
          ? "integer"
          : property.type === "boolean"
            ? "boolean"
            : "number",
      description: property.description ?? "",
      default: property.default as number | string | boolean,
    };
    if (property.minimum !== undefined) description.minimum = property.minimum;
    if (property.maximum !== undefined) description.maximum = property.maximum;
    if (property.unit !== undefined) description.unit = property.unit;
    if (property.enum) description.options = property.enum.map(String);
    return description;
  });
}

/** `.strict()` builds a new schema: build it once per workload, not once per task. */
const strictSchemas = new WeakMap<AnyWorkload, z.ZodObject>();

function pathOf(prefix: string, path: PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter(Boolean).join(".");
}

/**
 * Validates raw parameters against the workload's schema and fills in defaults.
 * Unknown parameters are errors, not silently dropped: a typo would otherwise
 * benchmark the default size and nobody would notice.
 */
export function parseParameters(
  workload: AnyWorkload,
  raw: Record<string, unknown>,
  pathPrefix = "params",
): Record<string, unknown> {
  let strict = strictSchemas.get(workload);
  if (!strict) {
    strict = workload.parameters.strict();
    strictSchemas.set(workload, strict);
  }
  const result = strict.safeParse(raw);
  if (result.success) return result.data as Record<string, unknown>;
  const allowed = describeParameters(workload);
  throw new ParameterError(
    workload.id,
    result.error.issues.map((issue) => {
      if (issue.code === "unrecognized_keys") {
        return {
          path: pathOf(pathPrefix, issue.keys.length === 1 ? [issue.keys[0] as string] : []),
          message: `unknown parameter ${issue.keys.map((key) => `"${key}"`).join(", ")}; ${
            workload.id
          } accepts ${allowed.map((parameter) => parameter.name).join(", ")}`,
        };
      }
      const name = String(issue.path[0] ?? "");
      const parameter = allowed.find((candidate) => candidate.name === name);
      const range =
        parameter && parameter.minimum !== undefined && parameter.maximum !== undefined
          ? ` (allowed: ${parameter.type === "integer" ? "an integer" : "a number"} from ${
              parameter.minimum
            } to ${parameter.maximum}${parameter.unit ? ` ${parameter.unit}` : ""})`
          : parameter?.options
            ? ` (allowed: ${parameter.options.join(", ")})`
            : "";
      return { path: pathOf(pathPrefix, issue.path), message: `${issue.message}${range}` };
    }),
  );
}

/** Parameters in a canonical form (sorted keys, defaults filled): part of a series key. */
export function canonicalParameters(workload: AnyWorkload, raw: Record<string, unknown>): string {
  const parsed = parseParameters(workload, raw);
  const sorted = Object.fromEntries(
    Object.keys(parsed)
      .sort()
      .map((key) => [key, parsed[key]]),
  );
  return JSON.stringify(sorted);
}
