/**
 * A series summary as the explorer's table (components/series-table.tsx) and the
 * overview's cards (components/series-card.tsx) show it. Both are client components, so
 * the values are formatted here, on the server: the browser gets strings and no
 * formatting code, and the page's RSC payload carries each series' values once.
 */
import { formatDuration } from "@threadbench/core";
import type { SeriesCardData } from "../components/series-card";
import type { SeriesRow } from "../components/series-table";
import type { SeriesSummaryFieldsFragment } from "../generated/graphql";
import { sparklinePath } from "./chart-data";
import { formatChange, formatDateTime, formatParams } from "./format";

type Series = SeriesSummaryFieldsFragment["series"];

/** Whether a change is bad, good or noise, for a metric where lower (or higher) is better. */
export function changeClass(change: number | null | undefined, lowerIsBetter: boolean): string {
  if (change === null || change === undefined || Math.abs(change) <= 0.005) return "muted";
  return change > 0 === lowerIsBetter ? "change-up" : "change-down";
}

/** "node 20.20.2 · ci-runner-7": the runtime first, it is what tells two series apart. */
export function seriesWhere(series: Series): string {
  return series.testbed ? `${series.testbed.runtimeLabel} · ${series.testbed.hostname}` : "unknown testbed";
}

/** " · pyperf · acme/imaging": the harness and project, when not the defaults. */
function sourceSuffix(series: Series): string {
  return `${series.harness !== "threadbench" ? ` · ${series.harness}` : ""}${series.project !== "default" ? ` · ${series.project}` : ""}`;
}

/** What a row and a card both show: which series, its newest value and its open regressions. */
function seriesBasics(summary: SeriesSummaryFieldsFragment) {
  const { series } = summary;
  return {
    key: series.key,
    workloadId: series.workloadId,
    mode: series.mode,
    threads: series.threads,
    latest: formatDuration(summary.latestValue),
    latestAt: formatDateTime(summary.latestAt),
    openRegressions: summary.openRegressions,
  };
}

/** A row of the explorer's table (median wall time: lower is better). */
export function toSeriesRow(summary: SeriesSummaryFieldsFragment): SeriesRow {
  const { series } = summary;
  return {
    ...seriesBasics(summary),
    details: `${formatParams(series.params)}${sourceSuffix(series)}`,
    testbed: series.testbed
      ? { runtimeLabel: series.testbed.runtimeLabel, hostname: series.testbed.hostname }
      : null,
    branch: series.branch ?? null,
    sparkline: sparklinePath(summary.recent, 120, 24),
    change: formatChange(summary.change),
    changeClass: changeClass(summary.change, true),
  };
}

/** A card of the overview (median wall time: lower is better). */
export function toSeriesCard(summary: SeriesSummaryFieldsFragment): SeriesCardData {
  const { series } = summary;
  return {
    ...seriesBasics(summary),
    where: seriesWhere(series),
    details: `${formatParams(series.params)} · ${series.branch ?? "no branch"}${sourceSuffix(series)}`,
    sparkline: sparklinePath(summary.recent, 200, 32),
    change:
      summary.change !== null && summary.change !== undefined
        ? { text: formatChange(summary.change), className: changeClass(summary.change, true) }
        : null,
  };
}
