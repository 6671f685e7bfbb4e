/**
 * A series summary as the explorer's table shows it (components/series-table.tsx): the
 * values formatted here, on the server, so the client table gets strings and ships no
 * formatting code.
 */
import { formatDuration } from "@threadbench/core";
import { changeClass } from "../components/series-card";
import type { SeriesRow } from "../components/series-table";
import type { SeriesSummaryFieldsFragment } from "../generated/graphql";
import { sparklinePath } from "./chart-data";
import { formatChange, formatDateTime, formatParams } from "./format";

export function toSeriesRow(summary: SeriesSummaryFieldsFragment): SeriesRow {
  const { series } = summary;
  return {
    key: series.key,
    workloadId: series.workloadId,
    mode: series.mode,
    threads: series.threads,
    details: `${formatParams(series.params)}${series.harness !== "threadbench" ? ` · ${series.harness}` : ""}${series.project !== "default" ? ` · ${series.project}` : ""}`,
    testbed: series.testbed
      ? { runtimeLabel: series.testbed.runtimeLabel, hostname: series.testbed.hostname }
      : null,
    branch: series.branch ?? null,
    sparkline: sparklinePath(summary.recent, 120, 24),
    latest: formatDuration(summary.latestValue),
    latestAt: formatDateTime(summary.latestAt),
    change: formatChange(summary.change),
    changeClass: changeClass(summary.change, true),
    openRegressions: summary.openRegressions,
  };
}
