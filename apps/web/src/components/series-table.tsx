"use client";

/**
 * The series explorer's table. A client component fed plain rows, as the runs table is:
 * the page's RSC payload then carries each row's values once, instead of the element tree
 * of every cell (a server-rendered table of 50 series made the RSC payload 145 kB of the
 * page's 230 kB, twice its HTML). The values are formatted on the server (lib/series-rows.ts),
 * so this file ships no formatting code to the browser.
 */
import { AppLink } from "./app-link";
import { DataTable } from "./data-table";
import { ModeName } from "./names";
import { Badge } from "./ui";

/** One series as the explorer's table shows it: every value already a string. */
export interface SeriesRow {
  key: string;
  workloadId: string;
  mode: string;
  threads: number;
  /** Parameters, and the harness and project when not the defaults. */
  details: string;
  testbed: { runtimeLabel: string; hostname: string } | null;
  branch: string | null;
  /** The sparkline's polyline points in a 120 x 24 box. */
  sparkline: string;
  latest: string;
  latestAt: string;
  change: string;
  changeClass: string;
  openRegressions: number;
}

const columns = [
  { title: "Series" },
  { title: "Runtime · machine" },
  { title: "Branch" },
  { title: "Recent" },
  { title: "Latest", numeric: true },
  { title: "Change", numeric: true },
  { title: "Regressions" },
];

export function SeriesTable({ rows }: { rows: readonly SeriesRow[] }) {
  return (
    <DataTable label="Series" testId="series-table" caption="Series, median wall time" columns={columns}>
      {rows.map((row) => (
        <tr key={row.key} data-series-key={row.key}>
          <td>
            <AppLink href={`/series/${encodeURIComponent(row.key)}`}>
              {row.workloadId} · <ModeName mode={row.mode} /> × {row.threads}
            </AppLink>
            <div className="small muted">{row.details}</div>
          </td>
          <td className="small">
            {row.testbed ? (
              <>
                <span className="runtime-label" data-testid="runtime-label">
                  {row.testbed.runtimeLabel}
                </span>
                <div className="muted">{row.testbed.hostname}</div>
              </>
            ) : (
              <span className="muted">unknown</span>
            )}
          </td>
          <td className="small">{row.branch ?? <span className="muted">none</span>}</td>
          <td>
            <svg
              className="sparkline inline"
              viewBox="0 0 120 28"
              preserveAspectRatio="none"
              aria-hidden="true"
            >
              <polyline points={row.sparkline} transform="translate(0 2)" />
            </svg>
          </td>
          <td className="num">
            {row.latest}
            <div className="small muted">{row.latestAt}</div>
          </td>
          <td className="num">
            <span className={row.changeClass}>{row.change}</span>
          </td>
          <td>
            {row.openRegressions > 0 ? (
              <Badge tone="bad">{row.openRegressions} open</Badge>
            ) : (
              <span className="muted small">none open</span>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
