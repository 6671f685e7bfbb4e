/**
 * The series page's streamed parts: the chart (with its change points) and the latest
 * points. The page's heading and regressions render from one small query first; these
 * follow from a second one, read once per request (React `cache`) by both sections.
 */

import { cache } from "react";
import type { RegressionFieldsFragment, SeriesMetric } from "../generated/graphql";
import { SeriesChartQuery } from "../graphql/queries";
import { serverQuery } from "../graphql/server";
import { latestChange } from "../lib/chart-data";
import { formatChange, formatCount, formatDateTime, formatMetric } from "../lib/format";
import { seriesMarkers } from "../lib/history-markers";
import type { SeriesMetricChoice } from "../lib/series-metrics";
import { AppLink } from "./app-link";
import { HistoryChart } from "./charts/history-chart";
import { CommitRef } from "./names";
import { TableScroll } from "./table-scroll";
import { ErrorCallout } from "./ui";

/** 4,000 is what fits the API's default query cost limit (50,000). */
export const pointLimits = [500, 2000, 4000] as const;

const loadChart = cache((key: string, metric: SeriesMetric, maxPoints: number) =>
  serverQuery(SeriesChartQuery, { key, metric, maxPoints }),
);

export interface ChartSectionProps {
  seriesKey: string;
  metric: SeriesMetricChoice;
  maxPoints: number;
  /** The series' regressions found in this metric: marked on the chart. */
  regressions: readonly RegressionFieldsFragment[];
  commitTemplate: string | null;
  /** The page's URL with another number of points. */
  pointsHref: (points: number) => string;
}

/** Keeps the chart's room while it loads: nothing below jumps when it arrives. */
export function ChartPlaceholder() {
  return (
    <div className="chart-placeholder" aria-busy="true">
      <p className="muted">Loading the history…</p>
    </div>
  );
}

export async function SeriesChartSection({
  seriesKey,
  metric,
  maxPoints,
  regressions,
  commitTemplate,
  pointsHref,
}: ChartSectionProps) {
  const result = await loadChart(seriesKey, metric.id, maxPoints);
  if (!result.ok) return <ErrorCallout error={result.error} title="Could not load the history" />;
  const history = result.data.history;
  const changePoints = result.data.changes?.series.changePoints ?? [];
  if (!history) return <p className="muted">This series no longer exists.</p>;
  const { points } = history;
  const markers = seriesMarkers(regressions, changePoints);
  const change = latestChange(points.map((point) => point.value));
  const latest = points[points.length - 1];

  return (
    <>
      <div className="chart-toolbar">
        <span className="small" data-testid="history-summary">
          {latest ? (
            <>
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
              ) : null}{" "}
              ·{" "}
            </>
          ) : null}
          <span className="muted">
            {formatCount(points.length)} point{points.length === 1 ? "" : "s"}
            {history.downsampled ? ` (downsampled from ${formatCount(history.totalPoints)})` : ""}
          </span>
        </span>
        <span className="spacer" />
        {history.totalPoints > 500 ? (
          <nav className="segmented" aria-label="Points">
            {pointLimits.map((limit) => (
              <AppLink
                key={limit}
                href={pointsHref(limit)}
                aria-current={limit === maxPoints ? "true" : undefined}
              >
                {formatCount(limit)} pts
              </AppLink>
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
        Dashed red/green lines: stored regressions/improvements; amber: other change points the detector sees
        in this metric.
      </p>
      {changePoints.length > 0 ? (
        <details style={{ marginTop: 12 }}>
          <summary>
            {changePoints.length} change point{changePoints.length === 1 ? "" : "s"} in {metric.label}
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
                {changePoints.map((changePoint) => (
                  <tr key={`${changePoint.runId}:${changePoint.index}`}>
                    <td className="nowrap">
                      <AppLink href={`/runs/${encodeURIComponent(changePoint.runId)}`}>
                        {formatDateTime(changePoint.timestamp)}
                      </AppLink>
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
    </>
  );
}

export async function LatestPointsSection({
  seriesKey,
  metric,
  maxPoints,
  commitTemplate,
}: Omit<ChartSectionProps, "regressions" | "pointsHref">) {
  const result = await loadChart(seriesKey, metric.id, maxPoints);
  if (!result.ok || !result.data.history) return null;
  const recent = result.data.history.points.slice(-15).reverse();
  return (
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
                <AppLink href={`/runs/${encodeURIComponent(point.runId)}`}>open</AppLink>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
