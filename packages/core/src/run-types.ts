/**
 * The shapes a run produces and stores: the plan it executed, the environment it ran in,
 * its cells with their samples and summaries. The runner fills them, the store writes
 * and reads them, the analysis and the CLI read them.
 */
import type { SharedMemoryReport } from "@threadbench/workloads";
import type { ExecutionMode, PlanRuntime, ScalingKind } from "./modes.js";

/** A team's workload module a plan runs (see workload-module.ts). */
export interface PlanWorkloadModule {
  /** Absolute path: the main thread, every worker and every child process import it. */
  file: string;
  /** Relative to the project root, `/`-separated: stored as Run.workloadModule. */
  relativePath: string;
  /** sha256 of the module and its local imports: stored as Run.workloadHash. */
  hash: string;
}

/** What to run. Validated at the edge by `parseRunPlan`; trusted inside. */
export interface RunPlan {
  /** A built-in id, or `module:<path>` for a workload module (then `workloadModule` is set). */
  workloadId: string;
  workloadModule?: PlanWorkloadModule;
  /**
   * What executes the tasks; absent means node. `python` names the interpreter as the
   * user did (python3, a path): the harness reports what it really was.
   */
  runtime?: PlanRuntime;
  /** Workload parameters with defaults filled in. */
  params: Record<string, unknown>;
  /** Always contains "sequential": it is every cell's baseline. */
  modes: ExecutionMode[];
  /** Thread counts, ascending and distinct. */
  threads: number[];
  repetitions: number;
  warmups: number;
  scaling: ScalingKind;
  /** A task running longer than this fails its cell (pool modes only). */
  taskTimeoutMs: number;
  /** Heap limit of each worker thread / child process, in MiB. */
  maxHeapMb: number;
}

/** Summary statistics of a list of durations, in milliseconds. */
export interface Summary {
  count: number;
  min: number;
  max: number;
  median: number;
  mean: number;
  stddev: number;
  /** Coefficient of variation: stddev / mean (0 when the mean is 0). */
  cv: number;
}

/** One timed repetition of a cell. */
export interface RepetitionSample {
  /** 0-based, warm-ups excluded. */
  index: number;
  /** Wall time of the whole repetition (all tasks), high-resolution clock. */
  wallMs: number;
  /**
   * CPU time (user + system) spent on the repetition: of this process for the main
   * thread modes, of the workers or child processes in the pool modes. Null when
   * Node cannot measure it.
   */
  cpuMs: number | null;
  /** Wall time of each task as measured where it ran, in task order. */
  taskDurationsMs: number[];
  checksum: string;
  sharedMemory?: SharedMemoryReport[];
}

/** How a cell's checksum compares with its sequential baseline's. */
export const checksumStatuses = ["baseline", "match", "mismatch", "unchecked"] as const;
export type ChecksumStatus = (typeof checksumStatuses)[number];
/** A measurement's (cell's) status. */
export const cellStatuses = ["succeeded", "failed", "cancelled"] as const;
export type CellStatus = (typeof cellStatuses)[number];

/** One (mode, threads) cell of a run: its samples, statistics and comparison to the baseline. */
export interface CellResult {
  mode: ExecutionMode;
  threads: number;
  /** Tasks per repetition (equal to threads in both scaling kinds). */
  tasks: number;
  status: CellStatus;
  /** Why the cell failed or was cancelled; null when it succeeded. */
  error: string | null;
  samples: RepetitionSample[];
  wall: Summary | null;
  cpu: Summary | null;
  /**
   * Start-up cost kept out of the timings: pool creation and warm-up for
   * worker-threads, process spawn for child-processes; null on the main thread.
   */
  setupMs: number | null;
  /**
   * The pool's fixed cost per task, milliseconds: the median round trip of a task that
   * does no work through this cell's own pool, measured before its repetitions. Not in
   * the wall times (pooled repetitions are timed on the threads); what an application
   * handing each task to such a pool pays on top. Null on the main thread (sequential,
   * event-loop) and where the runtime does not measure it (CPython).
   */
  taskOverheadMs: number | null;
  /** Median sequential wall time / median wall time of this cell (same task count). */
  speedup: number | null;
  /** speedup / threads. */
  efficiency: number | null;
  checksum: string | null;
  /** The sequential cell's checksum this one is compared with. */
  expectedChecksum: string | null;
  checksumStatus: ChecksumStatus;
  /** shared-counter only: what each variant observed, from the last repetition. */
  sharedMemory: SharedMemoryReport[] | null;
}

/** The machine and runtime a run happened on. */
export interface Environment {
  hostname: string;
  os: string;
  osRelease: string;
  arch: string;
  cpuModel: string;
  logicalCores: number;
  memoryBytes: number;
  /** "node", or the Python implementation ("cpython"). */
  runtime: string;
  runtimeVersion: string;
  /** null where the runtime has no V8 (CPython). */
  v8Version: string | null;
  /** CPython: whether the GIL was enabled during the run; absent on node. */
  gilEnabled?: boolean | null;
  /** CPython: whether the interpreter is a free-threaded (PEP 703) build; absent on node. */
  freeThreadedBuild?: boolean | null;
  /** CPython: the interpreter that ran (sys.executable). */
  runtimeExecutable?: string | null;
  /** CPython: PYTHON_GIL as the interpreter saw it (what was asked, next to gilEnabled). */
  pythonGil?: string | null;
}

export type RunOutcome = "succeeded" | "failed" | "cancelled";

/** Everything a run produced, shaped so it can be stored as is. */
export interface RunResult {
  plan: RunPlan;
  environment: Environment;
  status: RunOutcome;
  /** Why the run did not succeed (first failed cell, or the cancellation reason). */
  error: string | null;
  startedAt: string;
  finishedAt: string;
  cells: CellResult[];
}

/** Progress of a run, emitted after every repetition. */
export interface RunProgress {
  cellsDone: number;
  cellsTotal: number;
  /** Timed and warm-up repetitions done over all cells / in total. */
  stepsDone: number;
  stepsTotal: number;
  currentCell: { mode: ExecutionMode; threads: number } | null;
  elapsedMs: number;
  /** Estimated time left; null until there is something to estimate from. */
  etaMs: number | null;
}
