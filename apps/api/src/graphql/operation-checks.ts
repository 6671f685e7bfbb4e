import type { FieldIssue } from "@threadbench/workloads";
import type {
  DocumentNode,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from "graphql";
import { describePath, jsonProblem, unstorableTextReason } from "../db/input-bounds.js";
import { UserInputError } from "../errors.js";
import { GraphQLError, getVariableValues, Kind } from "./graphql-js.js";

/*
 * Checks of a resolved operation that both transports make, so that the same request
 * gets the same answer over HTTP (Apollo's didResolveOperation) and over the WebSocket
 * (graphql-ws's onSubscribe, where Apollo's pipeline does not run).
 */

export type Transport = "http" | "ws";

/** A ThreadbenchError as the GraphQLError both transports' formatter expects. */
function asGraphQLError(error: UserInputError): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, http: { status: 400 } },
  });
}

/**
 * A subscription sent over HTTP would run its root field once as a query and fail inside
 * the resolver; say where subscriptions are served instead (BAD_USER_INPUT naming the
 * subscription's fields).
 */
export function assertFitsTransport(operation: OperationDefinitionNode, transport: Transport): void {
  if (operation.operation !== "subscription" || transport === "ws") return;
  const fields = operation.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD ? [selection.name.value] : [],
  );
  const message =
    "subscriptions are served over the WebSocket at the same URL (ws:// or wss://, graphql-ws protocol), not over HTTP";
  throw asGraphQLError(
    new UserInputError(
      (fields.length > 0 ? fields : ["subscription"]).map((path) => ({ path, message })),
      `${fields.join(", ") || "subscription"}: ${message}`,
    ),
  );
}

/**
 * graphql-js's coercion of the operation's variables, each problem as BAD_USER_INPUT:
 * what Apollo Server does over HTTP, done here for the WebSocket (where graphql-ws would
 * otherwise return them without a code, and they would be masked as internal errors).
 */
export function variableErrors(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError[] {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, {
    maxErrors: 50,
  });
  return (coerced.errors ?? []).map(
    (error) =>
      new GraphQLError(error.message, {
        nodes: error.nodes ?? null,
        extensions: { ...error.extensions, code: "BAD_USER_INPUT", http: { status: 400 } },
      }),
  );
}

/** Text problems of the string literals under one argument value. */
function literalIssues(value: ValueNode, path: string, issues: FieldIssue[]): void {
  switch (value.kind) {
    case Kind.STRING: {
      const reason = unstorableTextReason(value.value);
      if (reason) issues.push({ path, message: reason });
      return;
    }
    case Kind.LIST:
      value.values.forEach((item, index) => {
        literalIssues(item, `${path}[${index}]`, issues);
      });
      return;
    case Kind.OBJECT:
      for (const field of value.fields) literalIssues(field.value, `${path}.${field.name.value}`, issues);
      return;
    default:
      return;
  }
}

function selectionIssues(selectionSet: SelectionSetNode, issues: FieldIssue[]): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      for (const argument of selection.arguments ?? []) {
        literalIssues(argument.value, argument.name.value, issues);
      }
    }
    if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) {
      selectionIssues(selection.selectionSet, issues);
    }
  }
}

/**
 * Refuses text no database can store, in any variable or string literal of the
 * document: NUL (PostgreSQL refuses it in text and jsonb, and the request would fail as
 * an internal error) and lone UTF-16 surrogates (no UTF-8 encoding exists). BAD_USER_INPUT
 * naming the variable or argument and the path inside it, on both transports.
 */
export function assertStorableText(
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
): void {
  const issues: FieldIssue[] = [];
  // Only text here (no depth limit: the JSON scalar bounds nesting, with a better path).
  const problem = variables ? jsonProblem(variables, Number.POSITIVE_INFINITY) : null;
  if (problem) issues.push({ path: describePath("", problem.path, 8), message: problem.message });
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) {
      selectionIssues(definition.selectionSet, issues);
    }
  }
  if (issues.length > 0) throw asGraphQLError(new UserInputError(issues));
}
