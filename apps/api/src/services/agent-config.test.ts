import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../errors.js";
import { loadConfig } from "./config.js";

describe("agent settings in the configuration", () => {
  it("reads the lease, the queue bounds and the local agent switch", () => {
    const config = loadConfig({
      THREADBENCH_AGENT_LEASE_SECONDS: "30",
      THREADBENCH_MAX_QUEUED_RUNS: "50",
      THREADBENCH_MAX_QUEUED_RUNS_PER_TARGET: "10",
      THREADBENCH_LOCAL_AGENT: "false",
    });
    expect(config).toMatchObject({
      agentLeaseMs: 30_000,
      maxQueuedRuns: 50,
      maxQueuedRunsPerTarget: 10,
      localAgent: false,
    });
    expect(loadConfig({})).toMatchObject({
      agentLeaseMs: 15_000,
      maxQueuedRuns: 1_000,
      maxQueuedRunsPerTarget: 500,
      localAgent: true,
    });
  });

  it("names the variable and the allowed range for a lease out of bounds", () => {
    expect(() => loadConfig({ THREADBENCH_AGENT_LEASE_SECONDS: "1" })).toThrow(
      /THREADBENCH_AGENT_LEASE_SECONDS="1" is not allowed \(allowed: an integer from 2 to 600; default 15\)/,
    );
  });

  it("refuses THREADBENCH_EXECUTE_RUNS, saying agents execute runs now", () => {
    expect(() => loadConfig({ THREADBENCH_EXECUTE_RUNS: "true" })).toThrow(ConfigurationError);
    expect(() => loadConfig({ THREADBENCH_EXECUTE_RUNS: "false" })).toThrow(
      /the API never executes runs, agents do/,
    );
  });
});
