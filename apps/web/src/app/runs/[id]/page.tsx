import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ScalingChart, TimeChart } from "../../../components/charts/run-charts";
import { CommitRef, ModeName, RuntimeLabel } from "../../../components/names";
import { RegressionList } from "../../../components/regressions";
import { RunProgressPanel } from "../../../components/run-progress";
import { Efficiency, FitsTable } from "../../../components/run-tables";
import { TableScroll } from "../../../components/table-scroll";
import { Badge, ErrorCallout, NotInApi, RunLabels, StatusBadge } from "../../../components/ui";
import type { RunQuery as RunQueryResult } from "../../../generated/graphql";
import { RunQuery } from "../../../graphql/queries";
import { publicWebSocketUrl, serverQuery } from "../../../graphql/server";
import type { CellPoint } from "../../../lib/chart-data";
import {
  formatBytes,
  formatCount,
  formatDateTime,
  formatDuration,
  formatParams,
  formatRatioPercent,
  formatSpeedup,
} from "../../../lib/format";
import { checksumTone, enumToWord, isActiveStatus, modeDescriptions } from "../../../lib/labels";
import { modeSlots } from "../../../lib/mode-colors";
import { commitUrlTemplate } from "../../../lib/server-config";

type Run = NonNullable<RunQueryResult["run"]>;

/** Repetitions spread more than this (stddev / mean) are flagged: a busy machine, usually. */
const NOISY_CV = 0.1;
type Measurement = Run["measurements"][number];

interface PageProps {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Run ${id.slice(0, 8)}` };
}

function cellPoints(measurements: readonly Measurement[]): CellPoint[] {
  return measurements
    .filter((measurement) => measurement.status === "SUCCEEDED")
    .map((measurement) => ({
      mode: measurement.mode,
      threads: measurement.threads,
      speedup: measurement.speedup ?? null,
      medianMs: measurement.wall?.median ?? null,
      minMs: measurement.wall?.min ?? null,
      maxMs: measurement.wall?.max ?? null,
    }));
}

function ChecksumSummary({ measurements }: { measurements: readonly Measurement[] }) {
  const mismatches = measurements.filter((measurement) => measurement.checksumStatus === "MISMATCH");
  const checked = measurements.filter((measurement) => measurement.checksumStatus === "MATCH").length;
  if (measurements.length === 0) return null;
  if (mismatches.length > 0) {
    return (
      <div className="callout error" role="alert">
        <strong>Checksum mismatch in {mismatches.length} cell(s)</strong>
        <p>
          {mismatches.map((cell) => `${enumToWord(cell.mode)} × ${cell.threads}`).join(", ")} computed a
          different answer from the sequential baseline: those timings measure a different (wrong)
          computation.
        </p>
      </div>
    );
  }
  return (
    <p className="small" data-testid="checksum-summary">
      <Badge tone="good">checksums agree</Badge>{" "}
      <span className="muted">
        {checked} cell(s) computed the same answer as the sequential baseline
        {measurements.some((measurement) => measurement.checksumStatus === "UNCHECKED")
          ? "; some cells could not be checked"
          : ""}
        .
      </span>
    </p>
  );
}

function CellsTable({
  measurements,
  slots,
}: {
  measurements: readonly Measurement[];
  slots: Map<string, number>;
}) {
  return (
    <>
      <TableScroll label="Cells">
        <table className="data" data-testid="cells-table">
          <caption className="visually-hidden">Every (mode, threads) cell of the run</caption>
          <thead>
            <tr>
              <th scope="col">Mode</th>
              <th scope="col" className="num">
                Threads
              </th>
              <th scope="col" className="num">
                Median
              </th>
              <th scope="col" className="num">
                Min – max
              </th>
              <th scope="col" className="num">
                CV
              </th>
              <th scope="col" className="num">
                Speedup
              </th>
              <th scope="col" className="num">
                Efficiency
              </th>
              <th scope="col" className="num">
                CPU (median)
              </th>
              <th scope="col" className="num">
                Setup
              </th>
              <th
                scope="col"
                className="num"
                title="The pool's fixed cost per task: round trip of a task that does no work, not in the timings"
              >
                Per-task overhead
              </th>
              <th scope="col">Checksum</th>
              <th scope="col">History</th>
            </tr>
          </thead>
          <tbody>
            {measurements.map((measurement) => (
              <tr key={measurement.id}>
                <td title={modeDescriptions[measurement.mode]}>
                  <ModeName mode={measurement.mode} slot={slots.get(measurement.mode)} />
                  {measurement.status !== "SUCCEEDED" ? (
                    <>
                      {" "}
                      <Badge tone="bad" title={measurement.error ?? undefined}>
                        {enumToWord(measurement.status)}
                      </Badge>
                    </>
                  ) : null}
                </td>
                <td className="num">{measurement.threads}</td>
                <td className="num">{formatDuration(measurement.wall?.median)}</td>
                <td className="num">
                  {measurement.wall
                    ? `${formatDuration(measurement.wall.min)} – ${formatDuration(measurement.wall.max)}`
                    : "–"}
                </td>
                <td className="num">
                  {measurement.wall && measurement.wall.cv > NOISY_CV ? (
                    <Badge
                      tone="warn"
                      title="Repetitions disagree: the machine was probably busy; treat this cell with care"
                    >
                      {formatRatioPercent(measurement.wall.cv, 1)}
                    </Badge>
                  ) : (
                    formatRatioPercent(measurement.wall?.cv, 1)
                  )}
                </td>
                <td className="num">
                  <strong>{formatSpeedup(measurement.speedup)}</strong>
                </td>
                <td className="num">
                  <Efficiency value={measurement.efficiency} />
                </td>
                <td className="num">{formatDuration(measurement.cpu?.median)}</td>
                <td className="num">{formatDuration(measurement.setupMs)}</td>
                <td className="num" data-testid="task-overhead">
                  {formatDuration(measurement.taskOverheadMs)}
                </td>
                <td>
                  <Badge
                    tone={checksumTone(measurement.checksumStatus)}
                    title={measurement.checksum ? `checksum ${measurement.checksum}` : undefined}
                  >
                    {enumToWord(measurement.checksumStatus)}
                  </Badge>
                </td>
                <td>
                  <Link href={`/series/${encodeURIComponent(measurement.seriesKey)}`}>history</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <p className="chart-caption">
        {measurements[0]?.sampleCount ?? 0} timed repetition(s) per cell. Speedup: median sequential wall time
        ÷ median wall time of the cell; efficiency: speedup ÷ threads. CV: standard deviation ÷ mean of the
        repetitions, flagged above {NOISY_CV * 100}%: such cells measured a busy machine as much as the code.
        Efficiency above 100% is superlinear and marked: it says more about the baseline or the caches than
        about the parallel code.
        {measurements.some((measurement) => measurement.taskOverheadMs !== null) ? (
          <>
            {" "}
            Per-task overhead: the median round trip of a task that does no work through the cell's own pool,
            measured before its repetitions. The wall times do not contain it (pooled repetitions are timed on
            the threads); an application that hands each task to such a pool pays it on top.
          </>
        ) : null}
      </p>
    </>
  );
}

function LostUpdates({ measurements }: { measurements: readonly Measurement[] }) {
  const rows = measurements.flatMap((measurement) =>
    (measurement.sharedMemory ?? []).map((report) => ({ measurement, report })),
  );
  if (rows.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="lost-heading">
      <h2 id="lost-heading">
        <span>Lost updates</span>
        <span className="panel-note">last repetition of each cell</span>
      </h2>
      <p className="small muted">
        Every task increments one shared counter: unsynchronised, with Atomics.add, and under a lock. Only
        real parallelism loses unsynchronised updates; atomic and locked variants must never lose any.
      </p>
      <TableScroll label="Lost updates">
        <table className="data" data-testid="lost-updates">
          <thead>
            <tr>
              <th scope="col">Mode</th>
              <th scope="col" className="num">
                Threads
              </th>
              <th scope="col">Variant</th>
              <th scope="col" className="num">
                Expected
              </th>
              <th scope="col" className="num">
                Observed
              </th>
              <th scope="col" className="num">
                Lost
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ measurement, report }) => (
              <tr key={`${measurement.id}:${report.variant}`}>
                <td>
                  <ModeName mode={measurement.mode} />
                </td>
                <td className="num">{measurement.threads}</td>
                <td>{report.variant}</td>
                <td className="num">{formatCount(report.expected)}</td>
                <td className="num">{formatCount(report.observed)}</td>
                <td className="num">
                  {report.lostUpdates > 0 ? (
                    <Badge tone={report.variant === "unsafe" ? "warn" : "bad"}>
                      {formatCount(report.lostUpdates)} (
                      {formatRatioPercent(report.lostUpdates / report.expected, 1)})
                    </Badge>
                  ) : (
                    "0"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

export default async function RunPage({ params }: PageProps) {
  const { id } = await params;
  const result = await serverQuery(RunQuery, { id });
  if (!result.ok) {
    return (
      <>
        <h1>Run {id}</h1>
        <ErrorCallout error={result.error} />
      </>
    );
  }
  const run = result.data.run;
  // HTTP 404 with the styled not-found page (app/not-found.tsx).
  if (!run) notFound();
  const cells = cellPoints(run.measurements);
  const slots = modeSlots([...run.modes, ...run.measurements.map((measurement) => measurement.mode)]);
  const commitTemplate = commitUrlTemplate();
  const active = isActiveStatus(run.status);
  const testbed = run.testbed;
  const isSharedCounter = run.workloadId === "shared-counter";

  return (
    <>
      <div className="page-head">
        <div>
          <div className="breadcrumbs">
            <Link href="/runs">Runs</Link> / <span className="mono">{run.id}</span>
          </div>
          <h1>
            {run.workload?.title ?? run.workloadId} <StatusBadge status={run.status} />{" "}
            <RunLabels labels={run.labels} seeded={run.seeded} />
          </h1>
          <p className="subtitle">
            <RuntimeLabel testbed={run.testbed} />
            {run.testbed ? ` on ${run.testbed.hostname}` : ""} · {formatParams(run.params)} ·{" "}
            {enumToWord(run.scaling)} scaling · {run.threads.join(", ")} threads
            {run.commitSha ? (
              <>
                {" "}
                · commit{" "}
                <CommitRef sha={run.commitSha} template={commitTemplate} message={run.commitMessage} />
              </>
            ) : null}
            {run.branch ? ` on ${run.branch}` : ""}
          </p>
          {run.commitMessage ? (
            <p className="commit-message" data-testid="commit-message">
              “{run.commitMessage}”
            </p>
          ) : null}
        </div>
        <div className="actions">
          <Link className="button" href={`/runs?workload=${encodeURIComponent(run.workloadId)}`}>
            Runs of {run.workloadId}
          </Link>
          <Link
            className="button"
            href={`/runs?workload=${encodeURIComponent(run.workloadId)}&select=${encodeURIComponent(run.id)}`}
          >
            Compare with…
          </Link>
        </div>
      </div>

      {run.seeded ? (
        <div className="callout info small">
          <p>
            This run is part of a seeded demo history: synthetic numbers, not a measurement of this machine.
          </p>
        </div>
      ) : null}
      {run.error ? (
        <div className="callout error" role="alert">
          <strong>The run did not succeed</strong>
          <p>{run.error}</p>
        </div>
      ) : null}

      {active ? (
        <RunProgressPanel
          runId={run.id}
          initialStatus={run.status}
          initialProgress={run.progress ?? null}
          queuePosition={run.queuePosition ?? null}
          webSocketUrl={publicWebSocketUrl()}
        />
      ) : null}

      <div className="grid-2" style={{ marginBottom: 16 }}>
        <section className="panel" aria-labelledby="scaling-heading">
          <h2 id="scaling-heading">
            <span>Scaling</span>
            <span className="panel-note">speedup vs threads, log₂ axis</span>
          </h2>
          <div data-testid="scaling-chart">
            <ScalingChart cells={cells} fits={run.scalingFits} />
          </div>
          <p className="chart-caption">
            Dashed grey: ideal linear speedup.{" "}
            {run.scalingFits.length > 0
              ? "Long dashes: Amdahl fit; short dashes: USL fit, in the colour of their mode."
              : "Fits appear for modes with at least two thread counts."}
          </p>
        </section>
        <section className="panel" aria-labelledby="time-heading">
          <h2 id="time-heading">
            <span>Time per mode and threads</span>
            <span className="panel-note">median, whiskers: min–max of repetitions</span>
          </h2>
          <TimeChart cells={cells} />
          <p className="chart-caption">
            {run.scaling === "WEAK"
              ? "Weak scaling: N full-size tasks on N threads, so ideal time stays flat as threads grow."
              : "Strong scaling: one job split into N chunks, so ideal time falls as 1/N."}
          </p>
        </section>
      </div>

      {run.scalingFits.length > 0 ? (
        <section className="panel" aria-labelledby="fits-heading">
          <h2 id="fits-heading">
            <span>Scaling fits</span>
            <span className="panel-note">Amdahl and USL per parallel mode</span>
          </h2>
          <FitsTable fits={run.scalingFits} slots={slots} />
        </section>
      ) : null}

      <section className="panel" aria-labelledby="cells-heading">
        <h2 id="cells-heading">Cells</h2>
        <ChecksumSummary measurements={run.measurements} />
        {run.measurements.length > 0 ? (
          <CellsTable measurements={run.measurements} slots={slots} />
        ) : (
          <p className="muted">
            {active
              ? "Cell results appear here once the run has stored them."
              : "This run has no measurements."}
          </p>
        )}
      </section>

      {isSharedCounter ? <LostUpdates measurements={run.measurements} /> : null}

      {run.regressions.length > 0 ? (
        <section className="panel" aria-labelledby="run-regressions-heading">
          <h2 id="run-regressions-heading">
            <span>Step changes this run introduced</span>
            <span className="panel-note">first run at the new level</span>
          </h2>
          <RegressionList regressions={run.regressions} actions />
        </section>
      ) : null}

      <div className="grid-2">
        <section className="panel" aria-labelledby="plan-heading">
          <h2 id="plan-heading">Plan</h2>
          <dl className="facts">
            <dt>Workload</dt>
            <dd>
              {run.workload?.title ?? run.workloadId} <span className="mono muted">({run.workloadId})</span>
            </dd>
            <dt>Parameters</dt>
            <dd className="mono">{formatParams(run.params) || "defaults"}</dd>
            <dt>Modes</dt>
            <dd>{run.modes.map(enumToWord).join(", ")}</dd>
            <dt>Threads</dt>
            <dd>{run.threads.join(", ")}</dd>
            <dt>Repetitions</dt>
            <dd>
              {run.repetitions} timed + {run.warmups} warm-up per cell
            </dd>
            <dt>Scaling</dt>
            <dd>{enumToWord(run.scaling)}</dd>
            <dt>Task timeout</dt>
            <dd>{formatDuration(run.taskTimeoutMs)}</dd>
            <dt>Heap limit</dt>
            <dd>{run.maxHeapMb ? `${formatCount(run.maxHeapMb)} MiB per worker` : "–"}</dd>
            <dt>Source</dt>
            <dd>
              {run.source === "INGESTED" ? "ingested (results posted from elsewhere)" : "threadbench runner"}
              {run.requestedBy ? ` · requested by ${run.requestedBy}` : ""}
            </dd>
            <dt>Agent</dt>
            <dd data-testid="run-agent">
              {run.agent ? <Link href="/machines">{run.agent.name}</Link> : "–"}
              {` · runs on ${run.target.description}`}
              {run.waitingReason ? <div className="small">Waiting: {run.waitingReason}</div> : null}
            </dd>
            <dt>Commit</dt>
            <dd>
              <CommitRef sha={run.commitSha} template={commitTemplate} message={run.commitMessage} />
              {run.branch ? ` on ${run.branch}` : ""}
              {run.commitMessage ? <div className="small">{run.commitMessage}</div> : null}
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(run.createdAt)}</dd>
            <dt>Started</dt>
            <dd>{formatDateTime(run.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>
              {formatDateTime(run.finishedAt)}
              {run.durationMs !== null && run.durationMs !== undefined
                ? ` (${formatDuration(run.durationMs)})`
                : ""}
            </dd>
          </dl>
          {run.workload?.description ? <p className="small muted">{run.workload.description}</p> : null}
        </section>
        <section className="panel" aria-labelledby="env-heading">
          <h2 id="env-heading">Environment</h2>
          {testbed ? (
            <dl className="facts">
              <dt>Host</dt>
              <dd>{testbed.hostname}</dd>
              <dt>CPU</dt>
              <dd>
                {testbed.cpuModel} · {testbed.logicalCores} logical cores
              </dd>
              <dt>Memory</dt>
              <dd>{formatBytes(testbed.memoryBytes)}</dd>
              <dt>OS</dt>
              <dd>
                {testbed.os} {testbed.osRelease} ({testbed.arch})
              </dd>
              <dt>Runtime</dt>
              <dd>
                <RuntimeLabel testbed={testbed} />
                {testbed.v8Version ? ` · V8 ${testbed.v8Version}` : ""}
              </dd>
              <dt>Testbed</dt>
              <dd className="mono small">{testbed.fingerprint.slice(0, 16)}</dd>
            </dl>
          ) : (
            <p className="muted">
              {active ? "Captured when the run starts." : "No environment was recorded for this run."}
            </p>
          )}
          {testbed && run.threads.some((threads) => threads > testbed.logicalCores) ? (
            <NotInApi>
              Some thread counts exceed the {testbed.logicalCores} logical cores of this machine: beyond that,
              threads share cores and speedup cannot grow.
            </NotInApi>
          ) : null}
        </section>
      </div>
    </>
  );
}
