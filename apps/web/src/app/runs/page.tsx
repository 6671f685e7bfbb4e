import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AppLink } from "../../components/app-link";
import { EmptyState } from "../../components/data-table";
import { RunsTable } from "../../components/runs-table";
import { EmptyRuns, ErrorCallout } from "../../components/ui";
import type { RunOrder, RunStatus } from "../../generated/graphql";
import { RunsQuery } from "../../graphql/queries";
import { serverQuery } from "../../graphql/server";
import { formatCount } from "../../lib/format";
import { modeFilterOptions } from "../../lib/labels";
import { toRunRow } from "../../lib/run-rows";
import { commitUrlTemplate } from "../../lib/server-config";
import {
  activeFilterCount,
  pagedBackError,
  pageSizes,
  parseRunsView,
  reversedDirection,
  runFilterOf,
  runOrderOf,
  runStatuses,
  type SearchParamsRecord,
  serializeRunsView,
  withBefore,
  withCursor,
  withoutEmptyParams,
  withSort,
} from "../../lib/url-state";

export const metadata: Metadata = { title: "Runs" };

interface PageProps {
  searchParams: Promise<SearchParamsRecord>;
}

export default async function RunsPage({ searchParams }: PageProps) {
  const search = await searchParams;
  // A plain GET form submits every field, empty or not: keep those out of the URL.
  const cleaned = withoutEmptyParams(search);
  if (cleaned !== null) redirect(`/runs${cleaned}`);
  const view = parseRunsView(search);
  const filter = runFilterOf(view.filters);
  // A page before a cursor is the page after it in the opposite order, reversed.
  const backwards = view.before !== undefined;
  const orderBy = runOrderOf(
    backwards ? { ...view, direction: reversedDirection(view.direction) } : view,
  ) as RunOrder;
  const result = await serverQuery(RunsQuery, {
    filter: { ...filter, status: filter.status as RunStatus[] | undefined },
    orderBy,
    first: view.pageSize,
    after: view.after ?? view.before ?? null,
  });
  const preselected = typeof search.select === "string" ? [search.select] : [];

  if (!result.ok) {
    return (
      <>
        <h1>Runs</h1>
        <ErrorCallout error={backwards ? pagedBackError(result.error) : result.error} />
      </>
    );
  }
  const { runs, testbeds, workloads, seriesFacets } = result.data;
  const edges = backwards ? [...runs.edges].reverse() : runs.edges;
  const nodes = edges.map((edge) => edge.node);
  const filtered = activeFilterCount(view) > 0;
  const sortHref = `/runs${serializeRunsView(withSort(view, "createdAt"))}`;
  const start = view.start ?? 1;
  const end = start + nodes.length - 1;
  const hasPrevious = backwards ? runs.pageInfo.hasNextPage : view.after !== undefined || start > 1;
  const hasNext = backwards ? true : runs.pageInfo.hasNextPage;
  const firstCursor = edges[0]?.cursor;
  const lastCursor = edges.at(-1)?.cursor;
  const previousHref =
    hasPrevious && firstCursor
      ? `/runs${serializeRunsView(withBefore(view, firstCursor, Math.max(1, start - view.pageSize)))}`
      : null;
  const nextHref =
    hasNext && lastCursor ? `/runs${serializeRunsView(withCursor(view, lastCursor, end + 1))}` : null;
  const firstHref = `/runs${serializeRunsView(withCursor(view, undefined))}`;
  const modes = modeFilterOptions(seriesFacets.modes);
  // The whole view from its first row: filters and order, not the page.
  const exportQuery = serializeRunsView(withCursor(view, undefined)).replace(/^\?/, "");
  const exportHref = (format: "csv" | "json") =>
    `/runs/export?${new URLSearchParams({ format }).toString()}${exportQuery ? `&${exportQuery}` : ""}`;

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
          <a className="button" href={exportHref("csv")} download data-testid="export-runs-csv">
            Export CSV
          </a>
          <a className="button" href={exportHref("json")} download data-testid="export-runs-json">
            Export JSON
          </a>
          <AppLink className="button primary" href="/runs/new">
            New run
          </AppLink>
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
            {modes.map((mode) => (
              <option key={mode} value={mode}>
                {mode}
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
                {testbed.hostname} · {testbed.runtimeLabel}
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
          <label htmlFor="f-project">Project</label>
          <input
            id="f-project"
            name="project"
            defaultValue={view.filters.project ?? ""}
            placeholder="e.g. acme/imaging"
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
            <AppLink className="button" href="/runs">
              Clear
            </AppLink>
          ) : null}
        </div>
      </form>

      <section className="panel">
        {nodes.length === 0 ? (
          filtered || view.after || view.before ? (
            <EmptyState title="No runs match">
              <p>
                Nothing matches these filters. <AppLink href="/runs">Clear the filters</AppLink> or widen the
                dates.
              </p>
            </EmptyState>
          ) : (
            <EmptyRuns />
          )
        ) : (
          <>
            <RunsTable
              runs={nodes.map(toRunRow)}
              initiallySelected={preselected}
              commitTemplate={commitUrlTemplate()}
            />
            <nav className="pager" aria-label="Pages">
              <span className="small muted" data-testid="page-range">
                Runs {formatCount(start)}–{formatCount(end)} of {formatCount(runs.totalCount)} ·{" "}
                <AppLink href={sortHref}>
                  {view.sort !== "createdAt"
                    ? "sort by date"
                    : view.direction === "desc"
                      ? "show oldest first"
                      : "show newest first"}
                </AppLink>
              </span>
              <span className="actions">
                {start > 1 || view.after || view.before ? (
                  <AppLink className="button" href={firstHref}>
                    ⇤ First
                  </AppLink>
                ) : null}
                {previousHref ? (
                  <AppLink className="button" href={previousHref} rel="prev">
                    ← Previous
                  </AppLink>
                ) : null}
                {nextHref ? (
                  <AppLink className="button" href={nextHref} rel="next">
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
