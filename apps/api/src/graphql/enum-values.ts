import type {
  CellStatus as StoredCellStatus,
  ChecksumStatus as StoredChecksumStatus,
  RegressionKind as StoredRegressionKind,
  RegressionMetric as StoredRegressionMetric,
  RegressionStatus as StoredRegressionStatus,
  RunSource as StoredRunSource,
  RunStatus as StoredRunStatus,
  ScalingKind as StoredScalingKind,
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

/*
 * Each table maps every GraphQL name of its enum to one internal value: a name left out
 * would resolve to itself (the uppercase name), so `satisfies Required<...Resolvers>`
 * makes leaving one out, or naming one the schema lacks, a type error.
 */

const runStatus = {
  QUEUED: "queued",
  RUNNING: "running",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  CANCELLED: "cancelled",
  INTERRUPTED: "interrupted",
} as const satisfies Required<RunStatusResolvers>;

const runSource = {
  RUNNER: "runner",
  INGESTED: "ingested",
} as const satisfies Required<RunSourceResolvers>;

const scalingKind = {
  WEAK: "weak",
  STRONG: "strong",
} as const satisfies Required<ScalingKindResolvers>;

const cellStatus = {
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  CANCELLED: "cancelled",
} as const satisfies Required<CellStatusResolvers>;

const checksumStatus = {
  BASELINE: "baseline",
  MATCH: "match",
  MISMATCH: "mismatch",
  UNCHECKED: "unchecked",
} as const satisfies Required<ChecksumStatusResolvers>;

const parameterType = {
  INTEGER: "integer",
  NUMBER: "number",
  ENUM: "enum",
  BOOLEAN: "boolean",
} as const satisfies Required<ParameterTypeResolvers>;

/**
 * FINISHED is the deprecated name of SUCCEEDED: the server publishes "succeeded" and
 * never "finished" (API.md, "Deprecations"); the value stays so that documents naming it
 * still validate.
 */
const runEventKind = {
  QUEUED: "queued",
  STARTED: "started",
  SUCCEEDED: "succeeded",
  FINISHED: "finished",
  FAILED: "failed",
  CANCELLED: "cancelled",
  INTERRUPTED: "interrupted",
  DELETED: "deleted",
  REGRESSION_DETECTED: "regression-detected",
} as const satisfies Required<RunEventKindResolvers>;

const verdict = {
  FASTER: "faster",
  SLOWER: "slower",
  UNCHANGED: "unchanged",
  NOISY: "noisy",
  FAILED: "failed",
} as const satisfies Required<VerdictResolvers>;

const regressionKind = {
  REGRESSION: "regression",
  IMPROVEMENT: "improvement",
} as const satisfies Required<RegressionKindResolvers>;

const regressionStatus = {
  OPEN: "open",
  ACKNOWLEDGED: "acknowledged",
  FIXED: "fixed",
  FALSE_ALARM: "false_alarm",
} as const satisfies Required<RegressionStatusResolvers>;

const regressionMetric = {
  WALL_TIME: "wall_time",
  EFFICIENCY: "efficiency",
  SERIAL_FRACTION: "serial_fraction",
} as const satisfies Required<RegressionMetricResolvers>;

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
