"use client";

import { useEffect, useState } from "react";
import { graphql } from "../../generated/gql";
import { executeOperation } from "../../graphql/execute";
import { type AgentOption, targetChoices } from "./run-target";

const AgentOptionsQuery = graphql(`
  query AgentOptions {
    agents {
      name
      labels
      online
    }
  }
`);

/**
 * "Runs on": any agent, one agent, or agents with a label, from the agents the server
 * knows (read once when the form opens). Without them (API unreachable) only "Any
 * agent" is offered and the form still works.
 */
export function RunTargetField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const [agents, setAgents] = useState<AgentOption[]>([]);
  useEffect(() => {
    let cancelled = false;
    executeOperation("/graphql", AgentOptionsQuery, {})
      .then((data) => {
        if (!cancelled) setAgents(data.agents);
      })
      .catch(() => {
        // Listing agents is a convenience: "Any agent" remains.
      });
    return () => {
      cancelled = true;
    };
  }, []);
  return (
    <div className="field">
      <label htmlFor={id}>Runs on</label>
      <select id={id} name="target" value={value} onChange={(event) => onChange(event.target.value)}>
        {targetChoices(agents).map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      <span className="hint">Which benchmark machine may take the run (see Machines).</span>
    </div>
  );
}
