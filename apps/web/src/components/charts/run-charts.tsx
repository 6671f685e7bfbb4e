"use client";

import { executionModes, formatDuration } from "@threadbench/core";
import { useCallback, useMemo } from "react";
import type uPlot from "uplot";
import {
  amdahlSpeedup,
  type CellPoint,
  fitDomain,
  type SpeedupCurveData,
  scalingData,
  timeAxisMax,
  timeData,
  uslSpeedup,
} from "../../lib/chart-data";
import { formatMetricTick, formatSpeedup } from "../../lib/format";
import { modeSlots } from "../../lib/mode-colors";
import { type AmdahlFitValues, readAmdahlFit, readUslFit, type UslFitValues } from "../../lib/scaling-fits";
import { type ChartTheme, slotColor, themedAxis, UPlotChart } from "./uplot-chart";

/** Scaling laws fitted by the API to one mode's speedups. */
export interface ScalingFit {
  mode: string;
  /** Amdahl: s is the serial fraction. */
  amdahl?: AmdahlFitValues | null;
  /** USL: contention a and coherency b. */
  usl?: UslFitValues | null;
}

/** One line of a speedup chart (see lib/chart-data.ts). */
export type SpeedupCurve = SpeedupCurveData;

const noThreads: readonly number[] = [];

const emptySplits = (_chart: uPlot, _axis: number, _min: number, _max: number, _incr: number) => [];

/**
 * Speedup against threads for any set of curves (the modes of one run, or the runs of
 * several runtimes), with the ideal (linear) line. The x axis is log2: thread counts
 * double.
 */
export function SpeedupChart({
  curves,
  height = 300,
  label,
  axisThreads = noThreads,
}: {
  curves: SpeedupCurve[];
  height?: number;
  label: string;
  /** Thread counts the axis and the ideal line span besides the curves' own (e.g. the baseline's). */
  axisThreads?: readonly number[];
}) {
  const threads = useMemo(
    () =>
      [
        ...new Set([
          ...axisThreads,
          ...curves
            .filter((curve) => curve.measured)
            .flatMap((curve) => curve.points.map((point) => point.threads)),
        ]),
      ].sort((a, b) => a - b),
    [curves, axisThreads],
  );
  const data = useMemo<uPlot.AlignedData>(() => {
    const xs = [
      ...new Set([...threads, ...curves.flatMap((curve) => curve.points.map((point) => point.threads))]),
    ].sort((a, b) => a - b);
    const column = (points: SpeedupCurve["points"]) => {
      const byThreads = new Map(points.map((point) => [point.threads, point.speedup]));
      return xs.map((x) => byThreads.get(x) ?? null);
    };
    return [
      xs,
      xs.map((x) => (threads.includes(x) ? x : null)),
      ...curves.map((curve) => column(curve.points)),
    ];
  }, [curves, threads]);

  const options = useCallback(
    ({
      width,
      height: chartHeight,
      theme,
    }: {
      width: number;
      height: number;
      theme: ChartTheme;
    }): uPlot.Options => ({
      width,
      height: chartHeight,
      scales: {
        x: { time: false, distr: 3, log: 2 },
        y: { range: (_u, _min, max) => [0, Math.max(1.5, max * 1.1)] },
      },
      axes: [
        themedAxis(theme, {
          label: "threads",
          splits: threads.length > 0 ? () => threads : emptySplits,
          values: (_u, splits) => splits.map((value) => String(value)),
        }),
        themedAxis(theme, {
          label: "speedup",
          values: (_u, splits) => splits.map((value) => `${value}×`),
          size: 56,
        }),
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
      series: [
        { label: "threads" },
        {
          label: "ideal",
          stroke: theme.ideal,
          dash: [4, 4],
          width: 1.5,
          spanGaps: true,
          points: { show: false },
        },
        ...curves.map((curve) => ({
          label: curve.label,
          stroke: slotColor(theme, curve.slot),
          width: curve.measured ? 2 : 1,
          ...(curve.dash ? { dash: curve.dash } : {}),
          spanGaps: true,
          points: curve.measured
            ? {
                show: true,
                size: 8,
                width: 2,
                fill: curve.hollow ? theme.surface : slotColor(theme, curve.slot),
              }
            : { show: false },
          value: (_u: uPlot, value: number | null) => formatSpeedup(value),
        })),
      ],
    }),
    [curves, threads],
  );

  if (threads.length === 0) return <p className="muted">No finished cells to chart yet.</p>;
  return <UPlotChart options={options} data={data} height={height} label={label} />;
}

/**
 * Speedup against threads per mode of one run, with the ideal (linear) line and the
 * fitted Amdahl/USL curves that describe the points (fits that say nothing are left
 * out; the fits table says why).
 */
export function ScalingChart({ cells, fits = [] }: { cells: CellPoint[]; fits?: ScalingFit[] }) {
  const curves = useMemo(() => {
    const shaped = scalingData(cells, executionModes);
    const slots = modeSlots(shaped.modes);
    const domain = fitDomain(shaped.threads);
    const measured: SpeedupCurve[] = shaped.modes.map((mode, index) => ({
      label: mode,
      slot: slots.get(mode) ?? 0,
      measured: true,
      points: shaped.threads.map((threads, position) => ({
        threads,
        speedup: shaped.speedup[index]?.[position] ?? null,
      })),
    }));
    const fitted: SpeedupCurve[] = fits.flatMap((fit) => {
      const slot = slots.get(fit.mode) ?? modeSlots([...shaped.modes, fit.mode]).get(fit.mode) ?? 0;
      const out: SpeedupCurve[] = [];
      if (fit.amdahl && readAmdahlFit(fit.amdahl).kind === "fits") {
        const serial = fit.amdahl.serialFraction;
        out.push({
          label: `${fit.mode} Amdahl`,
          slot,
          measured: false,
          dash: [6, 3],
          points: domain.map((threads) => ({ threads, speedup: amdahlSpeedup(1 - serial, threads) })),
        });
      }
      if (fit.usl && readUslFit(fit.usl).kind === "fits") {
        const { contention, coherency } = fit.usl;
        out.push({
          label: `${fit.mode} USL`,
          slot,
          measured: false,
          dash: [2, 3],
          points: domain.map((threads) => ({ threads, speedup: uslSpeedup(contention, coherency, threads) })),
        });
      }
      return out;
    });
    return [...measured, ...fitted];
  }, [cells, fits]);
  const modes = curves.filter((curve) => curve.measured).map((curve) => curve.label);
  return (
    <SpeedupChart
      curves={curves}
      label={`Speedup against threads for ${modes.join(", ")}, with the ideal linear speedup`}
    />
  );
}

/**
 * Median wall time per mode and thread count, with the repetitions' min–max
 * spread drawn as whiskers (slightly offset per mode so they do not overlap).
 */
export function TimeChart({ cells }: { cells: CellPoint[] }) {
  const shaped = useMemo(() => timeData(cells, executionModes), [cells]);
  const slots = useMemo(() => modeSlots(shaped.modes), [shaped]);
  const data = useMemo<uPlot.AlignedData>(() => [shaped.threads, ...shaped.median], [shaped]);

  const options = useCallback(
    ({ width, height, theme }: { width: number; height: number; theme: ChartTheme }): uPlot.Options => {
      const whiskers = (chart: uPlot) => {
        const context = chart.ctx;
        const ratio = devicePixelRatio || 1;
        context.save();
        context.lineWidth = 1.5 * ratio;
        shaped.modes.forEach((mode, modeIndex) => {
          const series = chart.series[modeIndex + 1];
          if (!series?.show) return;
          context.strokeStyle = slotColor(theme, slots.get(mode) ?? 0);
          const offset = (modeIndex - (shaped.modes.length - 1) / 2) * 5 * ratio;
          shaped.threads.forEach((threads, index) => {
            const low = shaped.min[modeIndex]?.[index];
            const high = shaped.max[modeIndex]?.[index];
            if (low === null || low === undefined || high === null || high === undefined) return;
            const x = chart.valToPos(threads, "x", true) + offset;
            const top = chart.valToPos(high, "y", true);
            const bottom = chart.valToPos(low, "y", true);
            context.beginPath();
            context.moveTo(x, top);
            context.lineTo(x, bottom);
            context.moveTo(x - 3 * ratio, top);
            context.lineTo(x + 3 * ratio, top);
            context.moveTo(x - 3 * ratio, bottom);
            context.lineTo(x + 3 * ratio, bottom);
            context.stroke();
          });
        });
        context.restore();
      };
      return {
        width,
        height,
        scales: {
          x: { time: false, distr: 3, log: 2 },
          // The whiskers' tops, not just the medians, decide the axis: none is clipped.
          y: { range: () => [0, timeAxisMax(shaped)] },
        },
        axes: [
          themedAxis(theme, {
            label: "threads",
            splits: () => shaped.threads,
            values: (_u, splits) => splits.map((value) => String(value)),
          }),
          themedAxis(theme, {
            label: "wall time (median, min–max)",
            size: 70,
            values: (_u, splits, _axis, _space, increment) =>
              splits.map((value) => formatMetricTick("duration", value, increment)),
          }),
        ],
        cursor: { drag: { x: false, y: false } },
        legend: { live: false },
        hooks: { draw: [whiskers] },
        series: [
          { label: "threads", value: (_u, value) => (value === null ? "–" : String(Math.round(value))) },
          ...shaped.modes.map((mode) => ({
            label: mode,
            stroke: slotColor(theme, slots.get(mode) ?? 0),
            width: 2,
            spanGaps: true,
            points: { show: true, size: 6, fill: slotColor(theme, slots.get(mode) ?? 0) },
            value: (_u: uPlot, value: number | null) => formatDuration(value),
          })),
        ],
      };
    },
    [shaped, slots],
  );

  if (shaped.threads.length === 0) return <p className="muted">No finished cells to chart yet.</p>;
  return (
    <UPlotChart
      options={options}
      data={data}
      height={280}
      label="Median wall time per mode and thread count, with the spread of repetitions"
    />
  );
}
