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
 * The runner's execution modes in the order it executes them: node's four, then the
 * CPython harness's two (the runner's `executionModes`). Modes are plain words in the
 * API (ingested runs may name others, which sort after these).
 */
export const modeOrder = [
  "sequential",
  "event-loop",
  "worker-threads",
  "child-processes",
  "threading",
  "multiprocessing",
] as const;

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
  const known: readonly string[] = modeOrder;
  return [
    ...modeOrder.filter((mode) => storedModes.includes(mode)),
    ...[...new Set(storedModes)].filter((mode) => !known.includes(mode)).sort(),
  ];
}

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
