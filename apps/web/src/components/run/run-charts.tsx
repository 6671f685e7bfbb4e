import type { CellPoint } from "../../lib/chart-data";
import { ScalingChart, TimeChart } from "../charts/run-charts";
import type { RunDetail } from "./run-data";

/** The scaling curve and the time per mode and threads, side by side. */
export function RunCharts({ run, cells }: { run: RunDetail; cells: CellPoint[] }) {
  return (
    <div className="grid-2" style={{ marginBottom: 16 }}>
      <section className="panel" aria-labelledby="scaling-heading">
        <h2 id="scaling-heading">
          <span>Scaling</span>
          <span className="panel-note">speedup vs threads, log₂ axis</span>
        </h2>
        <div data-testid="scaling-chart">
          <ScalingChart cells={cells} fits={run.scalingFits} />
        </div>
        <p className="chart-caption">
          Dashed grey: ideal linear speedup.{" "}
          {run.scalingFits.length > 0
            ? "Long dashes: Amdahl fit; short dashes: USL fit, in the colour of their mode."
            : "Fits appear for modes with at least two thread counts."}
        </p>
      </section>
      <section className="panel" aria-labelledby="time-heading">
        <h2 id="time-heading">
          <span>Time per mode and threads</span>
          <span className="panel-note">median, whiskers: min–max of repetitions</span>
        </h2>
        <TimeChart cells={cells} />
        <p className="chart-caption">
          {run.scaling === "WEAK"
            ? "Weak scaling: N full-size tasks on N threads, so ideal time stays flat as threads grow."
            : "Strong scaling: one job split into N chunks, so ideal time falls as 1/N."}
        </p>
      </section>
    </div>
  );
}
