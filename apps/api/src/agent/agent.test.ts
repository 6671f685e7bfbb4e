import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type CellResult, planLimits } from "@threadbench/core";
import { type Client, createClient } from "graphql-ws";
import { pino } from "pino";
import { expect, it, onTestFinished, vi } from "vitest";
import WebSocket from "ws";
import { ConfigurationError } from "../errors.js";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import { defaultLimits, type ServerConfig } from "../services/config.js";
import { describeEachDatabase } from "../test/databases.js";
import { makeEnvironment, makeRunResult } from "../test/run-factories.js";
import { type AgentProcess, startAgentProcess, waitFor } from "./agent-process.js";
import {
  claimRunMutation,
  finishAgentRunMutation,
  registerAgentMutation,
  storeAgentCellMutation,
} from "./protocol.js";

// The agents' semantics (apps/api/API.md, "Agents"), each tested with real `threadbench
// agent` processes (compiled: `npm run build` first) against createServer() over real
// HTTP and WebSocket, on SQLite and PostgreSQL. A 3 s lease keeps the kill -9 test short.

const token = "agent-test-token-0123456789";
const agentOnlyToken = "agent-only-token-0123456789";
const runOnlyToken = "run-only-token-0123456789ab";
const leaseMs = 3_000;

// Real processes on a shared 2-core machine: generous guards (never assertions on time).
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

function testConfig(databaseUrl: string, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    databaseUrl,
    tokens: [
      { name: "ci", secret: token },
      { name: "bench-agent", secret: agentOnlyToken, scopes: ["agent"] },
      { name: "dashboard", secret: runOnlyToken, scopes: ["run", "read"] },
    ],
    nodeEnv: "test",
    logLevel: "silent",
    corsOrigins: ["http://localhost:3000"],
    limits: defaultLimits,
    progressIntervalMs: 0,
    agentLeaseMs: leaseMs,
    ...overrides,
  };
}

interface Answer<T> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function post<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  bearer: string | null = token,
): Promise<Answer<T>> {
  const request = () =>
    fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  // A kept-alive connection to a server that was closed (the restart test) fails once.
  const response = await request().catch(() => request());
  return { status: response.status, ...((await response.json()) as Omit<Answer<T>, "status">) };
}

/** A tiny plan: one cell, milliseconds. */
const tinyPlan = {
  workload: "sum-squares",
  params: { n: 1000 },
  modes: ["sequential"],
  threads: [1],
  repetitions: 1,
  warmups: 0,
};
/** Eight cells of growing size (seconds in all): long enough to stop in the middle. */
const longPlan = {
  workload: "sum-squares",
  params: { n: 10_000_000 },
  modes: ["sequential"],
  threads: [1, 2, 3, 4, 5, 6, 7, 8],
  repetitions: 2,
  warmups: 0,
};

const startRun = `mutation($plan: RunPlanInput!, $target: RunTargetInput) {
  startRun(plan: $plan, target: $target) { id status waitingReason }
}`;

async function start(
  url: string,
  plan: Record<string, unknown>,
  target?: Record<string, unknown>,
): Promise<string> {
  const answer = await post<{ startRun: { id: string } }>(url, startRun, { plan, target });
  expect(answer.errors).toBeUndefined();
  return answer.data?.startRun.id as string;
}

interface RunState {
  status: string;
  error: string | null;
  agent: { name: string } | null;
  measurements: Array<{ mode: string; threads: number }>;
}

async function runState(url: string, id: string): Promise<RunState> {
  const answer = await post<{ run: RunState }>(
    url,
    "query($id: ID!) { run(id: $id) { status error agent { name } measurements { mode threads } } }",
    { id },
  );
  return answer.data?.run as RunState;
}

const waitForStatus = (url: string, id: string, statuses: string[]) =>
  waitFor(
    async () => {
      const state = await runState(url, id);
      return statuses.includes(state.status) ? state : null;
    },
    `run ${id} to be ${statuses.join(" or ")}`,
  );

/** Running with at least one cell stored: "mid-run". */
const waitForFirstCell = (url: string, id: string) =>
  waitFor(async () => {
    const state = await runState(url, id);
    return state.status === "RUNNING" && state.measurements.length > 0 ? state : null;
  }, `run ${id} to store its first cell`);

function wsClient(url: string, bearer = token): Client {
  const client = createClient({
    url: url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${bearer}` },
    lazy: true,
    retryAttempts: 0,
  });
  onTestFinished(() => client.dispose());
  return client;
}

function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const messages: T[] = [];
  const errors: unknown[] = [];
  client.subscribe<T>(
    { query, variables },
    {
      next: (message) => {
        if (message.errors) errors.push(...message.errors);
        if (message.data) messages.push(message.data);
      },
      error: (error) => errors.push(error),
      complete: () => {},
    },
  );
  return { messages, errors };
}

/** Resolves once the server acknowledged everything sent before on this socket. */
async function roundTrip(client: Client): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    client.subscribe(
      { query: "{ planLimits { maxThreads } }" },
      { next: () => {}, error: reject, complete: resolve },
    ),
  );
}

function agent(server: { url: string }, name: string, labels: string[] = [], nice?: number): AgentProcess {
  const process = startAgentProcess({
    serverUrl: server.url,
    token: agentOnlyToken,
    name,
    labels,
    ...(nice !== undefined ? { nice } : {}),
  });
  onTestFinished(() => process.dispose());
  return process;
}

async function serve(config: ServerConfig): Promise<ThreadbenchServer> {
  const server = await createServer(config, { logger: pino({ level: "silent" }) });
  onTestFinished(() => server.close());
  return server;
}

describeEachDatabase("Agents", (databases) => {
  it("kill -9 an agent mid-run: the run is interrupted after the lease with its cells kept, late deliveries are refused storing nothing, and a second agent takes the queued runs", async () => {
    const server = await serve(testConfig(await databases.newUrl()));
    const killed = agent(server, "doomed");
    const longRun = await start(server.url, longPlan);
    const before = await waitForFirstCell(server.url, longRun);
    const queued = [await start(server.url, tinyPlan), await start(server.url, tinyPlan)];
    killed.kill("SIGKILL");
    await killed.exited;

    const interrupted = await waitForStatus(server.url, longRun, [
      "INTERRUPTED",
      "SUCCEEDED",
      "FAILED",
      "CANCELLED",
    ]);
    expect(interrupted.status).toBe("INTERRUPTED");
    expect(interrupted.error).toMatch(/agent "doomed" sent no heartbeat for \d+ s \(the lease is 3 s\)/);
    expect(interrupted.measurements.length).toBeGreaterThanOrEqual(before.measurements.length);
    const kept = interrupted.measurements.length;

    // What the dead process would still have sent: refused, nothing stored.
    const row = await server.database.prisma.run.findUniqueOrThrow({ where: { id: longRun } });
    const lateCell = makeRunResult({ plan: { modes: ["sequential"], threads: [8], repetitions: 1 } })
      .cells[0];
    const orphanSession = row.claimedBy as string;
    const refusedCell = await post(
      server.url,
      "mutation($s: ID!, $r: ID!, $c: JSON!) { storeAgentCell(sessionId: $s, runId: $r, cell: $c) { created } }",
      { s: orphanSession, r: longRun, c: lateCell },
      agentOnlyToken,
    );
    expect(refusedCell.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(refusedCell.errors?.[0]?.message).toMatch(/refused, nothing was stored: run .* was interrupted/);
    const refusedResult = await post(
      server.url,
      "mutation($s: ID!, $r: ID!, $x: JSON!) { finishAgentRun(sessionId: $s, runId: $r, result: $x) { created } }",
      {
        s: orphanSession,
        r: longRun,
        x: { status: "succeeded", error: null, environment: makeEnvironment(), cells: [] },
      },
      agentOnlyToken,
    );
    expect(refusedResult.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    const after = await runState(server.url, longRun);
    expect(after.status).toBe("INTERRUPTED");
    expect(after.measurements).toHaveLength(kept);

    const second = agent(server, "survivor");
    for (const id of queued) {
      const done = await waitForStatus(server.url, id, ["SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED"]);
      expect(done).toMatchObject({ status: "SUCCEEDED", agent: { name: second.name } });
    }
  });

  it("two agents and 20 queued runs: each run is claimed and executed exactly once", async () => {
    const server = await serve(testConfig(await databases.newUrl()));
    const client = wsClient(server.url);
    const events = collect<{ runEvents: { kind: string; runId: string } }>(
      client,
      "subscription { runEvents { kind runId } }",
    );
    await roundTrip(client);
    const ids: string[] = [];
    for (let index = 0; index < 20; index++) ids.push(await start(server.url, tinyPlan));
    agent(server, "left");
    agent(server, "right");
    const states = [];
    for (const id of ids)
      states.push(await waitForStatus(server.url, id, ["SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED"]));
    for (const state of states) {
      expect(state.status).toBe("SUCCEEDED");
      expect(["left", "right"]).toContain(state.agent?.name);
      expect(state.measurements).toHaveLength(1);
    }
    await waitFor(
      () => events.messages.filter((event) => event.runEvents.kind === "SUCCEEDED").length >= 20,
      "20 SUCCEEDED events",
    );
    for (const id of ids) {
      // The run's lifecycle: queued, started and ended once each. A REGRESSION_DETECTED
      // event may follow: 20 real runs of one cell on two busy cores form a series the
      // detector checks (CI once saw one), which says nothing about claiming.
      const kinds = events.messages
        .filter((event) => event.runEvents.runId === id && event.runEvents.kind !== "REGRESSION_DETECTED")
        .map((event) => event.runEvents.kind);
      expect(kinds).toEqual(["QUEUED", "STARTED", "SUCCEEDED"]);
    }
    expect(await server.database.prisma.measurement.count()).toBe(20);
  });

  it("cancel mid-cell reaches the agent: the run is stored cancelled with its finished cells, and the agent goes on with the next run", async () => {
    const server = await serve(testConfig(await databases.newUrl()));
    // At a lower priority, as npm start's local agent runs (--nice).
    const worker = agent(server, "canceller", [], 7);
    const id = await start(server.url, longPlan);
    await waitForFirstCell(server.url, id);
    if (process.platform === "linux") {
      // Every thread of the agent, the run's worker thread among them, runs at nice 7
      // (on Linux the nice value is per thread: see priority.ts).
      const threads = readdirSync(`/proc/${worker.child.pid}/task`);
      expect(threads.length).toBeGreaterThan(1);
      const niceValues = threads.map((thread) => niceOfThread(worker.child.pid as number, thread));
      expect(new Set(niceValues)).toEqual(new Set([7]));
      expect(worker.output()).toContain("running at nice 7");
    }
    const cancelled = await post<{ cancelRun: RunState }>(
      server.url,
      "mutation($id: ID!) { cancelRun(id: $id) { status error agent { name } measurements { mode threads } } }",
      { id },
    );
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data?.cancelRun.status).toBe("CANCELLED");
    expect(cancelled.data?.cancelRun.error).toMatch(/cancel/);
    const cells = cancelled.data?.cancelRun.measurements.length ?? 0;
    expect(cells).toBeGreaterThanOrEqual(1);
    expect(cells).toBeLessThan(longPlan.threads.length);
    expect(worker.output()).toContain("cancel requested by the server");
    const next = await start(server.url, tinyPlan);
    expect(await waitForStatus(server.url, next, ["SUCCEEDED", "FAILED"])).toMatchObject({
      status: "SUCCEEDED",
    });
  });

  it("SIGTERM on an agent cancels its run, stores it cancelled with its finished cells, says so and exits 0", async () => {
    const server = await serve(testConfig(await databases.newUrl()));
    const stopped = agent(server, "stopped");
    const id = await start(server.url, longPlan);
    await waitForFirstCell(server.url, id);
    stopped.kill("SIGTERM");
    expect(await stopped.exited).toEqual({ code: 0, signal: null });
    const state = await runState(server.url, id);
    expect(state.status).toBe("CANCELLED");
    expect(state.error).toMatch(/the agent was stopped \(terminated \(SIGTERM\)\)/);
    expect(state.measurements.length).toBeGreaterThanOrEqual(1);
    expect(stopped.output()).toMatch(/stopping: cancelling run .* finished cells are kept/);
    const agents = await post<{ agents: Array<{ name: string; online: boolean }> }>(
      server.url,
      "{ agents { name online } }",
    );
    expect(agents.data?.agents).toEqual([{ name: "stopped", online: false }]);
  });

  it("the API restarting while an agent runs: the agent reconnects and the run's result lands once", async () => {
    const url = await databases.newUrl();
    const first = await createServer(testConfig(url), { logger: pino({ level: "silent" }) });
    const runner = startAgentProcess({ serverUrl: first.url, token: agentOnlyToken, name: "steadfast" });
    onTestFinished(() => runner.dispose());
    const plan = { ...longPlan, threads: [1, 2, 3, 4], repetitions: 1 };
    const id = await start(first.url, plan);
    await waitForFirstCell(first.url, id);
    await first.close();
    const second = await serve(testConfig(url, { port: first.port }));
    const done = await waitForStatus(second.url, id, ["SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED"]);
    expect(done.status).toBe("SUCCEEDED");
    expect(done.measurements.map((cell) => `${cell.mode}/${cell.threads}`)).toEqual([
      "sequential/1",
      "sequential/2",
      "sequential/3",
      "sequential/4",
    ]);
    expect(runner.output()).toContain("reconnected");
    // Stays so: the agent does not deliver it again.
    const next = await start(second.url, tinyPlan);
    await waitForStatus(second.url, next, ["SUCCEEDED"]);
    expect(await second.database.prisma.measurement.count({ where: { runId: id } })).toBe(4);
  });

  it("an API restarted after more than a minute down leaves an agent's run to its lease (start-up interrupted it as if its process had died) and the agent's result lands", async () => {
    const url = await databases.newUrl();
    const first = await createServer(testConfig(url), { logger: pino({ level: "silent" }) });
    const sessionId = "0b9f3c2e-5d4a-4e6b-9c8d-7a6f5e4d3c2b";
    const send = async <T>(serverUrl: string, query: string, variables: Record<string, unknown>) => {
      const answer = await post<T>(serverUrl, query, variables, agentOnlyToken);
      expect(answer.errors).toBeUndefined();
      return answer.data as T;
    };
    await send(first.url, registerAgentMutation, {
      input: { sessionId, name: "outlasting", labels: [], environment: makeEnvironment(), version: null },
    });
    const id = await start(first.url, tinyPlan);
    const claimed = await send<{ claimRun: { run: { id: string } } | null }>(first.url, claimRunMutation, {
      sessionId,
    });
    expect(claimed.claimRun?.run.id).toBe(id);
    await first.close();
    // What ten minutes without the API leave behind: the agent's last heartbeat is old.
    const tenMinutesAgo = new Date(Date.now() - 600_000);
    const direct = await databases.reopen(url);
    await direct.prisma.run.update({ where: { id }, data: { heartbeatAt: tenMinutesAgo } });
    await direct.prisma.agent.update({ where: { name: "outlasting" }, data: { lastSeenAt: tenMinutesAgo } });
    // A lease of a minute: the sweeper (one lease after start) cannot beat the delivery below.
    const second = await serve(testConfig(url, { agentLeaseMs: 60_000 }));
    expect((await runState(second.url, id)).status).toBe("RUNNING");
    const result = makeRunResult({ plan: { modes: ["sequential"], threads: [1], repetitions: 1 } });
    const finished = await send<{ finishAgentRun: { run: { status: string } } }>(
      second.url,
      finishAgentRunMutation,
      {
        sessionId,
        runId: id,
        result: { status: "succeeded", error: null, environment: result.environment, cells: result.cells },
      },
    );
    expect(finished.finishAgentRun.run.status).toBe("SUCCEEDED");
  });

  it("a result the server fails to store (its database down) is delivered again until stored; the agent dropped it and executed the run a second time", async () => {
    const server = await serve(testConfig(await databases.newUrl()));
    // The database refuses to finish runs, as one that is down or locked would, until dropped.
    const refuse = "simulated outage: the database refuses to finish runs";
    const prisma = server.database.prisma;
    if (databases.provider === "sqlite") {
      await prisma.$executeRawUnsafe(
        `CREATE TRIGGER refuse_finish BEFORE UPDATE ON "Run" WHEN NEW.status = 'succeeded' BEGIN SELECT RAISE(ABORT, '${refuse}'); END`,
      );
    } else {
      await prisma.$executeRawUnsafe(
        `CREATE FUNCTION refuse_finish() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${refuse}'; END $$`,
      );
      await prisma.$executeRawUnsafe(
        `CREATE TRIGGER refuse_finish BEFORE UPDATE ON "Run" FOR EACH ROW WHEN (NEW.status = 'succeeded') EXECUTE FUNCTION refuse_finish()`,
      );
    }
    const runner = agent(server, "persistent");
    const id = await start(server.url, tinyPlan);
    await waitFor(() => runner.output().includes(`run ${id}: a delivery failed`), "a refused result");
    await prisma.$executeRawUnsafe(
      `DROP TRIGGER refuse_finish${databases.provider === "sqlite" ? "" : ` ON "Run"`}`,
    );
    const done = await waitForStatus(server.url, id, ["SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED"]);
    expect(done.status).toBe("SUCCEEDED");
    expect(runner.output().split(`run ${id} started`)).toHaveLength(2);
  });

  it("a cell and a result delivered twice (a retry after a lost answer) are stored once", async () => {
    const server = await serve(testConfig(await databases.newUrl()));
    const sessionId = "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const send = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
      const answer = await post<T>(server.url, query, variables, agentOnlyToken);
      expect(answer.errors).toBeUndefined();
      return answer.data as T;
    };
    await send(registerAgentMutation, {
      input: { sessionId, name: "retrier", labels: [], environment: makeEnvironment(), version: null },
    });
    const id = await start(server.url, tinyPlan);
    const claimed = await send<{ claimRun: { run: { id: string } } | null }>(claimRunMutation, { sessionId });
    expect(claimed.claimRun?.run.id).toBe(id);
    const result = makeRunResult({ plan: { modes: ["sequential"], threads: [1], repetitions: 1 } });
    const cell = result.cells[0];
    const stored = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      stored.push(
        (
          await send<{ storeAgentCell: { created: boolean } }>(storeAgentCellMutation, {
            sessionId,
            runId: id,
            cell,
          })
        ).storeAgentCell.created,
      );
    }
    expect(stored).toEqual([true, false]);
    const finished = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await send<{ finishAgentRun: { created: boolean; run: { status: string } } }>(
        finishAgentRunMutation,
        {
          sessionId,
          runId: id,
          result: { status: "succeeded", error: null, environment: result.environment, cells: result.cells },
        },
      );
      finished.push(answer.finishAgentRun);
    }
    expect(finished).toEqual([
      { created: true, run: { id, status: "SUCCEEDED" } },
      { created: false, run: { id, status: "SUCCEEDED" } },
    ]);
    expect(await server.database.prisma.measurement.count({ where: { runId: id } })).toBe(1);
  });

  it("the agent protocol refuses cells outside the plan, a sample index twice, and a succeeded result without every planned cell, storing nothing", async () => {
    const server = await serve(testConfig(await databases.newUrl()));
    const sessionId = "3b9e5a1c-8f2d-4c6e-9a0b-1c2d3e4f5a6b";
    const send = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown>) =>
      post<T>(server.url, query, variables, agentOnlyToken);
    const refusal = (answer: Answer<unknown>) => ({
      code: answer.errors?.[0]?.extensions?.code,
      issues: answer.errors?.[0]?.extensions?.issues,
    });
    await send(registerAgentMutation, {
      input: { sessionId, name: "foreign", labels: [], environment: makeEnvironment(), version: null },
    });
    // Stored as modes [sequential, worker-threads] x threads [1, 2].
    const id = await start(server.url, { ...tinyPlan, modes: ["worker-threads"], threads: [1, 2] });
    const claimed = await send<{ claimRun: { run: { id: string } } | null }>(claimRunMutation, { sessionId });
    expect(claimed.data?.claimRun?.run.id).toBe(id);
    const cells = makeRunResult({
      plan: {
        modes: ["sequential", "worker-threads", "child-processes"],
        threads: [1, 2, 64],
        repetitions: 2,
      },
    }).cells;
    const cell = (mode: string, threads: number) =>
      cells.find((candidate) => candidate.mode === mode && candidate.threads === threads) as CellResult;
    const storeCell = (value: CellResult) =>
      send(storeAgentCellMutation, { sessionId, runId: id, cell: value });
    const finish = (status: string, value: CellResult[]) =>
      send(finishAgentRunMutation, {
        sessionId,
        runId: id,
        result: { status, error: null, environment: makeEnvironment(), cells: value },
      });
    const twice = (value: CellResult): CellResult => {
      const [first] = value.samples as [CellResult["samples"][number]];
      return { ...value, samples: [first, { ...first, wallMs: first.wallMs + 1 }] };
    };

    expect(refusal(await storeCell(cell("child-processes", 1)))).toEqual({
      code: "BAD_USER_INPUT",
      issues: [
        {
          path: "cell.mode",
          message:
            'cell child-processes x1 is not in the plan: "child-processes" is not one of its modes (allowed: sequential, worker-threads)',
        },
      ],
    });
    expect(refusal(await storeCell(cell("sequential", 64)))).toEqual({
      code: "BAD_USER_INPUT",
      issues: [
        {
          path: "cell.threads",
          message:
            "cell sequential x64 is not in the plan: 64 is not one of its thread counts (allowed: 1, 2)",
        },
      ],
    });
    expect(refusal(await storeCell(twice(cell("sequential", 1))))).toEqual({
      code: "BAD_USER_INPUT",
      issues: [
        {
          path: "cell.samples.1.index",
          message: "sample index 0 is already samples[0]'s (allowed: each index once)",
        },
      ],
    });
    // A timing beyond every edge's bound (1e12 ms) is refused as ingest refuses it.
    const huge = cell("sequential", 1);
    const overflowing = {
      ...huge,
      samples: huge.samples.map((sample, index) => (index === 0 ? { ...sample, wallMs: 1e308 } : sample)),
    };
    const overflow = refusal(await storeCell(overflowing)) as {
      code: string;
      issues: { path: string; message: string }[];
    };
    expect(overflow.code).toBe("BAD_USER_INPUT");
    expect(overflow.issues).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(/samples\.0\.wallMs$/),
        message: expect.stringContaining("at most 1e+12 ms"),
      }),
    ]);
    expect(refusal(await finish("succeeded", [twice(cell("sequential", 1))]))).toMatchObject({
      code: "BAD_USER_INPUT",
      issues: [{ path: "result.cells.0.samples.1.index" }],
    });
    expect(refusal(await finish("succeeded", [cell("child-processes", 1)]))).toMatchObject({
      code: "BAD_USER_INPUT",
      issues: [{ path: "result.cells.0.mode" }],
    });
    expect(await server.database.prisma.measurement.count()).toBe(0);
    expect(await server.database.prisma.series.count()).toBe(0);

    // One cell stored as it finished; a succeeded result without the others is refused.
    expect((await storeCell(cell("sequential", 1))).data).toEqual({ storeAgentCell: { created: true } });
    expect(refusal(await finish("succeeded", [cell("worker-threads", 1)]))).toEqual({
      code: "BAD_USER_INPUT",
      issues: [
        {
          path: "result.cells",
          message:
            "a succeeded run holds every cell of its plan, and sequential x2, worker-threads x2 are neither stored nor in result.cells (allowed: every cell, or status failed or cancelled)",
        },
      ],
    });
    expect(await runState(server.url, id)).toMatchObject({
      status: "RUNNING",
      measurements: [{ mode: "sequential", threads: 1 }],
    });
    const finished = await finish("succeeded", [
      cell("sequential", 1),
      cell("sequential", 2),
      cell("worker-threads", 1),
      cell("worker-threads", 2),
    ]);
    expect(finished.errors).toBeUndefined();
    const state = await runState(server.url, id);
    expect(state.status).toBe("SUCCEEDED");
    expect(state.measurements.map((stored) => `${stored.mode} x${stored.threads}`).sort()).toEqual([
      "sequential x1",
      "sequential x2",
      "worker-threads x1",
      "worker-threads x2",
    ]);
  });

  it("a plan whose results cannot fit one agent message is refused by startRun naming plan.repetitions, and the largest one it accepts is delivered whole", async () => {
    const server = await serve(testConfig(await databases.newUrl()));
    const runner = agent(server, "big");
    await waitFor(() => runner.output().includes("registered as"), "the agent to register");
    const limits = await post<{ planLimits: { maxResultValuesPerMessage: number } }>(
      server.url,
      "{ planLimits { maxResultValuesPerMessage } }",
    );
    expect(limits.data?.planLimits.maxResultValuesPerMessage).toBe(planLimits.maxResultValuesPerMessage);
    // One cell: 300 samples x 256 task durations, ~1.4 MB of JSON (the WebSocket takes 1 MiB).
    const tooBig = {
      workload: "sum-squares",
      params: { n: 1 },
      modes: ["event-loop"],
      threads: [256],
      repetitions: 300,
      warmups: 0,
    };
    const refused = await post(server.url, startRun, { plan: tooBig, target: { agentName: "big" } });
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const [issue] = (refused.errors?.[0]?.extensions?.issues ?? []) as Array<{
      path: string;
      message: string;
    }>;
    expect(issue?.path).toBe("plan.repetitions");
    expect(issue?.message).toMatch(/300 repetitions x \(256 threads \+ 16\) = 81600 values/);
    expect(issue?.message).toContain(`at most ${planLimits.maxResultValuesPerMessage} values per message`);
    expect(issue?.message).toContain("at most 147 repetitions");
    expect(await server.database.prisma.run.count()).toBe(0);

    const largest = { ...tooBig, repetitions: 147 };
    const id = await start(server.url, largest, { agentName: "big" });
    const state = await waitForStatus(server.url, id, ["SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED"]);
    expect(state).toMatchObject({ status: "SUCCEEDED", error: null });
    expect(state.measurements).toHaveLength(2);
    expect(await server.database.prisma.sample.count()).toBe(2 * 147);
    expect(runner.child.exitCode).toBeNull();
  });

  it("an agent whose delivery the server refuses as too big (close 1009) fails that run saying why, keeps its stored cells and serves the next run", async () => {
    // A server with a smaller message limit than plans are sized for (1 MiB): 64 KiB.
    const server = await serve(
      testConfig(await databases.newUrl(), {
        limits: { ...defaultLimits, maxBodyBytes: 65_536 },
        pythonRuntimes: ["python3"],
      }),
    );
    const runner = agent(server, "small-messages");
    await waitFor(() => runner.output().includes("registered as"), "the agent to register");
    const target = { agentName: "small-messages" };
    // Node: each cell in a message of its own; x1 fits (~3 KB), x64 does not (~130 KB).
    const node = await start(
      server.url,
      {
        workload: "sum-squares",
        params: { n: 1 },
        modes: ["sequential"],
        threads: [1, 64],
        repetitions: 100,
        warmups: 0,
      },
      target,
    );
    const nodeState = await waitForStatus(server.url, node, [
      "SUCCEEDED",
      "FAILED",
      "CANCELLED",
      "INTERRUPTED",
    ]);
    expect(nodeState.status).toBe("FAILED");
    expect(nodeState.error).toMatch(
      /^cell sequential x64 is \d+ bytes of JSON, more than the server accepts in one message \(THREADBENCH_MAX_BODY_BYTES/,
    );
    expect(nodeState.measurements).toEqual([{ mode: "sequential", threads: 1 }]);
    // CPython: every cell in the result; each cell fits alone (~45 KB), the two together do not.
    const python = await start(
      server.url,
      {
        workload: "sum-squares",
        params: { n: 1 },
        modes: ["threading"],
        threads: [8],
        repetitions: 150,
        warmups: 0,
        runtime: "python3",
      },
      target,
    );
    const pythonState = await waitForStatus(server.url, python, [
      "SUCCEEDED",
      "FAILED",
      "CANCELLED",
      "INTERRUPTED",
    ]);
    expect(pythonState.status).toBe("FAILED");
    expect(pythonState.error).toMatch(
      /^the run's result \(2 cells\) is \d+ bytes of JSON, more than the server accepts in one message/,
    );
    expect(pythonState.measurements).toEqual([]);
    // Still serving.
    const next = await start(server.url, tinyPlan, target);
    expect(await waitForStatus(server.url, next, ["SUCCEEDED", "FAILED"])).toMatchObject({
      status: "SUCCEEDED",
      agent: { name: "small-messages" },
    });
    expect(runner.child.exitCode).toBeNull();
    expect(runner.output()).not.toContain("failed for good");
  });

  it("bounds the queue overall and per target, naming the limit, and says why a queued run waits", async () => {
    const server = await serve(
      testConfig(await databases.newUrl(), { maxQueuedRuns: 3, maxQueuedRunsPerTarget: 2 }),
    );
    const gpu = { labels: ["gpu"] };
    const first = await start(server.url, tinyPlan, gpu);
    await start(server.url, tinyPlan, gpu);
    const third = await post(server.url, startRun, { plan: tinyPlan, target: gpu });
    expect(third.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(third.errors?.[0]?.message).toMatch(
      /agents labelled gpu is full: 2 runs .*\(THREADBENCH_MAX_QUEUED_RUNS_PER_TARGET\)/,
    );
    await start(server.url, tinyPlan);
    const overall = await post(server.url, startRun, { plan: tinyPlan });
    expect(overall.errors?.[0]?.message).toMatch(
      /the queue is full: 3 runs .*\(THREADBENCH_MAX_QUEUED_RUNS\)/,
    );
    expect(await server.database.prisma.run.count()).toBe(3);

    const why = async () =>
      (
        await post<{ run: { waitingReason: string } }>(
          server.url,
          "query($id: ID!) { run(id: $id) { waitingReason } }",
          { id: first },
        )
      ).data?.run.waitingReason;
    expect(await why()).toMatch(/no agent is registered/);
    agent(server, "cpu-only", ["16-core"]);
    await waitFor(
      async () => ((await why()) ?? "").includes("no agent carries the labels gpu"),
      "the reason to name the labels",
    );
  });

  it("an agent token cannot do what its scope does not allow, and other tokens cannot act as agents", async () => {
    const server = await serve(testConfig(await databases.newUrl(), { private: true }));
    const forbidden = async (query: string, variables: Record<string, unknown>, bearer: string) => {
      const answer = await post(server.url, query, variables, bearer);
      expect(answer.errors?.[0]?.extensions?.code, query).toBe("FORBIDDEN");
    };
    await forbidden(startRun, { plan: tinyPlan }, agentOnlyToken);
    await forbidden("mutation { ingestRun(input: {}) { created } }", {}, agentOnlyToken);
    await forbidden('mutation { cancelRun(id: "x") { status } }', {}, agentOnlyToken);
    await forbidden("{ runs { totalCount } }", {}, agentOnlyToken);
    const registration = {
      input: {
        sessionId: "2f6b0f7e-3c9a-4f55-9d0e-0a1b2c3d4e5f",
        name: "intruder",
        labels: [],
        environment: {},
      },
    };
    await forbidden(
      "mutation($input: AgentRegistrationInput!) { registerAgent(input: $input) { leaseSeconds } }",
      registration,
      runOnlyToken,
    );
    await forbidden(
      'mutation { claimRun(sessionId: "2f6b0f7e-3c9a-4f55-9d0e-0a1b2c3d4e5f") { plan } }',
      {},
      runOnlyToken,
    );
    const signals = collect(
      wsClient(server.url, runOnlyToken),
      'subscription { agentSignals(sessionId: "2f6b0f7e-3c9a-4f55-9d0e-0a1b2c3d4e5f") { kind } }',
    );
    await waitFor(() => signals.errors.length > 0, "the subscription to be refused");
    expect(JSON.stringify(signals.errors)).toContain("FORBIDDEN");
    expect(await server.database.prisma.run.count()).toBe(0);
    expect(await server.database.prisma.agent.count()).toBe(0);
    // ...while the agent token does what agents do, also on this private server.
    const real = agent(server, "allowed");
    await waitFor(() => real.output().includes("registered as"), "the agent to register");
  });

  if (databases.provider === "sqlite") {
    it("a second SIGTERM exits an agent at once (143) while the first still waits to deliver its cancelled run", async () => {
      const url = await databases.newUrl();
      const server = await createServer(testConfig(url), { logger: pino({ level: "silent" }) });
      const stuck = agent(server, "stuck");
      const id = await start(server.url, longPlan);
      await waitForFirstCell(server.url, id);
      // With the server gone the cancelled run cannot be delivered: the first signal's
      // clean stop waits for a reconnection that never comes.
      await server.close();
      stuck.kill("SIGTERM");
      await waitFor(() => stuck.output().includes("again to exit at once"), "the first stop to begin");
      stuck.kill("SIGTERM");
      expect(await stuck.exited).toEqual({ code: 143, signal: null });
    });

    it("refuses a second API process on the same SQLite file, saying SQLite stays one process", async () => {
      const url = await databases.newUrl();
      await serve(testConfig(url));
      const second = createServer(testConfig(url), { logger: pino({ level: "silent" }) });
      await expect(second).rejects.toThrow(ConfigurationError);
      await expect(second).rejects.toThrow(/SQLite stays one API process/);
    });
  } else {
    it("two API processes on one PostgreSQL: one claim per run, and progress and events seen through both", async () => {
      const url = await databases.newUrl();
      // Migrated once here, so the two processes start on a ready database.
      await (await databases.reopen(url)).prisma.run.count();
      const [left, right] = await Promise.all([apiProcess(url), apiProcess(url)]);
      const leftClient = wsClient(left.url);
      const events = collect<{ runEvents: { kind: string; runId: string } }>(
        leftClient,
        "subscription { runEvents { kind runId } }",
      );
      await roundTrip(leftClient);
      const ids: string[] = [];
      for (let index = 0; index < 10; index++)
        ids.push(await start(index % 2 ? left.url : right.url, tinyPlan));
      const watched = await start(left.url, { ...longPlan, threads: [1, 2, 3], repetitions: 1 });
      const rightClient = wsClient(right.url);
      const progress = collect<{ runProgress: { status: string; cellsDone: number } }>(
        rightClient,
        "subscription($id: ID!) { runProgress(id: $id) { status cellsDone } }",
        { id: watched },
      );
      agent(left, "via-left");
      agent(right, "via-right");
      for (const id of [...ids, watched]) {
        expect(
          await waitForStatus(left.url, id, ["SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED"]),
        ).toMatchObject({
          status: "SUCCEEDED",
        });
      }
      await waitFor(
        () => events.messages.filter((event) => event.runEvents.kind === "SUCCEEDED").length >= 11,
        "11 SUCCEEDED events on the left",
      );
      for (const id of [...ids, watched]) {
        // Lifecycle events only: the detector may flag a run of these ten real timings.
        const kinds = events.messages
          .filter((event) => event.runEvents.runId === id && event.runEvents.kind !== "REGRESSION_DETECTED")
          .map((event) => event.runEvents.kind);
        expect(kinds).toEqual(["QUEUED", "STARTED", "SUCCEEDED"]);
      }
      await waitFor(
        () => progress.messages.at(-1)?.runProgress.status === "SUCCEEDED",
        "the watched run's progress to end on the right",
      );
      expect(progress.errors).toEqual([]);
      expect(progress.messages.some((message) => message.runProgress.status === "RUNNING")).toBe(true);
      const agents = await post<{ agents: Array<{ name: string; online: boolean }> }>(
        right.url,
        "{ agents { name online } }",
      );
      expect(agents.data?.agents).toEqual([
        { name: "via-left", online: true },
        { name: "via-right", online: true },
      ]);
    });
  }
});

/** Field 19 of /proc/PID/task/TID/stat (after the parenthesised command name). */
function niceOfThread(pid: number, thread: string): number {
  const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

const apiEntry = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

/** A separate API process (dist/index.js) on `databaseUrl`, stopped after the test. */
async function apiProcess(databaseUrl: string): Promise<{ url: string }> {
  const child = spawn(process.execPath, [apiEntry], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: "0",
      HOST: "127.0.0.1",
      THREADBENCH_API_TOKENS: `ci=${token},bench-agent:agent=${agentOnlyToken}`,
      THREADBENCH_LOCAL_AGENT: "false",
      THREADBENCH_AGENT_LEASE_SECONDS: String(leaseMs / 1000),
      LOG_LEVEL: "info",
      NODE_ENV: "test",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  onTestFinished(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await waitFor(
    () => /"url":"(http:[^"]+)"/.exec(output)?.[1],
    `an API process to listen (output: ${output})`,
  );
  return { url };
}
