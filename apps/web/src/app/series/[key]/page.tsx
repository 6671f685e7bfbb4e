import type { Metadata } from "next";
import Link from "next/link";
import { HistoryChart, type HistoryMarker } from "../../../components/charts/history-chart";
import { RegressionList } from "../../../components/regressions";
import { ErrorCallout, NotInApi } from "../../../components/ui";
import type { SeriesMetric } from "../../../generated/graphql";
import { SeriesHistoryQuery } from "../../../graphql/queries";
import { serverQuery } from "../../../graphql/server";
import { latestChange } from "../../../lib/chart-data";
import {
  formatChange,
  formatCount,
  formatDateTime,
  formatMetric,
  formatParams,
  type MetricKind,
  shortSha,
} from "../../../lib/format";
import { enumToWord } from "../../../lib/labels";
import type { SearchParamsRecord } from "../../../lib/url-state";

export const metadata: Metadata = { title: "Series history" };

const metrics: { id: SeriesMetric; word: string; label: string; kind: MetricKind; lowerIsBetter: boolean }[] =
  [
    {
      id: "WALL_MEDIAN",
      word: "wall-median",
      label: "wall time (median)",
      kind: "duration",
      lowerIsBetter: true,
    },
    { id: "WALL_MIN", word: "wall-min", label: "wall time (min)", kind: "duration", lowerIsBetter: true },
    {
      id: "CPU_MEDIAN",
      word: "cpu-median",
      label: "CPU time (median)",
      kind: "duration",
      lowerIsBetter: true,
    },
    { id: "SPEEDUP", word: "speedup", label: "speedup", kind: "speedup", lowerIsBetter: false },
    { id: "EFFICIENCY", word: "efficiency", label: "efficiency", kind: "efficiency", lowerIsBetter: false },
  ];
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
  if (!history || !about) {
    return (
      <>
        <h1>Series not found</h1>
        <div className="callout warn">
          <p>
            No series has the key <code>{key}</code>. Series are created when a run stores its first
            measurement: <Link href="/">see the tracked series</Link>.
          </p>
        </div>
      </>
    );
  }
  const { series } = about;
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
            {series.workload?.title ?? series.workloadId}: {enumToWord(series.mode)} × {series.threads}{" "}
            {series.threads === 1 ? "thread" : "threads"}
          </h1>
          <p className="subtitle">
            {formatParams(series.params)} · {enumToWord(series.scaling)} scaling · branch{" "}
            {series.branch ?? "(none)"}
            {series.testbed
              ? ` · ${series.testbed.hostname} (${series.testbed.cpuModel}, ${series.testbed.logicalCores} cores, ${series.testbed.runtime} ${series.testbed.runtimeVersion})`
              : ""}
          </p>
        </div>
        <div className="actions">
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
          <nav className="segmented" aria-label="Metric">
            {metrics.map((candidate) => (
              <Link
                key={candidate.id}
                href={hrefWith({ metric: candidate.word })}
                aria-current={candidate.id === metric.id ? "true" : undefined}
              >
                {candidate.label}
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
            <div className="table-wrap">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">At</th>
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
                      <td className="mono">{shortSha(changePoint.commitSha)}</td>
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
            </div>
          </details>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="recent-heading">
        <h2 id="recent-heading">Latest points</h2>
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Recorded</th>
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
                  <td className="mono">{shortSha(point.commitSha)}</td>
                  <td>{point.branch ?? "–"}</td>
                  <td className="num">{formatMetric(metric.kind, point.value)}</td>
                  <td>
                    <Link href={`/runs/${encodeURIComponent(point.runId)}`}>open</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
