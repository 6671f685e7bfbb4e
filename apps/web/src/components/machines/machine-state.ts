import type { Tone } from "../../lib/labels";

/** The parts of an agent its state is told from. */
export interface AgentState {
  online: boolean;
  lastSeenAt: string | null;
  disconnectedAt: string | null;
  currentRun: { id: string } | null;
}

/**
 * One word and a tone for an agent: busy (running a run), idle (online, waiting),
 * stopped (said goodbye), or offline (no heartbeat within the lease: killed, or the
 * network is gone). The server decides online; this only names it.
 */
export function machineState(agent: AgentState): { word: string; tone: Tone; title: string } {
  if (agent.online && agent.currentRun) {
    return { word: "busy", tone: "info", title: "Online, executing a run" };
  }
  if (agent.online) return { word: "idle", tone: "good", title: "Online, waiting for work" };
  if (agent.disconnectedAt && (!agent.lastSeenAt || agent.disconnectedAt >= agent.lastSeenAt)) {
    return { word: "stopped", tone: "neutral", title: "The agent exited cleanly" };
  }
  return {
    word: "offline",
    tone: "bad",
    title: "No heartbeat within the lease: the agent was killed or lost the network",
  };
}

/** Online agents first (busy, then idle), then the rest, each group by name. */
export function sortMachines<T extends AgentState & { name: string }>(agents: readonly T[]): T[] {
  const rank = (agent: T) => (agent.online ? (agent.currentRun ? 0 : 1) : 2);
  return [...agents].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
