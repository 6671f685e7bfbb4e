import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AppLink } from "../../components/app-link";
import { EmptyState } from "../../components/data-table";
import { SeriesTable } from "../../components/series-table";
import { ErrorCallout } from "../../components/ui";
import type { SeriesOrder } from "../../generated/graphql";
import { SeriesExplorerQuery } from "../../graphql/queries";
import { serverQuery } from "../../graphql/server";
import { formatCount } from "../../lib/format";
import { modeFilterOptions } from "../../lib/labels";
import { toSeriesRow } from "../../lib/series-rows";
import {
  atOffset,
  noBranch,
  pageRange,
  parseSeriesView,
  type SeriesView,
  serializeSeriesView,
  seriesFilterOf,
  seriesPageSizes,
} from "../../lib/series-view";
import { type SearchParamsRecord, withoutEmptyParams } from "../../lib/url-state";

export const metadata: Metadata = { title: "Series" };

interface PageProps {
  searchParams: Promise<SearchParamsRecord>;
}

const href = (view: SeriesView) => `/series${serializeSeriesView(view)}`;

function Select({
  id,
  name,
  label,
  value,
  options,
}: {
  id: string;
  name: string;
  label: string;
  value: string | undefined;
  options: { value: string; label: string }[];
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value ?? ""}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Every series, searchable and filterable by workload, mode, threads, runtime, machine,
 * branch and source, paged on the server, each with its sparkline, latest value, change
 * and open regressions.
 */
export default async function SeriesExplorerPage({ searchParams }: PageProps) {
  const search = await searchParams;
  const cleaned = withoutEmptyParams(search);
  if (cleaned !== null) redirect(`/series${cleaned}`);
  const view = parseSeriesView(search);
  const result = await serverQuery(SeriesExplorerQuery, {
    filter: seriesFilterOf(view.filters),
    orderBy: ({ name: "NAME", recent: "RECENT", newest: "NEWEST" } as const)[view.sort] as SeriesOrder,
    first: view.pageSize,
    offset: view.offset,
  });
  if (!result.ok) {
    return (
      <>
        <h1>Series</h1>
        <ErrorCallout error={result.error} />
      </>
    );
  }
  const { seriesPage, seriesFacets } = result.data;
  const range = pageRange(view.offset, seriesPage.nodes.length, seriesPage.totalCount);
  const filtered = Object.keys(view.filters).length > 0;
  const modes = modeFilterOptions(seriesFacets.modes);
  const runtimes = [...new Set(seriesFacets.testbeds.map((testbed) => testbed.runtimeLabel))].sort();
  const machines = [...new Set(seriesFacets.testbeds.map((testbed) => testbed.hostname))].sort();
  const previous = view.offset > 0 ? href(atOffset(view, view.offset - view.pageSize)) : null;
  const next =
    view.offset + seriesPage.nodes.length < seriesPage.totalCount
      ? href(atOffset(view, view.offset + view.pageSize))
      : null;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Series</h1>
          <p className="subtitle" data-testid="series-total">
            {formatCount(seriesPage.totalCount)} series{filtered ? " match" : " tracked"}: one line per
            workload, parameters, mode, threads, testbed (machine and runtime) and branch.
          </p>
        </div>
        <div className="actions">
          <AppLink className="button" href="/scaling">
            Scaling across runtimes
          </AppLink>
        </div>
      </div>

      <form className="panel filters" method="get" action="/series" aria-label="Filter series">
        <div className="field">
          <label htmlFor="s-q">Search</label>
          <input id="s-q" name="q" type="search" defaultValue={view.filters.q ?? ""} placeholder="words" />
        </div>
        <Select
          id="s-workload"
          name="workload"
          label="Workload"
          value={view.filters.workload}
          options={seriesFacets.workloads.map((value) => ({ value, label: value }))}
        />
        <Select
          id="s-mode"
          name="mode"
          label="Mode"
          value={view.filters.mode}
          options={modes.map((value) => ({ value, label: value }))}
        />
        <Select
          id="s-threads"
          name="threads"
          label="Threads"
          value={view.filters.threads}
          options={seriesFacets.threads.map((value) => ({ value: String(value), label: String(value) }))}
        />
        <Select
          id="s-runtime"
          name="runtime"
          label="Runtime"
          value={view.filters.runtime}
          options={runtimes.map((value) => ({ value, label: value }))}
        />
        <Select
          id="s-machine"
          name="machine"
          label="Machine"
          value={view.filters.machine}
          options={machines.map((value) => ({ value, label: value }))}
        />
        <Select
          id="s-branch"
          name="branch"
          label="Branch"
          value={view.filters.branch}
          options={seriesFacets.branches.map((value) => ({
            value: value === "" ? noBranch : value,
            label: value === "" ? "(no branch)" : value,
          }))}
        />
        <Select
          id="s-harness"
          name="harness"
          label="Source"
          value={view.filters.harness}
          options={seriesFacets.harnesses.map((value) => ({
            value,
            label: value === "threadbench" ? "threadbench runner" : value,
          }))}
        />
        {seriesFacets.projects.length > 1 || view.filters.project ? (
          <Select
            id="s-project"
            name="project"
            label="Project"
            value={view.filters.project}
            options={seriesFacets.projects.map((value) => ({ value, label: value }))}
          />
        ) : null}
        <div className="field">
          <label htmlFor="s-sort">Order</label>
          <select id="s-sort" name="sort" defaultValue={view.sort}>
            <option value="name">by name</option>
            <option value="recent">recently measured first</option>
            <option value="newest">newest series first</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-size">Per page</label>
          <select id="s-size" name="size" defaultValue={String(view.pageSize)}>
            {seriesPageSizes.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Apply
          </button>
          {filtered ? (
            <AppLink className="button" href="/series">
              Clear
            </AppLink>
          ) : null}
        </div>
      </form>

      <section className="panel" aria-labelledby="series-list-heading">
        <h2 id="series-list-heading" className="visually-hidden">
          Series
        </h2>
        {seriesPage.nodes.length === 0 ? (
          <EmptyState title="No series match">
            <p>
              {filtered ? (
                <>
                  Nothing matches these filters. <AppLink href="/series">Clear them</AppLink>.
                </>
              ) : (
                "Series appear once a run has stored its first measurements."
              )}
            </p>
          </EmptyState>
        ) : (
          <>
            <SeriesTable rows={seriesPage.nodes.map(toSeriesRow)} />
            <nav className="pager" aria-label="Pages">
              <span className="small muted" data-testid="page-range">
                Series {formatCount(range.from)}–{formatCount(range.to)} of{" "}
                {formatCount(seriesPage.totalCount)}. Latest: median wall time of the newest point; change:
                against the median of the 10 before it.
              </span>
              <span className="actions">
                {previous ? (
                  <AppLink className="button" href={previous} rel="prev">
                    ← Previous
                  </AppLink>
                ) : null}
                {next ? (
                  <AppLink className="button" href={next} rel="next">
                    Next →
                  </AppLink>
                ) : null}
              </span>
            </nav>
          </>
        )}
      </section>
    </>
  );
}
