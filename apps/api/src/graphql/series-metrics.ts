import type { SeriesMetricValue } from "./models.js";

/** The stored columns a series metric is read from. */
export interface MetricColumns {
  wallMedian: number | null;
  wallMean: number | null;
  wallMin: number | null;
  wallStddev: number | null;
  cpuMedian: number | null;
  cpuStddev: number | null;
  speedup: number | null;
  efficiency: number | null;
}

/** The stored column each metric's value is read from (what a sparkline reads alone). */
export const metricValueColumns = {
  WALL_MEDIAN: "wallMedian",
  WALL_MEAN: "wallMean",
  WALL_MIN: "wallMin",
  CPU_MEDIAN: "cpuMedian",
  SPEEDUP: "speedup",
  EFFICIENCY: "efficiency",
} as const satisfies Record<SeriesMetricValue, keyof MetricColumns>;

/** A point's value of `metric` and the spread (one standard deviation) of its repetitions. */
export function metricValue(
  metric: SeriesMetricValue,
  row: MetricColumns,
): { value: number | null; spread: number | null } {
  switch (metric) {
    case "WALL_MEDIAN":
      return { value: row.wallMedian, spread: row.wallStddev };
    case "WALL_MEAN":
      return { value: row.wallMean, spread: row.wallStddev };
    case "WALL_MIN":
      return { value: row.wallMin, spread: null };
    case "CPU_MEDIAN":
      return { value: row.cpuMedian, spread: row.cpuStddev };
    case "SPEEDUP":
      return { value: row.speedup, spread: null };
    case "EFFICIENCY":
      return { value: row.efficiency, spread: null };
    default: {
      const unreachable: never = metric;
      throw new Error(`unknown metric ${String(unreachable)}`);
    }
  }
}
