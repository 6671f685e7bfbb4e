import { agentMatchesTarget, describeTarget, type QueuedRunTarget } from "../db/agent-repository.js";

/** What the reason needs to know of each agent. */
export interface AgentView {
  id: string;
  name: string;
  labels: string[];
  online: boolean;
  lastSeenAt: Date | null;
  /** Runs it is executing now. */
  runningRunIds: string[];
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/**
 * Why a queued run has not started, in one sentence for the dashboard: no agent at
 * all, none that may take it (its target), none of those online, or all of them busy
 * with the runs ahead of it. `queued` is the whole queue in execution order.
 */
export function waitingReason(
  run: QueuedRunTarget,
  queued: readonly QueuedRunTarget[],
  agents: readonly AgentView[],
): string {
  if (agents.length === 0) {
    return "no agent is registered: start one with `threadbench agent --server URL --token TOKEN` (npm start starts a local one)";
  }
  const targetAgent = run.targetAgentId ? agents.find((agent) => agent.id === run.targetAgentId) : undefined;
  if (run.targetAgentId && !targetAgent) return "its target agent is not registered any more";
  const target = describeTarget(run, targetAgent?.name);
  const eligible = agents.filter((agent) => agentMatchesTarget(agent, run));
  if (eligible.length === 0) {
    const known = agents
      .map((agent) => `${agent.name} [${agent.labels.length > 0 ? agent.labels.join(", ") : "no labels"}]`)
      .join("; ");
    return `no agent carries the labels ${run.targetLabels.join(", ")} (registered: ${known})`;
  }
  const online = eligible.filter((agent) => agent.online);
  if (online.length === 0) {
    const offline = eligible
      .map(
        (agent) => `${agent.name} (last seen ${agent.lastSeenAt ? agent.lastSeenAt.toISOString() : "never"})`,
      )
      .join(", ");
    return `no agent that may take it (${target}) is online: ${offline}`;
  }
  const position = queued.findIndex((candidate) => candidate.id === run.id);
  const ahead = queued
    .slice(0, Math.max(0, position))
    .filter((candidate) => online.some((agent) => agentMatchesTarget(agent, candidate))).length;
  const busy = online.filter((agent) => agent.runningRunIds.length > 0);
  const aheadText = ahead > 0 ? `; ${plural(ahead, "queued run")} ahead of it for the same agents` : "";
  if (busy.length === online.length) {
    return `waiting for ${target}: ${online.map((agent) => agent.name).join(", ")} ${online.length === 1 ? "is" : "are"} busy${aheadText}`;
  }
  if (ahead > 0) return `${plural(ahead, "queued run")} ahead of it for ${target}`;
  const idle = online.filter((agent) => agent.runningRunIds.length === 0).map((agent) => agent.name);
  return `about to start: ${idle.join(", ")} ${idle.length === 1 ? "is" : "are"} idle and will claim it`;
}
