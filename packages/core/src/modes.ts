/**
 * The execution modes and their one order. Everything that lists or sorts modes (the
 * runner's cells, stored measurements, the CLI's tables, the dashboard's charts and
 * form) takes the order from here.
 */

/**
 * How the tasks of one cell are executed, on every runtime. Order is the order cells run
 * and print in. Node runs the first four; the CPython harness runs sequential,
 * threading (threading.Thread) and multiprocessing (a process pool): see `runtimeModes`.
 */
export const executionModes = [
  "sequential",
  "event-loop",
  "worker-threads",
  "child-processes",
  "threading",
  "multiprocessing",
] as const;
export type ExecutionMode = (typeof executionModes)[number];

/** What executes a plan's tasks: this Node process, or a Python interpreter driven over a pipe. */
export type PlanRuntime = { kind: "node" } | { kind: "python"; executable: string };
export type RuntimeKind = PlanRuntime["kind"];

/** The modes each runtime runs; `sequential` (the baseline) is in both. */
export const runtimeModes: Record<RuntimeKind, readonly ExecutionMode[]> = {
  node: ["sequential", "event-loop", "worker-threads", "child-processes"],
  python: ["sequential", "threading", "multiprocessing"],
};

/** Modes whose tasks run in separate processes: no memory shared between tasks. */
export const processModes: readonly ExecutionMode[] = ["child-processes", "multiprocessing"];

/**
 * weak: N tasks of full size on N threads (the article's experiment; ideal time stays flat).
 * strong: one full-size job split into N chunks (ideal time falls as 1/N).
 */
export const scalingKinds = ["weak", "strong"] as const;
export type ScalingKind = (typeof scalingKinds)[number];

/**
 * A mode's place in `executionModes`; modes threadbench does not run (other harnesses
 * name their own) sort after all known ones.
 */
export function modeRank(mode: string): number {
  const rank = (executionModes as readonly string[]).indexOf(mode);
  return rank < 0 ? executionModes.length : rank;
}

/** Orders mode names: known modes in `executionModes` order, then the others alphabetically. */
export function compareModes(a: string, b: string): number {
  return modeRank(a) - modeRank(b) || a.localeCompare(b);
}
