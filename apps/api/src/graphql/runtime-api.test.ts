import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { getRun } from "../db/run-reads.js";
import { parseRunPlan } from "../runner/plan.js";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import { loadConfig } from "../services/config.js";
import { planInputOf } from "../services/run-queue.js";
import { startAgentProcess, waitFor } from "../test/agent-processes.js";
import { describeEachDatabase } from "../test/databases.js";
import { testServerConfig } from "../test/server-config.js";

/*
 * A plan's runtime through the API: which interpreters a client may name is the
 * server's decision (THREADBENCH_PYTHON), never the client's.
 */

const token = "runtime-test-token-0123456789";

const config = (databaseUrl: string, pythonRuntimes?: string[]) =>
  testServerConfig(databaseUrl, {
    tokens: [{ name: "ci", secret: token }],
    corsOrigins: [],
    ...(pythonRuntimes ? { pythonRuntimes } : {}),
  });

async function post(server: ThreadbenchServer, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, unknown>;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
}

const startRun = `mutation Start($plan: RunPlanInput!) { startRun(plan: $plan) { id runtime modes } }`;
const pythonPlan = {
  workload: "sum-squares",
  params: { n: 1000 },
  threads: [1, 2],
  repetitions: 1,
  warmups: 0,
  runtime: "python3",
};

describe("THREADBENCH_PYTHON", () => {
  it("lists interpreters by name or absolute path; anything else names the variable", () => {
    expect(
      loadConfig({ THREADBENCH_PYTHON: "python3, /opt/python3.13t/bin/python3,python3" }).pythonRuntimes,
    ).toEqual(["python3", "/opt/python3.13t/bin/python3"]);
    expect(loadConfig({}).pythonRuntimes).toEqual([]);
    expect(() => loadConfig({ THREADBENCH_PYTHON: "python3,./venv/bin/python,ruby" })).toThrow(
      'THREADBENCH_PYTHON entry "./venv/bin/python" is not allowed (allowed: Python interpreters clients may name in a plan, comma separated: command names such as python3 or python3.13t, or absolute paths)',
    );
    expect(() => loadConfig({ THREADBENCH_PYTHON: "ruby" })).toThrow(
      'THREADBENCH_PYTHON entry "ruby" is not allowed',
    );
  });
});

describeEachDatabase("a plan's runtime through the API", ({ newUrl }) => {
  it("without THREADBENCH_PYTHON only node is offered, and a python plan is refused naming the field", async () => {
    const server = await createServer(config(await newUrl()), { logger: pino({ level: "silent" }) });
    try {
      const runtimes = await post(server, "{ runtimes { name kind modes workloads } }");
      expect(runtimes.data?.runtimes).toEqual([
        {
          name: "node",
          kind: "node",
          modes: ["sequential", "event-loop", "worker-threads", "child-processes"],
          workloads: expect.arrayContaining(["sum-squares", "mandelbrot"]),
        },
      ]);
      const refused = await post(server, startRun, { plan: pythonPlan });
      expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(refused.errors?.[0]?.message).toContain(
        'plan.runtime: "python3" is not allowed on this server (allowed: node; the server\'s THREADBENCH_PYTHON lists the Python interpreters clients may name)',
      );
      const path = await post(server, startRun, { plan: { ...pythonPlan, runtime: "/tmp/evil/python3" } });
      expect(path.errors?.[0]?.message).toContain(
        'plan.runtime: "/tmp/evil/python3" is not allowed on this server',
      );
      expect(await server.database.prisma.run.count()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("with THREADBENCH_PYTHON=python3 a python plan is queued with its runtime, for the agent to run", async () => {
    const server = await createServer(config(await newUrl(), ["python3"]), {
      logger: pino({ level: "silent" }),
    });
    try {
      const offered = await post(server, "{ runtimes { name kind modes workloads } }");
      expect(offered.data?.runtimes).toContainEqual({
        name: "python3",
        kind: "python",
        modes: ["sequential", "threading", "multiprocessing"],
        workloads: ["sum-squares", "sqrt-log", "image-analysis", "shared-counter"],
      });
      const started = await post(server, startRun, { plan: pythonPlan });
      expect(started.errors).toBeUndefined();
      const run = started.data?.startRun as { id: string; runtime: string; modes: string[] };
      expect(run.runtime).toBe("python3");
      expect(run.modes).toEqual(["sequential", "threading", "multiprocessing"]);
      // What the server hands an agent parses back into the same python plan.
      const stored = await getRun(server.database, run.id);
      expect(stored?.runtime).toBe("python3");
      const plan = parseRunPlan(planInputOf(stored as NonNullable<typeof stored>));
      expect(plan.runtime).toEqual({ kind: "python", executable: "python3" });

      const wrongMode = await post(server, startRun, { plan: { ...pythonPlan, modes: ["worker-threads"] } });
      expect(wrongMode.errors?.[0]?.message).toContain(
        'plan.modes: "worker-threads" is not a mode of runtime python3 (allowed: sequential, threading, multiprocessing)',
      );
      const modes = await post(server, "{ executionModes { name runtimes } }");
      expect(modes.data?.executionModes).toEqual([
        { name: "sequential", runtimes: ["node", "python"] },
        { name: "event-loop", runtimes: ["node"] },
        { name: "worker-threads", runtimes: ["node"] },
        { name: "child-processes", runtimes: ["node"] },
        { name: "threading", runtimes: ["python"] },
        { name: "multiprocessing", runtimes: ["python"] },
      ]);
    } finally {
      await server.close();
    }
  });

  it("an agent runs a queued python plan; the run and its series carry the cpython testbed, not the agent's", async () => {
    const server = await createServer(config(await newUrl(), ["python3"]), {
      logger: pino({ level: "silent" }),
    });
    const agent = startAgentProcess({ serverUrl: server.url, token, name: "python-agent" });
    try {
      const started = await post(server, startRun, {
        plan: { ...pythonPlan, workload: "shared-counter", params: { increments: 2000 } },
      });
      expect(started.errors).toBeUndefined();
      const runId = (started.data?.startRun as { id: string } | undefined)?.id as string;
      const run = await waitFor(async () => {
        const stored = await getRun(server.database, runId);
        return stored && ["succeeded", "failed", "cancelled", "interrupted"].includes(stored.status)
          ? stored
          : null;
      }, `run ${runId} to finish (agent output: ${agent.output()})`);
      expect(run.status, run.error ?? "").toBe("succeeded");
      expect(run.testbed).toMatchObject({ runtime: "cpython", gilEnabled: true, freeThreadedBuild: false });
      const agentRow = await server.database.prisma.agent.findUniqueOrThrow({
        where: { name: "python-agent" },
        include: { testbed: true },
      });
      expect(agentRow.testbed?.runtime).toBe("node");
      expect(run.measurements.map((cell) => `${cell.mode} x${cell.threads}`).sort()).toEqual([
        "sequential x1",
        "sequential x2",
        "threading x1",
        "threading x2",
      ]);
      const series = await server.database.prisma.series.findMany({
        where: { seriesKey: { in: run.measurements.map((cell) => cell.seriesKey) } },
      });
      expect(series).toHaveLength(4);
      expect(new Set(series.map((row) => row.testbedId))).toEqual(new Set([run.testbed?.id]));
      const threading = run.measurements.find((cell) => cell.mode === "threading" && cell.threads === 2);
      expect(threading?.checksum).toBe("atomic=4000;lock=4000");
      expect(threading?.sharedMemory).toHaveLength(3);
    } finally {
      await agent.dispose();
      await server.close();
    }
  });
});
