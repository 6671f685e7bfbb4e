import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../errors.js";
import { createServer } from "../server/create-server.js";
import { defaultLimits, loadConfig, type ServerConfig } from "./config.js";

describe("agent settings in the configuration", () => {
  it("reads the lease, the queue bounds and the local agent switch", () => {
    const config = loadConfig({
      THREADBENCH_AGENT_LEASE_SECONDS: "30",
      THREADBENCH_MAX_QUEUED_RUNS: "50",
      THREADBENCH_MAX_QUEUED_RUNS_PER_TARGET: "10",
      THREADBENCH_LOCAL_AGENT: "false",
      THREADBENCH_LOCAL_AGENT_NICE: "0",
    });
    expect(config).toMatchObject({
      agentLeaseMs: 30_000,
      maxQueuedRuns: 50,
      maxQueuedRunsPerTarget: 10,
      localAgent: false,
      localAgentNice: 0,
    });
    expect(loadConfig({})).toMatchObject({
      agentLeaseMs: 15_000,
      maxQueuedRuns: 1_000,
      maxQueuedRunsPerTarget: 500,
      localAgent: true,
      localAgentNice: 10,
    });
  });

  it("names the variable and the allowed range for a local agent nice out of bounds", () => {
    expect(() => loadConfig({ THREADBENCH_LOCAL_AGENT_NICE: "-5" })).toThrow(
      /THREADBENCH_LOCAL_AGENT_NICE="-5" is not allowed \(allowed: an integer from 0 to 19; default 10\)/,
    );
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

  it("refuses ServerConfig.executeRuns from a caller the types do not check, before opening anything", async () => {
    const config = {
      port: 0,
      host: "127.0.0.1",
      // Never opened: the check comes first (a path that cannot be created would fail otherwise).
      databaseUrl: "file:/nonexistent-directory/threadbench.db",
      tokens: [],
      nodeEnv: "test",
      logLevel: "silent",
      corsOrigins: [],
      limits: defaultLimits,
      progressIntervalMs: 100,
      executeRuns: false,
    } as unknown as ServerConfig;
    const started = createServer(config);
    await expect(started).rejects.toThrow(ConfigurationError);
    await expect(started).rejects.toThrow(
      /ServerConfig\.executeRuns is no longer supported: the API never executes runs/,
    );
  });
});
