import type { Metadata } from "next";
import Link from "next/link";
import { HistoryChart } from "../../../components/charts/history-chart";
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

const metrics: { id: SeriesMetric; word: string; label: string; kind: MetricKind; lowerIsBetter: boolean }[] = [
  { id: "WALL_MEDIAN", word: "wall-median", label: "wall time (median)", kind: "duration", lowerIsBetter: true },
  { id: "WALL_MIN", word: "wall-min", label: "wall time (min)", kind: "duration", lowerIsBetter: true },
  { id: "CPU_MEDIAN", word: "cpu-median", label: "CPU time (median)", kind: "duration", lowerIsBetter: true },
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
  const metric = metrics.find((candidate) => candidate.word === search.metric) ?? (metrics[0] as (typeof metrics)[number]);
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
            No series has the key <code>{key}</code>. Series are created when a run stores its first measurement:{" "}
            <Link href="/">see the tracked series</Link>.
          </p>
        </div>
      </>
    );
  }
  const { series } = about;
  const { points } = history;
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
            {series.workload?.title ?? series.workloadId}: {enumToWord(series.mode)} × {series.threads} threads
          </h1>
          <p className="subtitle">
            {formatParams(series.params)} · {enumToWord(series.scaling)} scaling · branch {series.branch ?? "(none)"}
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
                      (change > 0) === metric.lowerIsBetter && Math.abs(change) > 0.005 ? "change-up" : "change-down"
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
                <Link key={limit} href={hrefWith({ points: limit })} aria-current={limit === maxPoints ? "true" : undefined}>
                  {formatCount(limit)} pts
                </Link>
              ))}
            </nav>
          ) : null}
        </div>
        {points.length === 0 ? (
          <p className="muted">This series has no points yet.</p>
        ) : (
          <HistoryChart points={points} metric={metric.kind} metricLabel={metric.label} />
        )}
        <NotInApi>
          Change points and regressions are not marked here yet: the API does not expose detected regressions or change
          points, nor a way to acknowledge them or mark them as false alarms. Runs from a seeded demo history are not
          distinguishable per point either.
        </NotInApi>
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
