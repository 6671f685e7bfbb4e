import { formatDuration } from "@threadbench/core";
import { AppLink } from "../components/app-link";
import { RegressionList } from "../components/regressions";
import { RunsTable } from "../components/runs-table";
import { SeriesCard } from "../components/series-card";
import { EmptyRuns, ErrorCallout, RunLabels, StatusBadge } from "../components/ui";
import { OverviewQuery } from "../graphql/queries";
import { serverQuery } from "../graphql/server";
import { formatCount, formatDateTime, formatParams } from "../lib/format";
import {
  parseRegressionMetric,
  type RegressionMetricValue,
  regressionMetricLabels,
  regressionMetrics,
  regressionMetricWords,
} from "../lib/labels";
import { toRunRow } from "../lib/run-rows";
import { toSeriesCard } from "../lib/series-rows";
import { commitUrlTemplate } from "../lib/server-config";
import type { SearchParamsRecord } from "../lib/url-state";

/**
 * The open regressions narrowed to one metric (`?metric=efficiency`): scaling losses
 * (efficiency, serial fraction) are easy to lose among many wall-time changes.
 */
function MetricFilter({ current }: { current: RegressionMetricValue | null }) {
  const options: Array<[RegressionMetricValue | null, string]> = [
    [null, "All metrics"],
    ...regressionMetrics.map((metric): [RegressionMetricValue, string] => [
      metric,
      regressionMetricLabels[metric],
    ]),
  ];
  return (
    <nav className="small" aria-label="Regressions by metric" data-testid="regression-metric-filter">
      {options.map(([metric, label], index) => (
        <span key={label}>
          {index > 0 ? " · " : null}
          <AppLink
            href={metric ? `/?metric=${regressionMetricWords[metric]}` : "/"}
            aria-current={metric === current ? "page" : undefined}
          >
            {label}
          </AppLink>
        </span>
      ))}
    </nav>
  );
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const metric = parseRegressionMetric((await searchParams).metric);
  const result = await serverQuery(OverviewQuery, { metric });
  if (!result.ok) {
    return (
      <>
        <h1>Overview</h1>
        <ErrorCallout error={result.error} />
      </>
    );
  }
  const { queue, runs, trackedSeries, openRegressions } = result.data;
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
  const commitTemplate = commitUrlTemplate();

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p className="subtitle">
            {formatCount(runs.totalCount)} runs stored ·{" "}
            <AppLink href="/series" data-testid="series-count">
              {formatCount(trackedSeries.totalCount)} series tracked
            </AppLink>
          </p>
        </div>
        <div className="actions">
          <AppLink className="button primary" href="/runs/new">
            New run
          </AppLink>
        </div>
      </div>

      <section className="panel" aria-labelledby="regressions-heading">
        <h2 id="regressions-heading">
          <span>Open regressions{metric ? `: ${regressionMetricLabels[metric].toLowerCase()}` : ""}</span>
          <span className="panel-note">
            {openRegressions.totalCount > openRegressions.nodes.length
              ? `newest ${openRegressions.nodes.length} of ${formatCount(openRegressions.totalCount)}`
              : `${openRegressions.totalCount} open`}
          </span>
        </h2>
        {openRegressions.nodes.length === 0 && metric ? (
          <p className="muted" data-testid="no-metric-regressions">
            No open regressions of {regressionMetricLabels[metric].toLowerCase()}.
          </p>
        ) : openRegressions.nodes.length === 0 ? (
          <p className="muted">
            No open regressions: every detected slowdown has been acknowledged, fixed or called a false alarm,
            or none was found. Regressions are checked whenever a run finishes or is ingested.
          </p>
        ) : (
          <RegressionList regressions={openRegressions.nodes} />
        )}
        <MetricFilter current={metric} />
      </section>

      <section className="panel" aria-labelledby="queue-heading">
        <h2 id="queue-heading">
          <span>Queue</span>
          <span className="panel-note">one run executes at a time per machine</span>
        </h2>
        {!queue.running && queue.queued.length === 0 ? (
          <p className="muted">
            Nothing running or queued. <AppLink href="/runs/new">Start a run</AppLink>.
          </p>
        ) : (
          <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
            {queue.running ? (
              <li>
                <div className="actions">
                  <StatusBadge status={queue.running.status} />
                  <AppLink href={`/runs/${encodeURIComponent(queue.running.id)}`}>
                    {queue.running.workloadId}
                  </AppLink>
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
                <AppLink href={`/runs/${encodeURIComponent(run.id)}`}>{run.workloadId}</AppLink>
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
          <AppLink className="panel-note" href="/runs">
            all runs →
          </AppLink>
        </h2>
        <RunsTable runs={runs.nodes.map(toRunRow)} commitTemplate={commitTemplate} />
      </section>

      <section className="panel" aria-labelledby="series-heading">
        <h2 id="series-heading">
          <span>Tracked series</span>
          <AppLink className="panel-note" href="/series?sort=recent">
            median wall time, recently measured first
            {trackedSeries.totalCount > trackedSeries.nodes.length
              ? `; ${trackedSeries.nodes.length} of ${formatCount(trackedSeries.totalCount)}: explore all →`
              : "; explore →"}
          </AppLink>
        </h2>
        {trackedSeries.nodes.length === 0 ? (
          <p className="muted">Series appear once a run has finished measurements.</p>
        ) : (
          <div className="series-grid">
            {trackedSeries.nodes.map((summary) => (
              <SeriesCard key={summary.series.key} card={toSeriesCard(summary)} />
            ))}
          </div>
        )}
      </section>
    </>
  );
}
