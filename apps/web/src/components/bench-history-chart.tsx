"use client";

import { useMemo } from "react";
import { HistoryChart, type HistoryChartPoint } from "./charts/history-chart";

/**
 * Synthetic points for the chart render benchmark only: deterministic (seeded)
 * random walk with a step, generated in the browser so that the page's HTML stays
 * small and only the chart's own work is timed.
 */
function syntheticPoints(count: number): HistoryChartPoint[] {
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const start = Date.parse("2024-01-01T00:00:00Z");
  return Array.from({ length: count }, (_, index) => {
    const level = index > count * 0.7 ? 118 : 100;
    const value = level * (1 + (random() - 0.5) * 0.06);
    return {
      runId: `bench-${index}`,
      commitSha: (index * 2654435761).toString(16).padStart(8, "0"),
      branch: "main",
      timestamp: new Date(start + index * 3_600_000).toISOString(),
      value,
      low: value * 0.98,
      high: value * 1.02,
    };
  });
}

export function BenchHistoryChart({ count }: { count: number }) {
  const points = useMemo(() => syntheticPoints(count), [count]);
  return (
    <HistoryChart points={points} metric="duration" metricLabel="wall time (synthetic)" runHref={null} />
  );
}
