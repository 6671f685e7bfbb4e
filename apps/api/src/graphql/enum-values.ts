import {
  cellStatuses,
  checksumStatuses,
  regressionKinds,
  regressionMetrics,
  regressionStatuses,
  runSources,
  runStatuses,
  type CellStatus as StoredCellStatus,
  type ChecksumStatus as StoredChecksumStatus,
  type RegressionKind as StoredRegressionKind,
  type RegressionMetric as StoredRegressionMetric,
  type RegressionStatus as StoredRegressionStatus,
  type RunSource as StoredRunSource,
  type RunStatus as StoredRunStatus,
  type ScalingKind as StoredScalingKind,
  scalingKinds,
} from "@threadbench/core";
import type { ParameterDescription } from "@threadbench/workloads";
import type { Verdict as ComparisonVerdict } from "../analysis/compare.js";
import type {
  CellStatusResolvers,
  ChecksumStatusResolvers,
  ParameterTypeResolvers,
  RegressionKindResolvers,
  RegressionMetricResolvers,
  RegressionStatusResolvers,
  RunEventKindResolvers,
  RunSourceResolvers,
  RunStatusResolvers,
  ScalingKindResolvers,
  VerdictResolvers,
} from "../generated/graphql.js";
import type { RunEventKind as PublishedRunEventKind } from "../services/events.js";

/*
 * Where GraphQL enums meet the values stored and passed around inside: the enum internal
 * values of graphql-tools (https://the-guild.dev/graphql/tools/docs/resolvers#enum-values).
 * graphql-js serializes the internal value to its SCREAMING_SNAKE name on the way out and
 * parses a name to its internal value on the way in, so resolvers read and return the
 * lowercase values the database and the runner use and never change case by hand.
 *
 * codegen.json maps each enum below to its `...Value` type (`enumValues`), so the
 * generated resolver and argument types carry the internal values too.
 */

export type RunStatusValue = StoredRunStatus;
export type RunSourceValue = StoredRunSource;
export type ScalingKindValue = StoredScalingKind;
export type CellStatusValue = StoredCellStatus;
export type ChecksumStatusValue = StoredChecksumStatus;
export type ParameterTypeValue = ParameterDescription["type"];
export type RunEventKindValue = PublishedRunEventKind;
/** A comparison's verdict, or "failed" for a cell whose run failed or whose checksum disagrees. */
export type VerdictValue = ComparisonVerdict | "failed";
export type RegressionKindValue = StoredRegressionKind;
export type RegressionStatusValue = StoredRegressionStatus;
export type RegressionMetricValue = StoredRegressionMetric;

/** GraphQL's name of an internal value: "false_alarm" -> "FALSE_ALARM", "regression-detected" -> "REGRESSION_DETECTED". */
type GraphQLName<Value extends string> = Uppercase<
  Value extends `${infer Head}-${infer Tail}` ? `${Head}_${GraphQLName<Tail>}` : Value
>;

/** An enum's table: each GraphQL name to its one internal value. */
type EnumTable<Value extends string> = { readonly [Each in Value as GraphQLName<Each>]: Each };

/**
 * Unknown when the values name exactly the schema's enum values; otherwise a shape no
 * array has, whose key lists the names in one and not the other (the compiler shows it).
 */
type SameNames<Value extends string, Resolvers> = [
  Exclude<GraphQLName<Value>, keyof Resolvers> | Exclude<keyof Resolvers, GraphQLName<Value>>,
] extends [never]
  ? unknown
  : {
      readonly namesInOnlyOneOfSchemaAndValues:
        | Exclude<GraphQLName<Value>, keyof Resolvers>
        | Exclude<keyof Resolvers, GraphQLName<Value>>;
    };

/**
 * Each table is built from the values (the stored vocabulary in @threadbench/core where
 * it has a list) and checked against the schema's names by type: a value the schema
 * lacks, or a schema value left unmapped (it would resolve to its own uppercase name),
 * is a type error. The name is always the value in SCREAMING_SNAKE, so it is computed
 * here, once, and nowhere else changes case.
 */
function enumTable<Resolvers>() {
  return <const Value extends string>(
    values: readonly Value[] & SameNames<Value, Required<Resolvers>>,
  ): EnumTable<Value> =>
    Object.fromEntries(
      values.map((value) => [value.toUpperCase().replaceAll("-", "_"), value]),
    ) as EnumTable<Value>;
}

const runStatus = enumTable<RunStatusResolvers>()(runStatuses);
const runSource = enumTable<RunSourceResolvers>()(runSources);
const scalingKind = enumTable<ScalingKindResolvers>()(scalingKinds);
const cellStatus = enumTable<CellStatusResolvers>()(cellStatuses);
const checksumStatus = enumTable<ChecksumStatusResolvers>()(checksumStatuses);
const parameterType = enumTable<ParameterTypeResolvers>()([
  "integer",
  "number",
  "enum",
  "boolean",
] satisfies ParameterTypeValue[]);

/**
 * FINISHED is the deprecated name of SUCCEEDED: the server publishes "succeeded" and
 * never "finished" (API.md, "Deprecations"); the value stays so that documents naming it
 * still validate.
 */
const runEventKind = enumTable<RunEventKindResolvers>()([
  "queued",
  "started",
  "succeeded",
  "finished",
  "failed",
  "cancelled",
  "interrupted",
  "deleted",
  "regression-detected",
] satisfies RunEventKindValue[]);

const verdict = enumTable<VerdictResolvers>()([
  "faster",
  "slower",
  "unchanged",
  "noisy",
  "failed",
] satisfies VerdictValue[]);
const regressionKind = enumTable<RegressionKindResolvers>()(regressionKinds);
const regressionStatus = enumTable<RegressionStatusResolvers>()(regressionStatuses);
const regressionMetric = enumTable<RegressionMetricResolvers>()(regressionMetrics);

/** Spread into the resolver map: the internal values of every enum that has them. */
export const enumResolvers = {
  RunStatus: runStatus,
  RunSource: runSource,
  ScalingKind: scalingKind,
  CellStatus: cellStatus,
  ChecksumStatus: checksumStatus,
  ParameterType: parameterType,
  RunEventKind: runEventKind,
  Verdict: verdict,
  RegressionKind: regressionKind,
  RegressionStatus: regressionStatus,
  RegressionMetric: regressionMetric,
};
