import { describe, expect, it } from "vitest";
import { type AgentView, waitingReason } from "./waiting-reason.js";

const agent = (overrides: Partial<AgentView> & { name: string }): AgentView => ({
  id: overrides.name,
  labels: [],
  online: true,
  lastSeenAt: new Date("2026-12-01T10:00:00.000Z"),
  runningRunIds: [],
  ...overrides,
});
const run = (id: string, target: { targetAgentId?: string; targetLabels?: string[] } = {}) => ({
  id,
  targetAgentId: target.targetAgentId ?? null,
  targetLabels: target.targetLabels ?? [],
});

describe("waitingReason", () => {
  it("says how to start an agent when none is registered", () => {
    expect(waitingReason(run("r1"), [run("r1")], [])).toMatch(
      /no agent is registered: start one with `threadbench agent/,
    );
  });

  it("names the labels no agent carries, and what the agents carry", () => {
    const reason = waitingReason(
      run("r1", { targetLabels: ["gpu"] }),
      [],
      [agent({ name: "bench-16", labels: ["16-core"] }), agent({ name: "laptop" })],
    );
    expect(reason).toBe(
      "no agent carries the labels gpu (registered: bench-16 [16-core]; laptop [no labels])",
    );
  });

  it("names the agents that may take it when none of them is online", () => {
    const reason = waitingReason(
      run("r1", { targetAgentId: "bench-64" }),
      [],
      [agent({ name: "bench-64", online: false }), agent({ name: "laptop" })],
    );
    expect(reason).toBe(
      'no agent that may take it (agent "bench-64") is online: bench-64 (last seen 2026-12-01T10:00:00.000Z)',
    );
  });

  it("counts the runs ahead for the same agents when they are busy", () => {
    const queue = [run("r1"), run("r2", { targetLabels: ["gpu"] }), run("r3")];
    const reason = waitingReason(queue[2] as ReturnType<typeof run>, queue, [
      agent({ name: "a", runningRunIds: ["x"] }),
    ]);
    expect(reason).toBe("waiting for any agent: a is busy; 1 queued run ahead of it for the same agents");
  });

  it("says an idle agent is about to claim it", () => {
    expect(
      waitingReason(
        run("r1"),
        [run("r1")],
        [agent({ name: "a" }), agent({ name: "b", runningRunIds: ["x"] })],
      ),
    ).toBe("about to start: a is idle and will claim it");
  });
});
