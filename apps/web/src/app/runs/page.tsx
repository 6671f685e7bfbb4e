import type { Metadata } from "next";
import Link from "next/link";
import { type RunRow, RunsTable } from "../../components/runs-table";
import { EmptyRuns, ErrorCallout } from "../../components/ui";
import type { RunOrder, RunStatus } from "../../generated/graphql";
import { RunsQuery } from "../../graphql/queries";
import { serverQuery } from "../../graphql/server";
import { formatCount } from "../../lib/format";
import { enumToWord, modeOrder } from "../../lib/labels";
import {
  activeFilterCount,
  pageSizes,
  parseRunsView,
  runFilterOf,
  runOrderOf,
  runStatuses,
  type SearchParamsRecord,
  serializeRunsView,
  withCursor,
  withSort,
} from "../../lib/url-state";

export const metadata: Metadata = { title: "Runs" };

interface PageProps {
  searchParams: Promise<SearchParamsRecord>;
}

export default async function RunsPage({ searchParams }: PageProps) {
  const search = await searchParams;
  const view = parseRunsView(search);
  const filter = runFilterOf(view.filters);
  const orderBy = runOrderOf(view) as RunOrder;
  const result = await serverQuery(RunsQuery, {
    filter: { ...filter, status: filter.status as RunStatus[] | undefined },
    orderBy,
    first: view.pageSize,
    after: view.after ?? null,
  });
  const preselected = typeof search.select === "string" ? [search.select] : [];

  if (!result.ok) {
    return (
      <>
        <h1>Runs</h1>
        <ErrorCallout error={result.error} />
      </>
    );
  }
  const { runs, testbeds, workloads } = result.data;
  const filtered = activeFilterCount(view) > 0;
  const sortHref = `/runs${serializeRunsView(withSort(view, "createdAt"))}`;
  const nextHref = runs.pageInfo.endCursor
    ? `/runs${serializeRunsView(withCursor(view, runs.pageInfo.endCursor))}`
    : null;
  const firstHref = `/runs${serializeRunsView(withCursor(view, undefined))}`;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Runs</h1>
          <p className="subtitle">
            {formatCount(runs.totalCount)} run{runs.totalCount === 1 ? "" : "s"}
            {filtered ? " match these filters" : " stored"}. Filters, order and page live in the URL: share it
            to share the view.
          </p>
        </div>
        <div className="actions">
          <Link className="button primary" href="/runs/new">
            New run
          </Link>
        </div>
      </div>

      <form className="panel filters" method="get" action="/runs" aria-label="Filter runs">
        <div className="field">
          <label htmlFor="f-workload">Workload</label>
          <select id="f-workload" name="workload" defaultValue={view.filters.workload ?? ""}>
            <option value="">any</option>
            {workloads.map((workload) => (
              <option key={workload.id} value={workload.id}>
                {workload.id}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" name="status" defaultValue={view.filters.status ?? ""}>
            <option value="">any</option>
            {runStatuses.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-mode">Mode</label>
          <select id="f-mode" name="mode" defaultValue={view.filters.mode ?? ""}>
            <option value="">any</option>
            {modeOrder.map((mode) => (
              <option key={mode} value={enumToWord(mode)}>
                {enumToWord(mode)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-threads">Threads</label>
          <input
            id="f-threads"
            name="threads"
            type="number"
            min={1}
            inputMode="numeric"
            defaultValue={view.filters.threads ?? ""}
          />
        </div>
        <div className="field">
          <label htmlFor="f-branch">Branch</label>
          <input id="f-branch" name="branch" defaultValue={view.filters.branch ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="f-testbed">Testbed</label>
          <select id="f-testbed" name="testbed" defaultValue={view.filters.testbed ?? ""}>
            <option value="">any</option>
            {testbeds.map((testbed) => (
              <option key={testbed.id} value={testbed.id}>
                {testbed.hostname} · {testbed.runtime} {testbed.runtimeVersion}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-label">Label</label>
          <input
            id="f-label"
            name="label"
            defaultValue={view.filters.label ?? ""}
            placeholder="e.g. nightly"
          />
        </div>
        <div className="field">
          <label htmlFor="f-from">From (UTC)</label>
          <input id="f-from" name="from" type="date" defaultValue={view.filters.from ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="f-to">To (UTC)</label>
          <input id="f-to" name="to" type="date" defaultValue={view.filters.to ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="f-sort">Sort by</label>
          <select id="f-sort" name="sort" defaultValue={view.sort}>
            <option value="createdAt">date</option>
            <option value="workload">workload</option>
            <option value="status">status</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-dir">Order</label>
          <select id="f-dir" name="dir" defaultValue={view.direction}>
            <option value="desc">descending (newest first, Z-A)</option>
            <option value="asc">ascending (oldest first, A-Z)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-size">Per page</label>
          <select id="f-size" name="size" defaultValue={String(view.pageSize)}>
            {pageSizes.map((size) => (
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
            <Link className="button" href="/runs">
              Clear
            </Link>
          ) : null}
        </div>
      </form>

      <section className="panel">
        {runs.nodes.length === 0 ? (
          filtered || view.after ? (
            <div className="empty">
              <h2>No runs match</h2>
              <p>
                Nothing matches these filters. <Link href="/runs">Clear the filters</Link> or widen the dates.
              </p>
            </div>
          ) : (
            <EmptyRuns />
          )
        ) : (
          <>
            <RunsTable runs={runs.nodes as RunRow[]} initiallySelected={preselected} />
            <nav
              className="actions"
              aria-label="Pages"
              style={{ marginTop: 12, justifyContent: "space-between" }}
            >
              <span className="small muted">
                Showing {runs.nodes.length} of {formatCount(runs.totalCount)} ·{" "}
                <Link href={sortHref}>
                  {view.sort !== "createdAt"
                    ? "sort by date"
                    : view.direction === "desc"
                      ? "show oldest first"
                      : "show newest first"}
                </Link>
              </span>
              <span className="actions">
                {view.after ? (
                  <Link className="button" href={firstHref}>
                    ← First page
                  </Link>
                ) : null}
                {runs.pageInfo.hasNextPage && nextHref ? (
                  <Link className="button" href={nextHref} rel="next">
                    Next page →
                  </Link>
                ) : null}
              </span>
            </nav>
          </>
        )}
      </section>
    </>
  );
}
