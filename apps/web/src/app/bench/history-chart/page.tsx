import type { Metadata } from "next";
import { BenchHistoryChart } from "../../../components/bench-history-chart";
import type { SearchParamsRecord } from "../../../lib/url-state";

export const metadata: Metadata = { title: "Chart render benchmark", robots: { index: false } };

interface PageProps {
  searchParams: Promise<SearchParamsRecord>;
}

/** Not linked from the dashboard: the fixture of `npm run bench`'s chart render timing. */
export default async function BenchHistoryChartPage({ searchParams }: PageProps) {
  const requested = Number((await searchParams).points);
  const count = Number.isInteger(requested) && requested > 0 && requested <= 200_000 ? requested : 10_000;
  return (
    <>
      <h1>Chart render benchmark</h1>
      <div className="callout warn">
        <p>
          Synthetic data ({count.toLocaleString("en-US")} generated points) for timing the history chart. Not
          a measurement; not linked from the dashboard.
        </p>
      </div>
      <section className="panel">
        <BenchHistoryChart count={count} />
      </section>
    </>
  );
}
