import { formatCount, formatRatioPercent } from "../../lib/format";
import { DataTable } from "../data-table";
import { ModeName } from "../names";
import { Badge } from "../ui";
import type { Measurement } from "./run-data";

/** The shared-counter workload's lost updates per cell and variant (last repetition). */
export function LostUpdates({ measurements }: { measurements: readonly Measurement[] }) {
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
      <DataTable
        label="Lost updates"
        testId="lost-updates"
        columns={[
          { title: "Mode" },
          { title: "Threads", numeric: true },
          { title: "Variant" },
          { title: "Expected", numeric: true },
          { title: "Observed", numeric: true },
          { title: "Lost", numeric: true },
        ]}
      >
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
      </DataTable>
    </section>
  );
}
