import { seededRandom } from "@threadbench/core";
import { type Client, createClient } from "graphql-ws";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import type { ServerConfig } from "../services/config.js";
import { describeEachDatabase } from "../test/databases.js";
import { makeRunResult } from "../test/run-factories.js";
import { registerScriptedAgent } from "../test/scripted-agent.js";
import { testServerConfig } from "../test/server-config.js";

// The analysis part of the API over real HTTP and a real WebSocket against createServer(),
// on SQLite and PostgreSQL: a history planted through ingestRun, the regression the check
// after each ingest stores, status changes, muting, change points, scaling fits, and the
// check after a run the queue executed. Needs `npm run build` (the runner loads dist).

const token = "analysis-token-0123456789abcdef";
const dayMs = 24 * 3600 * 1000;
const origin = Date.UTC(2026, 0, 1);

const testConfig = (databaseUrl: string, overrides: Partial<ServerConfig> = {}) =>
  testServerConfig(databaseUrl, { tokens: [{ name: "ci", secret: token }], ...overrides });

interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

async function post<T = Record<string, unknown>>(
  server: ThreadbenchServer,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string | null } = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, "status">;
  return { status: response.status, ...body };
}

function subscribe<T>(client: Client, query: string) {
  const messages: T[] = [];
  const errors: unknown[] = [];
  client.subscribe<T>(
    { query },
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

/** Resolves once the server acknowledged earlier subscriptions on the same socket. */
function roundTrip(client: Client): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    client.subscribe(
      { query: "{ planLimits { maxThreads } }" },
      { next: () => {}, error: reject, complete: resolve },
    ),
  );
}

async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

const plantedRuns = 30;
const stepAt = 20;
const cells = ["sequential", "worker-threads"].flatMap((mode) =>
  [1, 2, 4].map((threads) => ({ mode, threads })),
);

/**
 * One CI result in the ingest format, a day after the previous one: sum-squares on a fixed
 * testbed, sequential and worker-threads at 1, 2, 4 threads, 5 repetitions with about 1%
 * noise. From run `stepAt` on, the worker-threads cell at 4 threads is 20% slower: its
 * wall time rises, and worker-threads' efficiency at 4 threads falls and its Amdahl serial
 * fraction rises (three stored changes of one series).
 */
function plantedDocument(index: number, key: string) {
  const random = seededRandom(1000 + index);
  const startedAt = new Date(origin + index * dayMs);
  return {
    formatVersion: 1,
    idempotencyKey: `${key}-${index}`,
    workload: "sum-squares",
    params: { n: 1000 },
    scaling: "weak",
    commitSha: shaOf(index),
    branch: "main",
    labels: ["planted"],
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + 60_000).toISOString(),
    testbed: {
      hostname: "ci-planted",
      os: "linux",
      arch: "x64",
      cpuModel: "Planted CPU",
      logicalCores: 8,
      memoryBytes: 16 * 1024 ** 3,
      runtime: "cpython",
      runtimeVersion: "3.14.0",
    },
    measurements: cells.map(({ mode, threads }) => {
      const level =
        mode === "sequential"
          ? 10 * threads
          : 10.5 * (mode === "worker-threads" && threads === 4 && index >= stepAt ? 1.2 : 1);
      return {
        mode,
        threads,
        samples: Array.from({ length: 5 }, () => ({ wallMs: level * (1 + (random() - 0.5) * 0.02) })),
      };
    }),
  };
}

function shaOf(index: number): string {
  return (0xabc000 + index).toString(16).padStart(7, "0");
}

const ingest = `mutation($input: JSON!) {
  ingestRun(input: $input) { created run { id } regressions { id runId kind } }
}`;

const regressionFields = `id kind status seriesKey workloadId params mode threads scaling testbedId branch
  runId previousRunId metric seriesMetric size sizeLow sizeHigh beforeValue afterValue baselineValue currentValue confidence pValue
  statusChangedBy statusChangedAt note createdAt updatedAt
  run { id commitSha } previousRun { id } series { key muted } testbed { hostname }`;

interface RegressionNode {
  id: string;
  kind: string;
  metric: string;
  seriesMetric: string;
  status: string;
  seriesKey: string;
  runId: string;
  previousRunId: string | null;
  size: number;
  sizeLow: number | null;
  sizeHigh: number | null;
  confidence: number;
  pValue: number;
  statusChangedBy: string | null;
  statusChangedAt: string | null;
  note: string | null;
  [field: string]: unknown;
}

describeEachDatabase("GraphQL analysis", (databases) => {
  let server: ThreadbenchServer;
  let client: Client;
  let runIds: string[] = [];
  const detected: Array<{ id: string }> = [];
  let detectedOverWebSocket: ReturnType<typeof subscribe<{ regressionDetected: RegressionNode }>>;
  let runEvents: ReturnType<
    typeof subscribe<{ runEvents: { kind: string; runId: string; regression: { id: string } | null } }>
  >;

  beforeAll(async () => {
    server = await createServer(testConfig(await databases.newUrl()), { logger: pino({ level: "silent" }) });
    client = createClient({
      url: server.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
    });
    detectedOverWebSocket = subscribe(client, `subscription { regressionDetected { ${regressionFields} } }`);
    runEvents = subscribe(client, "subscription { runEvents { kind runId regression { id } } }");
    await roundTrip(client);
    runIds = [];
    for (let index = 0; index < plantedRuns; index++) {
      const result = await post<{
        ingestRun: { created: boolean; run: { id: string }; regressions: Array<{ id: string }> };
      }>(server, ingest, { input: plantedDocument(index, `planted-${databases.provider}`) }, { token });
      expect(result.errors).toBeUndefined();
      runIds.push(result.data?.ingestRun.run.id as string);
      detected.push(...(result.data?.ingestRun.regressions ?? []));
    }
  });
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
  });

  const listOpen = () =>
    post<{ regressions: { totalCount: number; nodes: RegressionNode[] } }>(
      server,
      `{ regressions(filter: { status: [OPEN] }) { totalCount nodes { ${regressionFields} } } }`,
    );

  it("lists the open regressions of the planted 20% slowdown (wall time, efficiency, serial fraction), introduced by the run where it starts", async () => {
    const result = await listOpen();
    expect(result.errors).toBeUndefined();
    expect(result.data?.regressions.totalCount).toBe(3);
    const nodes = result.data?.regressions.nodes ?? [];
    const byMetric = new Map(nodes.map((node) => [node.metric, node]));
    expect([...byMetric.keys()].sort()).toEqual(["EFFICIENCY", "SERIAL_FRACTION", "WALL_TIME"]);
    const regression = byMetric.get("WALL_TIME") as RegressionNode;
    expect(regression).toMatchObject({
      kind: "REGRESSION",
      status: "OPEN",
      workloadId: "sum-squares",
      params: { n: 1000 },
      mode: "worker-threads",
      threads: 4,
      scaling: "WEAK",
      branch: "main",
      runId: runIds[stepAt],
      previousRunId: runIds[stepAt - 1],
      metric: "WALL_TIME",
      seriesMetric: "WALL_MEDIAN",
      statusChangedBy: null,
      note: null,
      run: { id: runIds[stepAt], commitSha: shaOf(stepAt) },
      previousRun: { id: runIds[stepAt - 1] },
      series: { key: regression.seriesKey, muted: false },
      testbed: { hostname: "ci-planted" },
    });
    expect(regression.size).toBeGreaterThan(0.15);
    expect(regression.size).toBeLessThan(0.25);
    expect(regression.sizeLow).toBeLessThan(regression.size);
    expect(regression.sizeHigh).toBeGreaterThan(regression.size);
    expect(regression.sizeLow).toBeGreaterThan(0);
    expect(regression.confidence).toBeGreaterThan(0.95);
    expect(regression.pValue).toBeCloseTo(1 - regression.confidence, 12);
    // The levels around the change: 20% slower after; the deprecated names answer the same.
    expect(regression.afterValue as number).toBeGreaterThan((regression.beforeValue as number) * 1.15);
    expect(regression.baselineValue).toBe(regression.beforeValue);
    expect(regression.currentValue).toBe(regression.afterValue);
    // The scaling changes sit on the same series (the mode's top cell) and run.
    const efficiency = byMetric.get("EFFICIENCY") as RegressionNode;
    expect(efficiency).toMatchObject({
      kind: "REGRESSION",
      seriesMetric: "EFFICIENCY",
      runId: runIds[stepAt],
    });
    expect(efficiency.seriesKey).toBe(regression.seriesKey);
    // 1 - 1 / 1.2 of the efficiency, positive because worse.
    expect(efficiency.size).toBeGreaterThan(0.1);
    expect(efficiency.size).toBeLessThan(0.25);
    expect(byMetric.get("SERIAL_FRACTION")).toMatchObject({
      kind: "REGRESSION",
      seriesMetric: "EFFICIENCY",
      runId: runIds[stepAt],
      seriesKey: regression.seriesKey,
    });
    const ids = nodes.map((node) => node.id).sort();
    // Reported by the ingest whose check found them, once each.
    expect(detected.map((entry) => entry.id).sort()).toEqual(ids);

    const byRun = await post<{
      run: { regressions: Array<{ id: string }> };
      other: { regressions: unknown[] };
      filtered: { totalCount: number };
      otherBranch: { totalCount: number };
      otherWorkload: { totalCount: number };
      bySeries: { totalCount: number };
      wallTime: { nodes: Array<{ metric: string }> };
      efficiency: { nodes: Array<{ metric: string }> };
      serialFraction: { nodes: Array<{ metric: string }>; totalCount: number };
      scalingOfRun: { totalCount: number };
    }>(
      server,
      `query($run: ID!, $other: ID!, $series: ID!) {
        run(id: $run) { regressions { id } }
        other: run(id: $other) { regressions { id } }
        filtered: regressions(filter: { runId: $run, workload: "sum-squares", branch: "main" }) { totalCount }
        otherBranch: regressions(filter: { branch: "feature" }) { totalCount }
        otherWorkload: regressions(filter: { workload: "mandelbrot" }) { totalCount }
        bySeries: regressions(filter: { seriesKey: $series, kind: REGRESSION }) { totalCount }
        wallTime: regressions(filter: { metric: WALL_TIME }) { nodes { metric } }
        efficiency: regressions(filter: { metric: EFFICIENCY }) { nodes { metric } }
        serialFraction: regressions(filter: { metric: SERIAL_FRACTION }) { nodes { metric } totalCount }
        scalingOfRun: regressions(filter: { runId: $run, metric: EFFICIENCY, status: [OPEN] }) { totalCount }
      }`,
      { run: runIds[stepAt], other: runIds[stepAt + 1], series: regression.seriesKey },
    );
    expect(byRun.errors).toBeUndefined();
    expect(byRun.data?.run.regressions.map((entry) => entry.id).sort()).toEqual(ids);
    expect({ ...byRun.data, run: null }).toEqual({
      run: null,
      other: { regressions: [] },
      filtered: { totalCount: 3 },
      otherBranch: { totalCount: 0 },
      otherWorkload: { totalCount: 0 },
      bySeries: { totalCount: 3 },
      wallTime: { nodes: [{ metric: "WALL_TIME" }] },
      efficiency: { nodes: [{ metric: "EFFICIENCY" }] },
      serialFraction: { nodes: [{ metric: "SERIAL_FRACTION" }], totalCount: 1 },
      scalingOfRun: { totalCount: 1 },
    });
  });

  it("announces the new regressions over the WebSocket (regressionDetected and runEvents)", async () => {
    const open = (await listOpen()).data?.regressions.nodes ?? [];
    const ids = open.map((node) => node.id).sort();
    const announcedEvents = () =>
      runEvents.messages.filter((message) => message.runEvents.kind === "REGRESSION_DETECTED");
    await waitUntil(() => detectedOverWebSocket.messages.length >= 3 && announcedEvents().length >= 3);
    expect(detectedOverWebSocket.errors).toEqual([]);
    expect(detectedOverWebSocket.messages.map((message) => message.regressionDetected.id).sort()).toEqual(
      ids,
    );
    for (const message of detectedOverWebSocket.messages) {
      expect(message.regressionDetected).toMatchObject({
        runId: runIds[stepAt],
        mode: "worker-threads",
        threads: 4,
        status: "OPEN",
      });
    }
    expect(
      announcedEvents()
        .map((message) => message.runEvents.regression?.id)
        .sort(),
    ).toEqual(ids);
    for (const message of announcedEvents()) {
      expect(message.runEvents).toMatchObject({ kind: "REGRESSION_DETECTED", runId: runIds[stepAt] });
    }
  });

  it("changes a regression's status only with a token, recording the token's name and the note", async () => {
    const [open] = (await listOpen()).data?.regressions.nodes ?? [];
    const id = open?.id as string;
    const read = async () =>
      (
        await post<{ regression: RegressionNode }>(
          server,
          `query($id: ID!) { regression(id: $id) { ${regressionFields} } }`,
          {
            id,
          },
        )
      ).data?.regression as RegressionNode;
    const acknowledge =
      "mutation($id: ID!, $note: String) { acknowledgeRegression(id: $id, note: $note) { id status statusChangedBy statusChangedAt note } }";

    for (const presented of [null, "wrong-token-0123456789"]) {
      const refused = await post(server, acknowledge, { id, note: "mine" }, { token: presented });
      expect(refused.status).toBe(401);
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
    expect(await read()).toMatchObject({ status: "OPEN", statusChangedBy: null, note: null });

    const acknowledged = await post<{ acknowledgeRegression: RegressionNode }>(
      server,
      acknowledge,
      { id, note: "bisecting: probably the pool change" },
      { token },
    );
    expect(acknowledged.errors).toBeUndefined();
    expect(acknowledged.data?.acknowledgeRegression).toMatchObject({
      id,
      status: "ACKNOWLEDGED",
      statusChangedBy: "ci",
      note: "bisecting: probably the pool change",
    });
    expect(Number.isNaN(Date.parse(acknowledged.data?.acknowledgeRegression.statusChangedAt ?? ""))).toBe(
      false,
    );
    expect(await read()).toMatchObject({ status: "ACKNOWLEDGED", statusChangedBy: "ci" });
    // The efficiency and serial-fraction changes of the same slowdown are still open.
    expect((await listOpen()).data?.regressions.totalCount).toBe(2);

    const falseAlarm = await post<{ markFalseAlarm: RegressionNode }>(
      server,
      'mutation($id: ID!) { markFalseAlarm(id: $id, note: "noisy neighbour on the runner") { status statusChangedBy note } }',
      { id },
      { token },
    );
    expect(falseAlarm.data?.markFalseAlarm).toEqual({
      status: "FALSE_ALARM",
      statusChangedBy: "ci",
      note: "noisy neighbour on the runner",
    });
    const refusedFalseAlarm = await post(
      server,
      "mutation($id: ID!) { markFalseAlarm(id: $id) { status } }",
      { id },
    );
    expect(refusedFalseAlarm.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const fixed = await post<{ markRegressionFixed: RegressionNode }>(
      server,
      'mutation($id: ID!) { markRegressionFixed(id: $id, note: "fixed in abc1234") { status note } }',
      { id },
      { token },
    );
    expect(fixed.data?.markRegressionFixed).toEqual({ status: "FIXED", note: "fixed in abc1234" });
    const byStatus = await post<{ regressions: { nodes: Array<{ id: string }> } }>(
      server,
      "{ regressions(filter: { status: [FIXED, FALSE_ALARM] }) { nodes { id } } }",
    );
    expect(byStatus.data?.regressions.nodes).toEqual([{ id }]);

    const reopened = await post<{ reopenRegression: RegressionNode }>(
      server,
      "mutation($id: ID!) { reopenRegression(id: $id) { status note statusChangedBy } }",
      { id },
      { token },
    );
    expect(reopened.data?.reopenRegression).toEqual({ status: "OPEN", note: null, statusChangedBy: "ci" });
  });

  it("answers invalid ids and arguments with NOT_FOUND or BAD_USER_INPUT naming the field, and changes nothing", async () => {
    const [open] = (await listOpen()).data?.regressions.nodes ?? [];
    const missing = await post(
      server,
      'mutation { acknowledgeRegression(id: "no-such-regression") { id } }',
      {},
      { token },
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(missing.errors?.[0]?.path).toEqual(["acknowledgeRegression"]);

    const issuesOf = (result: GraphQLResponse<unknown>) =>
      (result.errors?.[0]?.extensions?.issues ?? []) as Array<{ path: string; message: string }>;
    const empty = await post(server, 'mutation { markFalseAlarm(id: " ") { id } }', {}, { token });
    expect(empty.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(issuesOf(empty).map((issue) => issue.path)).toEqual(["id"]);

    const longNote = await post(
      server,
      "mutation($id: ID!, $note: String) { acknowledgeRegression(id: $id, note: $note) { id } }",
      { id: open?.id, note: "x".repeat(2001) },
      { token },
    );
    expect(longNote.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(issuesOf(longNote)[0]).toMatchObject({
      path: "note",
      message: expect.stringContaining("at most 2000"),
    });
    expect((await listOpen()).data?.regressions.nodes[0]).toMatchObject({ id: open?.id, status: "OPEN" });

    const badPage = await post(server, "{ regressions(first: 0) { totalCount } }");
    expect(issuesOf(badPage).map((issue) => issue.path)).toEqual(["first"]);
    const badCursor = await post(server, '{ regressions(after: "garbage") { totalCount } }');
    expect(issuesOf(badCursor).map((issue) => issue.path)).toEqual(["after"]);
    expect((await post<{ regression: null }>(server, '{ regression(id: "nope") { id } }')).data).toEqual({
      regression: null,
    });

    const unknownSeries = await post(
      server,
      'mutation { muteSeries(key: "no-such-series") { key } }',
      {},
      { token },
    );
    expect(unknownSeries.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");

    const badLast = await post<unknown>(
      server,
      "query($key: ID!) { series(key: $key) { series { changePoints(last: 5) { index } } } }",
      { key: open?.seriesKey },
    );
    expect(badLast.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(issuesOf(badLast).map((issue) => issue.path)).toEqual(["last"]);
    expect(badLast.errors?.[0]?.path).toEqual(["series", "series", "changePoints"]);
  });

  it("mutes and unmutes a series with a token", async () => {
    const [open] = (await listOpen()).data?.regressions.nodes ?? [];
    const key = open?.seriesKey as string;
    const mute =
      'mutation($key: ID!) { muteSeries(key: $key, reason: "flaky runner") { key muted mutedBy mutedReason } }';
    const refused = await post(server, mute, { key });
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const muted = await post<{ muteSeries: unknown }>(server, mute, { key }, { token });
    expect(muted.data?.muteSeries).toEqual({ key, muted: true, mutedBy: "ci", mutedReason: "flaky runner" });
    const listed = await post<{ seriesList: Array<{ key: string; muted: boolean }> }>(
      server,
      '{ seriesList(filter: { workload: "sum-squares" }) { key muted } }',
    );
    expect(listed.data?.seriesList.filter((series) => series.muted).map((series) => series.key)).toEqual([
      key,
    ]);
    const unmuted = await post<{ unmuteSeries: unknown }>(
      server,
      "mutation($key: ID!) { unmuteSeries(key: $key) { key muted mutedBy } }",
      { key },
      { token },
    );
    expect(unmuted.data?.unmuteSeries).toEqual({ key, muted: false, mutedBy: null });
  });

  it("finds the planted step as a change point of the series, and none in a flat one", async () => {
    const [open] = (await listOpen()).data?.regressions.nodes ?? [];
    const query = `query($key: ID!) { series(key: $key) { series { regressions { id } changePoints {
      index runId previousRunId timestamp commitSha beforeMedian afterMedian beforeCount afterCount
      relativeStep relativeStepLow relativeStepHigh intervalConfidence pValue confidence run { id } } } } }`;
    const stepped = await post<{
      series: { series: { regressions: unknown[]; changePoints: Array<Record<string, unknown>> } };
    }>(server, query, { key: open?.seriesKey });
    expect(stepped.errors).toBeUndefined();
    const openIds = ((await listOpen()).data?.regressions.nodes ?? []).map((node) => node.id);
    expect(
      stepped.data?.series.series.regressions.map((entry) => (entry as { id: string }).id).sort(),
    ).toEqual([...openIds].sort());
    const changePoints = stepped.data?.series.series.changePoints ?? [];
    expect(changePoints).toHaveLength(1);
    const [change] = changePoints;
    expect(change).toMatchObject({
      index: stepAt,
      runId: runIds[stepAt],
      previousRunId: runIds[stepAt - 1],
      commitSha: shaOf(stepAt),
      beforeCount: stepAt,
      afterCount: plantedRuns - stepAt,
      intervalConfidence: 0.95,
      run: { id: runIds[stepAt] },
    });
    expect(change?.relativeStep as number).toBeGreaterThan(0.15);
    expect(change?.relativeStep as number).toBeLessThan(0.25);
    expect(change?.relativeStepLow as number).toBeGreaterThan(0.1);
    expect(change?.pValue as number).toBeLessThan(0.001);

    const flat = await post<{
      seriesList: Array<{ key: string; changePoints: unknown[]; regressions: unknown[] }>;
    }>(
      server,
      '{ seriesList(filter: { workload: "sum-squares", mode: "sequential" }, first: 10) { key changePoints { index } regressions { id } } }',
    );
    expect(flat.data?.seriesList).toHaveLength(3);
    for (const series of flat.data?.seriesList ?? []) {
      expect(series.changePoints).toEqual([]);
      expect(series.regressions).toEqual([]);
    }
  });

  it("fits Amdahl's law and the USL to a run's worker-threads speedups at 1, 2 and 4 threads", async () => {
    const result = await post<{
      run: {
        scalingFits: Array<{
          mode: string;
          maxThreads: number;
          efficiencyAtMaxThreads: number;
          points: Array<{ threads: number; speedup: number }>;
          amdahl: {
            serialFraction: number;
            serialFractionStdError: number | null;
            rSquared: number;
            rmse: number;
          };
          usl: { contention: number; coherency: number; rSquared: number; peakThreads: number | null };
        }>;
      };
    }>(
      server,
      `query($id: ID!) { run(id: $id) { scalingFits { mode maxThreads efficiencyAtMaxThreads points { threads speedup spread }
        amdahl { serialFraction serialFractionStdError rSquared rmse peakSpeedup }
        usl { contention coherency rSquared rmse peakThreads peakSpeedup } } } }`,
      { id: runIds[0] },
    );
    expect(result.errors).toBeUndefined();
    const fits = result.data?.run.scalingFits ?? [];
    expect(fits.map((fit) => fit.mode)).toEqual(["worker-threads"]);
    const [fit] = fits;
    expect(fit?.points.map((point) => point.threads)).toEqual([1, 2, 4]);
    expect(fit?.maxThreads).toBe(4);
    // Weak scaling with 5% pool overhead: speedup about n / 1.05.
    expect(fit?.points[2]?.speedup).toBeGreaterThan(3.5);
    expect(fit?.amdahl.serialFraction).toBeGreaterThanOrEqual(0);
    expect(fit?.amdahl.serialFraction).toBeLessThanOrEqual(1);
    expect(fit?.amdahl.serialFraction).toBeLessThan(0.1);
    expect(fit?.amdahl.rSquared).toBeGreaterThan(0.9);
    expect(fit?.usl.contention).toBeGreaterThanOrEqual(0);
    expect(fit?.usl.contention).toBeLessThanOrEqual(1);
    expect(fit?.usl.coherency).toBeGreaterThanOrEqual(0);
  });

  it("compares two runs with statistics, verdicts and warnings", async () => {
    const result = await post<{
      compare: {
        warnings: string[];
        verdicts: { slower: number; faster: number; unchanged: number; noisy: number };
        cells: Array<{
          mode: string;
          threads: number;
          verdict: string;
          pValue: number;
          baseSampleCount: number;
        }>;
      };
    }>(
      server,
      `query($base: ID!, $head: ID!) { compare(baseRunId: $base, headRunId: $head) {
        warnings verdicts { faster slower unchanged noisy }
        cells { mode threads verdict pValue relativeChange relativeChangeLow relativeChangeHigh baseSampleCount headSampleCount } } }`,
      { base: runIds[stepAt - 1], head: runIds[stepAt] },
    );
    expect(result.errors).toBeUndefined();
    const compare = result.data?.compare;
    expect(compare?.warnings).toEqual([]);
    const slower = compare?.cells.filter((cell) => cell.verdict === "SLOWER") ?? [];
    expect(slower.map((cell) => `${cell.mode}/${cell.threads}`)).toEqual(["worker-threads/4"]);
    expect(slower[0]?.pValue).toBeLessThan(0.01);
    expect(slower[0]?.baseSampleCount).toBe(5);
    expect(compare?.verdicts.slower).toBe(1);
    expect(
      (compare?.verdicts.faster ?? 0) +
        (compare?.verdicts.slower ?? 0) +
        (compare?.verdicts.unchanged ?? 0) +
        (compare?.verdicts.noisy ?? 0),
    ).toBe(6);
  });

  it("does not check an ingest again when the same document is posted again", async () => {
    const again = await post<{ ingestRun: { created: boolean; regressions: unknown[] } }>(
      server,
      ingest,
      { input: plantedDocument(plantedRuns - 1, `planted-${databases.provider}`) },
      { token },
    );
    expect(again.data?.ingestRun).toMatchObject({ created: false, regressions: [] });
  });
});

describeEachDatabase("GraphQL analysis after runs agents executed", (databases) => {
  it("checks each run an agent finished against its history and announces the regression over the WebSocket", async () => {
    const levels = [...Array.from({ length: 20 }, () => 10), ...Array.from({ length: 8 }, () => 12)];
    const server = await createServer(testConfig(await databases.newUrl()), {
      logger: pino({ level: "silent" }),
    });
    // The agents' protocol over real HTTP with deterministic results: the same plan,
    // 20% slower from run 20 on (a real agent's timings would be this machine's noise).
    const agent = await registerScriptedAgent({ url: server.url, token, name: "scripted" });
    const client = createClient({
      url: server.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
    });
    try {
      const detected = subscribe<{ regressionDetected: { runId: string; kind: string } }>(
        client,
        "subscription { regressionDetected { runId kind } }",
      );
      await roundTrip(client);
      const ids: string[] = [];
      for (let index = 0; index < levels.length; index++) {
        const started = await post<{ startRun: { id: string } }>(
          server,
          'mutation { startRun(plan: { workload: "sum-squares", params: { n: 1000 }, modes: ["worker-threads"], threads: [1, 2], repetitions: 5 }, branch: "main") { id } }',
          {},
          { token },
        );
        expect(started.errors).toBeUndefined();
        const id = started.data?.startRun.id as string;
        ids.push(id);
        const claimed = await agent.claim();
        expect(claimed?.run.id).toBe(id);
        const result = makeRunResult({
          seed: 1 + index * 7919,
          taskMs: levels[index] as number,
          plan: { threads: [1, 2], repetitions: 5 },
        });
        const finished = await agent.finish(id, result);
        expect(finished.errors).toBeUndefined();
        // The next run starts only after this one's check: wait for the queue to be empty.
        await waitUntil(async () => {
          const queue = await post<{
            queue: { running: unknown; queued: unknown[] };
            run: { status: string };
          }>(server, "query($id: ID!) { queue { running { id } queued { id } } run(id: $id) { status } }", {
            id,
          });
          return queue.data?.run.status === "SUCCEEDED" && queue.data.queue.running === null;
        });
      }
      await waitUntil(() => detected.messages.length > 0);
      expect(detected.errors).toEqual([]);
      for (const message of detected.messages) {
        expect(message.regressionDetected).toEqual({ runId: ids[20], kind: "REGRESSION" });
      }
      const stored = await post<{ run: { regressions: Array<{ kind: string; size: number }> } }>(
        server,
        "query($id: ID!) { run(id: $id) { regressions { kind size } } }",
        { id: ids[20] },
      );
      const regressions = stored.data?.run.regressions ?? [];
      expect(regressions.length).toBe(detected.messages.length);
      for (const regression of regressions) expect(regression.size).toBeGreaterThan(0.15);
    } finally {
      await client.dispose();
      await server.close();
    }
  });
});
