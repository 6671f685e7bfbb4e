import { describe, expect, it } from "vitest";
import { targetChoices, targetInput } from "./run-target";

describe("run target choices", () => {
  const agents = [
    { name: "bench-64", labels: ["64-core", "bare-metal"], online: false },
    { name: "bench-16", labels: ["16-core", "bare-metal"], online: true },
  ];

  it("offers any agent, each agent (online first, offline ones say the run waits) and each label once", () => {
    expect(targetChoices(agents)).toEqual([
      { value: "any", label: "Any agent" },
      { value: "agent:bench-16", label: "Agent bench-16" },
      { value: "agent:bench-64", label: "Agent bench-64 (offline: the run waits for it)" },
      { value: "label:16-core", label: "Any agent labelled 16-core" },
      { value: "label:64-core", label: "Any agent labelled 64-core" },
      { value: "label:bare-metal", label: "Any agent labelled bare-metal" },
    ]);
  });

  it("turns a choice into startRun's target", () => {
    expect(targetInput("any")).toBeNull();
    expect(targetInput("agent:bench-16")).toEqual({ agentName: "bench-16" });
    expect(targetInput("label:bare-metal")).toEqual({ labels: ["bare-metal"] });
  });
});
