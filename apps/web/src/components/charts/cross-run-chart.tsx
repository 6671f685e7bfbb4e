"use client";

import { executionModes } from "@threadbench/core";
import { useMemo } from "react";
import { crossRunCurves, type ScalingRun } from "../../lib/chart-data";
import { SpeedupChart } from "./run-charts";

/**
 * Speedup against threads of several runs (runtimes) on one chart with the ideal line:
 * the article's "GIL on vs GIL off" picture. One colour per run, one dash per mode.
 */
export function CrossRunScalingChart({ runs }: { runs: ScalingRun[] }) {
  const curves = useMemo(() => crossRunCurves(runs, executionModes), [runs]);
  // The baseline's thread counts too: a run measured its parallel modes at 4 threads only
  // still gets an axis (and ideal line) from 1.
  const axisThreads = useMemo(
    () => [...new Set(runs.flatMap((run) => run.measurements.map((measurement) => measurement.threads)))],
    [runs],
  );
  return (
    <div data-testid="cross-run-chart" data-curves={curves.map((curve) => curve.label).join("|")}>
      <SpeedupChart
        curves={curves}
        height={340}
        axisThreads={axisThreads}
        label={`Speedup against threads of ${runs.length} runs: ${curves.map((curve) => curve.label).join(", ")}; dashed grey: ideal linear speedup`}
      />
    </div>
  );
}
