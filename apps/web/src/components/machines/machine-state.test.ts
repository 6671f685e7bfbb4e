import { describe, expect, it } from "vitest";
import { machineState, sortMachines } from "./machine-state";

const base = { online: false, lastSeenAt: null, disconnectedAt: null, currentRun: null };

describe("machineState", () => {
  it("names busy, idle, stopped and offline agents", () => {
    expect(machineState({ ...base, online: true, currentRun: { id: "r" } }).word).toBe("busy");
    expect(machineState({ ...base, online: true }).word).toBe("idle");
    expect(
      machineState({
        ...base,
        lastSeenAt: "2026-12-01T10:00:00.000Z",
        disconnectedAt: "2026-12-01T10:00:01.000Z",
      }).word,
    ).toBe("stopped");
    expect(machineState({ ...base, lastSeenAt: "2026-12-01T10:00:00.000Z" }).word).toBe("offline");
  });

  it("calls an agent that came back after a goodbye offline once its heartbeats stop", () => {
    const state = machineState({
      ...base,
      lastSeenAt: "2026-12-01T10:05:00.000Z",
      disconnectedAt: "2026-12-01T10:00:00.000Z",
    });
    expect(state).toMatchObject({ word: "offline", tone: "bad" });
  });
});

describe("sortMachines", () => {
  it("puts busy agents first, then idle ones, then the others, each by name", () => {
    const sorted = sortMachines([
      { ...base, name: "c-offline" },
      { ...base, name: "b-idle", online: true },
      { ...base, name: "a-offline" },
      { ...base, name: "z-busy", online: true, currentRun: { id: "r" } },
      { ...base, name: "a-idle", online: true },
    ]);
    expect(sorted.map((agent) => agent.name)).toEqual([
      "z-busy",
      "a-idle",
      "b-idle",
      "a-offline",
      "c-offline",
    ]);
  });
});
