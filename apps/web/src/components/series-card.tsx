"use client";

/**
 * A series as a card: what it is, on which runtime, its sparkline, latest value and change.
 * A client component fed formatted values (lib/series-rows.ts), like the explorer's table:
 * the page's RSC payload carries each card's values once instead of its element tree.
 */
import { AppLink } from "./app-link";
import { ModeName } from "./names";
import { Badge } from "./ui";

/** One series card's values, every one already formatted on the server. */
export interface SeriesCardData {
  key: string;
  workloadId: string;
  mode: string;
  threads: number;
  /** "cpython 3.13.1t (no GIL) · ci-runner-7": the runtime first, it tells two series apart. */
  where: string;
  /** Parameters, branch, and the harness and project when not the defaults. */
  details: string;
  /** The sparkline's polyline points in a 200 x 32 box. */
  sparkline: string;
  latest: string;
  latestAt: string;
  /** The change against the points before it, or null when there is none. */
  change: { text: string; className: string } | null;
  openRegressions: number;
}

export function SeriesCard({ card }: { card: SeriesCardData }) {
  return (
    <AppLink
      className="series-card"
      href={`/series/${encodeURIComponent(card.key)}`}
      data-series-key={card.key}
      data-testid="series-card"
    >
      <div className="title">
        {card.workloadId} · <ModeName mode={card.mode} /> × {card.threads}
      </div>
      <div className="meta runtime" title={card.where}>
        {card.where}
      </div>
      <div className="meta">{card.details}</div>
      <svg className="sparkline" viewBox="0 0 200 36" preserveAspectRatio="none" aria-hidden="true">
        <polyline points={card.sparkline} transform="translate(0 2)" />
      </svg>
      <div className="figures">
        <span className="num">{card.latest}</span>
        <span className="small">
          {card.change ? <span className={card.change.className}>{card.change.text}</span> : null}{" "}
          {card.openRegressions > 0 ? (
            <Badge tone="bad">
              {card.openRegressions} open regression{card.openRegressions === 1 ? "" : "s"}
            </Badge>
          ) : null}
        </span>
      </div>
      <div className="meta">latest {card.latestAt}</div>
    </AppLink>
  );
}
