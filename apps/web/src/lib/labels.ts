/**
 * The API's enum values (WORKER_THREADS, SUCCEEDED, ...) as people read them, and
 * the mapping back. One vocabulary: the same words as the CLI and the docs.
 */

/** "WORKER_THREADS" -> "worker-threads". */
export function enumToWord(value: string): string {
  return value.toLowerCase().replace(/_/g, "-");
}

/** "worker-threads" -> "WORKER_THREADS". */
export function wordToEnum(word: string): string {
  return word.toUpperCase().replace(/-/g, "_");
}

/**
 * The runner's execution modes in the order it executes them. Modes are plain
 * words in the API (ingested runs may name others, which sort after these).
 */
export const modeOrder = ["sequential", "event-loop", "worker-threads", "child-processes"] as const;

export const modeDescriptions: Record<string, string> = {
  sequential: "main thread, tasks back to back (the baseline)",
  "event-loop": "main thread, tasks interleaved: concurrency without parallelism",
  "worker-threads": "a pool of worker threads (piscina)",
  "child-processes": "a pool of child processes",
};

export type Tone = "good" | "bad" | "warn" | "info" | "neutral";

export function runStatusTone(status: string): Tone {
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

export function checksumTone(status: string): Tone {
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

export function verdictTone(verdict: string | null | undefined): Tone {
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
export function isActiveStatus(status: string): boolean {
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
  const value = wordToEnum(text.trim());
  return (regressionMetrics as readonly string[]).includes(value) ? (value as RegressionMetricValue) : null;
}
