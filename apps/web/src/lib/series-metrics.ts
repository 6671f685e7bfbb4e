/** The metrics a series history can show, with their words in URLs and their units. */
import type { SeriesMetric } from "../generated/graphql";
import type { MetricKind } from "./format";

export interface SeriesMetricChoice {
  id: SeriesMetric;
  /** In the URL: ?metric=wall-median */
  word: string;
  label: string;
  /** The tab's short name: five of them fit one line at 390 px. */
  tab: string;
  kind: MetricKind;
  lowerIsBetter: boolean;
}

export const seriesMetrics: SeriesMetricChoice[] = [
  {
    id: "WALL_MEDIAN",
    word: "wall-median",
    label: "wall time (median)",
    tab: "median",
    kind: "duration",
    lowerIsBetter: true,
  },
  {
    id: "WALL_MIN",
    word: "wall-min",
    label: "wall time (min)",
    tab: "min",
    kind: "duration",
    lowerIsBetter: true,
  },
  {
    id: "CPU_MEDIAN",
    word: "cpu-median",
    label: "CPU time (median)",
    tab: "CPU",
    kind: "duration",
    lowerIsBetter: true,
  },
  { id: "SPEEDUP", word: "speedup", label: "speedup", tab: "speedup", kind: "speedup", lowerIsBetter: false },
  {
    id: "EFFICIENCY",
    word: "efficiency",
    label: "efficiency",
    tab: "efficiency",
    kind: "efficiency",
    lowerIsBetter: false,
  },
];

/** The metric named by a URL word, else the median wall time. */
export function seriesMetricOf(word: unknown): SeriesMetricChoice {
  return (
    seriesMetrics.find((candidate) => candidate.word === word) ?? (seriesMetrics[0] as SeriesMetricChoice)
  );
}
