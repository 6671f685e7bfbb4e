"use client";

import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import { paletteSize } from "../../lib/mode-colors";
import { themeChangeEvent } from "../../lib/theme";

/** Colours read from the active theme's CSS variables. */
export interface ChartTheme {
  series: string[];
  ideal: string;
  grid: string;
  axis: string;
  text: string;
  bad: string;
  warn: string;
  good: string;
  surface: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.documentElement);
  return {
    series: Array.from({ length: paletteSize }, (_, index) =>
      cssVar(style, `--series-${index + 1}`, "#4c6ef5"),
    ),
    ideal: cssVar(style, "--ideal", "#868e96"),
    grid: cssVar(style, "--grid", "rgba(0,0,0,0.08)"),
    axis: cssVar(style, "--axis", "#5b6470"),
    text: cssVar(style, "--text", "#1b1f24"),
    bad: cssVar(style, "--bad", "#b42318"),
    warn: cssVar(style, "--warn", "#8a5a00"),
    good: cssVar(style, "--good", "#17803d"),
    surface: cssVar(style, "--surface", "#ffffff"),
  };
}

/** The colour of a palette slot (see lib/mode-colors.ts) in the active theme. */
export function slotColor(theme: ChartTheme, slot: number): string {
  return theme.series[((slot % theme.series.length) + theme.series.length) % theme.series.length] as string;
}

/** An axis styled for the theme. */
export function themedAxis(theme: ChartTheme, overrides: uPlot.Axis = {}): uPlot.Axis {
  return {
    stroke: theme.axis,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    font: "12px system-ui, sans-serif",
    labelFont: "12px system-ui, sans-serif",
    ...overrides,
  };
}

/** Colour with alpha, for bands: works for #rrggbb; other formats are returned as is. */
export function withAlpha(color: string, alpha: number): string {
  const match = /^#([0-9a-f]{6})$/i.exec(color);
  if (!match) return color;
  const value = Number.parseInt(match[1] as string, 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

export interface UPlotChartProps {
  /** Builds the options for the current width and theme. */
  options: (context: { width: number; height: number; theme: ChartTheme }) => uPlot.Options;
  data: uPlot.AlignedData;
  height: number;
  /** Describes the chart for screen readers (the tables on the page carry the numbers). */
  label: string;
  className?: string;
  /** Called with the chart after each (re)creation; returns an optional cleanup. */
  onCreate?: (chart: uPlot) => undefined | (() => void);
  /** The chart's own render time: building options, construction and first draw, in ms. */
  onRendered?: (milliseconds: number) => void;
}

function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((current) => current + 1);
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    window.addEventListener(themeChangeEvent, bump);
    media.addEventListener("change", bump);
    return () => {
      window.removeEventListener(themeChangeEvent, bump);
      media.removeEventListener("change", bump);
    };
  }, []);
  return version;
}

/**
 * uPlot in React: created on mount and whenever data, options or theme change,
 * resized with its container, destroyed on unmount. uPlot draws to canvas, which is
 * what keeps tens of thousands of points fast.
 */
export function UPlotChart({
  options,
  data,
  height,
  label,
  className,
  onCreate,
  onRendered,
}: UPlotChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const themeVersion = useThemeVersion();
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    setWidth(Math.floor(element.clientWidth));
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Width changes resize the existing chart rather than rebuilding it.
  useEffect(() => {
    if (chartRef.current && width > 0) chartRef.current.setSize({ width, height });
  }, [width, height]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: width is read once at creation; later widths go through setSize above. themeVersion forces re-reading colours.
  useEffect(() => {
    const element = containerRef.current;
    if (!element || width === 0) return;
    const theme = readChartTheme();
    const started = performance.now();
    const built = options({ width, height, theme });
    let constructMs = 0;
    let drawStarted = 0;
    let reported = false;
    // The chart's own work is construction plus its first draw. uPlot draws in a
    // microtask after construction, so wall time to the first draw also contains
    // whatever else React runs in between; both are recorded.
    const withTiming: uPlot.Options = {
      ...built,
      hooks: {
        ...built.hooks,
        drawClear: [
          ...(built.hooks?.drawClear ?? []),
          () => {
            if (!reported) drawStarted = performance.now();
          },
        ],
        draw: [
          ...(built.hooks?.draw ?? []),
          () => {
            if (reported) return;
            reported = true;
            const finished = performance.now();
            // A draw inside the constructor (constructMs not yet set) is all chart work.
            const renderMs = constructMs === 0 ? finished - started : constructMs + (finished - drawStarted);
            element.dataset.renderMs = renderMs.toFixed(2);
            element.dataset.firstDrawMs = (finished - started).toFixed(2);
            onRendered?.(renderMs);
          },
        ],
      },
    };
    const chart = new uPlot(withTiming, data, element);
    constructMs = performance.now() - started;
    chartRef.current = chart;
    // The instance on its element: the e2e tests read the axes' ticks and scales from it.
    (element as HTMLDivElement & { uplot?: uPlot }).uplot = chart;
    const cleanup = onCreate?.(chart);
    return () => {
      cleanup?.();
      chart.destroy();
      chartRef.current = null;
    };
  }, [data, options, themeVersion, width === 0]);

  return (
    <div
      ref={containerRef}
      className={`chart ${className ?? ""}`}
      style={{ minHeight: height }}
      role="img"
      aria-label={label}
    />
  );
}
