import type { Metadata } from "next";
import { MachinesQuery } from "../../components/machines/machines-query";
import { MachinesTable } from "../../components/machines/machines-table";
import { QueueTable } from "../../components/machines/queue-table";
import { ErrorCallout } from "../../components/ui";
import { serverQuery } from "../../graphql/server";

export const metadata: Metadata = { title: "Machines" };

/**
 * The benchmark machines: every agent that registered, online or not, with its testbed,
 * labels, last heartbeat, current run and queue; and the queued runs with why each
 * still waits (no agent online that may take it, agents busy, ...).
 */
export default async function MachinesPage() {
  const result = await serverQuery(MachinesQuery, {});
  if (!result.ok) {
    return (
      <>
        <h1>Machines</h1>
        <ErrorCallout error={result.error} />
      </>
    );
  }
  const { agents, queue, agentSettings } = result.data;
  // The time the data was read: ages ("3 s ago") are relative to it.
  const now = Date.now();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Machines</h1>
          <p className="subtitle">
            Runs execute on agents, one run at a time per machine, never inside the API. Add a machine with{" "}
            <code>threadbench agent --server URL --token TOKEN [--label 16-core]</code>. An agent is offline{" "}
            {agentSettings.leaseSeconds} s after its last heartbeat; its run is then interrupted.
          </p>
        </div>
      </div>
      <section className="panel" aria-labelledby="agents-heading">
        <h2 id="agents-heading">Agents</h2>
        {agents.length === 0 ? (
          <p className="muted">
            No agent has registered yet. <code>npm start</code> starts a local one; on a benchmark machine run{" "}
            <code>threadbench agent</code>.
          </p>
        ) : (
          <MachinesTable agents={agents} now={now} />
        )}
      </section>
      <section className="panel" aria-labelledby="queue-heading">
        <h2 id="queue-heading">Queue</h2>
        <p className="muted small">
          At most {agentSettings.maxQueuedRuns} queued runs, {agentSettings.maxQueuedRunsPerTarget} per
          target.
        </p>
        <QueueTable runs={queue.queued} now={now} />
      </section>
    </>
  );
}
