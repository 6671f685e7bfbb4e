import { type RegressionMetric, regressionMetrics } from "@threadbench/core";
import { z } from "zod";
import { type Threshold, type ThresholdModel, thresholdModels } from "../analysis/thresholds.js";
import { UserInputError } from "../errors.js";

/*
 * How `threadbench check` judges a head run against the base branch's history: how many
 * base runs, which per-run statistic, and a threshold per series, with defaults a team
 * overrides by flag or by rules in a thresholds file.
 */

/** What a gate cell judges: the same metrics a stored change can be of. */
export type GateMetric = RegressionMetric;

export const gateStatistics = ["min", "median"] as const;
/**
 * The per-run value of a wall-time cell. min (default): the fastest repetition. On a
 * shared machine interference only ever adds time, so the minimum is the run's least
 * disturbed measurement: on the loaded development VM the run-to-run spread of the
 * per-run minimum at one thread was 3-5% against 26-29% for the median (40 runs, see
 * src/analysis/README.md). median: the typical repetition, for work whose typical case
 * is what matters (I/O, allocation-heavy code where the fast repetition is a fluke).
 */
export type GateStatistic = (typeof gateStatistics)[number];

/** The threshold of one series. */
export type SeriesThreshold = Threshold;

/** A team's override for the series it matches (every given field must match). */
export interface ThresholdRule {
  match: { workload?: string; mode?: string; threads?: number; metric?: GateMetric };
  model?: ThresholdModel;
  boundary?: number;
  minEffect?: number;
}

/** Options of the history gate (CLI flags, a thresholds file, or the API's check input). */
export interface GateOptions {
  /** Most recent base runs used, 2..500. Default 20. */
  history?: number;
  /** Per-run value of wall-time cells. Default min. */
  statistic?: GateStatistic;
  /** The model of every metric's threshold, unless a rule says otherwise. Default mad. */
  model?: ThresholdModel;
  /** Its boundary (see Threshold.boundary). Default: 0.995 for mad, t and z, 3 for iqr, 0.1 for percentage. */
  boundary?: number;
  /**
   * true (default): when a run has two or more judged cells, a check fails only when two
   * of them are beyond their limits (a mode's efficiency and serial fraction count with
   * its top cell: they are that cell's measurement). A code change moves several cells;
   * on a shared machine one cell of a run is an outlier far more often than two (a
   * two-thread cell doubles whenever another process takes the second core). false: any
   * cell beyond its limit fails the check (Bencher's rule).
   */
  corroborate?: boolean;
  /** Smallest wall-time slowdown that fails (relative). Default 0.02. */
  minEffect?: number;
  /** Per-series overrides; the first rule that matches a series applies. */
  rules?: ThresholdRule[];
}

export const defaultGateSettings = { history: 20, statistic: "min" as GateStatistic };

/**
 * Default boundary per model. mad/t/z at 0.995: with two cells needed to fail a check, the
 * chance that unchanged code fails stays under 1% (the A/A benchmark) while a 10% slowdown
 * of stable cells is beyond it; iqr 3: Bencher's outer fence; percentage 10%: asv's
 * default factor.
 */
export function defaultBoundary(model: ThresholdModel): number {
  switch (model) {
    case "mad":
    case "t":
    case "z":
      return 0.995;
    case "iqr":
      return 3;
    case "percentage":
      return 0.1;
    default: {
      const unreachable: never = model;
      throw new TypeError(`unknown threshold model ${String(unreachable)}`);
    }
  }
}

/** mad, t and z boundaries are probabilities; iqr's and percentage's are not. */
export function isProbabilityModel(model: ThresholdModel): boolean {
  return model === "mad" || model === "t" || model === "z";
}

/**
 * Smallest change that fails, per metric: 2% of a wall time (below what a quiet machine
 * shifts between days), 5% of an efficiency (the pairwise scaling check's threshold), 0.02
 * of a serial fraction (absolute: two more points of the work serial).
 */
const defaultMinEffect: Record<GateMetric, number> = {
  wall_time: 0.02,
  efficiency: 0.05,
  serial_fraction: 0.02,
};

/** The threshold of one series: metric defaults, then the global options, then the first matching rule. */
export function resolveThreshold(
  options: GateOptions,
  series: { workloadId: string; mode: string; threads: number; metric: GateMetric },
): SeriesThreshold {
  const model = options.model ?? "mad";
  const boundary = options.boundary ?? defaultBoundary(model);
  let threshold: SeriesThreshold = {
    model,
    boundary,
    minEffect:
      series.metric === "wall_time" && options.minEffect !== undefined
        ? options.minEffect
        : defaultMinEffect[series.metric],
  };
  const rule = options.rules?.find(
    ({ match }) =>
      (match.workload === undefined || match.workload === series.workloadId) &&
      (match.mode === undefined || match.mode === series.mode) &&
      (match.threads === undefined || match.threads === series.threads) &&
      (match.metric === undefined || match.metric === series.metric),
  );
  if (rule) {
    const ruleModel = rule.model ?? threshold.model;
    const ruleBoundary = rule.boundary ?? (rule.model ? defaultBoundary(ruleModel) : threshold.boundary);
    threshold = {
      model: ruleModel,
      boundary: ruleBoundary,
      minEffect: rule.minEffect ?? threshold.minEffect,
    };
  }
  return threshold;
}

const modelSchema = z.enum(thresholdModels, { error: `allowed: ${thresholdModels.join(", ")}` });
const boundarySchema = z.number({ error: "expected a number" }).positive({
  error: "expected a number > 0 (t, z: below 1, e.g. 0.999; iqr: a multiplier, e.g. 3; percentage: e.g. 0.1)",
});
const minEffectSchema = z
  .number({ error: "expected a number" })
  .min(0, { error: "expected a number from 0 to 1 (0.02 = 2%)" })
  .max(1, { error: "expected a number from 0 to 1 (0.02 = 2%)" });

const ruleSchema = z.strictObject(
  {
    match: z.strictObject(
      {
        workload: z.string({ error: "expected a workload id" }).min(1).optional(),
        mode: z.string({ error: "expected a mode name" }).min(1).optional(),
        threads: z.number({ error: "expected an integer >= 1" }).int().min(1).optional(),
        metric: z.enum(regressionMetrics, { error: `allowed: ${regressionMetrics.join(", ")}` }).optional(),
      },
      { error: "expected an object with workload, mode, threads and/or metric" },
    ),
    model: modelSchema.optional(),
    boundary: boundarySchema.optional(),
    minEffect: minEffectSchema.optional(),
  },
  { error: "expected an object { match, model?, boundary?, minEffect? }" },
);

export const gateOptionsSchema = z.strictObject(
  {
    history: z
      .number({ error: "expected an integer from 2 to 500" })
      .int({ error: "expected an integer from 2 to 500" })
      .min(2, { error: "expected an integer from 2 to 500" })
      .max(500, { error: "expected an integer from 2 to 500" })
      .optional(),
    statistic: z.enum(gateStatistics, { error: `allowed: ${gateStatistics.join(", ")}` }).optional(),
    model: modelSchema.optional(),
    boundary: boundarySchema.optional(),
    minEffect: minEffectSchema.optional(),
    corroborate: z.boolean({ error: "expected true or false" }).optional(),
    rules: z.array(ruleSchema, { error: "expected an array of rules" }).max(1000).optional(),
  },
  {
    error: "expected an object { history?, statistic?, model?, boundary?, minEffect?, corroborate?, rules? }",
  },
);

/** Checks mad/t/z boundaries (below 1): a probability, unlike iqr's and percentage's. */
function boundaryIssues(options: GateOptions, path: string): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const check = (model: ThresholdModel | undefined, boundary: number | undefined, at: string) => {
    if (isProbabilityModel(model ?? "mad") && boundary !== undefined && !(boundary > 0.5 && boundary < 1)) {
      issues.push({
        path: at,
        message: `a ${model ?? "mad"} boundary is a probability: allowed above 0.5 and below 1, e.g. 0.995`,
      });
    }
  };
  check(options.model, options.boundary, issuePath(path, ["boundary"]));
  for (const [index, rule] of (options.rules ?? []).entries()) {
    check(rule.model ?? options.model, rule.boundary, issuePath(path, ["rules", index, "boundary"]));
  }
  return issues;
}

/** `rules[0].boundary` from zod's path, after an optional prefix. */
function issuePath(prefix: string, parts: readonly PropertyKey[]): string {
  let text = prefix;
  for (const part of parts) {
    text += typeof part === "number" ? `[${part}]` : text ? `.${String(part)}` : String(part);
  }
  return text || "(root)";
}

/** Validates gate options from a thresholds file or an API input; UserInputError naming each field. */
export function parseGateOptions(raw: unknown, pathPrefix = ""): GateOptions {
  const parsed = gateOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UserInputError(
      parsed.error.issues.map((issue) => ({
        path: issuePath(pathPrefix, issue.path),
        message: issue.message,
      })),
    );
  }
  const options = parsed.data as GateOptions;
  const issues = boundaryIssues(options, pathPrefix);
  if (issues.length > 0) throw new UserInputError(issues);
  return options;
}
