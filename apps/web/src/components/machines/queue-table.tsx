/** The queued runs in execution order, each with its target and why it still waits. */

import type { MachinesQuery } from "../../generated/graphql";
import { formatAge, formatDateTime } from "../../lib/format";
import { AppLink } from "../app-link";
import { TableScroll } from "../table-scroll";

type QueuedRun = MachinesQuery["queue"]["queued"][number];

export function QueueTable({ runs, now }: { runs: readonly QueuedRun[]; now: number }) {
  if (runs.length === 0) return <p className="muted">Nothing is queued.</p>;
  return (
    <TableScroll label="Queued runs">
      <table className="data" data-testid="queue-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Run</th>
            <th scope="col">Runs on</th>
            <th scope="col">Queued</th>
            <th scope="col">Why it waits</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>{run.queuePosition ?? "–"}</td>
              <td>
                <AppLink href={`/runs/${run.id}`}>{run.workloadId}</AppLink>
                {run.requestedBy ? <div className="muted small">by {run.requestedBy}</div> : null}
              </td>
              <td>{run.target.description}</td>
              <td title={formatDateTime(run.createdAt)}>{formatAge(run.createdAt, now)}</td>
              <td data-testid="waiting-reason">{run.waitingReason ?? "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
