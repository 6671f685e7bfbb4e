/** A series as a card: what it is, on which runtime, its sparkline, latest value and change. */

import type { SeriesSummaryFieldsFragment } from "../generated/graphql";
import { sparklinePath } from "../lib/chart-data";
import { formatChange, formatDateTime, formatMetric, formatParams, type MetricKind } from "../lib/format";
import { AppLink } from "./app-link";
import { ModeName } from "./names";
import { Badge } from "./ui";

/** Whether a change is bad, good or noise, for a metric where lower (or higher) is better. */
export function changeClass(change: number | null | undefined, lowerIsBetter: boolean): string {
  if (change === null || change === undefined || Math.abs(change) <= 0.005) return "muted";
  return change > 0 === lowerIsBetter ? "change-up" : "change-down";
}

/** "node 20.20.2 · ci-runner-7": the runtime first, it is what tells two series apart. */
export function seriesWhere(series: SeriesSummaryFieldsFragment["series"]): string {
  return series.testbed ? `${series.testbed.runtimeLabel} · ${series.testbed.hostname}` : "unknown testbed";
}

export function SeriesCard({
  summary,
  metric = "duration",
  lowerIsBetter = true,
}: {
  summary: SeriesSummaryFieldsFragment;
  metric?: MetricKind;
  lowerIsBetter?: boolean;
}) {
  const { series } = summary;
  return (
    <AppLink
      className="series-card"
      href={`/series/${encodeURIComponent(series.key)}`}
      data-series-key={series.key}
      data-testid="series-card"
    >
      <div className="title">
        {series.workloadId} · <ModeName mode={series.mode} /> × {series.threads}
      </div>
      <div className="meta runtime" title={seriesWhere(series)}>
        {seriesWhere(series)}
      </div>
      <div className="meta">
        {formatParams(series.params)} · {series.branch ?? "no branch"}
        {series.harness !== "threadbench" ? ` · ${series.harness}` : ""}
        {series.project !== "default" ? ` · ${series.project}` : ""}
      </div>
      <svg className="sparkline" viewBox="0 0 200 36" preserveAspectRatio="none" aria-hidden="true">
        <polyline points={sparklinePath(summary.recent, 200, 32)} transform="translate(0 2)" />
      </svg>
      <div className="figures">
        <span className="num">{formatMetric(metric, summary.latestValue)}</span>
        <span className="small">
          {summary.change !== null && summary.change !== undefined ? (
            <span className={changeClass(summary.change, lowerIsBetter)}>{formatChange(summary.change)}</span>
          ) : null}{" "}
          {summary.openRegressions > 0 ? (
            <Badge tone="bad">
              {summary.openRegressions} open regression{summary.openRegressions === 1 ? "" : "s"}
            </Badge>
          ) : null}
        </span>
      </div>
      <div className="meta">latest {formatDateTime(summary.latestAt)}</div>
    </AppLink>
  );
}
