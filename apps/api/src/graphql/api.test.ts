import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { hostname } from "node:os";
import { type Client, createClient } from "graphql-ws";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it, onTestFinished } from "vitest";
import WebSocket from "ws";
import { startAgentProcess } from "../agent/agent-process.js";
import type { Database } from "../db/client.js";
import { createQueuedRun, markRunRunning, storeRunResult } from "../db/run-repository.js";
import { compareRuns } from "../regressions/compare-runs.js";
import { parseRunPlan } from "../runner/index.js";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import { defaultLimits, type ServerConfig } from "../services/config.js";
import { describeEachDatabase } from "../test/databases.js";
import { makeRunResult } from "../test/run-factories.js";
import { testServerConfig } from "../test/server-config.js";

// Integration tests of the API: real HTTP (fetch) and a real WebSocket (graphql-ws over
// ws) against createServer(), a real agent process (threadbench agent) running a real
// piscina pool on a tiny plan, SQLite and PostgreSQL. They need `npm run build` first:
// the agent is dist/cli/main.js and the runner's workers load dist/runner/worker.js.

const token = "test-token-0123456789abcdef";

const testConfig = (databaseUrl: string, overrides: Partial<ServerConfig> = {}) =>
  testServerConfig(databaseUrl, {
    tokens: [{ name: "ci", secret: token }],
    limits: {
      ...defaultLimits,
      maxDepth: 5,
      maxAliases: 5,
      maxTokens: 400,
      maxCost: 5_000,
      maxBodyBytes: 20_000,
    },
    ...overrides,
  });

interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function post<T = Record<string, unknown>>(
  server: ThreadbenchServer,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string | null; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...auth, ...options.headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, "status">;
  return { status: response.status, ...body };
}

const tinyPlan = {
  workload: "sum-squares",
  params: { n: 1000 },
  modes: ["sequential", "worker-threads"],
  threads: [1, 2],
  repetitions: 1,
  warmups: 0,
};

const startRun = `mutation Start($plan: RunPlanInput!, $labels: [String!]) {
  startRun(plan: $plan, labels: $labels) { id status queuePosition labels }
}`;

function subscribe<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const messages: T[] = [];
  const errors: unknown[] = [];
  const done = new Promise<void>((resolve) => {
    client.subscribe<T>(
      { query, variables },
      {
        next: (message) => {
          if (message.errors) errors.push(...message.errors);
          if (message.data) messages.push(message.data);
        },
        error: (error) => {
          errors.push(error);
          resolve();
        },
        complete: resolve,
      },
    );
  });
  return { messages, errors, done };
}

async function waitForStatus(server: ThreadbenchServer, runId: string, statuses: string[]): Promise<string> {
  for (;;) {
    const result = await post<{ run: { status: string } }>(
      server,
      "query($id: ID!) { run(id: $id) { status } }",
      { id: runId },
    );
    const status = result.data?.run.status ?? "";
    if (statuses.includes(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runCount(database: Database): Promise<number> {
  return database.prisma.run.count();
}

const examplePayload = JSON.parse(
  readFileSync(new URL("../../ingest/example-cpython-3.13-gil.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

/** The ingest format's own example (what the CLI's `threadbench ingest` takes), with a new key. */
function ingestDocument(key: string) {
  const { $schema: _schema, ...payload } = examplePayload;
  return { ...payload, idempotencyKey: key };
}

describeEachDatabase("GraphQL API", (databases) => {
  let server: ThreadbenchServer;
  let client: Client;
  let url: string;

  beforeAll(async () => {
    url = await databases.newUrl();
    server = await createServer(testConfig(url), { logger: pino({ level: "silent" }) });
    client = createClient({
      url: server.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
    });
  });
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
  });

  it("runs a run started through the API on an agent process, streams its progress over the WebSocket to the end, and stores it", async () => {
    const agent = startAgentProcess({ serverUrl: server.url, token, name: `api-test-${databases.provider}` });
    onTestFinished(() => agent.dispose());
    const events = subscribe<{ runEvents: { kind: string; runId: string } }>(
      client,
      "subscription { runEvents { kind runId status } }",
    );
    // The subscription is registered once the server acknowledged it; a query over the same socket orders after it.
    await new Promise<void>((resolve, reject) =>
      client.subscribe(
        { query: "{ planLimits { maxThreads } }" },
        { next: () => {}, error: reject, complete: resolve },
      ),
    );
    const started = await post<{ startRun: { id: string; status: string; labels: string[] } }>(
      server,
      startRun,
      { plan: tinyPlan, labels: ["api-test"] },
      { token },
    );
    expect(started.errors).toBeUndefined();
    const runId = started.data?.startRun.id as string;
    expect(started.data?.startRun.labels).toEqual(["api-test"]);

    const progress = subscribe<{
      runProgress: { status: string; fraction: number; cellsDone: number; cellsTotal: number };
    }>(
      client,
      "subscription($id: ID!) { runProgress(id: $id) { runId status cellsDone cellsTotal stepsDone stepsTotal fraction elapsedMs etaMs currentCell { mode threads } } }",
      { id: runId },
    );
    await progress.done;
    expect(progress.errors).toEqual([]);
    const last = progress.messages.at(-1)?.runProgress;
    expect(last).toMatchObject({ status: "SUCCEEDED", fraction: 1, cellsDone: 4, cellsTotal: 4 });
    const fractions = progress.messages.map((message) => message.runProgress.fraction);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);

    const stored = await post<{
      run: {
        status: string;
        measurements: Array<{
          mode: string;
          threads: number;
          taskOverheadMs: number | null;
          samples: unknown[];
        }>;
      };
    }>(
      server,
      "query($id: ID!) { run(id: $id) { status source requestedBy agent { name } testbed { hostname } measurements { mode threads status taskOverheadMs samples { wallMs } } } }",
      { id: runId },
    );
    expect(stored.data?.run).toMatchObject({
      status: "SUCCEEDED",
      source: "RUNNER",
      requestedBy: "ci",
      agent: { name: agent.name },
    });
    expect(stored.data?.run.measurements.map((cell) => `${cell.mode}/${cell.threads}`)).toEqual([
      "sequential/1",
      "sequential/2",
      "worker-threads/1",
      "worker-threads/2",
    ]);
    // The pool's fixed cost per task crosses agent -> API -> store -> GraphQL: measured
    // for the pooled cells, null on the main thread.
    for (const cell of stored.data?.run.measurements ?? []) {
      if (cell.mode === "sequential") expect(cell.taskOverheadMs).toBeNull();
      else expect(cell.taskOverheadMs).toBeGreaterThanOrEqual(0);
    }
    await waitUntil(() =>
      events.messages.some(
        (event) => event.runEvents.runId === runId && event.runEvents.kind === "SUCCEEDED",
      ),
    );
    expect(
      events.messages.filter((event) => event.runEvents.runId === runId).map((event) => event.runEvents.kind),
    ).toEqual(["QUEUED", "STARTED", "SUCCEEDED"]);
  });

  it("stores one run when the same ingest document is posted concurrently", async () => {
    const document = ingestDocument(`ingest-${databases.provider}-1`);
    const mutation =
      "mutation($input: JSON!) { ingestRun(input: $input) { created run { id source status measurements { id } } } }";
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        post<{ ingestRun: { created: boolean; run: { id: string; source: string } } }>(
          server,
          mutation,
          { input: document },
          { token },
        ),
      ),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    const ids = new Set(results.map((result) => result.data?.ingestRun.run.id));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => result.data?.ingestRun.created)).toHaveLength(1);
    expect(results[0]?.data?.ingestRun.run.source).toBe("INGESTED");
    expect(
      await server.database.prisma.run.count({ where: { idempotencyKey: document.idempotencyKey } }),
    ).toBe(1);
  });

  it("names a succeeded run's event SUCCEEDED, and the deprecated FINISHED only where THREADBENCH_LEGACY_FINISHED_EVENTS asks for it", async () => {
    const ingest = "mutation($input: JSON!) { ingestRun(input: $input) { run { id } } }";
    // A database of its own: SQLite serves one API process.
    const legacy = await createServer(testConfig(await databases.newUrl(), { legacyFinishedEvents: true }), {
      logger: pino({ level: "silent" }),
    });
    const legacyClient = createClient({
      url: legacy.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
    });
    onTestFinished(async () => {
      await legacyClient.dispose();
      await legacy.close();
    });
    const query = "subscription { runEvents { kind runId status } }";
    type Event = { runEvents: { kind: string; runId: string; status: string | null } };
    const current = subscribe<Event>(client, query);
    const old = subscribe<Event>(legacyClient, query);
    // A subscription is registered once a query over the same socket has come back.
    for (const socket of [client, legacyClient]) {
      await new Promise<void>((resolve, reject) =>
        socket.subscribe(
          { query: "{ planLimits { maxThreads } }" },
          { next: () => {}, error: reject, complete: resolve },
        ),
      );
    }
    const fresh = await post<{ ingestRun: { run: { id: string } } }>(
      server,
      ingest,
      { input: ingestDocument(`events-${databases.provider}-1`) },
      { token },
    );
    const freshId = fresh.data?.ingestRun.run.id;
    const legacyRun = await post<{ ingestRun: { run: { id: string } } }>(
      legacy,
      ingest,
      { input: ingestDocument(`events-${databases.provider}-2`) },
      { token },
    );
    const legacyId = legacyRun.data?.ingestRun.run.id;
    await waitUntil(() => current.messages.some((message) => message.runEvents.runId === freshId));
    await waitUntil(() => old.messages.some((message) => message.runEvents.runId === legacyId));
    expect(current.messages.find((message) => message.runEvents.runId === freshId)?.runEvents).toEqual({
      kind: "SUCCEEDED",
      runId: freshId,
      status: "SUCCEEDED",
    });
    expect(old.messages.find((message) => message.runEvents.runId === legacyId)?.runEvents).toEqual({
      kind: "FINISHED",
      runId: legacyId,
      status: "SUCCEEDED",
    });
    expect([...current.errors, ...old.errors]).toEqual([]);
  });

  it("changes nothing for mutations without a valid token", async () => {
    const before = await runCount(server.database);
    const [run] = await server.database.prisma.run.findMany({ take: 1 });
    const attempts = [
      { query: startRun, variables: { plan: tinyPlan } },
      {
        query: "mutation($input: JSON!) { ingestRun(input: $input) { created } }",
        variables: { input: ingestDocument("no-token") },
      },
      { query: "mutation($id: ID!) { deleteRun(id: $id) }", variables: { id: run?.id } },
      {
        query: 'mutation($id: ID!) { updateRunLabels(id: $id, labels: ["x"]) { id } }',
        variables: { id: run?.id },
      },
    ];
    for (const attempt of attempts) {
      for (const presented of [null, "wrong-token-0123456789"]) {
        const result = await post(server, attempt.query, attempt.variables, { token: presented });
        expect(result.status).toBe(401);
        expect(result.data).toBeUndefined();
        expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      }
    }
    expect(await runCount(server.database)).toBe(before);
    expect(await server.database.prisma.runLabel.count({ where: { label: "x" } })).toBe(0);
  });

  it("rejects invalid input with BAD_USER_INPUT, the field path and the allowed values, and changes nothing", async () => {
    const before = await runCount(server.database);
    const badPlan = await post(
      server,
      startRun,
      { plan: { ...tinyPlan, workload: "no-such-workload", threads: [0] } },
      { token },
    );
    expect(badPlan.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const planIssues = badPlan.errors?.[0]?.extensions?.issues as Array<{ path: string; message: string }>;
    expect(planIssues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(["plan.workload", "plan.threads.0"]),
    );
    expect(planIssues.find((issue) => issue.path === "plan.workload")?.message).toContain("sum-squares");

    const badParams = await post(server, startRun, { plan: { ...tinyPlan, params: { n: -5 } } }, { token });
    const paramIssues = badParams.errors?.[0]?.extensions?.issues as Array<{ path: string; message: string }>;
    expect(paramIssues[0]?.path).toBe("plan.params.n");
    expect(paramIssues[0]?.message).toMatch(/allowed/);

    const badIngest = await post(
      server,
      "mutation($input: JSON!) { ingestRun(input: $input) { created } }",
      { input: { ...ingestDocument("bad"), status: "exploded", measurements: [{ mode: "sequential" }] } },
      { token },
    );
    expect(badIngest.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const ingestIssues = (badIngest.errors?.[0]?.extensions?.issues ?? []) as Array<{ path: string }>;
    const ingestPaths = ingestIssues.map((issue) => issue.path);
    expect(ingestPaths).toEqual(expect.arrayContaining(["input.status", "input.measurements[0].threads"]));

    const badPage = await post(server, "{ runs(first: 201) { totalCount } }");
    expect(badPage.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await runCount(server.database)).toBe(before);
  });

  it("applies depth, alias, token, cost, body, batching, CSRF and introspection limits over HTTP", async () => {
    const deep = await post(server, "{ runs { edges { node { measurements { samples { wallMs } } } } } }");
    expect(deep.errors?.[0]?.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", limit: "depth" });

    const aliases = Array.from({ length: 6 }, (_, index) => `a${index}: planLimits { maxThreads }`).join(" ");
    const aliased = await post(server, `{ ${aliases} }`);
    expect(aliased.errors?.[0]?.extensions).toMatchObject({
      code: "GRAPHQL_VALIDATION_FAILED",
      limit: "aliases",
    });

    const manyTokens = await post(server, `{ ${"planLimits { maxThreads } ".repeat(100)} }`);
    expect(manyTokens.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");

    const costly = await post(
      server,
      "{ runs(first: 200) { nodes { measurements { samples { wallMs cpuMs } } } } }",
    );
    expect(costly.errors?.[0]?.extensions).toMatchObject({
      code: "GRAPHQL_VALIDATION_FAILED",
      limit: "cost",
    });

    const big = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ planLimits { maxThreads } } ${"#".repeat(30_000)}` }),
    });
    expect(big.status).toBe(413);

    // A streamed (chunked) body over the limit, then a request on the same kept-alive
    // connection: the 413 said nothing of the connection while the server tore it down,
    // so the client's next request on it died with ECONNRESET.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const send = (body: string, chunked: boolean) =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const outgoing = httpRequest(server.url, {
          method: "POST",
          agent,
          headers: { "content-type": "application/json" },
        });
        outgoing.on("response", (response) => {
          response.resume();
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }),
          );
        });
        outgoing.on("error", reject);
        if (chunked) for (let index = 0; index < 10; index++) outgoing.write(body);
        outgoing.end(chunked ? undefined : body);
      });
    const streamed = await send("#".repeat(10_000), true);
    expect(streamed).toEqual({ status: 413, connection: "close" });
    const next = await send(JSON.stringify({ query: "{ planLimits { maxThreads } }" }), false);
    expect(next.status).toBe(200);

    const batched = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { query: "{ planLimits { maxThreads } }" },
        { query: "{ planLimits { maxThreads } }" },
      ]),
    });
    expect(batched.status).toBe(400);

    const simpleGet = await fetch(
      `${server.url}?query=${encodeURIComponent("{ planLimits { maxThreads } }")}`,
    );
    expect(simpleGet.status).toBe(400);

    const introspection = await post(server, "{ __schema { types { name } } }");
    expect(introspection.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("applies the same limits and authentication to operations over the WebSocket", async () => {
    const deep = subscribe(client, "{ runs { edges { node { measurements { samples { wallMs } } } } } }");
    await deep.done;
    expect(JSON.stringify(deep.errors)).toContain("depth");

    const costly = subscribe(
      client,
      "{ runs(first: 200) { nodes { measurements { samples { wallMs cpuMs } } } } }",
    );
    await costly.done;
    expect(JSON.stringify(costly.errors)).toContain("cost");

    const before = await runCount(server.database);
    const mutation = subscribe(client, startRun, { plan: tinyPlan });
    await mutation.done;
    expect(JSON.stringify(mutation.errors)).toContain("UNAUTHENTICATED");
    expect(await runCount(server.database)).toBe(before);
  });

  it("reads a page of 50 runs with measurements, samples and testbeds in a constant number of queries", async () => {
    const database = await databases.open();
    let operations = 0;
    const counted = database.prisma.$extends({
      query: {
        async $allOperations({ args, query }) {
          operations++;
          return query(args);
        },
      },
    });
    const countingDatabase = {
      ...database,
      prisma: counted as unknown as Database["prisma"],
      close: async () => {},
    };
    const reader = await createServer(testConfig("file:unused.db", { limits: defaultLimits }), {
      logger: pino({ level: "silent" }),
      database: countingDatabase,
    });
    try {
      const page = `query($first: Int) { runs(first: $first) { totalCount nodes { id labels testbed { hostname cpuModel }
        measurements { mode threads wall { median } speedup samples { wallMs } } } } }`;
      const countFor = async (first: number) => {
        operations = 0;
        const result = await post<{ runs: { nodes: unknown[] } }>(reader, page, { first });
        expect(result.errors).toBeUndefined();
        expect(result.data?.runs.nodes).toHaveLength(first);
        return operations;
      };
      for (let index = 0; index < 50; index++) {
        await storeRunResult(
          database,
          makeRunResult({ seed: index, startedAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString() }),
        );
      }
      const oldestFirst = await post<{
        runs: { nodes: Array<{ createdAt: string }>; pageInfo: { endCursor: string } };
      }>(
        reader,
        "query($after: String) { runs(first: 30, orderBy: CREATED_AT_ASC, after: $after) { nodes { createdAt } pageInfo { endCursor } } }",
      );
      const next = await post<{ runs: { nodes: Array<{ createdAt: string }> } }>(
        reader,
        "query($after: String) { runs(first: 30, orderBy: CREATED_AT_ASC, after: $after) { nodes { createdAt } } }",
        { after: oldestFirst.data?.runs.pageInfo.endCursor },
      );
      const dates = [...(oldestFirst.data?.runs.nodes ?? []), ...(next.data?.runs.nodes ?? [])].map(
        (node) => node.createdAt,
      );
      expect(dates).toHaveLength(50);
      expect([...dates].sort()).toEqual(dates);
      const forFive = await countFor(5);
      const forFifty = await countFor(50);
      expect(forFifty).toBe(forFive);
      expect(forFifty).toBeLessThanOrEqual(6);
    } finally {
      await reader.close();
    }
  });
});

describeEachDatabase("run comparison", (databases) => {
  it("gives a failed or checksum-mismatch cell the verdict FAILED in GraphQL, as the CLI's comparison does (the dashboard gave it a verdict)", async () => {
    const url = await databases.newUrl();
    const server = await createServer(testConfig(url), { logger: pino({ level: "silent" }) });
    try {
      const plan = { repetitions: 6 };
      const base = await storeRunResult(server.database, makeRunResult({ seed: 1, plan }));
      const broken = makeRunResult({ seed: 2, plan, startedAt: "2026-01-02T00:00:00.000Z" });
      const [mismatch, failed] = broken.cells.filter((cell) => cell.mode === "worker-threads");
      if (!mismatch || !failed) throw new Error("the plan has no worker-threads cells");
      // Its samples look like any other's: only the checksum says they timed something else.
      mismatch.checksum = "different";
      mismatch.checksumStatus = "mismatch";
      failed.status = "failed";
      failed.error = "worker exited";
      const head = await storeRunResult(server.database, broken);

      const cli = await compareRuns(server.database, base.run.id, head.run.id);
      const result = await post<{
        compare: {
          cells: Array<{ mode: string; threads: number; verdict: string | null }>;
          verdicts: Record<string, number>;
        };
      }>(
        server,
        `query($base: ID!, $head: ID!) { compare(baseRunId: $base, headRunId: $head) {
          cells { mode threads verdict } verdicts { faster slower unchanged noisy failed } } }`,
        { base: base.run.id, head: head.run.id },
      );
      expect(result.errors).toBeUndefined();
      const cells = result.data?.compare.cells ?? [];
      const verdictOf = (mode: string, threads: number) =>
        cells.find((cell) => cell.mode === mode && cell.threads === threads)?.verdict;
      expect(verdictOf(mismatch.mode, mismatch.threads)).toBe("FAILED");
      expect(verdictOf(failed.mode, failed.threads)).toBe("FAILED");
      expect(result.data?.compare.verdicts.failed).toBe(2);
      // Cell for cell, GraphQL says what the CLI's comparison says.
      expect(cells.map((cell) => `${cell.mode}/${cell.threads}`)).toEqual(
        cli.cells.map((cell) => `${cell.mode}/${cell.threads}`),
      );
      for (const cell of cli.cells) {
        const expected =
          cell.kind === "compared" ? cell.verdict.toUpperCase() : cell.kind === "failed" ? "FAILED" : null;
        expect(verdictOf(cell.mode, cell.threads)).toBe(expected);
      }
      expect(cli.cells.filter((cell) => cell.kind === "failed")).toHaveLength(2);
      expect(
        cli.cells.find((cell) => cell.threads === mismatch.threads && cell.mode === mismatch.mode),
      ).toMatchObject({
        kind: "failed",
        headStatus: "checksum mismatch",
      });
      const { failed: failedCount, ...compared } = result.data?.compare.verdicts ?? {};
      expect(failedCount).toBe(2);
      expect(compared).toEqual(cli.verdicts);
    } finally {
      await server.close();
    }
  });
});

describeEachDatabase("GraphQL API restart recovery", (databases) => {
  it("marks a run left running by a dead process interrupted, and an agent executes the queued ones", async () => {
    const url = await databases.newUrl();
    const database = await databases.reopen(url);
    const plan = parseRunPlan(tinyPlan);
    const abandoned = await createQueuedRun(database, { plan });
    // A process of this machine that no longer exists (pids never get this large).
    await markRunRunning(database, abandoned.run.id, { claimedBy: `${hostname()}:2147483646` });
    const waiting = await createQueuedRun(database, { plan, labels: ["queued-before-restart"] });

    const server = await createServer(testConfig(url), { logger: pino({ level: "silent" }) });
    const agent = startAgentProcess({ serverUrl: server.url, token, name: "after-restart" });
    try {
      expect(await waitForStatus(server, abandoned.run.id, ["INTERRUPTED"])).toBe("INTERRUPTED");
      expect(await waitForStatus(server, waiting.run.id, ["SUCCEEDED", "FAILED"])).toBe("SUCCEEDED");
      const queue = await post<{ queue: { running: unknown; queued: unknown[] } }>(
        server,
        "{ queue { running { id } queued { id } } }",
      );
      expect(queue.data?.queue.queued).toEqual([]);
    } finally {
      await agent.dispose();
      await server.close();
    }
  });

  it("cancels a queued run (it leaves the queue) and rejects cancelling a finished one", async () => {
    const url = await databases.newUrl();
    const server = await createServer(testConfig(url), {
      logger: pino({ level: "silent" }),
    });
    try {
      const first = await post<{ startRun: { id: string; queuePosition: number } }>(
        server,
        startRun,
        { plan: tinyPlan },
        { token },
      );
      const second = await post<{ startRun: { id: string; queuePosition: number } }>(
        server,
        startRun,
        { plan: tinyPlan },
        { token },
      );
      expect(first.data?.startRun.queuePosition).toBe(1);
      expect(second.data?.startRun.queuePosition).toBe(2);
      const firstId = first.data?.startRun.id as string;
      const cancelled = await post<{ cancelRun: { status: string; queuePosition: number | null } }>(
        server,
        "mutation($id: ID!) { cancelRun(id: $id) { status queuePosition } }",
        { id: firstId },
        { token },
      );
      expect(cancelled.data?.cancelRun).toEqual({ status: "CANCELLED", queuePosition: null });
      const queue = await post<{ queue: { queued: Array<{ id: string; queuePosition: number }> } }>(
        server,
        "{ queue { queued { id queuePosition } } }",
      );
      expect(queue.data?.queue.queued).toEqual([{ id: second.data?.startRun.id, queuePosition: 1 }]);
      const again = await post(
        server,
        "mutation($id: ID!) { cancelRun(id: $id) { status } }",
        { id: firstId },
        { token },
      );
      expect(again.errors?.[0]?.extensions?.code).toBe("CONFLICT");
      const missing = await post(server, 'mutation { cancelRun(id: "nope") { status } }', {}, { token });
      expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    } finally {
      await server.close();
    }
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
