import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RegressionList } from "../../../components/regressions";
import { CellsTable } from "../../../components/run/cells-table";
import { ChecksumSummary } from "../../../components/run/checksum-summary";
import { LostUpdates } from "../../../components/run/lost-updates";
import { RunCharts } from "../../../components/run/run-charts";
import { cellPoints } from "../../../components/run/run-data";
import { RunEnvironment } from "../../../components/run/run-environment";
import { RunHeader } from "../../../components/run/run-header";
import { RunPlan } from "../../../components/run/run-plan";
import { RunProgressPanel } from "../../../components/run-progress";
import { FitsTable } from "../../../components/run-tables";
import { ErrorCallout } from "../../../components/ui";
import { RunQuery } from "../../../graphql/queries";
import { publicWebSocketUrl, serverQuery } from "../../../graphql/server";
import { isActiveStatus } from "../../../lib/labels";
import { modeSlots } from "../../../lib/mode-colors";
import { commitUrlTemplate } from "../../../lib/server-config";

interface PageProps {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Run ${id.slice(0, 8)}` };
}

/**
 * One run: its heading, live progress while it runs, charts, fits, cells, lost updates
 * (shared-counter), the step changes it introduced, its plan and its environment. Each
 * part is a component of components/run/.
 */
export default async function RunPage({ params }: PageProps) {
  const { id } = await params;
  const result = await serverQuery(RunQuery, { id });
  if (!result.ok) {
    return (
      <>
        <h1>Run {id}</h1>
        <ErrorCallout error={result.error} />
      </>
    );
  }
  const run = result.data.run;
  // HTTP 404 with the styled not-found page (app/not-found.tsx).
  if (!run) notFound();
  const cells = cellPoints(run.measurements);
  const slots = modeSlots([...run.modes, ...run.measurements.map((measurement) => measurement.mode)]);
  const commitTemplate = commitUrlTemplate();
  const active = isActiveStatus(run.status);
  const isSharedCounter = run.workloadId === "shared-counter";

  return (
    <>
      <RunHeader run={run} commitTemplate={commitTemplate} />

      {run.seeded ? (
        <div className="callout info small">
          <p>
            This run is part of a seeded demo history: synthetic numbers, not a measurement of this machine.
          </p>
        </div>
      ) : null}
      {run.error ? (
        <div className="callout error" role="alert">
          <strong>The run did not succeed</strong>
          <p>{run.error}</p>
        </div>
      ) : null}

      {active ? (
        <RunProgressPanel
          runId={run.id}
          initialStatus={run.status}
          initialProgress={run.progress ?? null}
          queuePosition={run.queuePosition ?? null}
          webSocketUrl={publicWebSocketUrl()}
        />
      ) : null}

      <RunCharts run={run} cells={cells} />

      {run.scalingFits.length > 0 ? (
        <section className="panel" aria-labelledby="fits-heading">
          <h2 id="fits-heading">
            <span>Scaling fits</span>
            <span className="panel-note">Amdahl and USL per parallel mode</span>
          </h2>
          <FitsTable fits={run.scalingFits} slots={slots} />
        </section>
      ) : null}

      <section className="panel" aria-labelledby="cells-heading">
        <h2 id="cells-heading">Measurements</h2>
        <ChecksumSummary measurements={run.measurements} />
        {run.measurements.length > 0 ? (
          <CellsTable measurements={run.measurements} slots={slots} />
        ) : (
          <p className="muted">
            {active
              ? "Cell results appear here once the run has stored them."
              : "This run has no measurements."}
          </p>
        )}
      </section>

      {isSharedCounter ? <LostUpdates measurements={run.measurements} /> : null}

      {run.regressions.length > 0 ? (
        <section className="panel" aria-labelledby="run-regressions-heading">
          <h2 id="run-regressions-heading">
            <span>Step changes this run introduced</span>
            <span className="panel-note">first run at the new level</span>
          </h2>
          <RegressionList regressions={run.regressions} actions />
        </section>
      ) : null}

      <div className="grid-2">
        <RunPlan run={run} commitTemplate={commitTemplate} />
        <RunEnvironment run={run} active={active} />
      </div>
    </>
  );
}
