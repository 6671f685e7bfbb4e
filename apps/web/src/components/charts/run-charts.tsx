"use client";

import { useCallback, useMemo } from "react";
import type uPlot from "uplot";
import {
  amdahlSpeedup,
  type CellPoint,
  fitDomain,
  scalingData,
  timeData,
  uslSpeedup,
} from "../../lib/chart-data";
import { formatDuration, formatSpeedup } from "../../lib/format";
import { enumToWord, modeOrder } from "../../lib/labels";
import { type ChartTheme, themedAxis, UPlotChart } from "./uplot-chart";

/** Scaling laws fitted by the API to one mode's speedups. */
export interface ScalingFit {
  mode: string;
  /** Amdahl: s is the serial fraction. */
  amdahl?: { serialFraction: number } | null;
  /** USL: contention a and coherency b. */
  usl?: { contention: number; coherency: number } | null;
}

function colorOf(theme: ChartTheme, index: number): string {
  return theme.series[index % theme.series.length] as string;
}

const threadAxisSplits = (_chart: uPlot, _axis: number, _min: number, _max: number, _incr: number) => [];

/**
 * Speedup against threads per mode, with the ideal (linear) line and any fitted
 * Amdahl/USL curves. The x axis is log2: thread counts double.
 */
export function ScalingChart({ cells, fits = [] }: { cells: CellPoint[]; fits?: ScalingFit[] }) {
  const shaped = useMemo(() => scalingData(cells, modeOrder), [cells]);
  const curves = useMemo(() => {
    const domain = fitDomain(shaped.threads);
    return fits.flatMap((fit) => {
      const out: { label: string; mode: string; y: number[]; dash: number[] }[] = [];
      if (fit.amdahl) {
        const serial = fit.amdahl.serialFraction;
        out.push({
          label: `${enumToWord(fit.mode)} Amdahl`,
          mode: fit.mode,
          y: domain.map((threads) => amdahlSpeedup(1 - serial, threads)),
          dash: [6, 3],
        });
      }
      if (fit.usl) {
        const { contention, coherency } = fit.usl;
        out.push({
          label: `${enumToWord(fit.mode)} USL`,
          mode: fit.mode,
          y: domain.map((threads) => uslSpeedup(contention, coherency, threads)),
          dash: [2, 3],
        });
      }
      return out.map((curve) => ({ ...curve, x: domain }));
    });
  }, [fits, shaped.threads]);

  const data = useMemo<uPlot.AlignedData>(() => {
    const xs = [...new Set([...shaped.threads, ...curves.flatMap((curve) => curve.x)])].sort((a, b) => a - b);
    const at = (x: readonly number[], y: readonly (number | null)[]) =>
      xs.map((value) => {
        const index = x.indexOf(value);
        return index === -1 ? null : (y[index] ?? null);
      });
    return [
      xs,
      at(shaped.threads, shaped.ideal),
      ...shaped.speedup.map((column) => at(shaped.threads, column)),
      ...curves.map((curve) => at(curve.x, curve.y)),
    ];
  }, [shaped, curves]);

  const options = useCallback(
    ({ width, height, theme }: { width: number; height: number; theme: ChartTheme }): uPlot.Options => ({
      width,
      height,
      scales: {
        x: { time: false, distr: 3, log: 2 },
        y: { range: (_u, _min, max) => [0, Math.max(1.5, max * 1.1)] },
      },
      axes: [
        themedAxis(theme, {
          label: "threads",
          splits: shaped.threads.length > 0 ? () => shaped.threads : threadAxisSplits,
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
        ...shaped.modes.map((mode) => ({
          label: enumToWord(mode),
          stroke: colorOf(theme, modeOrder.indexOf(mode as (typeof modeOrder)[number]) + 0),
          width: 2,
          spanGaps: true,
          points: { show: true, size: 7 },
          value: (_u: uPlot, value: number | null) => formatSpeedup(value),
        })),
        ...curves.map((curve) => ({
          label: curve.label,
          stroke: colorOf(theme, modeOrder.indexOf(curve.mode as (typeof modeOrder)[number])),
          width: 1,
          dash: curve.dash,
          spanGaps: true,
          points: { show: false },
          value: (_u: uPlot, value: number | null) => formatSpeedup(value),
        })),
      ],
    }),
    [shaped, curves],
  );

  if (shaped.threads.length === 0) return <p className="muted">No finished cells to chart yet.</p>;
  return (
    <UPlotChart
      options={options}
      data={data}
      height={300}
      label={`Speedup against threads for ${shaped.modes.map(enumToWord).join(", ")}, with the ideal linear speedup`}
    />
  );
}

/**
 * Median wall time per mode and thread count, with the repetitions' min–max
 * spread drawn as whiskers (slightly offset per mode so they do not overlap).
 */
export function TimeChart({ cells }: { cells: CellPoint[] }) {
  const shaped = useMemo(() => timeData(cells, modeOrder), [cells]);
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
          context.strokeStyle = colorOf(theme, modeOrder.indexOf(mode as (typeof modeOrder)[number]));
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
          y: { range: (_u, _min, max) => [0, max * 1.1 || 1] },
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
            values: (_u, splits) => splits.map((value) => formatDuration(value)),
          }),
        ],
        cursor: { drag: { x: false, y: false } },
        legend: { live: false },
        hooks: { draw: [whiskers] },
        series: [
          { label: "threads", value: (_u, value) => (value === null ? "–" : String(Math.round(value))) },
          ...shaped.modes.map((mode) => ({
            label: enumToWord(mode),
            stroke: colorOf(theme, modeOrder.indexOf(mode as (typeof modeOrder)[number])),
            width: 2,
            spanGaps: true,
            points: { show: true, size: 6 },
            value: (_u: uPlot, value: number | null) => formatDuration(value),
          })),
        ],
      };
    },
    [shaped],
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
