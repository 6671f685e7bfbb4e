/**
 * The new-run form's "Runs on" choice: any agent, one agent by name, or agents with a
 * label. One select value encodes it ("any", "agent:NAME", "label:LABEL") so the form
 * keeps a single string; this module turns it into startRun's `target` and back.
 */

export interface AgentOption {
  name: string;
  labels: readonly string[];
  online: boolean;
}

export interface TargetChoice {
  value: string;
  label: string;
}

/** startRun's RunTargetInput for a select value; null means any agent. */
export function targetInput(value: string): { agentName: string } | { labels: string[] } | null {
  if (value.startsWith("agent:")) return { agentName: value.slice("agent:".length) };
  if (value.startsWith("label:")) return { labels: [value.slice("label:".length)] };
  return null;
}

/** The select's options: any agent, every agent (online first), every label agents carry. */
export function targetChoices(agents: readonly AgentOption[]): TargetChoice[] {
  const byState = [...agents].sort(
    (a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name),
  );
  const labels = [...new Set(agents.flatMap((agent) => agent.labels))].sort();
  return [
    { value: "any", label: "Any agent" },
    ...byState.map((agent) => ({
      value: `agent:${agent.name}`,
      label: `Agent ${agent.name}${agent.online ? "" : " (offline: the run waits for it)"}`,
    })),
    ...labels.map((label) => ({ value: `label:${label}`, label: `Any agent labelled ${label}` })),
  ];
}
