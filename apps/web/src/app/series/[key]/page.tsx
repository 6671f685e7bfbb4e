import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { HistoryChart, type HistoryMarker } from "../../../components/charts/history-chart";
import { CommitRef, ModeName, RuntimeLabel } from "../../../components/names";
import { RegressionList } from "../../../components/regressions";
import { TableScroll } from "../../../components/table-scroll";
import { ErrorCallout, NotInApi } from "../../../components/ui";
import { SeriesHistoryQuery } from "../../../graphql/queries";
import { serverQuery } from "../../../graphql/server";
import { latestChange } from "../../../lib/chart-data";
import { formatChange, formatCount, formatDateTime, formatMetric, formatParams } from "../../../lib/format";
import { enumToWord } from "../../../lib/labels";
import { seriesMetrics } from "../../../lib/series-metrics";
import { commitUrlTemplate } from "../../../lib/server-config";
import type { SearchParamsRecord } from "../../../lib/url-state";

export const metadata: Metadata = { title: "Series history" };

const metrics = seriesMetrics;
/** 4,000 is what fits the API's default query cost limit (50,000). */
const pointLimits = [500, 2000, 4000] as const;

interface PageProps {
  params: Promise<{ key: string }>;
  searchParams: Promise<SearchParamsRecord>;
}

export default async function SeriesPage({ params, searchParams }: PageProps) {
  const { key: rawKey } = await params;
  const key = decodeURIComponent(rawKey);
  const search = await searchParams;
  const metric =
    metrics.find((candidate) => candidate.word === search.metric) ?? (metrics[0] as (typeof metrics)[number]);
  const requestedPoints = Number(search.points);
  const maxPoints = (pointLimits as readonly number[]).includes(requestedPoints) ? requestedPoints : 2000;
  const result = await serverQuery(SeriesHistoryQuery, { key, metric: metric.id, maxPoints });
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
  const history = result.data.history;
  const about = result.data.about;
  // HTTP 404 with the styled not-found page (app/not-found.tsx).
  if (!history || !about) notFound();
  const { series } = about;
  const commitTemplate = commitUrlTemplate();
  const exportHref = (format: "csv" | "json") =>
    `/series/${encodeURIComponent(key)}/export?${new URLSearchParams({ format, metric: metric.word }).toString()}`;
  const { points } = history;
  const regressionRuns = new Set(series.regressions.map((regression) => regression.runId));
  const markers: HistoryMarker[] = [
    ...series.regressions
      .filter((regression) => regression.metric === metric.id)
      .map((regression) => ({
        runId: regression.runId,
        ...(regression.run?.createdAt ? { timestamp: regression.run.createdAt } : {}),
        label: `${regression.kind === "REGRESSION" ? "regression" : "improvement"} ${formatChange(regression.size)} (${enumToWord(regression.status).replace("-", " ")})`,
        tone: regression.kind === "REGRESSION" ? ("bad" as const) : ("good" as const),
      })),
    ...series.changePoints
      .filter((changePoint) => !regressionRuns.has(changePoint.runId))
      .map((changePoint) => ({
        runId: changePoint.runId,
        timestamp: changePoint.timestamp,
        label: `change ${formatChange(changePoint.relativeStep)}`,
        tone: "warn" as const,
      })),
  ];
  const change = latestChange(points.map((point) => point.value));
  const latest = points[points.length - 1];
  const recent = points.slice(-15).reverse();

  return (
    <>
      <div className="page-head">
        <div>
          <div className="breadcrumbs">
            <Link href="/">Overview</Link> / series
          </div>
          <h1>
            {series.workload?.title ?? series.workloadId}: <ModeName mode={series.mode} /> × {series.threads}{" "}
            {series.threads === 1 ? "thread" : "threads"} · <RuntimeLabel testbed={series.testbed} />
          </h1>
          <p className="subtitle">
            {formatParams(series.params)} · {enumToWord(series.scaling)} scaling · branch{" "}
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
          <Link
            className="button"
            href={`/runs?workload=${encodeURIComponent(series.workloadId)}${series.branch ? `&branch=${encodeURIComponent(series.branch)}` : ""}`}
          >
            Runs of this series
          </Link>
        </div>
      </div>

      <section className="panel" aria-labelledby="history-heading">
        <h2 id="history-heading">
          <span>
            {metric.label}
            {latest ? (
              <span className="panel-note">
                {" "}
                latest {formatMetric(metric.kind, latest.value)}{" "}
                {change !== null ? (
                  <span
                    className={
                      change > 0 === metric.lowerIsBetter && Math.abs(change) > 0.005
                        ? "change-up"
                        : "change-down"
                    }
                  >
                    ({formatChange(change)} vs recent median)
                  </span>
                ) : null}
              </span>
            ) : null}
          </span>
          <span className="panel-note">
            {formatCount(points.length)} point{points.length === 1 ? "" : "s"}
            {history.downsampled ? ` (downsampled from ${formatCount(history.totalPoints)})` : ""}
          </span>
        </h2>
        <div className="chart-toolbar">
          <nav className="segmented tabs-scroll" aria-label="Metric" data-testid="metric-tabs">
            {metrics.map((candidate) => (
              <Link
                key={candidate.id}
                href={hrefWith({ metric: candidate.word })}
                aria-current={candidate.id === metric.id ? "true" : undefined}
                title={candidate.label}
              >
                {candidate.tab}
              </Link>
            ))}
          </nav>
          {history.totalPoints > 500 ? (
            <nav className="segmented" aria-label="Points">
              {pointLimits.map((limit) => (
                <Link
                  key={limit}
                  href={hrefWith({ points: limit })}
                  aria-current={limit === maxPoints ? "true" : undefined}
                >
                  {formatCount(limit)} pts
                </Link>
              ))}
            </nav>
          ) : null}
        </div>
        {points.length === 0 ? (
          <p className="muted">This series has no points yet.</p>
        ) : (
          <HistoryChart points={points} metric={metric.kind} metricLabel={metric.label} markers={markers} />
        )}
        <p className="chart-caption">
          Dashed red/green lines: stored regressions/improvements (found in the median wall time); amber:
          other change points the detector sees in this metric.
        </p>
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
          <span className="panel-note">{series.regressions.length} detected</span>
        </h2>
        {series.regressions.length === 0 ? (
          <p className="muted">
            No step change detected in this series
            {series.changePoints.length > 0 ? " was stored as a regression" : ""}.
          </p>
        ) : (
          <RegressionList regressions={series.regressions} actions showSeries={false} />
        )}
        {series.changePoints.length > 0 ? (
          <details style={{ marginTop: 12 }}>
            <summary>
              {series.changePoints.length} change point{series.changePoints.length === 1 ? "" : "s"} in{" "}
              {metric.label}
            </summary>
            <TableScroll label="Change points">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">At (UTC)</th>
                    <th scope="col">Commit</th>
                    <th scope="col" className="num">
                      Before → after
                    </th>
                    <th scope="col" className="num">
                      Step (95%)
                    </th>
                    <th scope="col" className="num">
                      Confidence
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {series.changePoints.map((changePoint) => (
                    <tr key={`${changePoint.runId}:${changePoint.index}`}>
                      <td className="nowrap">
                        <Link href={`/runs/${encodeURIComponent(changePoint.runId)}`}>
                          {formatDateTime(changePoint.timestamp)}
                        </Link>
                      </td>
                      <td>
                        <CommitRef sha={changePoint.commitSha} template={commitTemplate} />
                      </td>
                      <td className="num">
                        {formatMetric(metric.kind, changePoint.beforeMedian)} →{" "}
                        {formatMetric(metric.kind, changePoint.afterMedian)}
                      </td>
                      <td className="num">
                        {formatChange(changePoint.relativeStep)}
                        {changePoint.relativeStepLow !== null && changePoint.relativeStepHigh !== null ? (
                          <span className="muted small">
                            {" "}
                            ({formatChange(changePoint.relativeStepLow)} …{" "}
                            {formatChange(changePoint.relativeStepHigh)})
                          </span>
                        ) : null}
                      </td>
                      <td className="num">{(changePoint.confidence * 100).toFixed(1)}%</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </details>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="recent-heading">
        <h2 id="recent-heading">Latest points</h2>
        <TableScroll label="Latest points">
          <table className="data" data-testid="latest-points">
            <thead>
              <tr>
                <th scope="col">Recorded (UTC)</th>
                <th scope="col">Commit</th>
                <th scope="col">Branch</th>
                <th scope="col" className="num">
                  {metric.label}
                </th>
                <th scope="col">Run</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((point) => (
                <tr key={`${point.runId}:${point.timestamp}`}>
                  <td className="nowrap">{formatDateTime(point.timestamp)}</td>
                  <td>
                    <CommitRef sha={point.commitSha} template={commitTemplate} />
                  </td>
                  <td>{point.branch ?? "–"}</td>
                  <td className="num">{formatMetric(metric.kind, point.value)}</td>
                  <td>
                    <Link href={`/runs/${encodeURIComponent(point.runId)}`}>open</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
    </>
  );
}
