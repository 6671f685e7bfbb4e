import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { AppLink } from "../../../components/app-link";
import { ModeName, RuntimeLabel } from "../../../components/names";
import { RegressionList } from "../../../components/regressions";
import {
  ChartPlaceholder,
  LatestPointsSection,
  pointLimits,
  SeriesChartSection,
} from "../../../components/series-history-sections";
import { ErrorCallout, NotInApi } from "../../../components/ui";
import { SeriesAboutQuery } from "../../../graphql/queries";
import { serverQuery } from "../../../graphql/server";
import { formatParams } from "../../../lib/format";
import { scalingKindLabels } from "../../../lib/labels";
import { seriesMetrics } from "../../../lib/series-metrics";
import { commitUrlTemplate } from "../../../lib/server-config";
import type { SearchParamsRecord } from "../../../lib/url-state";

export const metadata: Metadata = { title: "Series history" };

const metrics = seriesMetrics;

interface PageProps {
  params: Promise<{ key: string }>;
  searchParams: Promise<SearchParamsRecord>;
}

/**
 * One series' history. The heading, metric tabs and regressions come from one small
 * query; the chart, its change points and the latest points stream in after it (they
 * read up to 5,000 points and run the change-point detector).
 */
export default async function SeriesPage({ params, searchParams }: PageProps) {
  const { key: rawKey } = await params;
  const key = decodeURIComponent(rawKey);
  const search = await searchParams;
  const metric =
    metrics.find((candidate) => candidate.word === search.metric) ?? (metrics[0] as (typeof metrics)[number]);
  const requestedPoints = Number(search.points);
  const maxPoints = (pointLimits as readonly number[]).includes(requestedPoints) ? requestedPoints : 2000;
  const result = await serverQuery(SeriesAboutQuery, { key });
  const hrefWith = (changes: { metric?: string; points?: number }) => {
    const query = new URLSearchParams();
    const metricWord = changes.metric ?? metric.word;
    if (metricWord !== "wall-median") query.set("metric", metricWord);
    const pointCount = changes.points ?? maxPoints;
    if (pointCount !== 2000) query.set("points", String(pointCount));
    const text = query.toString();
    return `/series/${encodeURIComponent(key)}${text ? `?${text}` : ""}`;
  };

  if (!result.ok) {
    return (
      <>
        <h1>Series history</h1>
        <ErrorCallout error={result.error} />
      </>
    );
  }
  const about = result.data.about;
  // HTTP 404 with the styled not-found page (app/not-found.tsx).
  if (!about) notFound();
  const { series } = about;
  const commitTemplate = commitUrlTemplate();
  const exportHref = (format: "csv" | "json") =>
    `/series/${encodeURIComponent(key)}/export?${new URLSearchParams({ format, metric: metric.word }).toString()}`;
  const chartRegressions = series.regressions.filter((regression) => regression.seriesMetric === metric.id);

  return (
    <>
      <div className="page-head">
        <div>
          <div className="breadcrumbs">
            <AppLink href="/">Overview</AppLink> / <AppLink href="/series">series</AppLink>
          </div>
          <h1>
            {series.workload?.title ?? series.workloadId}: <ModeName mode={series.mode} /> × {series.threads}{" "}
            {series.threads === 1 ? "thread" : "threads"} · <RuntimeLabel testbed={series.testbed} />
          </h1>
          <p className="subtitle">
            {formatParams(series.params)} · {scalingKindLabels[series.scaling]} scaling · branch{" "}
            {series.branch ?? "(none)"}
            {series.testbed
              ? ` · ${series.testbed.hostname} (${series.testbed.cpuModel}, ${series.testbed.logicalCores} cores)`
              : ""}
            {series.harness !== "threadbench" ? ` · from ${series.harness}` : ""}
            {series.project !== "default" ? ` · project ${series.project}` : ""}
          </p>
        </div>
        <div className="actions">
          <a className="button" href={exportHref("csv")} download data-testid="export-series-csv">
            Export CSV
          </a>
          <a className="button" href={exportHref("json")} download data-testid="export-series-json">
            Export JSON
          </a>
          <AppLink
            className="button"
            href={`/runs?workload=${encodeURIComponent(series.workloadId)}${series.branch ? `&branch=${encodeURIComponent(series.branch)}` : ""}`}
          >
            Runs of this series
          </AppLink>
        </div>
      </div>

      <section className="panel" aria-labelledby="history-heading">
        <h2 id="history-heading">{metric.label}</h2>
        <div className="chart-toolbar">
          <nav className="segmented tabs-scroll" aria-label="Metric" data-testid="metric-tabs">
            {metrics.map((candidate) => (
              <AppLink
                key={candidate.id}
                href={hrefWith({ metric: candidate.word })}
                aria-current={candidate.id === metric.id ? "true" : undefined}
                title={candidate.label}
              >
                {candidate.tab}
              </AppLink>
            ))}
          </nav>
        </div>
        <Suspense fallback={<ChartPlaceholder />}>
          <SeriesChartSection
            seriesKey={key}
            metric={metric}
            maxPoints={maxPoints}
            regressions={chartRegressions}
            commitTemplate={commitTemplate}
            pointsHref={(points) => hrefWith({ points })}
          />
        </Suspense>
        {series.muted ? (
          <NotInApi>
            This series is muted{series.mutedReason ? ` (${series.mutedReason})` : ""}: its history is kept,
            but no regressions are stored for it.
          </NotInApi>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="regressions-heading">
        <h2 id="regressions-heading">
          <span>Regressions and improvements</span>
          <span className="panel-note">{series.regressions.length} stored</span>
        </h2>
        {series.regressions.length === 0 ? (
          <p className="muted">No regression or improvement is stored for this series.</p>
        ) : (
          <RegressionList regressions={series.regressions} actions showSeries={false} />
        )}
      </section>

      <section className="panel" aria-labelledby="recent-heading">
        <h2 id="recent-heading">Latest points</h2>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <LatestPointsSection
            seriesKey={key}
            metric={metric}
            maxPoints={maxPoints}
            commitTemplate={commitTemplate}
          />
        </Suspense>
      </section>
    </>
  );
}
