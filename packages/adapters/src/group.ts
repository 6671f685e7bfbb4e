import { defaultMode, modeName, threadCount, workloadId } from "./names.js";
import {
  type AdaptedCell,
  type AdaptedRun,
  type AdaptedSample,
  AdapterError,
  type AdapterIssue,
  type AdapterName,
  type AdapterOptions,
  type ParamValue,
} from "./types.js";

/** One result of a harness as read from its file, before threads and modes are taken out. */
export interface BenchmarkEntry {
  /** The benchmark's name as the harness wrote it. */
  name: string;
  /** Where it is in the input ("benchmarks[3]", "line 12"), for error messages. */
  at: string;
  /** The workload part of the name (made into an id later). */
  workload: string;
  /** Every parameter the harness gives, thread count and mode still in. */
  params: Record<string, ParamValue>;
  /**
   * A thread count the harness keeps itself (Google Benchmark's `threads`, Go's -N
   * GOMAXPROCS suffix), and the parameter it becomes when `--threads-param` names another.
   */
  harnessThreads?: { value: number; param: string };
  samples: AdaptedSample[];
  status: "succeeded" | "failed";
  error?: string | null;
  /** Facts of this entry kept in its cell's details. */
  details?: Record<string, unknown>;
}

/** The runs of a file, before the adapter adds dates and testbed facts. */
export type GroupedRun = Pick<AdaptedRun, "workload" | "params" | "scaling" | "cells">;

/**
 * Turns a file's entries into runs: one run per benchmark (workload + parameters), one
 * cell per (mode, threads) inside it. Thread counts come from `--threads-param`, else the
 * harness's own (Google Benchmark's threads, Go's GOMAXPROCS), else a "threads"
 * parameter, else 1; modes from `--mode-param`, else a "mode" parameter, else "benchmark".
 * Entries of one cell are refused (a benchmark written twice, or two names that map to one
 * run and cell), except in formats that repeat a benchmark's entry once per repetition
 * (`defaults.repetitions`: Go's -count, Google Benchmark's repetitions), where entries of
 * the same name add samples.
 * Scaling: `--scaling`, else the adapter's default (rates: strong), else strong when the
 * harness's own thread count was used, weak otherwise.
 */
export function groupEntries(
  adapter: AdapterName,
  entries: readonly BenchmarkEntry[],
  options: AdapterOptions,
  defaults: { scaling?: "weak" | "strong"; repetitions?: boolean } = {},
): GroupedRun[] {
  const issues: AdapterIssue[] = [];
  const runs = new Map<
    string,
    GroupedRun & {
      cellIndex: Map<string, AdaptedCell>;
      /** The first entry of each cell, by cell key: what a second one is compared with. */
      firstEntries: Map<string, BenchmarkEntry>;
      threadsFromHarness: boolean;
    }
  >();
  // Benchmarks without the named parameter keep the usual rules; a name that no benchmark
  // has is a mistake (a typo must not silently give 1 thread everywhere).
  let usedThreadsParam = false;
  let usedModeParam = false;
  const seenParams = new Set<string>();
  for (const entry of entries) {
    const params = { ...entry.params };
    const where = `${entry.at} (${entry.name})`;
    let threads = 1;
    let harnessThreads = false;
    const fromParam = options.threadsParam !== undefined && params[options.threadsParam] !== undefined;
    if (fromParam) {
      const name = options.threadsParam as string;
      usedThreadsParam = true;
      const count = threadCount(params[name] as ParamValue);
      if (count === null) {
        issues.push({
          path: `${where}: ${name}`,
          message: `expected a thread count (an integer from 1 to 4096), got ${JSON.stringify(params[name])}`,
        });
        continue;
      }
      delete params[name];
      threads = count;
      if (entry.harnessThreads) params[entry.harnessThreads.param] = entry.harnessThreads.value;
    } else if (entry.harnessThreads) {
      threads = entry.harnessThreads.value;
      harnessThreads = true;
    } else if (params.threads !== undefined) {
      const count = threadCount(params.threads);
      if (count === null) {
        issues.push({
          path: `${where}: threads`,
          message: `expected a thread count (an integer from 1 to 4096), got ${JSON.stringify(params.threads)}; name another parameter with --threads-param`,
        });
        continue;
      }
      threads = count;
      delete params.threads;
    }
    let mode = defaultMode;
    const modeParameter = options.modeParam ?? "mode";
    if (params[modeParameter] !== undefined) {
      const name = modeName(params[modeParameter]);
      if (name === null) {
        issues.push({
          path: `${where}: ${modeParameter}`,
          message: `expected a mode name (letters, digits and -, starting with a letter), got ${JSON.stringify(params[modeParameter])}`,
        });
        continue;
      }
      if (options.modeParam) usedModeParam = true;
      mode = name;
      delete params[modeParameter];
    }
    for (const name of Object.keys(entry.params)) seenParams.add(name);
    if (entry.status === "succeeded" && entry.samples.length === 0) {
      issues.push({ path: where, message: "no samples (expected at least one measured value)" });
      continue;
    }
    const workload = workloadId(entry.workload);
    const runKey = JSON.stringify([workload, sortedParams(params)]);
    let run = runs.get(runKey);
    if (!run) {
      run = {
        workload,
        params,
        scaling: "weak",
        cells: [],
        cellIndex: new Map(),
        firstEntries: new Map(),
        threadsFromHarness: false,
      };
      runs.set(runKey, run);
    }
    if (harnessThreads) run.threadsFromHarness = true;
    const cellKey = `${mode}/${threads}`;
    const first = run.firstEntries.get(cellKey);
    if (first && !(defaults.repetitions && first.name === entry.name)) {
      // Pooling them would judge one benchmark's samples against another's.
      issues.push({
        path: where,
        message: `same run and cell (workload "${workload}", mode ${mode}, ${threads} thread${threads === 1 ? "" : "s"}) as ${first.at} (${first.name}): ${first.name === entry.name ? "the benchmark appears twice" : "the two names map to one benchmark"}; expected each benchmark once`,
      });
      continue;
    }
    if (!first) run.firstEntries.set(cellKey, entry);
    let cell = run.cellIndex.get(cellKey);
    if (!cell) {
      cell = { mode, threads, status: "succeeded", error: null, samples: [], details: { names: [] } };
      run.cellIndex.set(cellKey, cell);
      run.cells.push(cell);
    }
    const names = cell.details.names as string[];
    if (!names.includes(entry.name)) names.push(entry.name);
    if (entry.details) mergeInto(cell.details, entry.details);
    cell.samples.push(...entry.samples);
    if (entry.status === "failed") {
      cell.status = "failed";
      const error = entry.error ?? "the harness reported a failure";
      cell.error = cell.error ? `${cell.error}; ${error}` : error;
    }
  }
  const known = seenParams.size > 0 ? [...seenParams].map((name) => `"${name}"`).join(", ") : "none";
  if (options.threadsParam && !usedThreadsParam && issues.length === 0) {
    issues.push({
      path: "--threads-param",
      message: `no benchmark has a parameter "${options.threadsParam}" (parameters in this input: ${known})`,
    });
  }
  if (options.modeParam && !usedModeParam && issues.length === 0) {
    issues.push({
      path: "--mode-param",
      message: `no benchmark has a parameter "${options.modeParam}" (parameters in this input: ${known})`,
    });
  }
  if (issues.length > 0) throw new AdapterError(adapter, issues);
  return [...runs.values()].map(({ workload, params, cells, threadsFromHarness }) => ({
    workload,
    params,
    scaling: options.scaling ?? defaults.scaling ?? (threadsFromHarness ? "strong" : "weak"),
    cells: cells.map(withIterations),
  }));
}

/**
 * Entry details into cell details, in place (a cell gathers thousands of entries: copying
 * on every merge was quadratic): arrays append, objects merge by key, values replace.
 */
function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const previous = target[key];
    if (Array.isArray(previous) && Array.isArray(value)) {
      for (const item of value) previous.push(item);
    } else if (isPlainObject(previous) && isPlainObject(value)) {
      mergeInto(previous, value);
    } else if (Array.isArray(value)) {
      target[key] = [...value];
    } else if (isPlainObject(value)) {
      const copy: Record<string, unknown> = {};
      mergeInto(copy, value);
      target[key] = copy;
    } else if (value !== undefined) {
      target[key] = value;
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keeps the iteration counts of a cell's samples in its details: one number when all agree. */
function withIterations(cell: AdaptedCell): AdaptedCell {
  const iterations = cell.samples.flatMap((sample) =>
    sample.iterations === undefined ? [] : [sample.iterations],
  );
  if (iterations.length === 0) return cell;
  const same = iterations.every((value) => value === iterations[0]);
  return { ...cell, details: { ...cell.details, iterationsPerSample: same ? iterations[0] : iterations } };
}

function sortedParams(params: Record<string, ParamValue>): [string, ParamValue][] {
  return Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
