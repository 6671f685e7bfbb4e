/**
 * Shaping API data into the column arrays uPlot draws. Pure functions, so the
 * charts' content is unit tested without a browser.
 */

import { median } from "@threadbench/core";

/** One (mode, threads) cell as the charts need it. */
export interface CellPoint {
  mode: string;
  threads: number;
  speedup: number | null;
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
}

/** uPlot's aligned data: x values first, then one y column per series (null = gap). */
export type AlignedColumns = [number[], ...(number | null)[][]];

export interface ScalingData {
  threads: number[];
  modes: string[];
  /** Per mode, speedup at each thread count (null where the cell is missing or failed). */
  speedup: (number | null)[][];
  /** Ideal (linear) speedup: equals the thread count. */
  ideal: number[];
}

/** Distinct sorted thread counts and modes in a stable order. */
export function scalingData(cells: readonly CellPoint[], modeOrder: readonly string[]): ScalingData {
  const threads = [...new Set(cells.map((cell) => cell.threads))].sort((a, b) => a - b);
  const present = new Set(cells.map((cell) => cell.mode));
  const modes = [
    ...modeOrder.filter((mode) => present.has(mode)),
    ...[...present].filter((mode) => !modeOrder.includes(mode)).sort(),
  ];
  const speedup = modes.map((mode) =>
    threads.map((count) => {
      const cell = cells.find((candidate) => candidate.mode === mode && candidate.threads === count);
      return cell?.speedup ?? null;
    }),
  );
  return { threads, modes, speedup, ideal: threads };
}

/** Same shape for median wall time with its repetition spread. */
export function timeData(cells: readonly CellPoint[], modeOrder: readonly string[]) {
  const { threads, modes } = scalingData(cells, modeOrder);
  const pick = (mode: string, count: number) =>
    cells.find((candidate) => candidate.mode === mode && candidate.threads === count);
  return {
    threads,
    modes,
    median: modes.map((mode) => threads.map((count) => pick(mode, count)?.medianMs ?? null)),
    min: modes.map((mode) => threads.map((count) => pick(mode, count)?.minMs ?? null)),
    max: modes.map((mode) => threads.map((count) => pick(mode, count)?.maxMs ?? null)),
  };
}

/** Amdahl's law: speedup on n threads when a fraction p of the work is parallel. */
export function amdahlSpeedup(parallelFraction: number, threads: number): number {
  return 1 / (1 - parallelFraction + parallelFraction / threads);
}

/**
 * Gunther's Universal Scalability Law: contention sigma and coherency kappa.
 * Unlike Amdahl it can fall again past a peak, which is what oversubscribed pools do.
 */
export function uslSpeedup(sigma: number, kappa: number, threads: number): number {
  return threads / (1 + sigma * (threads - 1) + kappa * threads * (threads - 1));
}

/** Dense x values between the smallest and largest thread count, for smooth fit curves. */
export function fitDomain(threads: readonly number[], steps = 48): number[] {
  if (threads.length === 0) return [];
  const low = Math.min(...threads);
  const high = Math.max(...threads);
  if (low === high) return [low];
  // Geometric spacing: the thread axis is logarithmic.
  const ratio = (high / low) ** (1 / (steps - 1));
  return Array.from({ length: steps }, (_, index) => (index === steps - 1 ? high : low * ratio ** index));
}

/**
 * Merges several x arrays into one sorted x axis and re-indexes each y column onto
 * it, leaving nulls where a series has no value: uPlot needs one shared x array.
 */
export function alignSeries(
  columns: readonly { x: readonly number[]; y: readonly (number | null)[] }[],
): AlignedColumns {
  const xs = [...new Set(columns.flatMap((column) => column.x))].sort((a, b) => a - b);
  const position = new Map(xs.map((x, index) => [x, index]));
  const ys = columns.map((column) => {
    const out: (number | null)[] = new Array(xs.length).fill(null);
    column.x.forEach((x, index) => {
      out[position.get(x) as number] = column.y[index] ?? null;
    });
    return out;
  });
  return [xs, ...ys];
}

/** One point of a series history. */
export interface HistoryPoint {
  /** ISO timestamp the measurement was recorded at. */
  recordedAt: string;
  value: number | null;
  low: number | null;
  high: number | null;
  runId: string;
  commitSha: string | null;
  branch: string | null;
}

export type HistoryAxis = "date" | "commit";

export interface HistoryColumns {
  /** Seconds since the epoch (date axis) or 0-based position (commit order). */
  x: number[];
  value: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
}

/**
 * History in chart order (oldest first). On the commit axis points are evenly
 * spaced by position, so a burst of commits on one day does not collapse into a line.
 */
export function historyColumns(points: readonly HistoryPoint[], axis: HistoryAxis): HistoryColumns {
  const sorted = sortHistory(points);
  return {
    x: sorted.map((point, index) => (axis === "date" ? Date.parse(point.recordedAt) / 1000 : index)),
    value: sorted.map((point) => point.value),
    low: sorted.map((point) => point.low ?? point.value),
    high: sorted.map((point) => point.high ?? point.value),
  };
}

/** Oldest first; ties keep the API's order. */
export function sortHistory<T extends { recordedAt: string }>(points: readonly T[]): T[] {
  return points
    .map((point, index) => ({ point, index, time: Date.parse(point.recordedAt) }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map((entry) => entry.point);
}

/** Index of the point whose run introduced a marker (regression, change point), or -1. */
export function markerIndex(points: readonly { runId: string }[], runId: string): number {
  return points.findIndex((point) => point.runId === runId);
}

/**
 * An SVG polyline for a sparkline: at most `maxPoints` points (min/max kept per
 * bucket, so spikes survive downsampling), scaled into width x height.
 */
export function sparklinePath(
  values: readonly (number | null)[],
  width: number,
  height: number,
  maxPoints = 120,
): string {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (present.length === 0) return "";
  const reduced = downsampleMinMax(present, maxPoints);
  const low = Math.min(...reduced);
  const high = Math.max(...reduced);
  const span = high - low || 1;
  const step = reduced.length > 1 ? width / (reduced.length - 1) : 0;
  return reduced
    .map((value, index) => {
      const x = reduced.length > 1 ? index * step : width / 2;
      const y = height - ((value - low) / span) * height;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}

/** Keeps the min and max of each bucket in order: the shape survives, spikes too. */
export function downsampleMinMax(values: readonly number[], maxPoints: number): number[] {
  if (values.length <= maxPoints) return [...values];
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = values.length / buckets;
  const out: number[] = [];
  for (let bucket = 0; bucket < buckets; bucket++) {
    const slice = values.slice(Math.floor(bucket * size), Math.floor((bucket + 1) * size));
    if (slice.length === 0) continue;
    let minIndex = 0;
    let maxIndex = 0;
    slice.forEach((value, index) => {
      if (value < (slice[minIndex] as number)) minIndex = index;
      if (value > (slice[maxIndex] as number)) maxIndex = index;
    });
    const first = Math.min(minIndex, maxIndex);
    const second = Math.max(minIndex, maxIndex);
    out.push(slice[first] as number);
    if (second !== first) out.push(slice[second] as number);
  }
  return out;
}

/** Relative change between the last value and the median of the ones before it. */
export function latestChange(values: readonly (number | null)[], window = 10): number | null {
  const present = values.filter((value): value is number => value !== null);
  if (present.length < 2) return null;
  const latest = present[present.length - 1] as number;
  const before = median(present.slice(-window - 1, -1));
  return before === 0 ? null : latest / before - 1;
}

/**
 * Top of the time chart's y axis: above the highest whisker (the repetitions' max), not
 * only the highest median, so no whisker is clipped.
 */
export function timeAxisMax(shaped: {
  median: readonly (readonly (number | null)[])[];
  max: readonly (readonly (number | null)[])[];
}): number {
  let highest = 0;
  for (const column of [...shaped.median, ...shaped.max]) {
    for (const value of column)
      if (value !== null && Number.isFinite(value)) highest = Math.max(highest, value);
  }
  return highest > 0 ? highest * 1.1 : 1;
}

/**
 * Where a marker's label starts (x of its left edge, canvas pixels): right of the marker
 * line when it fits in the plot, else left of it, never outside the plot's left edge.
 */
export function markerLabelX(options: {
  line: number;
  textWidth: number;
  plotLeft: number;
  plotRight: number;
  gap: number;
}): number {
  const { line, textWidth, plotLeft, plotRight, gap } = options;
  if (line + gap + textWidth <= plotRight) return line + gap;
  return Math.max(plotLeft, line - gap - textWidth);
}

/**
 * Pixels between two x ticks: wide enough for the widest label of the axis plus a gap,
 * so zoomed-in ticks never touch (`charWidthPx` ~ 0.62 em of the 12 px axis font).
 */
export function tickSpacePx(widestLabelChars: number, charWidthPx = 7.5, gapPx = 16): number {
  return Math.ceil(widestLabelChars * charWidthPx + gapPx);
}

/** One line of a speedup chart: measured points, or a fitted law drawn dashed. */
export interface SpeedupCurveData {
  label: string;
  /** Palette slot (lib/mode-colors.ts). */
  slot: number;
  points: { threads: number; speedup: number | null }[];
  dash?: number[];
  /** Measured curves get point markers and a thicker line. */
  measured: boolean;
  /** Hollow point markers: a second mode of the same run (a curve of one point has no dash to show). */
  hollow?: boolean;
}

/** A run as the cross-run scaling chart needs it. */
export interface ScalingRun {
  id: string;
  createdAt: string;
  testbed: { runtimeLabel: string; hostname: string } | null;
  measurements: { mode: string; threads: number; status: string; speedup: number | null | undefined }[];
}

const modeDashes: (number[] | undefined)[] = [undefined, [8, 4], [2, 3], [10, 3, 2, 3]];

/**
 * Speedup curves of several runs on one chart: one colour per run (its runtime), one
 * dash pattern per parallel mode, so "cpython 3.13.1 (GIL) · threading" and
 * "cpython 3.13.1t (no GIL) · threading" sit side by side. Sequential cells are the
 * baseline (speedup 1 by definition) and are left out; so are failed cells.
 */
export function crossRunCurves(
  runs: readonly ScalingRun[],
  modeOrder: readonly string[],
): SpeedupCurveData[] {
  const labels = runs.map((run) => run.testbed?.runtimeLabel ?? "unknown runtime");
  const parallelModes = [
    ...new Set(runs.flatMap((run) => run.measurements.map((measurement) => measurement.mode))),
  ].filter((mode) => mode !== "sequential");
  const orderedModes = [
    ...modeOrder.filter((mode) => parallelModes.includes(mode)),
    ...parallelModes.filter((mode) => !modeOrder.includes(mode)).sort(),
  ];
  return runs.flatMap((run, index) => {
    const label = labels[index] as string;
    // Two runs of one runtime (picked by hand) are told apart by their date.
    const name =
      labels.filter((other) => other === label).length > 1
        ? `${label} (${run.createdAt.slice(0, 16).replace("T", " ")})`
        : label;
    return orderedModes.flatMap((mode, modeIndex) => {
      const points = run.measurements
        .filter((measurement) => measurement.mode === mode && measurement.status === "SUCCEEDED")
        .map((measurement) => ({ threads: measurement.threads, speedup: measurement.speedup ?? null }))
        .sort((a, b) => a.threads - b.threads);
      if (points.length === 0) return [];
      const dash = modeDashes[modeIndex % modeDashes.length];
      return [
        {
          label: `${name} · ${mode}`,
          slot: index,
          points,
          measured: true,
          ...(dash ? { dash } : {}),
          ...(modeIndex % 2 === 1 ? { hollow: true } : {}),
        },
      ];
    });
  });
}
