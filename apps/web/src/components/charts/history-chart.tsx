"use client";

import { formatDuration } from "@threadbench/core";
import { useRouter } from "next/navigation";
import { useCallback, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import { type HistoryAxis, historyColumns, sortHistory, tickSpacePx } from "../../lib/chart-data";
import {
  formatDateTime,
  formatMetric,
  formatMetricTick,
  formatTimeTick,
  type MetricKind,
  shortSha,
} from "../../lib/format";
import { type HistoryMarker, layoutMarkers, placeMarkers } from "../../lib/history-markers";
import { type ChartTheme, themedAxis, UPlotChart, withAlpha } from "./uplot-chart";

export interface HistoryChartPoint {
  runId: string;
  commitSha: string | null;
  branch: string | null;
  timestamp: string;
  value: number;
  low: number | null;
  high: number | null;
  /** The workload module's hash (module workloads only): a change is marked. */
  workloadHash?: string | null;
}

/**
 * The x range: the data's (or the zoom's) [min, max], except around a single point (or
 * points all at one instant), which gets a day (one commit) either side. uPlot itself
 * gives one point on a time scale in seconds a span of 86,400,000 s (it assumes ms), so
 * a 1-point series showed an axis from Mar 2026 to Sep 2028.
 */
export function xRange(
  min: number | null,
  max: number | null,
  axis: HistoryAxis,
  data: readonly number[],
): uPlot.Range.MinMax {
  const first = data[0];
  const last = data[data.length - 1];
  const pad = axis === "date" ? 86_400 : 1;
  if (first !== undefined && first === last) return [first - pad, first + pad];
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  return min === max ? [min - pad, max + pad] : [min, max];
}

/** The x scale's current limits (uPlot always has an x scale). */
function xScale(chart: uPlot): { min?: number | undefined; max?: number | undefined } {
  return chart.scales.x ?? {};
}

function fullRangeOf(x: readonly number[]): { min: number; max: number } | null {
  const first = x[0];
  const last = x[x.length - 1];
  return first === undefined || last === undefined ? null : { min: first, max: last };
}

/** Zooms the x scale by `factor` around `center`, never beyond the data. */
function zoomChartAround(
  chart: uPlot,
  center: number,
  factor: number,
  full: { min: number; max: number } | null,
): void {
  const scale = xScale(chart);
  if (scale.min === undefined || scale.max === undefined || !full) return;
  let min = center - (center - scale.min) * factor;
  let max = center + (scale.max - center) * factor;
  if (max - min >= full.max - full.min) {
    min = full.min;
    max = full.max;
  }
  chart.setScale("x", { min, max });
}

export interface HistoryChartProps {
  points: HistoryChartPoint[];
  metric: MetricKind;
  metricLabel: string;
  markers?: HistoryMarker[];
  height?: number;
  /** Where a click on a point goes; default: the run page. Null disables navigation. */
  runHref?: ((runId: string) => string) | null;
}

/**
 * A series history: the metric over time (or commit order), one standard deviation
 * as a band, markers for regressions and change points. Drag to zoom, wheel to zoom
 * around the cursor, shift+drag or arrow keys to pan, double-click or 0 to reset;
 * hover shows commit, branch and value; click (or Enter on the keyboard-focused
 * point) opens the run.
 */
export function HistoryChart({
  points,
  metric,
  metricLabel,
  markers = [],
  height = 360,
  runHref = (runId) => `/runs/${encodeURIComponent(runId)}`,
}: HistoryChartProps) {
  const router = useRouter();
  const [axis, setAxis] = useState<HistoryAxis>("date");
  const chartRef = useRef<uPlot | null>(null);
  const focusIndex = useRef<number | null>(null);
  const sorted = useMemo(
    () => sortHistory(points.map((point) => ({ ...point, recordedAt: point.timestamp }))),
    [points],
  );
  const columns = useMemo(() => historyColumns(sorted, axis), [sorted, axis]);
  const data = useMemo<uPlot.AlignedData>(
    () => [columns.x, columns.low, columns.high, columns.value],
    [columns],
  );
  const placedMarkers = useMemo(() => placeMarkers(markers, sorted), [markers, sorted]);

  const options = useCallback(
    ({
      width,
      height: chartHeight,
      theme,
    }: {
      width: number;
      height: number;
      theme: ChartTheme;
    }): uPlot.Options => {
      const lineColor = theme.series[0] as string;
      const drawMarkers = (chart: uPlot) => {
        const context = chart.ctx;
        const ratio = devicePixelRatio || 1;
        context.save();
        context.font = `${11 * ratio}px system-ui, sans-serif`;
        // uPlot leaves its axis labels' alignment on the shared context (right or centre):
        // labels are laid out from their left end, so draw them from there.
        context.textAlign = "left";
        context.textBaseline = "alphabetic";
        const drawn = layoutMarkers({
          markers: placedMarkers,
          xs: columns.x,
          toPixel: (x) => chart.valToPos(x, "x", true),
          plot: chart.bbox,
          textWidth: (label) => context.measureText(label).width,
          ratio,
        });
        for (const marker of drawn) {
          context.strokeStyle = theme[marker.tone];
          context.fillStyle = theme[marker.tone];
          context.lineWidth = 1.5 * ratio;
          context.setLineDash([5 * ratio, 4 * ratio]);
          context.beginPath();
          context.moveTo(marker.lineX, chart.bbox.top);
          context.lineTo(marker.lineX, chart.bbox.top + chart.bbox.height);
          context.stroke();
          context.setLineDash([]);
          context.fillText(marker.label, marker.labelX, marker.labelY);
        }
        // Where each label went, in CSS pixels of the canvas: e2e tests check the ink is there.
        chart.root.dataset.markerLabels = JSON.stringify(
          drawn.map((marker) => ({
            label: marker.label,
            color: theme[marker.tone],
            lineX: marker.lineX / ratio,
            labelX: marker.labelX / ratio,
            labelY: marker.labelY / ratio,
            width: context.measureText(marker.label).width / ratio,
          })),
        );
        context.restore();
      };
      const showPoints = sorted.length <= 400;
      return {
        width,
        height: chartHeight,
        legend: { show: false },
        // Ticks fall on UTC boundaries, as every date on the page is in UTC.
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
        scales: {
          x: {
            time: axis === "date",
            // One point (or all at one instant) gets a day (or one commit) either side of it.
            range: (_u, min, max) => xRange(min, max, axis, columns.x),
          },
          y: {
            range: (_u, min, max) => {
              const span = max - min || Math.abs(max) || 1;
              return [Math.max(0, min - span * 0.1), max + span * 0.1];
            },
          },
        },
        cursor: {
          drag: { x: true, y: false, setScale: true },
          points: { size: 8, fill: lineColor },
        },
        axes: [
          themedAxis(
            theme,
            axis === "date"
              ? {
                  label: "time (UTC)",
                  // Room for the widest label ("2026-01-15"): zoomed-in ticks never touch.
                  space: tickSpacePx(10),
                  size: 52,
                  values: (_u, splits, _axis, _space, increment) =>
                    splits.map((split) => formatTimeTick(split, increment)),
                }
              : {
                  label: "commits, oldest first",
                  space: tickSpacePx(7),
                  values: (_u, splits) =>
                    splits.map((split) => {
                      const point = sorted[Math.round(split)];
                      return Number.isInteger(split) && point ? shortSha(point.commitSha) : "";
                    }),
                },
          ),
          themedAxis(theme, {
            label: metricLabel,
            size: 72,
            values: (_u, splits, _axis, _space, increment) =>
              splits.map((value) => formatMetricTick(metric, value, increment)),
          }),
        ],
        series: [
          {},
          { label: "low", stroke: "transparent", points: { show: false } },
          { label: "high", stroke: "transparent", points: { show: false } },
          {
            label: metricLabel,
            stroke: lineColor,
            width: 1.5,
            spanGaps: true,
            points: { show: showPoints, size: 5, fill: lineColor },
          },
        ],
        bands: [{ series: [2, 1], fill: withAlpha(lineColor, 0.16) }],
        hooks: { draw: [drawMarkers] },
      };
    },
    [axis, columns, placedMarkers, metric, metricLabel, sorted],
  );

  const onCreate = useCallback(
    (chart: uPlot) => {
      chartRef.current = chart;
      const over = chart.over;
      const tooltip = document.createElement("div");
      tooltip.className = "chart-tooltip";
      tooltip.style.display = "none";
      tooltip.setAttribute("data-testid", "history-tooltip");
      over.appendChild(tooltip);

      const render = () => {
        const index = chart.cursor.idx;
        const point = index === null || index === undefined ? undefined : sorted[index];
        if (!point) {
          tooltip.style.display = "none";
          return;
        }
        const left = chart.valToPos(columns.x[index as number] as number, "x");
        const top = chart.valToPos(point.value, "y");
        const interval =
          point.low !== null && point.high !== null && metric === "duration"
            ? ` ± ${formatDuration((point.high - point.low) / 2)}`
            : "";
        tooltip.innerHTML = "";
        const lines: [string, string][] = [
          [formatMetric(metric, point.value) + interval, "value"],
          [formatDateTime(point.timestamp), ""],
          [
            `${point.commitSha ? shortSha(point.commitSha) : "no commit"}${point.branch ? ` · ${point.branch}` : ""}`,
            "mono",
          ],
        ];
        for (const [text, kind] of lines) {
          const line = document.createElement("div");
          line.textContent = text;
          if (kind === "value") line.style.fontWeight = "600";
          if (kind === "mono") line.className = "mono";
          tooltip.appendChild(line);
        }
        if (runHref) {
          const hint = document.createElement("div");
          hint.className = "mono";
          hint.textContent = "click to open the run";
          tooltip.appendChild(hint);
        }
        tooltip.style.display = "block";
        const width = tooltip.offsetWidth;
        const flip = left + width + 16 > over.clientWidth;
        tooltip.style.left = `${flip ? left - width - 12 : left + 12}px`;
        tooltip.style.top = `${Math.max(0, top - 40)}px`;
      };
      chart.hooks.setCursor = [...(chart.hooks.setCursor ?? []), render];

      let downX = 0;
      let panning: { startX: number; min: number; max: number } | null = null;
      const onMouseDown = (event: MouseEvent) => {
        downX = event.clientX;
        if (event.shiftKey) {
          event.stopPropagation();
          const scale = xScale(chart);
          panning = { startX: event.clientX, min: scale.min ?? 0, max: scale.max ?? 0 };
        }
      };
      const onMouseMove = (event: MouseEvent) => {
        if (!panning) return;
        const perPixel = (panning.max - panning.min) / chart.bbox.width / (devicePixelRatio || 1);
        const shift = (panning.startX - event.clientX) * perPixel * (devicePixelRatio || 1);
        chart.setScale("x", { min: panning.min + shift, max: panning.max + shift });
      };
      const onMouseUp = () => {
        panning = null;
      };
      const onClick = (event: MouseEvent) => {
        if (Math.abs(event.clientX - downX) > 4 || !runHref) return;
        const index = chart.cursor.idx;
        const point = index === null || index === undefined ? undefined : sorted[index];
        if (point) router.push(runHref(point.runId));
      };
      const onWheel = (event: WheelEvent) => {
        event.preventDefault();
        const scale = xScale(chart);
        if (scale.min === undefined || scale.max === undefined) return;
        const rect = over.getBoundingClientRect();
        const at = chart.posToVal(event.clientX - rect.left, "x");
        const factor = event.deltaY < 0 ? 0.8 : 1.25;
        zoomChartAround(chart, at, factor, fullRangeOf(columns.x));
      };
      over.addEventListener("mousedown", onMouseDown, true);
      window.addEventListener("mousemove", onMouseMove);
      window.addEventListener("mouseup", onMouseUp);
      over.addEventListener("click", onClick);
      over.addEventListener("wheel", onWheel, { passive: false });
      return () => {
        over.removeEventListener("mousedown", onMouseDown, true);
        window.removeEventListener("mousemove", onMouseMove);
        window.removeEventListener("mouseup", onMouseUp);
        over.removeEventListener("click", onClick);
        over.removeEventListener("wheel", onWheel);
        chartRef.current = null;
      };
    },
    [columns, metric, router, runHref, sorted],
  );

  const fullRange = () => fullRangeOf(columns.x);
  const zoomAround = (chart: uPlot, center: number, factor: number) =>
    zoomChartAround(chart, center, factor, fullRangeOf(columns.x));

  function moveFocus(chart: uPlot, index: number) {
    const clamped = Math.max(0, Math.min(sorted.length - 1, index));
    focusIndex.current = clamped;
    const x = columns.x[clamped] as number;
    const point = sorted[clamped];
    if (!point) return;
    const scale = xScale(chart);
    if (scale.min !== undefined && scale.max !== undefined && (x < scale.min || x > scale.max)) {
      const half = (scale.max - scale.min) / 2;
      chart.setScale("x", { min: x - half, max: x + half });
    }
    chart.setCursor({ left: chart.valToPos(x, "x"), top: chart.valToPos(point.value, "y") });
  }

  function onKeyDown(event: React.KeyboardEvent) {
    const chart = chartRef.current;
    if (!chart || sorted.length === 0) return;
    const scale = xScale(chart);
    const current = focusIndex.current ?? sorted.length - 1;
    const span = (scale.max ?? 0) - (scale.min ?? 0);
    switch (event.key) {
      case "ArrowLeft":
      case "ArrowRight": {
        event.preventDefault();
        const direction = event.key === "ArrowLeft" ? -1 : 1;
        if (event.shiftKey && scale.min !== undefined && scale.max !== undefined) {
          chart.setScale("x", {
            min: scale.min + direction * span * 0.2,
            max: scale.max + direction * span * 0.2,
          });
        } else {
          moveFocus(chart, focusIndex.current === null ? sorted.length - 1 : current + direction);
        }
        break;
      }
      case "Home":
        event.preventDefault();
        moveFocus(chart, 0);
        break;
      case "End":
        event.preventDefault();
        moveFocus(chart, sorted.length - 1);
        break;
      case "+":
      case "=":
        event.preventDefault();
        zoomAround(chart, columns.x[current] ?? (scale.min ?? 0) + span / 2, 0.6);
        break;
      case "-":
        event.preventDefault();
        zoomAround(chart, columns.x[current] ?? (scale.min ?? 0) + span / 2, 1.6);
        break;
      case "0": {
        event.preventDefault();
        const full = fullRange();
        if (full) chart.setScale("x", full);
        break;
      }
      case "Enter": {
        const point = focusIndex.current === null ? undefined : sorted[focusIndex.current];
        if (point && runHref) router.push(runHref(point.runId));
        break;
      }
      default:
    }
  }

  function zoomButton(factor: number) {
    const chart = chartRef.current;
    if (!chart) return;
    const scale = xScale(chart);
    if (scale.min === undefined || scale.max === undefined) return;
    zoomAround(chart, (scale.min + scale.max) / 2, factor);
  }

  function reset() {
    const chart = chartRef.current;
    const full = fullRange();
    if (chart && full) chart.setScale("x", full);
  }

  if (sorted.length === 0) return <p className="muted">No points in this range.</p>;

  return (
    <div>
      <div className="chart-toolbar">
        <fieldset className="segmented">
          <legend className="visually-hidden">X axis</legend>
          <button type="button" aria-pressed={axis === "date"} onClick={() => setAxis("date")}>
            By date
          </button>
          <button type="button" aria-pressed={axis === "commit"} onClick={() => setAxis("commit")}>
            By commit order
          </button>
        </fieldset>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => zoomButton(0.6)} aria-label="Zoom in">
          +
        </button>
        <button type="button" className="small" onClick={() => zoomButton(1.6)} aria-label="Zoom out">
          −
        </button>
        <button type="button" className="small" onClick={reset}>
          Reset zoom
        </button>
      </div>
      <div
        role="application"
        aria-roledescription="chart"
        aria-label={`${metricLabel} history: arrow keys step through points, Enter opens the run`}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a keyboard-operated chart (role application, keys in the help text)
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-describedby="history-chart-help"
        data-testid="history-chart"
      >
        <UPlotChart
          options={options}
          data={data}
          height={height}
          label={`${metricLabel} over ${axis === "date" ? "time" : "commits"}, ${sorted.length} points`}
          onCreate={onCreate}
          onRendered={(milliseconds) => {
            (window as unknown as { __threadbenchChartRenderMs?: number }).__threadbenchChartRenderMs =
              milliseconds;
          }}
        />
      </div>
      <p className="chart-caption" id="history-chart-help">
        Drag to zoom, mouse wheel to zoom around the cursor, shift+drag to pan, double-click to reset.
        Keyboard: focus the chart, ← → to step through points, shift+← → to pan, + − to zoom, 0 to reset,
        Enter to open the run. Band: ±1 standard deviation of the repetitions.
      </p>
    </div>
  );
}
