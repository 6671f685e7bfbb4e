import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from "graphql";
import { ConflictError } from "../errors.js";
import type { OperationLimits } from "../services/config.js";
import {
  GraphQLError,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
} from "./graphql-js.js";

/** Which limit an operation broke; sent as `extensions.limit`. */
export type LimitKind = "depth" | "aliases" | "tokens" | "cost" | "body";

function limitError(kind: LimitKind, message: string, maximum: number, actual: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: "GRAPHQL_VALIDATION_FAILED",
      limit: kind,
      maximum,
      actual,
      http: { status: 400 },
    },
  });
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/**
 * Work done by the limit rules, for tests and diagnostics: how many times a fragment's
 * body was walked. With memoisation each fragment is walked at most once per rule and
 * document (per parent type and list size for the cost), so a document of 22 fragments
 * that each spread the previous one twice costs 22 walks, not 2^22.
 */
export const limitWork = { fragmentVisits: 0 };

/**
 * Deepest field nesting of an operation, following fragments. Each fragment's depth is
 * computed once and remembered: without that, fragments that spread each other twice
 * are walked 2^n times (the fragment-expansion denial of service). A fragment met again
 * while its own depth is being computed is a cycle: it adds nothing here, and
 * NoFragmentCyclesRule rejects the document.
 */
function createDepthMeasure(fragments: Map<string, FragmentDefinitionNode>) {
  const depths = new Map<string, number>();
  const inProgress = new Set<string>();
  const depthOf = (selectionSet: SelectionSetNode): number => {
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet ? depthOf(selection.selectionSet) : 0;
        deepest = Math.max(deepest, 1 + below);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet));
      } else {
        deepest = Math.max(deepest, fragmentDepth(selection.name.value));
      }
    }
    return deepest;
  };
  const fragmentDepth = (name: string): number => {
    const known = depths.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return 0;
    inProgress.add(name);
    limitWork.fragmentVisits++;
    const depth = depthOf(fragment.selectionSet);
    inProgress.delete(name);
    depths.set(name, depth);
    return depth;
  };
  return depthOf;
}

/** Rejects operations nested deeper than `maxDepth` fields. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    const depthOf = createDepthMeasure(fragmentsOf(context.getDocument()));
    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation.selectionSet);
        if (depth > maxDepth) {
          context.reportError(
            limitError(
              "depth",
              `the operation is ${depth} fields deep; allowed: at most ${maxDepth}`,
              maxDepth,
              depth,
            ),
          );
        }
      },
    };
  };
}

/** Rejects documents with more than `maxAliases` aliased fields (alias-based amplification). */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext) => {
    let aliases = 0;
    return {
      Field(field) {
        if (field.alias) aliases++;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) {
            context.reportError(
              limitError(
                "aliases",
                `the document has ${aliases} aliased fields; allowed: at most ${maxAliases}`,
                maxAliases,
                aliases,
              ),
            );
          }
        },
      },
    };
  };
}

/**
 * The answer to an operation beyond `maxSubscriptionsPerConnection` on one WebSocket
 * connection (CONFLICT, like a full run queue: valid, but not now).
 */
export function subscriptionLimitError(maximum: number): GraphQLError {
  const message = `this WebSocket connection already has ${maximum} operations open; allowed: at most ${maximum} per connection (THREADBENCH_MAX_SUBSCRIPTIONS_PER_CONNECTION): complete one before starting another`;
  return new GraphQLError(message, { originalError: new ConflictError(message) });
}

/** The validation rules every operation passes, whichever transport it came by. */
export function limitRules(limits: OperationLimits): ValidationRule[] {
  return [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases)];
}

/** Parse options that stop the lexer after `maxTokens` tokens. */
export function parseOptions(limits: OperationLimits): { maxTokens: number } {
  return { maxTokens: limits.maxTokens };
}

/** A list field without a size argument is assumed to hold this many items. */
const assumedListSize = 10;
/** The most items a size argument is counted for (resolvers reject larger values). */
const largestCountedSize = 5_000;
/** Arguments that say how many items a field returns. */
const sizeArguments = ["first", "maxPoints"] as const;
/**
 * Lists whose size is given by the field above them: a connection's `edges` and `nodes`
 * hold `first` items of `runs(first:)`, a history's `points` `maxPoints` of
 * `series(maxPoints:)`. The size multiplies only these lists, not the object's other
 * fields (`totalCount`, `pageInfo`, `SeriesHistory.series`).
 */
const countedAbove = new Set([
  "RunConnection.edges",
  "RunConnection.nodes",
  "RegressionConnection.edges",
  "RegressionConnection.nodes",
  "SeriesHistory.points",
  "SeriesPage.nodes",
  "BranchList.nodes",
]);

/**
 * Cost of one change point's worth of detection: `Series.changePoints(last:)` runs the
 * rank-statistic search (permutation tests, a bootstrap per change) synchronously over
 * `last` points. Measured on a 2-core VM: 5-12 us a point (11-23 ms for `last: 2000`),
 * against about 4 us for reading and sending one value (`seriesPage`'s `recent`). At 5
 * the default budget of 50,000 allows about five detections over 2,000 points (~0.1 s
 * of the event loop), and the dashboard's series chart (one detection over 2,000 points
 * beside up to 4,000 points read) stays under it.
 */
export const changePointCostPerPoint = 5;

/** What one `efficiencyHistory` costs (see computedCost). */
export const efficiencyHistoryCost = 9_000;

/**
 * Work a field does beyond what its selection counts, per call, from its arguments
 * (defaults applied): computed or read values that no selected field stands for.
 */
const computedCost: Record<string, (argumentValues: Record<string, unknown>) => number> = {
  "Series.changePoints": (argumentValues) => changePointCostPerPoint * countedSize(argumentValues.last),
  // Reads the whole history of every thread count of one workload, mode and testbed, a
  // size no argument bounds: 85 ms for sum-squares' three worker-threads series of the
  // 100,000-run seeded history, where 20 aliases held the event loop for 1.8 s. Counted as
  // 9,000 values read, so one operation holds at most five.
  "Query.efficiencyHistory": () => efficiencyHistoryCost,
  // Every series of the page reads its newest `recentPoints` values (the sparklines).
  "Query.seriesPage": (argumentValues) =>
    countedSize(argumentValues.first) * countedSize(argumentValues.recentPoints),
};

/** A size argument as counted: 1 to largestCountedSize (resolvers reject the rest). */
function countedSize(value: unknown): number {
  return typeof value === "number" ? Math.max(1, Math.min(value, largestCountedSize)) : assumedListSize;
}

/**
 * Estimated cost of an operation: every field costs 1, and everything selected under a
 * list field costs as many times as the list is long (its `first` / `maxPoints`
 * argument, else 10); fields that compute or read more than they return add their
 * `computedCost` (change points: 5 per point of `last`). Deliberately simple: it bounds
 * the work of one request, not predicts it.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
): number {
  const fragments = fragmentsOf(document);
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  const variables = coerced.coerced ?? {};
  const root =
    operation.operation === "query"
      ? schema.getQueryType()
      : operation.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return 0;

  // A fragment's cost depends only on the type it is spread into and the list size
  // passed down to it: remember it per (fragment, type, size), so that every fragment is
  // walked once per such pair however often it is spread (see limitWork).
  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();
  const costOf = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    /** The size argument of the (non-list) field above, for its countedAbove lists. */
    sizeAbove: number | null,
  ): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        total += costOf(selection.selectionSet, isCompositeType(condition) ? condition : parent, sizeAbove);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment) continue;
        const condition = schema.getType(fragment.typeCondition.name.value);
        const type = isCompositeType(condition) ? condition : parent;
        const key = `${name}\u0000${type.name}\u0000${sizeAbove ?? ""}`;
        const known = fragmentCosts.get(key);
        if (known !== undefined) {
          total += known;
          continue;
        }
        // A cycle: validation (NoFragmentCyclesRule) rejects it; count it once here.
        if (inProgress.has(key)) continue;
        inProgress.add(key);
        limitWork.fragmentVisits++;
        const cost = costOf(fragment.selectionSet, type, sizeAbove);
        inProgress.delete(key);
        fragmentCosts.set(key, cost);
        total += cost;
        continue;
      }
      total += 1;
      const field: GraphQLField<unknown, unknown> | undefined =
        isObjectType(parent) || isInterfaceType(parent)
          ? parent.getFields()[selection.name.value]
          : undefined;
      if (!field) continue;
      const computed = computedCost[`${parent.name}.${field.name}`];
      if (!selection.selectionSet && !computed) continue;
      let argumentValues: Record<string, unknown> = {};
      try {
        argumentValues = getArgumentValues(field, selection, variables);
      } catch {
        // Invalid arguments are reported by execution with their own error.
      }
      if (computed) total += computed(argumentValues);
      if (!selection.selectionSet) continue;
      const named = getNamedType(field.type);
      if (!isCompositeType(named)) continue;
      let multiplier = 1;
      const sized = sizeArguments
        .map((name) => argumentValues[name])
        .find((value) => typeof value === "number");
      const size = typeof sized === "number" ? countedSize(sized) : null;
      const isList = isListType(getNullableType(field.type));
      let passedDown: number | null = null;
      if (countedAbove.has(`${parent.name}.${field.name}`)) {
        multiplier = sizeAbove ?? assumedListSize;
      } else if (size !== null && isList) {
        multiplier = size;
      } else if (size !== null) {
        // A connection or history: the size is that of the lists inside it.
        passedDown = size;
      } else if (isList) {
        multiplier = assumedListSize;
      }
      total += multiplier * costOf(selection.selectionSet, named, passedDown);
    }
    // Exponential spreads overflow any count: keep the figure printable and comparable.
    return Math.min(total, Number.MAX_SAFE_INTEGER);
  };
  return costOf(operation.selectionSet, root, null);
}

/** Throws the limit error when the operation's estimated cost is above `maxCost`. */
export function assertCostWithinLimit(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  maxCost: number,
): void {
  const cost = operationCost(schema, document, operation, variables);
  if (cost > maxCost) {
    throw limitError(
      "cost",
      `the operation's estimated cost is ${cost}; allowed: at most ${maxCost} (every field costs 1, fields under a list as many times as its first/maxPoints, else 10; changePoints ${changePointCostPerPoint} per point of its last, seriesPage first x recentPoints, efficiencyHistory ${efficiencyHistoryCost})`,
      maxCost,
      cost,
    );
  }
}
