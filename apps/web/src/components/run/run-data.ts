/** The run page's data: the run as RunQuery returns it, and its cells as the charts plot them. */
import type { RunQuery } from "../../generated/graphql";
import type { CellPoint } from "../../lib/chart-data";

export type RunDetail = NonNullable<RunQuery["run"]>;
export type Measurement = RunDetail["measurements"][number];

/** The succeeded cells as the scaling and time charts plot them. */
export function cellPoints(measurements: readonly Measurement[]): CellPoint[] {
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
