/** Every agent (benchmark machine): state, testbed, labels, last heartbeat, current run, queue. */

import type { MachinesQuery } from "../../generated/graphql";
import { formatAge, formatBytes, formatDateTime, formatRatioPercent } from "../../lib/format";
import { AppLink } from "../app-link";
import { TableScroll } from "../table-scroll";
import { Badge } from "../ui";
import { machineState, sortMachines } from "./machine-state";

type Agent = MachinesQuery["agents"][number];

export function MachinesTable({ agents, now }: { agents: readonly Agent[]; now: number }) {
  return (
    <TableScroll label="Agents">
      <table className="data" data-testid="machines-table">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">State</th>
            <th scope="col">Testbed</th>
            <th scope="col">Labels</th>
            <th scope="col">Last heartbeat</th>
            <th scope="col">Current run</th>
            <th scope="col">Queue</th>
          </tr>
        </thead>
        <tbody>
          {sortMachines(agents).map((agent) => {
            const state = machineState(agent);
            const testbed = agent.testbed;
            return (
              <tr key={agent.id} data-agent={agent.name}>
                <th scope="row">
                  {agent.name}
                  {agent.version ? <div className="muted small">threadbench {agent.version}</div> : null}
                </th>
                <td>
                  <Badge tone={state.tone} title={state.title}>
                    <span data-state={state.word}>{state.word}</span>
                  </Badge>
                </td>
                <td>
                  {testbed ? (
                    <>
                      {testbed.hostname}
                      <div className="muted small">
                        {testbed.cpuModel}, {testbed.logicalCores} cores, {formatBytes(testbed.memoryBytes)} ·{" "}
                        {testbed.runtimeLabel} on {testbed.os} {testbed.arch}
                      </div>
                    </>
                  ) : (
                    <span className="muted">–</span>
                  )}
                </td>
                <td>
                  {agent.labels.length > 0 ? (
                    <span className="labels">
                      {agent.labels.map((label) => (
                        <span key={label} className="badge">
                          {label}
                        </span>
                      ))}
                    </span>
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
                <td title={formatDateTime(agent.lastSeenAt)}>{formatAge(agent.lastSeenAt, now)}</td>
                <td>
                  {agent.currentRun ? (
                    <>
                      <AppLink href={`/runs/${agent.currentRun.id}`}>{agent.currentRun.workloadId}</AppLink>
                      {agent.currentRun.progress ? (
                        <div className="muted small">
                          {formatRatioPercent(agent.currentRun.progress.fraction)}, cell{" "}
                          {agent.currentRun.progress.cellsDone} of {agent.currentRun.progress.cellsTotal}
                        </div>
                      ) : null}
                    </>
                  ) : (
                    <span className="muted">–</span>
                  )}
                </td>
                <td>
                  {agent.queue.length === 0 ? (
                    <span className="muted">empty</span>
                  ) : (
                    <AppLink href={`/runs/${agent.queue[0]?.id}`}>
                      {agent.queue.length === 50 ? "50+" : agent.queue.length} queued
                    </AppLink>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
