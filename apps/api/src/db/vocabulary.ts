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

/** The label every run from `threadbench db seed` carries (and `Run.seeded` is true). */
export const seededLabel = "seeded";
