import type { CellResult, Environment, RunResult } from "@threadbench/core";
import { formatDuration, runtimeLabel } from "@threadbench/core";

export function formatRatio(value: number | null | undefined, suffix = "x"): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? "-"
    : `${value.toFixed(2)}${suffix}`;
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? "-"
    : `${(value * 100).toFixed(1)}%`;
}

export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

/** Left-aligned text columns, right-aligned numbers; the first row is the header. */
export function table(rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          rightAligned.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function formatEnvironment(environment: Environment): string {
  return [
    `machine   ${environment.hostname}: ${environment.cpuModel}, ${environment.logicalCores} logical cores, ${formatBytes(environment.memoryBytes)}`,
    `runtime   ${runtimeLabel(environment)}${environment.v8Version ? ` (V8 ${environment.v8Version})` : ""}${environment.runtimeExecutable ? ` at ${environment.runtimeExecutable}` : ""} on ${environment.os} ${environment.osRelease} ${environment.arch}`,
  ].join("\n");
}

function checksumText(cell: CellResult): string {
  switch (cell.checksumStatus) {
    case "baseline":
      return "baseline";
    case "match":
      return "ok";
    case "mismatch":
      return `MISMATCH (${cell.checksum} vs ${cell.expectedChecksum})`;
    case "unchecked":
      return "-";
    default: {
      const unreachable: never = cell.checksumStatus;
      return String(unreachable);
    }
  }
}

/** The per-cell table of a run, in the spirit of the free-threading article's output. */
export function formatCells(cells: readonly CellResult[]): string {
  const rows: string[][] = [
    [
      "mode",
      "threads",
      "median",
      "min",
      "stddev",
      "cv",
      "cpu",
      "setup",
      "overhead",
      "speedup",
      "efficiency",
      "checksum",
    ],
  ];
  for (const cell of cells) {
    rows.push([
      cell.mode,
      String(cell.threads),
      formatDuration(cell.wall?.median),
      formatDuration(cell.wall?.min),
      formatDuration(cell.wall?.stddev),
      formatPercent(cell.wall?.cv),
      formatDuration(cell.cpu?.median),
      formatDuration(cell.setupMs),
      formatDuration(cell.taskOverheadMs),
      formatRatio(cell.speedup),
      formatPercent(cell.efficiency),
      cell.status === "succeeded" ? checksumText(cell) : `${cell.status.toUpperCase()}: ${cell.error}`,
    ]);
  }
  return table(rows, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
}

/**
 * What the overhead column means, printed under the table when a pooled cell measured it:
 * without it a reader takes the figure for part of the timings.
 */
export function formatOverheadNote(cells: readonly CellResult[]): string | null {
  if (!cells.some((cell) => cell.taskOverheadMs !== null)) return null;
  return "overhead: the pool's fixed cost per task (a no-op task's round trip, median of 15); not in the timings, an application pays it per task on top";
}

/** "Sequential 3.84s / Parallel 1.12s / Speedup 3.66x" per mode at the highest thread count. */
export function formatHeadline(result: RunResult): string {
  const threads = Math.max(...result.plan.threads);
  const baseline = result.cells.find((cell) => cell.mode === "sequential" && cell.threads === threads);
  const lines: string[] = [];
  for (const cell of result.cells) {
    if (cell.threads !== threads || cell.mode === "sequential" || !cell.wall) continue;
    lines.push(
      `${cell.mode.padEnd(16)} ${threads} tasks: sequential ${formatDuration(baseline?.wall?.median)} / ${cell.mode} ${formatDuration(cell.wall.median)} / speedup ${formatRatio(cell.speedup)} (efficiency ${formatPercent(cell.efficiency)})`,
    );
  }
  return lines.join("\n");
}

/** Lost updates of shared-counter, per cell and variant. */
export function formatSharedMemory(cells: readonly CellResult[]): string {
  const rows: string[][] = [["mode", "threads", "variant", "expected", "observed", "lost updates"]];
  for (const cell of cells) {
    for (const report of cell.sharedMemory ?? []) {
      rows.push([
        cell.mode,
        String(cell.threads),
        report.variant,
        String(report.expected),
        String(report.observed),
        String(report.lostUpdates),
      ]);
    }
  }
  return rows.length > 1 ? table(rows, new Set([1, 3, 4, 5])) : "";
}

/**
 * Warnings a careful reader would want before trusting the figures: a main-thread
 * cell whose CPU time falls well short of its wall time was waiting for a core
 * (another process was running), and a high coefficient of variation means the
 * repetitions disagree.
 */
export function reliabilityWarnings(cells: readonly CellResult[]): string[] {
  const warnings: string[] = [];
  const starved = cells.filter(
    (cell) =>
      (cell.mode === "sequential" || cell.mode === "event-loop") &&
      cell.wall &&
      cell.cpu &&
      cell.cpu.median < 0.8 * cell.wall.median,
  );
  if (starved.length > 0) {
    const worst = Math.min(...starved.map((cell) => (cell.cpu?.median ?? 0) / (cell.wall?.median ?? 1)));
    warnings.push(
      `warning: the machine was busy: on the main thread CPU time was as low as ${formatPercent(worst)} of wall time (${starved.map((cell) => `${cell.mode} x${cell.threads}`).join(", ")}); other processes took the cores, so speedups are unreliable. Re-run on a quiet machine.`,
    );
  }
  const noisy = cells.filter((cell) => (cell.wall?.cv ?? 0) > 0.1 && (cell.wall?.count ?? 0) > 1);
  if (noisy.length > 0) {
    warnings.push(
      `warning: repetitions vary by more than 10% (cv) in ${noisy.map((cell) => `${cell.mode} x${cell.threads}`).join(", ")}; more repetitions (--repetitions) or a quieter machine would tighten them.`,
    );
  }
  return warnings;
}
