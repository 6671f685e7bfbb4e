import type { AnyWorkload } from "@threadbench/workloads";
import type { Verdict } from "../analysis/compare.js";
import type { ScalingFit } from "../analysis/scaling.js";
import type { Prisma } from "../db/client.js";
import type { StoredRegression } from "../db/regression-repository.js";
import type { StoredRun } from "../db/run-rows.js";
import type { StoredSeries } from "../db/series-repository.js";
import type { StoredTestbed } from "../db/testbed.js";
import type { RunEvent } from "../services/events.js";

/**
 * What resolvers pass down for each GraphQL object type (codegen "mappers"): storage
 * shapes where they exist, so that fields are computed from them, not copied.
 */
export type RunModel = StoredRun;
export type MeasurementModel = Prisma.MeasurementGetPayload<object>;
export type SampleModel = Prisma.SampleGetPayload<object>;
export type TestbedModel = StoredTestbed;
export type SeriesModel = StoredSeries;
export type WorkloadModel = AnyWorkload;
export type RunEventModel = RunEvent;

export interface EdgeModel<Node> {
  cursor: string;
  node: Node;
}

/** A page of a connection (runs, regressions): its edges, and its total counted only when asked for. */
export interface ConnectionModel<Node> {
  edges: EdgeModel<Node>[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Counted only when asked for. */
  count: () => Promise<number>;
}

export type RunEdgeModel = EdgeModel<RunModel>;
export type RunConnectionModel = ConnectionModel<RunModel>;

export interface QueueModel {
  runningRunId: string | null;
  queuedRunIds: string[];
}

export interface IngestRunPayloadModel {
  run: RunModel;
  created: boolean;
  /** What the check after storing found (empty for a run already stored). */
  regressions: RegressionModel[];
  /** The adapter that read the input ("threadbench" for a format v1 document). */
  adapter: string;
  detected: boolean;
  /** Every run the input produced; `run` and `created` are the first. */
  runs: Array<{ run: RunModel; created: boolean }>;
}

export type RegressionModel = StoredRegression;

export type RegressionEdgeModel = EdgeModel<RegressionModel>;
export type RegressionConnectionModel = ConnectionModel<RegressionModel>;

/** A change point of a series' history, with the point it starts at. */
export interface ChangePointModel {
  index: number;
  runId: string;
  previousRunId: string | null;
  timestamp: Date;
  commitSha: string | null;
  beforeMedian: number;
  afterMedian: number;
  beforeCount: number;
  afterCount: number;
  relativeStep: number | null;
  relativeStepLow: number | null;
  relativeStepHigh: number | null;
  intervalConfidence: number;
  pValue: number;
  confidence: number;
}

/** The fits of one mode of a run (analysis' fitScaling). */
export interface ScalingFitModel {
  mode: string;
  fit: ScalingFit;
}

export interface SeriesHistoryModel {
  series: SeriesModel;
  metric: SeriesMetricValue;
  /** The points, read on first use: a query that selects only `series` reads none. */
  history: () => Promise<{ totalPoints: number; downsampled: boolean; points: SeriesPointModel[] }>;
}

export type SeriesMetricValue =
  | "WALL_MEDIAN"
  | "WALL_MEAN"
  | "WALL_MIN"
  | "CPU_MEDIAN"
  | "SPEEDUP"
  | "EFFICIENCY";

export interface SeriesPointModel {
  runId: string;
  measurementId: string;
  commitSha: string | null;
  branch: string | null;
  /** The run's workload module hash; null for built-in and ingested workloads. */
  workloadHash: string | null;
  timestamp: Date;
  value: number;
  low: number | null;
  high: number | null;
}

export interface CellComparisonModel {
  mode: string;
  threads: number;
  base: MeasurementModel | null;
  head: MeasurementModel | null;
  baseMedianMs: number | null;
  headMedianMs: number | null;
  differenceMs: number | null;
  relativeChange: number | null;
  relativeChangeLow: number | null;
  relativeChangeHigh: number | null;
  confidence: number | null;
  pValue: number | null;
  verdict: Verdict | "failed" | null;
  baseSpeedup: number | null;
  headSpeedup: number | null;
  baseSampleCount: number | null;
  headSampleCount: number | null;
}

export interface ComparisonModel {
  base: RunModel;
  head: RunModel;
  cells: CellComparisonModel[];
  warnings: string[];
  /** Compared cells per verdict, and the failed ones. */
  verdicts: { faster: number; slower: number; unchanged: number; noisy: number; failed: number };
}
export type { ParameterDescription as ParameterDescriptionModel } from "@threadbench/workloads";
