/**
 * The shape of a team's project file (`threadbench.config.ts`, `.js`, `.mjs` or `.json`):
 * the project's name and the plans `threadbench run` executes when given no workload.
 * Types only: threadbench validates the file itself (every field is checked at load,
 * with its path in the message), so a plain `.json` or `.js` file works the same.
 */

/** How the tasks of one cell are executed (see the runner's modes). */
export type ProjectPlanMode = "sequential" | "event-loop" | "worker-threads" | "child-processes";

/** One plan of the suite: a workload (a module path or a built-in id) and how to run it. */
export interface ProjectPlan {
  /** Shown in the suite's summary; defaults to the workload. Unique within the file. */
  name?: string;
  /**
   * A workload module, relative to the project file (`./bench/resize.ts`; `.ts`, `.mts`,
   * `.js`, `.mjs`), or the id of a built-in workload (`sum-squares`).
   */
  workload: string;
  /** Workload parameters; missing ones take the workload's defaults. */
  params?: Record<string, unknown>;
  /** Default: all four; `sequential` always runs as the baseline. */
  modes?: ProjectPlanMode[];
  /** Default [1, 2, 4]. */
  threads?: number[];
  /** Default 5. */
  repetitions?: number;
  /** Default 1. */
  warmups?: number;
  /** Default "weak". */
  scaling?: "weak" | "strong";
  /** Default 600,000. */
  taskTimeoutMs?: number;
  /** Default 2048. */
  maxHeapMb?: number;
  /** Stored with the run, next to any `--label` given on the command line. */
  labels?: string[];
}

/** A project file's default export. */
export interface ProjectConfig {
  /**
   * The project the runs belong to (e.g. "acme/imaging"). Default: "owner/repo" of the
   * git remote `origin` of the project file's checkout, else "default".
   */
  project?: string;
  plans: ProjectPlan[];
}

/** Identity helper: gives a project file's default export its type. */
export function defineProject(config: ProjectConfig): ProjectConfig {
  return config;
}
