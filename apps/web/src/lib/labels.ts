import { executionModes } from "@threadbench/core";
import type {
  BranchCellStatus,
  CellStatus,
  ChecksumStatus,
  GateVerdict,
  RegressionKind,
  RegressionStatus,
  RunSource,
  RunStatus,
  ScalingKind,
  Verdict,
} from "../generated/graphql";

/*
 * The API's enum values (SUCCEEDED, FALSE_ALARM, ...) as people read them: one typed
 * table per enum, the only place the dashboard turns them into words. The words are the
 * CLI's and the docs' (the database's values, with spaces for people). A new value in
 * the schema is a type error here until it has a word.
 */

export const runStatusLabels: Readonly<Record<RunStatus, string>> = {
  QUEUED: "queued",
  RUNNING: "running",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  CANCELLED: "cancelled",
  INTERRUPTED: "interrupted",
};

export const runSourceLabels: Readonly<Record<RunSource, string>> = {
  RUNNER: "runner",
  INGESTED: "ingested",
};

export const cellStatusLabels: Readonly<Record<CellStatus, string>> = {
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  CANCELLED: "cancelled",
};

/** BASELINE: the cell is the sequential baseline its checksums are compared with. */
export const checksumStatusLabels: Readonly<Record<ChecksumStatus, string>> = {
  BASELINE: "baseline",
  MATCH: "match",
  MISMATCH: "mismatch",
  UNCHECKED: "unchecked",
};

export const scalingKindLabels: Readonly<Record<ScalingKind, string>> = {
  WEAK: "weak",
  STRONG: "strong",
};

export const verdictLabels: Readonly<Record<Verdict, string>> = {
  FASTER: "faster",
  SLOWER: "slower",
  UNCHANGED: "unchanged",
  NOISY: "noisy",
  FAILED: "failed",
};

export const gateVerdictLabels: Readonly<Record<GateVerdict, string>> = {
  PASS: "pass",
  SLOWER: "slower",
  UNCONFIRMED: "unconfirmed",
  FASTER: "faster",
  INSUFFICIENT_HISTORY: "insufficient history",
};

export const branchCellStatusLabels: Readonly<Record<BranchCellStatus, string>> = {
  COMPARED: "compared",
  FAILED: "failed",
  BASE_ONLY: "base only",
  HEAD_ONLY: "head only",
};

export const regressionKindLabels: Readonly<Record<RegressionKind, string>> = {
  REGRESSION: "regression",
  IMPROVEMENT: "improvement",
};

export const regressionStatusLabels: Readonly<Record<RegressionStatus, string>> = {
  OPEN: "open",
  ACKNOWLEDGED: "acknowledged",
  FIXED: "fixed",
  FALSE_ALARM: "false alarm",
};

/** The enum value a table gives `word` (e.g. a status in a URL), or undefined. */
export function valueOfLabel<Value extends string>(
  labels: Readonly<Record<Value, string>>,
  word: string,
): Value | undefined {
  return (Object.keys(labels) as Value[]).find((value) => labels[value] === word);
}

export const modeDescriptions: Record<string, string> = {
  sequential: "main thread, tasks back to back (the baseline)",
  "event-loop": "main thread, tasks interleaved: concurrency without parallelism",
  "worker-threads": "a pool of worker threads (piscina)",
  "child-processes": "a pool of child processes",
  threading: "CPython: one threading.Thread per task (no speedup while the GIL is on)",
  multiprocessing: "CPython: a pool of spawned interpreters, one GIL each",
};

/**
 * The modes a filter offers: every mode stored (the API's facets), the runner's in the
 * order it runs them, then any other an ingested run brought (rayon, ...) by name.
 */
export function modeFilterOptions(storedModes: readonly string[]): string[] {
  const known: readonly string[] = executionModes;
  return [
    ...executionModes.filter((mode) => storedModes.includes(mode)),
    ...[...new Set(storedModes)].filter((mode) => !known.includes(mode)).sort(),
  ];
}

export type Tone = "good" | "bad" | "warn" | "info" | "neutral";

export function runStatusTone(status: RunStatus): Tone {
  switch (status) {
    case "SUCCEEDED":
      return "good";
    case "FAILED":
    case "INTERRUPTED":
      return "bad";
    case "CANCELLED":
      return "warn";
    case "RUNNING":
    case "QUEUED":
      return "info";
    default:
      return "neutral";
  }
}

export function checksumTone(status: ChecksumStatus): Tone {
  switch (status) {
    case "MATCH":
    case "BASELINE":
      return "good";
    case "MISMATCH":
      return "bad";
    default:
      return "neutral";
  }
}

export function verdictTone(verdict: Verdict | null | undefined): Tone {
  switch (verdict) {
    case "FASTER":
      return "good";
    case "SLOWER":
      return "bad";
    case "NOISY":
      return "warn";
    default:
      return "neutral";
  }
}

/** True while a run can still change (progress worth subscribing to). */
export function isActiveStatus(status: RunStatus): boolean {
  return status === "QUEUED" || status === "RUNNING";
}

/** What a stored change is a change of, in the order the regression filters list them. */
export const regressionMetrics = ["WALL_TIME", "EFFICIENCY", "SERIAL_FRACTION"] as const;
export type RegressionMetricValue = (typeof regressionMetrics)[number];

export const regressionMetricLabels: Record<RegressionMetricValue, string> = {
  WALL_TIME: "Wall time",
  EFFICIENCY: "Efficiency",
  SERIAL_FRACTION: "Serial fraction",
};

/**
 * The `metric` search parameter of a regression view ("efficiency", "serial-fraction",
 * "wall-time"): its enum value, or null for all metrics and for anything else.
 */
export function parseRegressionMetric(word: string | string[] | undefined): RegressionMetricValue | null {
  const text = Array.isArray(word) ? word[0] : word;
  if (!text) return null;
  return valueOfLabel(regressionMetricWords, text.trim()) ?? null;
}

/** A metric as the overview's `metric` search parameter spells it. */
export const regressionMetricWords: Readonly<Record<RegressionMetricValue, string>> = {
  WALL_TIME: "wall-time",
  EFFICIENCY: "efficiency",
  SERIAL_FRACTION: "serial-fraction",
};
