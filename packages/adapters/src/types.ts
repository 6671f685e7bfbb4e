/**
 * The adapters' vocabulary: what a harness's result file becomes before threadbench
 * stores it. Pure data, no I/O: the API and the CLI read files, detect the machine and
 * store; adapters only read what the harness wrote.
 */

/** Every adapter, in the order detection tries them and help texts list them. */
export const adapterNames = [
  "threadbench",
  "pytest-benchmark",
  "pyperf",
  "hyperfine",
  "google-benchmark",
  "go-bench",
  "criterion",
  "bmf",
  "github-action-benchmark",
] as const;
export type AdapterName = (typeof adapterNames)[number];

/** A parameter value as harnesses write them (JSON). */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };

/** One file of a directory input (Criterion's `target/criterion`), path relative to it. */
export interface InputFile {
  path: string;
  text: string;
}

/**
 * What an adapter reads: the text of one file (or standard input), or the files of a
 * directory. `json` is the text parsed once up front (undefined when it is not JSON), so
 * detection and parsing share one `JSON.parse` of a possibly large file.
 */
export interface HarnessInput {
  text: string;
  json: unknown;
  /** Why the text is not JSON, when it looked like JSON (starts with { or [). */
  jsonError?: string;
  files?: readonly InputFile[];
}

/** How adapters read thread counts, modes and scaling; the CLI's flags. */
export interface AdapterOptions {
  /** Take the thread count from this parameter instead of the harness's own (`--threads-param`). */
  threadsParam?: string;
  /** Take the mode from this parameter (`--mode-param`); default the parameter "mode". */
  modeParam?: string;
  /** Overrides the adapter's default (see AdaptedRun.scaling). */
  scaling?: "weak" | "strong";
}

/** One sample: one value the harness measured, in milliseconds. */
export interface AdaptedSample {
  /**
   * Wall time of one sample in milliseconds, in the unit the harness means: per
   * iteration for harnesses that loop (Go's ns/op, pyperf's values, Google Benchmark's
   * time per iteration, pytest-benchmark's rounds), per process run for hyperfine.
   */
  wallMs: number;
  /** CPU time of the same unit, where the harness measures it per sample. */
  cpuMs?: number | null;
  /** How many iterations the value is the average of (Go's b.N, pyperf's loops, ...). */
  iterations?: number;
  /**
   * Where the value is in the input (`benchmarks[3].stats.data[0]`, `[0].value`, `line
   * 12`), so that the store's complaints about it name the file's place, not its own.
   */
  at?: string;
}

/** One (mode, threads) cell of an adapted run. */
export interface AdaptedCell {
  mode: string;
  threads: number;
  status: "succeeded" | "failed";
  error: string | null;
  samples: AdaptedSample[];
  /** Harness facts of this cell kept with the run (names as written, warm-ups, bounds). */
  details: Record<string, unknown>;
}

/** Testbed facts a file carries; anything missing comes from the machine running ingest. */
export interface AdaptedTestbed {
  hostname?: string;
  os?: string;
  osRelease?: string;
  arch?: string;
  cpuModel?: string;
  logicalCores?: number;
  memoryBytes?: number;
  runtime?: string;
  runtimeVersion?: string;
  gilEnabled?: boolean;
  freeThreadedBuild?: boolean;
}

/** One benchmark of a file: one stored run. */
export interface AdaptedRun {
  /** The benchmark's name made into a workload id (letters, digits and . _ : / + -). */
  workload: string;
  /** The benchmark's parameters, thread count and mode taken out. */
  params: Record<string, ParamValue>;
  /**
   * "strong" when the harness reports time per operation at a fixed amount of work per
   * operation (Go's GOMAXPROCS, Google Benchmark's Threads: ideal time falls as 1/N, the
   * 1-thread cell is the baseline as is); "weak" when threads come from a parameter of
   * the user's benchmark (threadbench's default: N tasks of full size).
   */
  scaling: "weak" | "strong";
  cells: AdaptedCell[];
  startedAt?: string;
  finishedAt?: string;
  commitSha?: string;
  branch?: string;
  testbed: AdaptedTestbed;
  /** Harness facts kept with the run: version, what a sample is, the names as written. */
  details: Record<string, unknown>;
}

/** What an adapter makes of a file. */
export type AdaptResult =
  | { kind: "runs"; adapter: Exclude<AdapterName, "threadbench">; runs: AdaptedRun[] }
  /** threadbench's own ingest format: the store validates and takes the document as is. */
  | { kind: "ingest-document"; adapter: "threadbench"; document: unknown };

/** One harness format. */
export interface Adapter {
  name: AdapterName;
  /** What it reads, one line (help texts and detection errors). */
  reads: string;
  /** True when the input has this format's shape; never throws. */
  detect(input: HarnessInput): boolean;
  /** Throws AdapterError naming the field and what was expected. */
  parse(input: HarnessInput, options: AdapterOptions): AdaptResult;
}

/** A problem of the input, with where it is (a JSON path, a line, a file). */
export interface AdapterIssue {
  path: string;
  message: string;
}

/** The input does not fit the adapter: every problem, each naming its field. */
export class AdapterError extends Error {
  readonly adapter: AdapterName | null;
  readonly issues: AdapterIssue[];
  constructor(adapter: AdapterName | null, issues: AdapterIssue[]) {
    super(
      `${adapter ?? "ingest"}: ${issues
        .slice(0, 20)
        .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
        .join("; ")}${issues.length > 20 ? `; and ${issues.length - 20} more` : ""}`,
    );
    this.name = "AdapterError";
    this.adapter = adapter;
    this.issues = issues;
  }
}
