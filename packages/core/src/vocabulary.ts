/**
 * The allowed values of the string columns that stand in for enums (SQLite has no
 * enums). Validated at the edges; the database stores them as plain text.
 */
export const runStatuses = ["queued", "running", "succeeded", "failed", "cancelled", "interrupted"] as const;
export type RunStatus = (typeof runStatuses)[number];

/** Statuses after which a run never changes again. */
export const finishedRunStatuses: readonly RunStatus[] = ["succeeded", "failed", "cancelled", "interrupted"];

export const runSources = ["runner", "ingested"] as const;
export type RunSource = (typeof runSources)[number];

export const regressionKinds = ["regression", "improvement"] as const;
export type RegressionKind = (typeof regressionKinds)[number];

export const regressionStatuses = ["open", "acknowledged", "fixed", "false_alarm"] as const;
export type RegressionStatus = (typeof regressionStatuses)[number];

/**
 * What a stored change is a change of: the cell's median wall time, the parallel
 * efficiency of a mode at its highest thread count, or the Amdahl serial fraction fitted
 * to a mode's speedups (both stored on the series of that top cell).
 */
export const regressionMetrics = ["wall_time", "efficiency", "serial_fraction"] as const;
export type RegressionMetric = (typeof regressionMetrics)[number];

/**
 * What an API token may do. `read`: queries and subscriptions (only asked for on a
 * private server); `ingest`: post results; `run`: start, cancel and label runs and
 * triage regressions (the dashboard's actions); `agent`: the benchmark agents'
 * protocol; `admin`: everything. No scope implies another, except that admin holds all.
 */
export const tokenScopes = ["read", "ingest", "run", "agent", "admin"] as const;
export type TokenScope = (typeof tokenScopes)[number];

/** The label every run from `threadbench db seed` carries (and `Run.seeded` is true). */
export const seededLabel = "seeded";

/** The runtime fields of a testbed that make up its label. */
export interface RuntimeIdentity {
  runtime: string;
  runtimeVersion: string;
  gilEnabled?: boolean | null;
  freeThreadedBuild?: boolean | null;
}

/**
 * The runtime in words, the same everywhere it is shown: "node 20.20.2",
 * "cpython 3.11.7 (GIL)", "cpython 3.13.1t (no GIL)", "cpython 3.13.1t (GIL forced on)".
 * A free-threaded build carries CPython's own "t" suffix; older rows whose runtime was
 * "cpython-freethreading" read as a free-threaded build without the GIL.
 */
export function runtimeLabel(identity: RuntimeIdentity): string {
  const legacyFreeThreaded = identity.runtime === "cpython-freethreading";
  const runtime = legacyFreeThreaded ? "cpython" : identity.runtime;
  const freeThreaded = identity.freeThreadedBuild ?? (legacyFreeThreaded ? true : null);
  const gil = identity.gilEnabled ?? (legacyFreeThreaded ? false : null);
  const version = identity.runtimeVersion.replace(/^v/, "");
  const suffix = freeThreaded && !version.endsWith("t") ? "t" : "";
  const base = `${runtime} ${version}${suffix}`;
  if (runtime !== "cpython" || gil === null) return base;
  if (freeThreaded) return `${base} (${gil ? "GIL forced on" : "no GIL"})`;
  return `${base} (GIL)`;
}
