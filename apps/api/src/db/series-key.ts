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
}

/**
 * The series key: a stable hash of workload, canonical parameters, mode, threads,
 * scaling kind, testbed fingerprint and branch. Stored on every measurement and
 * indexed with its date, it turns "the last N points of one series" into one index
 * range scan. Changing this function orphans every stored history: don't.
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
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/** JSON with object keys sorted at every depth: a canonical text for any parameters. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
