import { createHash } from "node:crypto";

/** What makes measurements comparable over time. */
export interface SeriesIdentity {
  workloadId: string;
  /** Canonical parameters (sorted keys, defaults filled). */
  paramsKey: string;
  mode: string;
  threads: number;
  scaling: string;
  testbedFingerprint: string;
  /** null/undefined and "" are the same series: runs without a branch. */
  branch?: string | null;
  /** The run's project; "default" (or unset) for built-in runs of an unnamed project. */
  project?: string | null;
  /** The harness that produced the figures; "threadbench" (or unset) for the runner. */
  harness?: string | null;
}

export const defaultProject = "default";
export const defaultHarness = "threadbench";

/**
 * The series key: a stable hash of workload, canonical parameters, mode, threads,
 * scaling kind, testbed fingerprint and branch. Stored on every measurement and
 * indexed with its date, it turns "the last N points of one series" into one index
 * range scan. Changing this function orphans every stored history: don't. Project and
 * harness were added later: they join the hash only when they differ from their
 * defaults, so every key stored before them still names the same series.
 */
export function seriesKey(identity: SeriesIdentity): string {
  const parts = [
    "v1",
    identity.workloadId,
    identity.paramsKey,
    identity.mode,
    identity.threads,
    identity.scaling,
    identity.testbedFingerprint,
    identity.branch ?? "",
  ];
  const project = identity.project ?? defaultProject;
  const harness = identity.harness ?? defaultHarness;
  if (project !== defaultProject || harness !== defaultHarness) parts.push(project, harness);
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/** JSON with object keys sorted at every depth: a canonical text for any parameters. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** Deepest nesting of arrays and objects accepted in any JSON input (params, labels, ingest). */
export const maxJsonDepth = 32;

/** Thrown when a JSON value nests deeper than maxJsonDepth; callers map it to BAD_USER_INPUT. */
export class JsonTooDeepError extends Error {
  constructor(readonly depth: number) {
    super(`nests deeper than ${maxJsonDepth} levels of arrays and objects`);
    this.name = "JsonTooDeepError";
  }
}

function sortKeys(value: unknown, depth = 0): unknown {
  if (depth > maxJsonDepth) throw new JsonTooDeepError(depth);
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key], depth + 1)]),
    );
  }
  return value;
}
