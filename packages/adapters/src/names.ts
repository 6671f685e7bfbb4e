import { createHash } from "node:crypto";
import type { ParamValue } from "./types.js";

/**
 * Mode names recognised as a bare segment of a benchmark name ("sum-squares/threading/
 * threads=2"): threadbench's own four and CPython's two. Any other bare segment stays part
 * of the workload's name; `--mode-param` names a parameter explicitly.
 */
export const knownModes: readonly string[] = [
  "sequential",
  "event-loop",
  "worker-threads",
  "child-processes",
  "threading",
  "multiprocessing",
];

/** The mode of cells whose harness has no notion of one (Go's -cpu, Google Benchmark's Threads). */
export const defaultMode = "benchmark";

const workloadPattern = /^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}$/;
/** The store's longest workload id (apps/api's ingest format v1). */
const maxWorkloadLength = 128;
/** Hex digits of the name's sha256 appended to an id that lost part of the name. */
const hashLength = 12;

/**
 * A benchmark's name as a workload id, the characters the store allows (letters, digits
 * and . _ : / + -, at most 128): anything else becomes "-". When that loses part of the
 * name (non-ASCII characters, which whole scripts of names consist of, or a name cut at
 * 128), "-" and 12 hex digits of the name's sha256 follow, so that "test_α" and "test_β"
 * never share a run or a series; ids of ASCII names within the limit stay as they were
 * (their stored series keep their ids). The name as written is kept in the run's details.
 */
export function workloadId(raw: string): string {
  if (workloadPattern.test(raw)) return raw;
  const cleaned = raw.replace(/[^A-Za-z0-9._:/+-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  const lossy = /[\u0080-\uffff]/.test(raw) || cleaned.length > maxWorkloadLength;
  if (!lossy) return cleaned.replace(/[-/:]+$/, "") || "benchmark";
  const hash = createHash("sha256").update(raw).digest("hex").slice(0, hashLength);
  const kept = cleaned.slice(0, maxWorkloadLength - hashLength - 1).replace(/[-/:]+$/, "");
  return `${kept || "benchmark"}-${hash}`;
}

/** "5000000" -> 5000000, "0.5" -> 0.5, "true" -> true; anything else stays a string. */
export function parseParamText(text: string): ParamValue {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) {
    const value = Number(trimmed);
    return Number.isSafeInteger(value) ? value : trimmed;
  }
  if (/^-?(\d+\.\d*|\.\d+|\d+)(e[+-]?\d+)?$/i.test(trimmed)) return Number(trimmed);
  if (trimmed === "true") return true;
  if (trimmed === "false") return false;
  return trimmed;
}

/**
 * Splits a slash-separated benchmark name into a workload and parameters, the way Go,
 * Criterion, Bencher and github-action-benchmark users write them:
 * "sum-squares/n=5000000/threading/threads=2" -> workload "sum-squares", params
 * { n: 5000000, mode: "threading", threads: 2 }. `key=value` and `key:value` segments are
 * parameters (Google Benchmark writes `threads:2`), a bare segment that is a known mode
 * is the mode, every other segment stays in the workload. The first segment always
 * names the workload.
 */
export function decomposeName(name: string): { workload: string; params: Record<string, ParamValue> } {
  const [first = "", ...rest] = name.split("/");
  const workload: string[] = [first];
  const params: Record<string, ParamValue> = {};
  for (const segment of rest) {
    const pair = /^([A-Za-z_][A-Za-z0-9_.-]*)[=:](.*)$/.exec(segment);
    if (pair && !((pair[1] as string) in params)) {
      params[pair[1] as string] = parseParamText(pair[2] as string);
    } else if (knownModes.includes(segment) && !("mode" in params)) {
      params.mode = segment;
    } else {
      workload.push(segment);
    }
  }
  return { workload: workload.join("/"), params };
}

/**
 * Removes the values of parameters that were taken out of a name, so that benchmarks
 * differing only in them share one workload: pyperf's "sum_squares-threading-2" with
 * metadata mode=threading, threads=2 -> "sum_squares". Tokens are separated by - / [ ]
 * , and spaces.
 */
export function stripValues(name: string, values: readonly ParamValue[]): string {
  const drop = new Set(values.map((value) => String(value)));
  const tokens = name.split(/([-/[\],\s]+)/);
  const kept: string[] = [];
  for (const token of tokens) {
    if (/^[-/[\],\s]+$/.test(token)) kept.push(token);
    else if (!drop.has(token)) kept.push(token);
  }
  // Rejoin, then collapse the separators left next to each other by a dropped value.
  return kept
    .join("")
    .replace(/\[\s*[-,\s]*\]/g, "")
    .replace(/([-/,\s])[-/,\s]+/g, "$1")
    .replace(/^[-/[\],\s]+|[-/[\],\s]+$/g, "");
}

/** A mode value as the store spells modes (kebab-case), or null when it cannot be one. */
export function modeName(value: ParamValue): string | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const mode = String(value)
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-");
  return /^[a-z][a-z0-9-]{0,63}$/.test(mode) ? mode : null;
}

/** A thread count from a parameter value (numbers or numeric strings), or null. */
export function threadCount(value: ParamValue): number | null {
  const number = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === "number" && Number.isInteger(number) && number >= 1 && number <= 4096
    ? number
    : null;
}

/** Time units harnesses write, in milliseconds. */
const millisecondsPer: Record<string, number> = {
  ps: 1e-9,
  ns: 1e-6,
  nanosecond: 1e-6,
  nanoseconds: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  microsecond: 1e-3,
  microseconds: 1e-3,
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
};

/** Milliseconds per one of `unit`, or null when `unit` is not a time unit. */
export function millisecondsPerUnit(unit: string): number | null {
  return millisecondsPer[unit.trim().toLowerCase()] ?? millisecondsPer[unit.trim()] ?? null;
}

/** The time units `millisecondsPerUnit` knows, for error messages. */
export const timeUnits = "ps, ns, us (µs), ms, s";
