import { compareModes } from "@threadbench/core";
import type { Metadata } from "next";
import { Suspense } from "react";
import { AppLink } from "../../components/app-link";
import { CrossRunScalingChart } from "../../components/charts/cross-run-chart";
import { EfficiencyStrip } from "../../components/efficiency-strip";
import { CommitRef, ModeName } from "../../components/names";
import { TableScroll } from "../../components/table-scroll";
import { ErrorCallout } from "../../components/ui";
import type { ScalingRunFieldsFragment, SeriesFacetsFieldsFragment } from "../../generated/graphql";
import {
  EfficiencyHistoryQuery,
  LatestRunsPerRuntimeQuery,
  RunsByIdsQuery,
  ScalingStartQuery,
} from "../../graphql/queries";
import { serverQuery } from "../../graphql/server";
import { formatDateTime, formatParams, formatRatioPercent, formatSpeedup } from "../../lib/format";
import { modeSlots } from "../../lib/mode-colors";
import { commitUrlTemplate } from "../../lib/server-config";
import type { SearchParamsRecord } from "../../lib/url-state";

export const metadata: Metadata = { title: "Scaling across runs" };

interface PageProps {
  searchParams: Promise<SearchParamsRecord>;
}

const maxRuns = 8;

function text(value: string | string[] | undefined): string | undefined {
  const first = (Array.isArray(value) ? value[0] : value)?.trim();
  return first ? first.slice(0, 200) : undefined;
}

function Chooser({
  facets,
  workload,
  machine,
  branch,
}: {
  facets: SeriesFacetsFieldsFragment | null;
  workload?: string | undefined;
  machine?: string | undefined;
  branch?: string | undefined;
}) {
  const machines = [...new Set(facets?.testbeds.map((testbed) => testbed.hostname) ?? [])].sort();
  return (
    <form className="panel filters" method="get" action="/scaling" aria-label="Choose runs">
      <div className="field">
        <label htmlFor="c-workload">Workload</label>
        <select
          id="c-workload"
          name="workload"
          defaultValue={workload ?? facets?.workloads[0] ?? ""}
          required
        >
          {(facets?.workloads ?? []).map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="c-machine">Machine</label>
        <select id="c-machine" name="machine" defaultValue={machine ?? machines[0] ?? ""} required>
          {machines.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="c-branch">Branch</label>
        <select id="c-branch" name="branch" defaultValue={branch ?? ""}>
          <option value="">any</option>
          {(facets?.branches ?? [])
            .filter((value) => value !== "")
            .map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
        </select>
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Latest run per runtime
        </button>
      </div>
      <p className="small muted" style={{ gridColumn: "1 / -1", margin: 0 }}>
        Or tick runs in the <AppLink href="/runs">runs table</AppLink> and press “Scaling chart”.
      </p>
    </form>
  );
}

/** Efficiency over time of each (testbed, parallel mode) of the runs shown, streamed after the chart. */
async function EfficiencyStrips({ runs }: { runs: ScalingRunFieldsFragment[] }) {
  const combos = runs.flatMap((run) => {
    if (!run.testbed) return [];
    const modes = [...new Set(run.measurements.map((measurement) => measurement.mode))].filter(
      (mode) => mode !== "sequential",
    );
    return modes.map((mode) => ({ run, mode, testbed: run.testbed as NonNullable<typeof run.testbed> }));
  });
  const unique = combos.filter(
    (combo, index) =>
      combos.findIndex(
        (other) =>
          other.testbed.id === combo.testbed.id &&
          other.mode === combo.mode &&
          other.run.workloadId === combo.run.workloadId,
      ) === index,
  );
  const results = await Promise.all(
    unique.slice(0, 8).map(async (combo) => ({
      combo,
      result: await serverQuery(EfficiencyHistoryQuery, {
        workload: combo.run.workloadId,
        testbedId: combo.testbed.id,
        mode: combo.mode,
        branch: combo.run.branch ?? null,
        buckets: 48,
      }),
    })),
  );
  if (results.length === 0) return <p className="muted">No parallel mode to chart.</p>;
  return (
    <>
      {results.map(({ combo, result }) =>
        result.ok && result.data.efficiencyHistory ? (
          <EfficiencyStrip
            key={`${combo.testbed.id}:${combo.mode}`}
            history={result.data.efficiencyHistory}
            title={`${combo.run.workloadId} on ${combo.testbed.runtimeLabel}, ${combo.testbed.hostname}`}
          />
        ) : !result.ok ? (
          <ErrorCallout
            key={`${combo.testbed.id}:${combo.mode}`}
            error={result.error}
            title="Could not load the strip"
          />
        ) : null,
      )}
    </>
  );
}

/**
 * Speedup against threads of several runs on one chart: chosen runs, or the latest run
 * per runtime of one workload on one machine (GIL on vs GIL off, Node 20 vs 22), with the
 * efficiency of each over time below.
 */
export default async function ScalingPage({ searchParams }: PageProps) {
  const search = await searchParams;
  const ids = (text(search.runs) ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean)
    .slice(0, maxRuns);
  let workload = text(search.workload);
  let machine = text(search.machine);
  const branch = text(search.branch);

  let runs: ScalingRunFieldsFragment[] = [];
  let facets: SeriesFacetsFieldsFragment | null = null;
  let heading = "Scaling across runs";
  if (ids.length === 0 && workload === undefined && machine === undefined) {
    // Nothing chosen yet: open on the chart of what ran last, not on an empty form.
    const start = await serverQuery(ScalingStartQuery, {});
    if (!start.ok) return <ErrorPage error={start.error} />;
    facets = start.data.seriesFacets;
    const newest = start.data.newest.nodes[0];
    if (newest?.testbed) {
      workload = newest.workloadId;
      machine = newest.testbed.hostname;
    }
  }
  if (ids.length > 0) {
    const result = await serverQuery(RunsByIdsQuery, { ids });
    if (!result.ok) return <ErrorPage error={result.error} />;
    runs = result.data.runsByIds;
    facets = result.data.seriesFacets;
    heading = `Scaling of ${runs.length} chosen run${runs.length === 1 ? "" : "s"}`;
  } else if (workload && machine) {
    const result = await serverQuery(LatestRunsPerRuntimeQuery, {
      workload,
      machine,
      branch: branch ?? null,
    });
    if (!result.ok) return <ErrorPage error={result.error} />;
    runs = result.data.latestRunsPerRuntime;
    facets = result.data.seriesFacets;
    heading = `${workload} on ${machine}: the latest run per runtime`;
  } else if (!facets) {
    const start = await serverQuery(ScalingStartQuery, {});
    if (!start.ok) return <ErrorPage error={start.error} />;
    facets = start.data.seriesFacets;
  }
  const template = commitUrlTemplate();
  const paramsDiffer = new Set(runs.map((run) => JSON.stringify(run.params))).size > 1;
  const threads = [...new Set(runs.flatMap((run) => run.measurements.map((m) => m.threads)))].sort(
    (a, b) => a - b,
  );
  const slots = modeSlots(runs.flatMap((run) => run.measurements.map((m) => m.mode)));

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{heading}</h1>
          <p className="subtitle">
            Speedup against threads, one colour per run and one dash (or hollow points) per mode, with the
            ideal linear speedup: does the parallel path scale on this runtime?
          </p>
        </div>
      </div>
      <Chooser facets={facets} workload={workload} machine={machine} branch={branch} />
      {facets && facets.workloads.length === 0 && ids.length === 0 ? (
        <section className="panel empty">
          <h2>No runs to chart yet</h2>
          <p>
            Once a run has succeeded, its speedup curves appear here.{" "}
            <AppLink href="/runs/new">Start a run</AppLink> or ingest results with{" "}
            <code>threadbench ingest</code>.
          </p>
        </section>
      ) : ids.length === 0 && !(workload && machine) ? null : runs.length === 0 ? (
        <section className="panel empty">
          <h2>No runs to chart</h2>
          <p>No succeeded run matches. Pick another workload, machine or branch.</p>
        </section>
      ) : (
        <>
          <section className="panel" aria-labelledby="cross-heading">
            <h2 id="cross-heading">
              <span>Speedup vs threads</span>
              <span className="panel-note">log₂ thread axis; dashed grey: ideal</span>
            </h2>
            {paramsDiffer ? (
              <div className="callout warn small">
                <p>These runs have different parameters: their speedups are not of the same work.</p>
              </div>
            ) : null}
            <CrossRunScalingChart runs={runs} />
            <TableScroll label="Speedups">
              <table className="data" data-testid="cross-run-table">
                <thead>
                  <tr>
                    <th scope="col">Run</th>
                    <th scope="col">Mode</th>
                    {threads.map((count) => (
                      <th key={count} scope="col" className="num">
                        ×{count}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {runs.flatMap((run) =>
                    [...new Set(run.measurements.map((m) => m.mode))]
                      .filter((mode) => mode !== "sequential")
                      .sort(compareModes)
                      .map((mode) => (
                        <tr key={`${run.id}:${mode}`}>
                          <td className="small">
                            <AppLink href={`/runs/${encodeURIComponent(run.id)}`} data-testid="runtime-label">
                              {run.testbed?.runtimeLabel ?? "unknown runtime"}
                            </AppLink>
                            <div className="muted">
                              {formatDateTime(run.createdAt)} ·{" "}
                              <CommitRef sha={run.commitSha} template={template} /> ·{" "}
                              {formatParams(run.params)}
                            </div>
                          </td>
                          <td>
                            <ModeName mode={mode} slot={slots.get(mode)} />
                          </td>
                          {threads.map((count) => {
                            const cell = run.measurements.find(
                              (m) => m.mode === mode && m.threads === count && m.status === "SUCCEEDED",
                            );
                            return (
                              <td
                                key={count}
                                className="num"
                                title={cell ? `efficiency ${formatRatioPercent(cell.efficiency)}` : undefined}
                              >
                                {cell ? formatSpeedup(cell.speedup) : "–"}
                              </td>
                            );
                          })}
                        </tr>
                      )),
                  )}
                </tbody>
              </table>
            </TableScroll>
          </section>
          <section className="panel" aria-labelledby="strip-heading">
            <h2 id="strip-heading">
              <span>Efficiency over time</span>
              <span className="panel-note">per thread count; each slice links to its newest run</span>
            </h2>
            <Suspense fallback={<p className="muted">Loading the efficiency history…</p>}>
              <EfficiencyStrips runs={runs} />
            </Suspense>
          </section>
        </>
      )}
    </>
  );
}

function ErrorPage({ error }: { error: Parameters<typeof ErrorCallout>[0]["error"] }) {
  return (
    <>
      <h1>Scaling across runs</h1>
      <ErrorCallout error={error} />
    </>
  );
}
