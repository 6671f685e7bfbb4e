import type { CellResult, ExecutionMode, RepetitionSample, RunPlan } from "@threadbench/core";
import { median } from "@threadbench/core";
import type { UnitRange } from "@threadbench/workloads";
import { summarize } from "../analysis/summary.js";

/*
 * What every runtime's runner shares: how a repetition's work is split into tasks, and
 * how a cell's samples become its statistics, checksum verdict and speedup. The Node
 * runner (execute-run.ts) and the CPython driver (python/execute-python-run.ts) both
 * measure repetitions and hand them here, so the figures mean the same for both.
 */

/** Ranges of the tasks of one repetition: N full copies (weak) or N chunks of one job (strong). */
export function taskRanges(units: number, tasks: number, scaling: RunPlan["scaling"]): UnitRange[] {
  return Array.from({ length: tasks }, (_, index) =>
    scaling === "weak"
      ? { start: 0, end: units }
      : {
          start: Math.floor((index * units) / tasks),
          end: Math.floor(((index + 1) * units) / tasks),
        },
  );
}

/** A cell's raw measurements, before statistics. */
export interface RawCell {
  mode: ExecutionMode;
  threads: number;
  status: CellResult["status"];
  error: string | null;
  samples: RepetitionSample[];
  setupMs: number | null;
  /** A pooled mode's fixed cost per task; null on the main thread and where not measured. */
  taskOverheadMs: number | null;
}

/**
 * Speedup against the baseline: the median of per-repetition ratios when both have the
 * same repetitions (they were interleaved, so ratio i compares moments apart), else the
 * ratio of medians.
 */
function speedupOver(baseline: CellResult | undefined, samples: readonly RepetitionSample[]): number | null {
  const base = baseline?.samples ?? [];
  if (!baseline?.wall || samples.length === 0) return null;
  if (base.length === samples.length) {
    const ratios = samples.map((sample, index) => (base[index] as RepetitionSample).wallMs / sample.wallMs);
    if (ratios.every(Number.isFinite)) return median(ratios);
  }
  const cellMedian = median(samples.map((sample) => sample.wallMs));
  return cellMedian > 0 ? baseline.wall.median / cellMedian : null;
}

/** Statistics, checksum verdict and speedup of one cell against its sequential baseline. */
export function finishCell(raw: RawCell, baseline: CellResult | undefined): CellResult {
  let { status, error } = raw;
  const wall = summarize(raw.samples.map((sample) => sample.wallMs));
  const cpuValues = raw.samples.flatMap((sample) => (sample.cpuMs === null ? [] : [sample.cpuMs]));
  const cpu = summarize(cpuValues);
  const checksums = [...new Set(raw.samples.map((sample) => sample.checksum))];
  const checksum = checksums[0] ?? null;
  let expectedChecksum: string | null = null;
  let checksumStatus: CellResult["checksumStatus"] = "unchecked";
  if (checksums.length > 1) {
    checksumStatus = "mismatch";
    status = "failed";
    error ??= `checksum differs between repetitions: ${checksums.join(" vs ")}`;
  } else if (raw.mode === "sequential") {
    checksumStatus = checksum === null ? "unchecked" : "baseline";
  } else if (baseline?.checksum && checksum !== null) {
    expectedChecksum = baseline.checksum;
    checksumStatus = checksum === expectedChecksum ? "match" : "mismatch";
    if (checksumStatus === "mismatch" && status === "succeeded") {
      status = "failed";
      error = `checksum ${checksum} differs from the sequential baseline ${expectedChecksum}`;
    }
  }
  const speedup = raw.mode === "sequential" ? (wall ? 1 : null) : speedupOver(baseline, raw.samples);
  const lastShared = raw.samples.at(-1)?.sharedMemory ?? null;
  return {
    mode: raw.mode,
    threads: raw.threads,
    tasks: raw.threads,
    status,
    error,
    samples: raw.samples,
    wall,
    cpu,
    setupMs: raw.setupMs,
    taskOverheadMs: raw.taskOverheadMs,
    speedup,
    efficiency: speedup === null ? null : speedup / raw.threads,
    checksum,
    expectedChecksum,
    checksumStatus,
    sharedMemory: lastShared,
  };
}
