/**
 * The history chart's markers, without the chart: which regressions, change points and
 * benchmark changes get a marker, with which label and tone; where each lands among the
 * shown points (a downsampled history may have dropped the run itself); and where its
 * line and label are drawn. Pure, so every rule is unit-tested; the component
 * (components/charts/history-chart.tsx) only paints the result on uPlot's canvas.
 */

import type { RegressionKind, RegressionStatus } from "../generated/graphql";
import { benchmarkChanges, type HashedPoint } from "./benchmark-changes";
import { markerLabelX } from "./chart-data";
import { formatChange } from "./format";
import { regressionKindLabels, regressionStatusLabels } from "./labels";

export type MarkerTone = "bad" | "good" | "warn";

/** A run to mark on the chart (regression, change point) with its tone. */
export interface HistoryMarker {
  runId: string;
  /** Used when the run's point was downsampled away: the nearest point in time is marked. */
  timestamp?: string;
  label: string;
  tone: MarkerTone;
  /** A changed benchmark (lib/benchmark-changes): never merged into a nearby regression. */
  benchmarkChange?: boolean;
}

/** The fields of a stored regression the chart marks. */
export interface MarkedRegression {
  runId: string;
  run?: { createdAt: string } | null;
  kind: RegressionKind;
  size: number | null;
  status: RegressionStatus;
}

/** A change point of the detector that no regression was stored for (yet). */
export interface MarkedChangePoint {
  runId: string;
  timestamp: string;
  relativeStep: number | null;
}

/**
 * Markers of the series' stored regressions ("regression +12.0% (open)", red; an
 * improvement green) and of the detector's change points ("change −8.0%", amber) at runs
 * that have no stored regression: one marker per step.
 */
export function seriesMarkers(
  regressions: readonly MarkedRegression[],
  changePoints: readonly MarkedChangePoint[],
): HistoryMarker[] {
  const regressionRuns = new Set(regressions.map((regression) => regression.runId));
  return [
    ...regressions.map(
      (regression): HistoryMarker => ({
        runId: regression.runId,
        ...(regression.run?.createdAt ? { timestamp: regression.run.createdAt } : {}),
        label: `${regressionKindLabels[regression.kind]} ${formatChange(regression.size)} (${regressionStatusLabels[regression.status]})`,
        tone: regression.kind === "REGRESSION" ? "bad" : "good",
      }),
    ),
    ...changePoints
      .filter((changePoint) => !regressionRuns.has(changePoint.runId))
      .map(
        (changePoint): HistoryMarker => ({
          runId: changePoint.runId,
          timestamp: changePoint.timestamp,
          label: `change ${formatChange(changePoint.relativeStep)}`,
          tone: "warn",
        }),
      ),
  ];
}

/** A shown point of the chart, in drawing order. */
export interface MarkablePoint extends HashedPoint {
  runId: string;
  timestamp: string;
}

/** A marker and the index of the shown point it stands at. */
export type PlacedMarker = HistoryMarker & { index: number };

/** Points either side within which an amber change point is the same step as a regression. */
export const SAME_STEP_POINTS = 2;

/**
 * Places the markers, plus one per change of benchmark source, on the shown points
 * (`sorted`, in drawing order): at the run's own point, else (downsampled away) at the
 * first point at or after the run's time; a marker past the last point is dropped. An
 * amber change point within two points of a regression or improvement is that same step
 * and is not marked twice; a benchmark change always is.
 */
export function placeMarkers(
  markers: readonly HistoryMarker[],
  sorted: readonly MarkablePoint[],
): PlacedMarker[] {
  const changes = benchmarkChanges(sorted).map(
    (change): HistoryMarker => ({
      runId: change.runId,
      timestamp: change.timestamp,
      label: change.label,
      tone: "warn",
      benchmarkChange: true,
    }),
  );
  const placed = [...markers, ...changes].flatMap((marker) => {
    let index = sorted.findIndex((point) => point.runId === marker.runId);
    if (index === -1 && marker.timestamp) {
      const target = Date.parse(marker.timestamp);
      index = sorted.findIndex((point) => Date.parse(point.timestamp) >= target);
    }
    return index === -1 ? [] : [{ ...marker, index }];
  });
  return placed.filter(
    (marker) =>
      marker.tone !== "warn" ||
      marker.benchmarkChange === true ||
      !placed.some(
        (other) => other.tone !== "warn" && Math.abs(other.index - marker.index) <= SAME_STEP_POINTS,
      ),
  );
}

/** The plot area in canvas pixels (uPlot's bbox). */
export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One marker as drawn: a dashed vertical line at `lineX` and its label at (labelX, labelY). */
export interface DrawnMarker {
  label: string;
  tone: MarkerTone;
  lineX: number;
  labelX: number;
  labelY: number;
}

/**
 * Where each placed marker is drawn (canvas pixels, `ratio` = devicePixelRatio): markers
 * whose line falls outside the plot (zoomed away) are skipped; a label sits right of its
 * line when it fits, else left of it, never cut at the plot's edge (a label at the right
 * edge once showed as "regression +12.0% (open"); labels are staggered over three rows
 * so that nearby markers do not overprint each other.
 */
export function layoutMarkers(options: {
  markers: readonly PlacedMarker[];
  /** The x value (seconds or commit index) of each shown point. */
  xs: readonly number[];
  /** x value to canvas pixels (uPlot's valToPos(x, "x", true)). */
  toPixel: (x: number) => number;
  plot: PlotBox;
  /** Width of a label in canvas pixels in the marker font. */
  textWidth: (label: string) => number;
  ratio: number;
}): DrawnMarker[] {
  const { markers, xs, toPixel, plot, textWidth, ratio } = options;
  const plotRight = plot.left + plot.width;
  const drawn: DrawnMarker[] = [];
  for (const [position, marker] of markers.entries()) {
    const x = xs[marker.index];
    if (x === undefined) continue;
    const lineX = toPixel(x);
    if (lineX < plot.left || lineX > plotRight) continue;
    drawn.push({
      label: marker.label,
      tone: marker.tone,
      lineX,
      labelX: markerLabelX({
        line: lineX,
        textWidth: textWidth(marker.label),
        plotLeft: plot.left,
        plotRight,
        gap: 4 * ratio,
      }),
      labelY: plot.top + (12 + (position % 3) * 14) * ratio,
    });
  }
  return drawn;
}
