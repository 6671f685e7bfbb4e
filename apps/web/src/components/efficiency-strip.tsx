/**
 * Efficiency over time, one row per thread count: a heat strip where the day a mode
 * stopped scaling shows as the day its rows change colour. Server-rendered (no chart
 * library): each slice is a link to the newest run in it.
 */
import type { EfficiencyHistoryQuery } from "../generated/graphql";
import { formatDate, formatDateTime, formatRatioPercent } from "../lib/format";
import { efficiencyColor, efficiencyLegend } from "../lib/heat";
import { ModeName } from "./names";

type History = NonNullable<EfficiencyHistoryQuery["efficiencyHistory"]>;

export function EfficiencyStrip({ history, title }: { history: History; title: string }) {
  return (
    <figure className="heat" data-testid="efficiency-strip" aria-label={`Efficiency over time: ${title}`}>
      <figcaption className="small">
        <ModeName mode={history.mode} /> · {title}
        {history.branch ? ` · ${history.branch}` : ""} · {formatDate(history.from)} to{" "}
        {formatDate(history.to)}
      </figcaption>
      <div className="heat-rows">
        {history.rows.map((row) => (
          <div className="heat-row" key={row.seriesKey} data-threads={row.threads}>
            <span className="heat-label num">×{row.threads}</span>
            <div className="heat-cells" style={{ gridTemplateColumns: `repeat(${history.buckets}, 1fr)` }}>
              {row.cells.map((cell) =>
                cell.lastRunId ? (
                  <a
                    key={cell.from}
                    className="heat-cell"
                    href={`/runs/${encodeURIComponent(cell.lastRunId)}`}
                    style={{ background: efficiencyColor(cell.efficiency) }}
                    title={`${row.threads} threads, ${formatDateTime(cell.from)} to ${formatDateTime(cell.to)}: efficiency ${formatRatioPercent(cell.efficiency)} (median of ${cell.points} run${cell.points === 1 ? "" : "s"})`}
                  >
                    <span className="visually-hidden">
                      {row.threads} threads from {formatDate(cell.from)}:{" "}
                      {formatRatioPercent(cell.efficiency)}
                    </span>
                  </a>
                ) : (
                  <span key={cell.from} className="heat-cell empty-cell" title="no run in this slice" />
                ),
              )}
            </div>
          </div>
        ))}
      </div>
      <div className="heat-legend small muted" aria-hidden="true">
        {efficiencyLegend.map((stop) => (
          <span key={stop}>
            <span className="swatch" style={{ background: efficiencyColor(stop) }} />
            {stop > 1 ? ">100%" : formatRatioPercent(stop)}
          </span>
        ))}
        <span>efficiency = speedup ÷ threads, median per slice</span>
      </div>
    </figure>
  );
}
