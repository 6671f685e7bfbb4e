import Link from "next/link";
import { Suspense } from "react";
import { RegressionList } from "../components/regressions";
import { type RunRow, RunsTable } from "../components/runs-table";
import { EmptyRuns, ErrorCallout, RunLabels, StatusBadge } from "../components/ui";
import type { OverviewQuery as OverviewResult } from "../generated/graphql";
import { OverviewQuery, SparklineQuery } from "../graphql/queries";
import { serverQuery } from "../graphql/server";
import { latestChange, sparklinePath } from "../lib/chart-data";
import { formatChange, formatCount, formatDateTime, formatDuration, formatParams } from "../lib/format";
import { enumToWord, modeOrder } from "../lib/labels";

/** Sparklines fetched per page view: each is one small query. */
const SPARKLINE_LIMIT = 24;
const SPARKLINE_POINTS = 60;

type SeriesEntry = OverviewResult["seriesList"][number];

async function sparklines(series: readonly SeriesEntry[]) {
  return Promise.all(
    series.slice(0, SPARKLINE_LIMIT).map(async (entry) => {
      const result = await serverQuery(SparklineQuery, { key: entry.key, maxPoints: SPARKLINE_POINTS });
      const values = result.ok ? (result.data.series?.points.map((point) => point.value) ?? []) : [];
      return {
        entry,
        values,
        total: result.ok ? (result.data.series?.totalPoints ?? 0) : 0,
        failed: !result.ok,
      };
    }),
  );
}

function seriesOrder(a: SeriesEntry, b: SeriesEntry): number {
  return (
    a.workloadId.localeCompare(b.workloadId) ||
    modeOrder.indexOf(a.mode as (typeof modeOrder)[number]) -
      modeOrder.indexOf(b.mode as (typeof modeOrder)[number]) ||
    a.threads - b.threads
  );
}

/** Sparklines of the tracked series, each with its latest value and recent change. */
async function TrackedSeries({ series }: { series: readonly SeriesEntry[] }) {
  const lines = await sparklines(series);
  return (
    <>
      {lines.length === 0 ? (
        <p className="muted">Series appear once a run has finished measurements.</p>
      ) : (
        <div className="series-grid">
          {lines.map(({ entry, values, total, failed }) => {
            const change = latestChange(values);
            const latest = values[values.length - 1];
            return (
              <Link key={entry.key} className="series-card" href={`/series/${encodeURIComponent(entry.key)}`}>
                <div className="title">
                  {entry.workloadId} · {enumToWord(entry.mode)} × {entry.threads}
                </div>
                <div className="meta">
                  {formatParams(entry.params)} · {entry.branch ?? "no branch"}
                  {entry.testbed ? ` · ${entry.testbed.hostname}` : ""}
                </div>
                <svg className="sparkline" viewBox="0 0 200 36" preserveAspectRatio="none" aria-hidden="true">
                  <polyline points={sparklinePath(values, 200, 32)} transform="translate(0 2)" />
                </svg>
                <div className="figures">
                  <span className="num">{failed ? "unavailable" : formatDuration(latest)}</span>
                  <span className="small">
                    {change !== null ? (
                      <span
                        className={change > 0.005 ? "change-up" : change < -0.005 ? "change-down" : "muted"}
                      >
                        {formatChange(change)}
                      </span>
                    ) : null}{" "}
                    <span className="muted">
                      {formatCount(total)} point{total === 1 ? "" : "s"}
                    </span>
                  </span>
                </div>
              </Link>
            );
          })}
        </div>
      )}
    </>
  );
}

export default async function OverviewPage() {
  const result = await serverQuery(OverviewQuery, {});
  if (!result.ok) {
    return (
      <>
        <h1>Overview</h1>
        <ErrorCallout error={result.error} />
      </>
    );
  }
  const { queue, runs, seriesList, openRegressions } = result.data;
  if (runs.totalCount === 0 && !queue.running && queue.queued.length === 0) {
    return (
      <>
        <h1>Overview</h1>
        <section className="panel">
          <EmptyRuns />
        </section>
      </>
    );
  }
  const tracked = [...seriesList].sort(seriesOrder);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p className="subtitle">
            {formatCount(runs.totalCount)} runs stored · {formatCount(seriesList.length)} series tracked
          </p>
        </div>
        <div className="actions">
          <Link className="button primary" href="/runs/new">
            New run
          </Link>
        </div>
      </div>

      <section className="panel" aria-labelledby="regressions-heading">
        <h2 id="regressions-heading">
          <span>Open regressions</span>
          <span className="panel-note">
            {openRegressions.totalCount > openRegressions.nodes.length
              ? `newest ${openRegressions.nodes.length} of ${formatCount(openRegressions.totalCount)}`
              : `${openRegressions.totalCount} open`}
          </span>
        </h2>
        {openRegressions.nodes.length === 0 ? (
          <p className="muted">
            No open regressions: every detected slowdown has been acknowledged, fixed or called a false alarm,
            or none was found. Regressions are checked whenever a run finishes or is ingested.
          </p>
        ) : (
          <RegressionList regressions={openRegressions.nodes} />
        )}
      </section>

      <section className="panel" aria-labelledby="queue-heading">
        <h2 id="queue-heading">
          <span>Queue</span>
          <span className="panel-note">one run executes at a time per machine</span>
        </h2>
        {!queue.running && queue.queued.length === 0 ? (
          <p className="muted">
            Nothing running or queued. <Link href="/runs/new">Start a run</Link>.
          </p>
        ) : (
          <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
            {queue.running ? (
              <li>
                <div className="actions">
                  <StatusBadge status={queue.running.status} />
                  <Link href={`/runs/${encodeURIComponent(queue.running.id)}`}>
                    {queue.running.workloadId}
                  </Link>
                  <span className="muted small">
                    {formatParams(queue.running.params)} · threads {queue.running.threads.join(", ")}
                    {queue.running.progress?.etaMs
                      ? ` · about ${formatDuration(queue.running.progress.etaMs)} left`
                      : ""}
                  </span>
                </div>
                <div
                  className="progress small"
                  role="progressbar"
                  aria-label="Running run progress"
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round((queue.running.progress?.fraction ?? 0) * 100)}
                  style={{ marginTop: 6 }}
                >
                  <span style={{ width: `${Math.round((queue.running.progress?.fraction ?? 0) * 100)}%` }} />
                </div>
              </li>
            ) : null}
            {queue.queued.map((run) => (
              <li key={run.id} className="actions">
                <StatusBadge status={run.status} />
                <span className="muted small">#{run.queuePosition}</span>
                <Link href={`/runs/${encodeURIComponent(run.id)}`}>{run.workloadId}</Link>
                <span className="muted small">
                  {formatParams(run.params)} · queued {formatDateTime(run.createdAt)}
                </span>
                <RunLabels labels={run.labels} seeded={run.seeded} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="recent-heading">
        <h2 id="recent-heading">
          <span>Recent runs</span>
          <Link className="panel-note" href="/runs">
            all runs →
          </Link>
        </h2>
        <RunsTable runs={runs.nodes as RunRow[]} />
      </section>

      <section className="panel" aria-labelledby="series-heading">
        <h2 id="series-heading">
          <span>Tracked series</span>
          <span className="panel-note">
            median wall time
            {tracked.length > SPARKLINE_LIMIT ? `; first ${SPARKLINE_LIMIT} of ${tracked.length}` : ""}
          </span>
        </h2>
        {/* Streamed: one small query per sparkline must not hold back the rest of the page. */}
        <Suspense fallback={<p className="muted">Loading the series…</p>}>
          <TrackedSeries series={tracked} />
        </Suspense>
      </section>
    </>
  );
}
