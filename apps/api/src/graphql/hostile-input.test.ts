import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { Writable } from "node:stream";
import { type Client, createClient } from "graphql-ws";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import { defaultLimits } from "../services/config.js";
import { describeEachDatabase } from "../test/databases.js";
import { fragmentBomb } from "../test/hostile-documents.js";
import { testServerConfig } from "../test/server-config.js";
import { limitWork } from "./limits.js";

// Issue 11: hostile input over both transports. Every request below is sent over HTTP
// and over the WebSocket (graphql-ws) to a real server on SQLite and on PostgreSQL, and
// must end in a client error (never INTERNAL_SERVER_ERROR) with the same code on both.
// The tally of what was sent and how it ended is printed and checked at the end.

const token = "hostile-token-0123456789abcdef";
const dashboard = "http://localhost:3000";

const testConfig = (databaseUrl: string) =>
  testServerConfig(databaseUrl, {
    tokens: [{ name: "ci", secret: token }],
    // Production: introspection off, so suggestions must be hidden too.
    nodeEnv: "production",
    logLevel: "info",
    corsOrigins: [dashboard],
  });

/** Log lines of a server, parsed (pino writes one JSON object per line). */
function logCollector() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { lines, logger: pino({ level: "info" }, stream) };
}

interface ErrorShape {
  message: string;
  extensions?: { code?: string; issues?: Array<{ path: string; message: string }>; [key: string]: unknown };
}

interface Outcome {
  transport: "http" | "ws";
  status?: number;
  errors: ErrorShape[];
  data?: unknown;
}

/** Everything sent and how it ended, over both providers' runs of this file. */
const tally = { sent: 0, internal: 0, byCode: new Map<string, number>() };
function count(outcome: Outcome): void {
  tally.sent++;
  const code = outcome.errors[0]?.extensions?.code ?? (outcome.errors.length === 0 ? "OK" : "NO_CODE");
  tally.byCode.set(code, (tally.byCode.get(code) ?? 0) + 1);
  if (outcome.errors.some((error) => error.extensions?.code === "INTERNAL_SERVER_ERROR")) tally.internal++;
}

async function overHttp(
  server: ThreadbenchServer,
  body: unknown,
  headers: Record<string, string> = {},
  counted = true,
): Promise<Outcome> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const parsed = (await response.json()) as { errors?: ErrorShape[]; data?: unknown };
  const outcome = {
    transport: "http" as const,
    status: response.status,
    errors: parsed.errors ?? [],
    data: parsed.data,
  };
  if (counted) count(outcome);
  return outcome;
}

async function overWebSocket(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
  counted = true,
): Promise<Outcome> {
  const errors: ErrorShape[] = [];
  let data: unknown;
  await new Promise<void>((resolve) => {
    client.subscribe(
      { query, variables },
      {
        next: (message) => {
          if (message.errors) errors.push(...(message.errors as ErrorShape[]));
          if (message.data) data = message.data;
        },
        error: (error) => {
          if (Array.isArray(error)) errors.push(...(error as ErrorShape[]));
          else errors.push({ message: String(error), extensions: { code: "SOCKET_CLOSED" } });
          resolve();
        },
        complete: resolve,
      },
    );
  });
  const outcome = { transport: "ws" as const, errors, data };
  if (counted) count(outcome);
  return outcome;
}

/**
 * One operation over a WebSocket speaking graphql-transport-ws by hand, with variables
 * as JSON text (graphql-ws's client would have to JSON.stringify them).
 */
async function rawWebSocketOperation(
  server: ThreadbenchServer,
  query: string,
  rawVariables: string,
): Promise<Outcome> {
  const socket = new WebSocket(server.url.replace(/^http/, "ws"), "graphql-transport-ws");
  const errors: ErrorShape[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("close", () => resolve());
    socket.on("open", () =>
      socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })),
    );
    socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString("utf8")) as { type: string; payload?: unknown };
      if (message.type === "connection_ack") {
        socket.send(
          `{"id": "1", "type": "subscribe", "payload": {"query": ${JSON.stringify(query)}, "variables": ${rawVariables}}}`,
        );
      } else if (message.type === "error") {
        errors.push(...(message.payload as ErrorShape[]));
        socket.close();
      } else if (message.type === "next") {
        errors.push(...((message.payload as { errors?: ErrorShape[] }).errors ?? []));
      } else if (message.type === "complete") {
        socket.close();
      }
    });
  });
  const outcome = { transport: "ws" as const, errors };
  count(outcome);
  return outcome;
}

/** `{"a": {"a": ... 1}}` nested `depth` objects deep, built without recursion. */
function nested(depth: number, leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

function cursor(keyset: unknown): string {
  return Buffer.from(JSON.stringify(keyset)).toString("base64url");
}

const example = JSON.parse(
  readFileSync(new URL("../../ingest/example-cpython-3.13-gil.json", import.meta.url), "utf8"),
) as Record<string, unknown>;
function ingestDocument(overrides: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, ...document } = example;
  return { ...document, ...overrides };
}

const ingest = "mutation($input: JSON!) { ingestRun(input: $input) { created } }";
const startRun = `mutation($plan: RunPlanInput!, $labels: [String!]) { startRun(plan: $plan, labels: $labels) { id } }`;
const tinyPlan = { workload: "sum-squares", params: { n: 1000 }, modes: ["sequential"], threads: [1] };

interface HostileCase {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Variables as JSON text, for values too deep for JSON.stringify (sent as is). */
  rawVariables?: string;
  /** The code both transports must answer with. */
  code: "BAD_USER_INPUT" | "GRAPHQL_VALIDATION_FAILED" | "GRAPHQL_PARSE_FAILED" | "NOT_FOUND" | "STORED";
  /** The field the issue path must name (it, or a place inside it). */
  names?: string | RegExp;
  /** What the message must say (a limit, an allowed range). */
  says?: RegExp;
  /** HTTP only (a subscription over HTTP). */
  httpOnly?: boolean;
}

const nul = "a\u0000b";
const hostileCases: HostileCase[] = [
  // --- numbers out of range: one error path for both transports ---
  {
    name: "$n = 1e12",
    query: "query($n: Int) { runs(first: $n) { totalCount } }",
    variables: { n: 1e12 },
    code: "BAD_USER_INPUT",
    names: "n",
    says: /32-bit/,
  },
  {
    name: "$n = -1e300",
    query: "query($n: Int) { runs(first: $n) { totalCount } }",
    variables: { n: -1e300 },
    code: "BAD_USER_INPUT",
    names: "n",
  },
  {
    name: "$n = 1.5",
    query: "query($n: Int) { runs(first: $n) { totalCount } }",
    variables: { n: 1.5 },
    code: "BAD_USER_INPUT",
    names: "n",
  },
  {
    name: '$n = "12"',
    query: "query($n: Int) { runs(first: $n) { totalCount } }",
    variables: { n: "12" },
    code: "BAD_USER_INPUT",
    names: "n",
  },
  {
    name: "first: 2^31 - 1",
    query: "{ runs(first: 2147483647) { totalCount } }",
    code: "BAD_USER_INPUT",
    names: "first",
    says: /200/,
  },
  {
    name: "first: -1",
    query: "{ regressions(first: -1) { totalCount } }",
    code: "BAD_USER_INPUT",
    names: "first",
  },
  {
    name: "first literal beyond Int",
    query: "{ runs(first: 99999999999) { totalCount } }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  {
    name: "maxPoints: 0",
    query: '{ series(key: "x", maxPoints: 0) { totalPoints } }',
    code: "BAD_USER_INPUT",
    names: "maxPoints",
  },
  {
    name: "threads filter 2^31 - 1",
    query: "{ runs(filter: { threads: 2147483647 }) { totalCount } }",
    code: "BAD_USER_INPUT",
    names: "filter.threads",
  },
  // --- schema details stay hidden with introspection off ---
  { name: "misspelt field", query: "{ planLimit { maxThreads } }", code: "GRAPHQL_VALIDATION_FAILED" },
  {
    name: "misspelt argument",
    query: "{ runs(frist: 5) { totalCount } }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  {
    name: "misspelt type",
    query: "query($f: RunFiltr) { runs(filter: $f) { totalCount } }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  {
    name: "misspelt enum in a variable",
    query: "query($o: RunOrder) { runs(orderBy: $o) { totalCount } }",
    variables: { o: "CREATED_AT_DES" },
    code: "BAD_USER_INPUT",
    names: "o",
  },
  {
    name: "misspelt enum literal",
    query: "{ runs(orderBy: CREATED_AT_DES) { totalCount } }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  // --- deep JSON inputs ---
  {
    name: "run params nested 3,000 deep",
    query: startRun,
    variables: { plan: { ...tinyPlan, params: nested(3_000) } },
    code: "BAD_USER_INPUT",
    names: "plan.params",
    says: /at most 32 levels/,
  },
  {
    name: "run params nested 33 deep",
    query: startRun,
    variables: { plan: { ...tinyPlan, params: nested(33) } },
    code: "BAD_USER_INPUT",
    names: "plan.params",
    says: /at most 32 levels/,
  },
  {
    name: "ingest params nested 3,000 deep",
    query: ingest,
    variables: { input: ingestDocument({ params: nested(3_000) }) },
    code: "BAD_USER_INPUT",
    names: "input",
    says: /params\.a\.a/,
  },
  {
    name: "ingest labels nested 200 deep",
    query: ingest,
    variables: { input: ingestDocument({ labels: [nested(200)] }) },
    code: "BAD_USER_INPUT",
    names: "input",
    says: /labels\[0\]/,
  },
  {
    name: "ingest document nested 100,000 deep",
    query: ingest,
    rawVariables: `{"input": {"measurements": ${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}}`,
    code: "BAD_USER_INPUT",
    names: "input",
    says: /measurements\.a\.a/,
  },
  {
    name: "series parts params nested 3,000 deep",
    query: "query($p: SeriesParts) { series(parts: $p) { totalPoints } }",
    variables: { p: { workload: "sum-squares", mode: "sequential", threads: 1, params: nested(3_000) } },
    code: "BAD_USER_INPUT",
    names: "p.params",
  },
  {
    name: "JSON literal nested 40 deep",
    query: `mutation { ingestRun(input: ${"{a: ".repeat(40)}1${"}".repeat(40)}) { created } }`,
    code: "GRAPHQL_VALIDATION_FAILED",
    says: /at most 32 levels/,
  },
  {
    name: "list variable nested in lists",
    query: startRun,
    variables: { plan: tinyPlan, labels: [[["x"]]] },
    code: "BAD_USER_INPUT",
    names: /^labels\[0\]/,
  },
  // --- cursors and dates outside any real range ---
  ...[1e20, -1e20, 8.64e15, -8.64e15, Number.MAX_SAFE_INTEGER].map(
    (time): HostileCase => ({
      name: `runs cursor at time ${time}`,
      query: "query($after: String) { runs(first: 5, after: $after) { totalCount } }",
      variables: { after: cursor([time, "run"]) },
      code: "BAD_USER_INPUT",
      names: "after",
    }),
  ),
  ...[1e20, -8.64e15].map(
    (time): HostileCase => ({
      name: `regressions cursor at time ${time}`,
      query: "query($after: String) { regressions(first: 5, after: $after) { totalCount } }",
      variables: { after: cursor([time, "regression"]) },
      code: "BAD_USER_INPUT",
      names: "after",
    }),
  ),
  {
    name: "cursor of garbage",
    query: 'query { runs(after: "%%%not base64") { totalCount } }',
    code: "BAD_USER_INPUT",
    names: "after",
  },
  {
    name: "cursor of a huge string",
    query: "query($after: String) { runs(after: $after) { totalCount } }",
    variables: { after: "A".repeat(500_000) },
    code: "BAD_USER_INPUT",
    names: "after",
  },
  {
    name: "cursor with an object id",
    query: "query($after: String) { runs(after: $after) { totalCount } }",
    variables: { after: cursor([0, { $gt: "" }]) },
    code: "BAD_USER_INPUT",
    names: "after",
  },
  {
    name: "createdFrom in year 275760",
    query: 'query { runs(filter: { createdFrom: "+275760-09-13T00:00:00.000Z" }) { totalCount } }',
    code: "BAD_USER_INPUT",
    names: "filter.createdFrom",
    says: /9999/,
  },
  {
    name: "createdTo in year -271821",
    query: "query($f: RunFilter) { runs(filter: $f) { totalCount } }",
    variables: { f: { createdTo: "-271821-04-20T00:00:00.000Z" } },
    code: "BAD_USER_INPUT",
    names: "filter.createdTo",
  },
  {
    name: "series from in year 275760",
    query: 'query { series(key: "x", from: "+275760-09-13T00:00:00.000Z") { totalPoints } }',
    code: "BAD_USER_INPUT",
    names: "from",
  },
  {
    name: "a date that is not one",
    query: 'query($from: DateTime) { series(key: "x", from: $from) { totalPoints } }',
    variables: { from: "yesterday" },
    code: "BAD_USER_INPUT",
    names: "from",
  },
  {
    name: 'a literal date that is not one ("yesterday")',
    query: 'query { runs(filter: { createdFrom: "yesterday" }) { totalCount } }',
    code: "GRAPHQL_VALIDATION_FAILED",
    says: /^filter\.createdFrom: "yesterday" is not a date-time \(allowed: an ISO 8601 date-time/,
  },
  {
    name: 'a literal date "1" (Date.parse reads 2001-01-01)',
    query: 'query { series(key: "x", from: "1") { totalPoints } }',
    code: "GRAPHQL_VALIDATION_FAILED",
    says: /^from: "1" is not a date-time/,
  },
  {
    name: 'a date "1" in a variable',
    query: "query($f: RunFilter) { runs(filter: $f) { totalCount } }",
    variables: { f: { createdFrom: "1" } },
    code: "BAD_USER_INPUT",
    names: "f.createdFrom",
    says: /"1" is not a date-time/,
  },
  {
    name: "a date without a time zone",
    query: 'query($from: DateTime) { series(key: "x", from: $from) { totalPoints } }',
    variables: { from: "2026-01-31T12:00:00" },
    code: "BAD_USER_INPUT",
    names: "from",
  },
  // --- transports ---
  {
    name: "a subscription sent over HTTP",
    query: "subscription { runEvents { kind } }",
    code: "BAD_USER_INPUT",
    names: "runEvents",
    says: /WebSocket/,
    httpOnly: true,
  },
  {
    name: "a subscription with a variable sent over HTTP",
    query: "subscription($id: ID!) { runProgress(id: $id) { status } }",
    variables: { id: "x" },
    code: "BAD_USER_INPUT",
    names: "runProgress",
    httpOnly: true,
  },
  // --- limits named in messages ---
  {
    name: "a 900 KB label (startRun)",
    query: startRun,
    variables: { plan: tinyPlan, labels: ["x".repeat(900 * 1024)] },
    code: "BAD_USER_INPUT",
    names: "labels.0",
    // One label rule for every edge (db/input-bounds.ts): ingest's 100 characters.
    says: /1 to 100 characters/,
  },
  {
    name: "60 labels (startRun)",
    query: startRun,
    variables: { plan: tinyPlan, labels: Array.from({ length: 60 }, (_, index) => `l${index}`) },
    code: "BAD_USER_INPUT",
    names: "labels",
    says: /at most 50 labels/,
  },
  {
    name: "60 labels (updateRunLabels)",
    query: 'mutation($labels: [String!]!) { updateRunLabels(id: "x", labels: $labels) { id } }',
    variables: { labels: Array.from({ length: 60 }, (_, index) => `l${index}`) },
    code: "BAD_USER_INPUT",
    names: "labels",
    says: /at most 50 labels/,
  },
  {
    name: "a 900 KB label (ingest)",
    query: ingest,
    variables: { input: ingestDocument({ labels: ["x".repeat(900 * 1024)] }) },
    code: "BAD_USER_INPUT",
    names: "input.labels[0]",
    says: /1 to 100 characters/,
  },
  {
    name: "60 labels (ingest)",
    query: ingest,
    variables: { input: ingestDocument({ labels: Array.from({ length: 60 }, (_, index) => `l${index}`) }) },
    code: "BAD_USER_INPUT",
    names: "input.labels",
    says: /at most 50 labels/,
  },
  {
    name: "a 300-character checksum (ingest)",
    query: ingest,
    variables: {
      input: ingestDocument({
        measurements: [
          { mode: "sequential", threads: 1, checksum: "c".repeat(300), samples: [{ wallMs: 1 }] },
        ],
      }),
    },
    code: "BAD_USER_INPUT",
    names: "input.measurements[0].checksum",
    says: /at most 200 characters/,
  },
  {
    name: "a note of 100,000 characters",
    query: 'mutation($note: String) { acknowledgeRegression(id: "x", note: $note) { id } }',
    variables: { note: "n".repeat(100_000) },
    code: "BAD_USER_INPUT",
    names: "note",
    says: /2000/,
  },
  // --- odd strings: NUL, lone surrogates, huge ids ---
  {
    name: "NUL in a filter",
    query: "query($w: String) { runs(filter: { workload: $w }) { totalCount } }",
    variables: { w: nul },
    code: "BAD_USER_INPUT",
    names: "w",
    says: /U\+0000/,
  },
  {
    name: "NUL in an id",
    query: "query($id: ID!) { run(id: $id) { id } }",
    variables: { id: nul },
    code: "BAD_USER_INPUT",
    names: "id",
  },
  {
    name: "NUL in an ingest document",
    query: ingest,
    variables: { input: ingestDocument({ workload: "sum-squares", branch: nul }) },
    code: "BAD_USER_INPUT",
    names: "input.branch",
    says: /U\+0000/,
  },
  { name: "NUL in a literal", query: '{ run(id: "a\\u0000b") { id } }', code: "BAD_USER_INPUT", names: "id" },
  {
    name: "a lone surrogate in an id",
    query: "query($id: ID!) { run(id: $id) { id } }",
    variables: { id: "\ud800" },
    code: "BAD_USER_INPUT",
    names: "id",
    says: /surrogate/,
  },
  {
    name: "a 500,000-character id",
    query: "query($id: ID!) { compare(baseRunId: $id, headRunId: $id) { base { id } } }",
    variables: { id: "i".repeat(500_000) },
    code: "NOT_FOUND",
  },
  // --- documents ---
  {
    name: "a cycle of fragments",
    query:
      "{ planLimits { ...A } } fragment A on PlanLimits { maxThreads ...B } fragment B on PlanLimits { ...A }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  { name: "an unterminated document", query: "{ runs(first: 5", code: "GRAPHQL_PARSE_FAILED" },
  {
    name: "an ingest dated year 0000",
    query: ingest,
    variables: {
      input: ingestDocument({
        idempotencyKey: "year-zero",
        startedAt: "0000-01-01T00:00:00Z",
        finishedAt: "0000-01-01T00:00:01Z",
      }),
    },
    code: "BAD_USER_INPUT",
    names: "input.startedAt",
    says: /0001-01-01 to 9999-12-31/,
  },
  {
    name: "a 100,000-character mute reason",
    query: 'mutation($r: String) { muteSeries(key: "x", reason: $r) { key } }',
    variables: { r: "r".repeat(100_000) },
    code: "BAD_USER_INPUT",
    names: "reason",
  },
  {
    name: "seriesList threads -5",
    query: "{ seriesList(filter: { threads: -5 }) { key } }",
    code: "BAD_USER_INPUT",
  },
  {
    name: "samples of 1e308 ms (means overflowed to Infinity, stored as a CV of 0)",
    query: `${ingest.replace("{ created }", "{ run { measurements { wall { mean } setupMs samples { wallMs cpuMs } } } }")}`,
    variables: {
      input: ingestDocument({
        idempotencyKey: "huge-numbers",
        measurements: [
          {
            mode: "sequential",
            threads: 1,
            setupMs: 1e308,
            samples: [
              { wallMs: 1e308, cpuMs: 1.7e308, taskDurationsMs: [1e308] },
              { wallMs: 1.7e308, cpuMs: 1e308 },
            ],
          },
        ],
      }),
    },
    code: "BAD_USER_INPUT",
    names: "input.measurements[0].samples[0].wallMs",
    says: /at most 1e\+12 ms/,
  },
  // Odd but valid documents: stored (the WebSocket's copy is the same run, by its key).
  {
    name: "4,096 threads, a million tasks, 65,536 cores and bidi control characters",
    query: ingest,
    variables: {
      input: ingestDocument({
        idempotencyKey: "odd-shapes",
        testbed: { ...(example.testbed as object), logicalCores: 65_536, cpuModel: "\u202e\ufeffCPU" },
        measurements: [{ mode: "sequential", threads: 4096, tasks: 1_000_000, samples: [{ wallMs: 1 }] }],
      }),
    },
    code: "STORED",
  },
  // --- computed fields the cost limit counts (change points held the event loop 9-33 s) ---
  {
    name: "changePoints(last: 2000) of 500 series",
    query: "{ seriesList(first: 500) { key changePoints(last: 2000) { index } } }",
    code: "GRAPHQL_VALIDATION_FAILED",
    says: /allowed: at most 50000 .*changePoints 5 per point of its last/,
  },
  {
    name: "changePoints(last: 2000) of 500 series under 3 aliases",
    query: `{ ${["a", "b", "c"].map((alias) => `${alias}: seriesList(first: 500) { changePoints(last: 2000) { index } }`).join(" ")} }`,
    code: "GRAPHQL_VALIDATION_FAILED",
    says: /allowed: at most 50000/,
  },
  {
    name: "changePoints(last: 2000) of a page of 200 series",
    query: "{ seriesPage(first: 200) { nodes { series { changePoints(last: 2000) { index } } } } }",
    code: "GRAPHQL_VALIDATION_FAILED",
    says: /allowed: at most 50000/,
  },
  {
    name: "6,000 tokens",
    query: `{ ${"planLimits { maxThreads } ".repeat(1_500)} }`,
    code: "GRAPHQL_PARSE_FAILED",
  },
];

describeEachDatabase("hostile input (issue 11)", (databases) => {
  let server: ThreadbenchServer;
  let client: Client;
  const log = logCollector();

  beforeAll(async () => {
    server = await createServer(testConfig(await databases.newUrl()), { logger: log.logger });
    client = createClient({
      url: server.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: true,
      retryAttempts: 0,
    });
    // One stored run, so that filters and cursors meet real rows.
    const stored = await overHttp(
      server,
      { query: ingest, variables: { input: ingestDocument({ idempotencyKey: "hostile-seed" }) } },
      {},
      false,
    );
    expect(stored.errors).toEqual([]);
  });
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
  });

  it.each(hostileCases)(
    "$name: a client error naming the field, the same over HTTP and WebSocket",
    async (hostile) => {
      const body = hostile.rawVariables
        ? `{"query": ${JSON.stringify(hostile.query)}, "variables": ${hostile.rawVariables}}`
        : { query: hostile.query, variables: hostile.variables ?? {} };
      const outcomes = [await overHttp(server, body)];
      if (hostile.rawVariables) {
        outcomes.push(await rawWebSocketOperation(server, hostile.query, hostile.rawVariables));
      } else if (!hostile.httpOnly) {
        outcomes.push(await overWebSocket(client, hostile.query, hostile.variables));
      }
      for (const outcome of outcomes) {
        if (hostile.code === "STORED") {
          // Odd but valid: stored, and read back without an error.
          expect(outcome.errors, outcome.transport).toEqual([]);
          continue;
        }
        const [error] = outcome.errors;
        expect(error, `${outcome.transport}: ${JSON.stringify(outcome)}`).toBeDefined();
        expect(error?.extensions?.code, `${outcome.transport}: ${error?.message}`).toBe(hostile.code);
        expect(error?.message).not.toMatch(/Did you mean/);
        if (outcome.transport === "http") expect(outcome.status).toBeLessThan(500);
        if (hostile.names !== undefined) {
          const paths = (error?.extensions?.issues ?? []).map((issue) => issue.path);
          // The field itself, or a place inside it (`input` names `input.params.a`).
          const names = hostile.names;
          const named = paths.some((path) =>
            typeof names === "string"
              ? path === names || path.startsWith(`${names}.`) || path.startsWith(`${names}[`)
              : names.test(path),
          );
          expect(named, `${error?.message} (paths: ${paths.join(", ")})`).toBe(true);
        }
        if (hostile.says) expect(error?.message).toMatch(hostile.says);
      }
    },
  );

  it("rejects a fragment-expansion query on both transports after a linear number of fragment visits", async () => {
    const levels = 22;
    const before = limitWork.fragmentVisits;
    const overHttpOutcome = await overHttp(server, { query: fragmentBomb(levels) });
    const httpVisits = limitWork.fragmentVisits - before;
    const overWs = await overWebSocket(client, fragmentBomb(levels));
    const wsVisits = limitWork.fragmentVisits - before - httpVisits;
    for (const outcome of [overHttpOutcome, overWs]) {
      expect(outcome.errors[0]?.extensions).toMatchObject({
        code: "GRAPHQL_VALIDATION_FAILED",
        limit: "cost",
      });
      expect(outcome.data ?? null).toBeNull();
    }
    // Depth rule + cost: each of the 23 fragments walked once per check, not 2^22 times.
    expect(httpVisits).toBeLessThanOrEqual(2 * (levels + 1));
    expect(wsVisits).toBeLessThanOrEqual(2 * (levels + 1));
    expect(httpVisits).toBeGreaterThan(0);
  });

  it("still answers a single series' change points over 2,000 points beside its chart (the dashboard's query)", async () => {
    const query = `query($key: ID!) {
      changes: series(key: $key, maxPoints: 3) { series { changePoints(last: 2000) { index } } }
      history: series(key: $key, maxPoints: 4000) { points { runId commitSha branch workloadHash timestamp value low high } }
    }`;
    for (const outcome of [
      await overHttp(server, { query, variables: { key: "no-such-series" } }, {}, false),
      await overWebSocket(client, query, { key: "no-such-series" }, false),
    ]) {
      expect(outcome.errors, outcome.transport).toEqual([]);
    }
  });

  it("locates a literal that is not a date-time on both transports, and takes real ones", async () => {
    const query = 'query {\n  runs(filter: { createdFrom: "yesterday" }) { totalCount }\n}';
    for (const outcome of [
      await overHttp(server, { query }, {}, false),
      await overWebSocket(client, query, {}, false),
    ]) {
      expect(outcome.errors[0]).toMatchObject({ locations: [{ line: 2, column: 31 }] });
    }
    const valid = `query($to: DateTime) {
      a: runs(filter: { createdFrom: "2026-01-31T12:00:00Z", createdTo: $to }) { totalCount }
      b: series(key: "x", from: "2026-01-31T12:00:00.123+02:00", to: "2026-02-01t00:00:00z") { totalPoints }
    }`;
    for (const outcome of [
      await overHttp(server, { query: valid, variables: { to: "2026-02-01T00:00:00.000Z" } }, {}, false),
      await overWebSocket(client, valid, { to: "2026-02-01T00:00:00.000Z" }, false),
    ]) {
      expect(outcome.errors, outcome.transport).toEqual([]);
    }
  });

  it("answers runProgress of an unknown run with NOT_FOUND naming the id (it only completed)", async () => {
    const outcome = await overWebSocket(client, 'subscription { runProgress(id: "nope") { status } }');
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatchObject({
      message: 'run "nope" was not found',
      extensions: { code: "NOT_FOUND" },
    });
  });

  it("answers runProgress with an unexpected error, logged, when the run cannot be read", async () => {
    const linesBefore = log.lines.length;
    await server.database.prisma.$executeRawUnsafe('ALTER TABLE "Run" RENAME TO "RunGone"');
    try {
      // A fault of the server, not hostile input: not counted.
      const outcome = await overWebSocket(
        client,
        'subscription { runProgress(id: "any") { status } }',
        {},
        false,
      );
      expect(outcome.errors[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      const logged = log.lines
        .slice(linesBefore)
        .some((line) => line.level === 50 && line.transport === "ws" && typeof line.requestId === "string");
      expect(logged).toBe(true);
    } finally {
      await server.database.prisma.$executeRawUnsafe('ALTER TABLE "RunGone" RENAME TO "Run"');
    }
  });

  it("checks in the same order on both transports: a mutation without a token is UNAUTHENTICATED whatever its variables", async () => {
    const anonymous = createClient({
      url: server.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
    });
    try {
      const query = 'mutation($labels: [String!]!) { updateRunLabels(id: "x", labels: $labels) { id } }';
      const variables = { labels: 12 };
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      const viaHttp = (await response.json()) as { errors: ErrorShape[] };
      count({ transport: "http", status: response.status, errors: viaHttp.errors });
      const viaSocket = await overWebSocket(anonymous, query, variables);
      expect(viaHttp.errors[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(viaSocket.errors[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    } finally {
      await anonymous.dispose();
    }
  });

  it("hides suggestions from every kind of error when introspection is off", async () => {
    const outcome = await overHttp(server, { query: "{ planLimit { maxThreads } }" });
    expect(outcome.errors[0]?.message).toBe('Cannot query field "planLimit" on type "Query".');
  });

  it("refuses API tokens in the URL, over HTTP and for the WebSocket, and never logs them", async () => {
    const secret = "s3cr3tT0kenValue0123456789";
    const viaQuery = await fetch(`${server.url}?token=${secret}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ planLimits { maxThreads } }" }),
    });
    const refusal = (await viaQuery.json()) as { errors: ErrorShape[] };
    count({ transport: "http", status: viaQuery.status, errors: refusal.errors });
    expect(viaQuery.status).toBe(400);
    expect(refusal.errors[0]?.message).toMatch(/not accepted in the URL.*Authorization: Bearer/);

    const viaGet = await fetch(
      `${server.url}?query=${encodeURIComponent("{ planLimits { maxThreads } }")}&access_token=${secret}`,
      { headers: { "apollo-require-preflight": "true" } },
    );
    count({
      transport: "http",
      status: viaGet.status,
      errors: ((await viaGet.json()) as { errors: ErrorShape[] }).errors,
    });
    expect(viaGet.status).toBe(400);

    const upgrade = await webSocketUpgrade(
      `${server.url.replace(/^http/, "ws")}?authorization=Bearer%20${secret}`,
    );
    count({
      transport: "ws",
      status: upgrade.status,
      errors: [{ message: upgrade.body, extensions: { code: "REFUSED" } }],
    });
    expect(upgrade.status).toBe(400);

    // A GET whose other parameters hold something token-like is logged redacted too.
    await fetch(
      `${server.url}?query=${encodeURIComponent("{ planLimits { maxThreads } }")}&extensions=${secret}`,
    );
    const logged = JSON.stringify(log.lines);
    expect(logged).not.toContain(secret);
    expect(logged).toContain("[redacted]");
  });

  it("allows only configured origins for CORS and the WebSocket", async () => {
    const evil = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify({ query: "{ planLimits { maxThreads } }" }),
    });
    const evilBody = (await evil.json()) as { errors: ErrorShape[] };
    count({ transport: "http", status: evil.status, errors: evilBody.errors });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect(evilBody.errors[0]?.message).toMatch(/THREADBENCH_CORS_ORIGINS/);

    const allowed = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", origin: dashboard },
      body: JSON.stringify({ query: "{ planLimits { maxThreads } }" }),
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(dashboard);

    const evilSocket = await webSocketUpgrade(server.url.replace(/^http/, "ws"), "http://evil.example");
    count({
      transport: "ws",
      status: evilSocket.status,
      errors: [{ message: evilSocket.body, extensions: { code: "REFUSED" } }],
    });
    expect(evilSocket.status).toBe(403);
    const dashboardSocket = await webSocketUpgrade(server.url.replace(/^http/, "ws"), dashboard);
    expect(dashboardSocket.status).toBe(101);
  });

  it("answers malformed HTTP requests with client errors and keeps serving", async () => {
    const raw = [
      { body: "{not json", expect: 400 },
      { body: "null", expect: 400 },
      { body: '"a string"', expect: 400 },
      { body: JSON.stringify({ query: 5 }), expect: 400 },
      { body: JSON.stringify({ query: "{ planLimits { maxThreads } }", variables: [1, 2] }), expect: 400 },
      {
        body: JSON.stringify({ query: "{ planLimits { maxThreads } }", operationName: "Nope" }),
        expect: 400,
      },
      {
        body: JSON.stringify({
          query: "query A { planLimits { maxThreads } } query A { planLimits { maxThreads } }",
        }),
        expect: 400,
      },
    ];
    for (const attempt of raw) {
      const outcome = await overHttp(server, attempt.body);
      expect(outcome.status, attempt.body).toBe(attempt.expect);
      expect(outcome.errors[0]?.extensions?.code).not.toBe("INTERNAL_SERVER_ERROR");
    }
    for (const path of ["//[", "/graphql?%", "/%E0%A4%A"]) {
      const status = await rawGet(server.port, path);
      count({ transport: "http", status, errors: [{ message: path, extensions: { code: String(status) } }] });
      expect(status, path).toBeGreaterThanOrEqual(400);
      expect(status, path).toBeLessThan(500);
    }
    const healthy = await fetch(server.url.replace("/graphql", "/healthz"));
    expect(healthy.status).toBe(200);
  });

  it("logs an unexpected error with the request id of the request, over HTTP and WebSocket", async () => {
    // A real fault under the API: the table behind Query.testbeds disappears.
    const linesBefore = log.lines.length;
    await server.database.prisma.$executeRawUnsafe('ALTER TABLE "Testbed" RENAME TO "TestbedGone"');
    try {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": "req-hostile-42" },
        body: JSON.stringify({ query: "{ testbeds { id } }" }),
      });
      const body = (await response.json()) as { errors: ErrorShape[] };
      expect(body.errors[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      const httpLine = log.lines
        .slice(linesBefore)
        .find(
          (line) => line.level === 50 && line.msg === "unexpected error while handling a GraphQL request",
        );
      expect(httpLine?.requestId).toBe("req-hostile-42");

      // A fault of the server, not hostile input: not counted.
      const viaSocket = await overWebSocket(client, "{ testbeds { id } }", {}, false);
      expect(viaSocket.errors[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      const wsLines = log.lines
        .slice(linesBefore)
        .filter((line) => line.level === 50 && line.transport === "ws" && typeof line.requestId === "string");
      expect(wsLines.length).toBeGreaterThan(0);
    } finally {
      await server.database.prisma.$executeRawUnsafe('ALTER TABLE "TestbedGone" RENAME TO "Testbed"');
    }
  });

  afterAll(() => {
    const codes = [...tally.byCode].map(([code, times]) => `${code} ${times}`).join(", ");
    process.stdout.write(
      `[hostile input, ${databases.provider} so far] ${tally.sent} hostile requests sent, ${tally.internal} ended in INTERNAL_SERVER_ERROR (${codes})\n`,
    );
    expect(tally.internal).toBe(0);
  });
});

interface RawMessage {
  id?: string;
  type: string;
  payload?: unknown;
}

/** A graphql-transport-ws connection spoken by hand: every message it received, in order. */
async function rawConnection(server: ThreadbenchServer) {
  const socket = new WebSocket(server.url.replace(/^http/, "ws"), "graphql-transport-ws");
  const received: RawMessage[] = [];
  let wake = () => {};
  socket.on("message", (data: Buffer) => {
    received.push(JSON.parse(data.toString("utf8")) as RawMessage);
    wake();
  });
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => (wake = resolve));
  };
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  socket.send(JSON.stringify({ type: "connection_init" }));
  await until(() => received.some((message) => message.type === "connection_ack"));
  return {
    received,
    until,
    send: (message: RawMessage) => socket.send(JSON.stringify(message)),
    close: () => socket.close(),
  };
}

describeEachDatabase(
  "WebSocket limits (50,000 subscriptions on one socket took the API to 2.3 GB)",
  (databases) => {
    let server: ThreadbenchServer;
    const maxSubscriptionsPerConnection = 5;
    const maxWebSocketConnections = 3;
    const maxBodyBytes = 64 * 1024;
    const log = logCollector();

    beforeAll(async () => {
      server = await createServer(
        testServerConfig(await databases.newUrl(), {
          logLevel: "info",
          limits: { ...defaultLimits, maxSubscriptionsPerConnection, maxWebSocketConnections, maxBodyBytes },
        }),
        { logger: log.logger },
      );
    });
    afterAll(async () => {
      await server?.close();
    });

    it("refuses subscriptions beyond the per-connection limit, naming it, and takes more once one completes", async () => {
      const connection = await rawConnection(server);
      const subscribe = (id: string, query = "subscription { runEvents { kind } }") =>
        connection.send({ id, type: "subscribe", payload: { query } });
      // A burst without an acknowledgement in between, as the 50,000 were sent.
      const burst = 2_000;
      for (let index = 0; index < burst; index++) subscribe(`s${index}`);
      const refusals = () => connection.received.filter((message) => message.type === "error");
      await connection.until(() => refusals().length >= burst - maxSubscriptionsPerConnection);
      expect(new Set(refusals().map((message) => message.id))).toEqual(
        new Set(Array.from({ length: burst - maxSubscriptionsPerConnection }, (_, index) => `s${index + 5}`)),
      );
      const [refusal] = (refusals()[0]?.payload ?? []) as ErrorShape[];
      expect(refusal?.extensions?.code).toBe("CONFLICT");
      expect(refusal?.message).toMatch(
        /already has 5 operations open; allowed: at most 5 per connection \(THREADBENCH_MAX_SUBSCRIPTIONS_PER_CONNECTION\)/,
      );
      // The server kept serving meanwhile.
      expect((await fetch(server.url.replace("/graphql", "/healthz"))).status).toBe(200);

      // A query is an open operation too: refused while five subscriptions are open...
      subscribe("q1", "{ planLimits { maxThreads } }");
      await connection.until(() => connection.received.some((message) => message.id === "q1"));
      expect(connection.received.find((message) => message.id === "q1")?.type).toBe("error");
      // ...and answered once one of them is completed by the client.
      connection.send({ id: "s0", type: "complete" });
      subscribe("q2", "{ planLimits { maxThreads } }");
      await connection.until(() =>
        connection.received.some((message) => message.id === "q2" && message.type === "complete"),
      );
      expect(
        connection.received.filter((message) => message.id === "q2").map((message) => message.type),
      ).toEqual(["next", "complete"]);
      connection.close();
    });

    it("closes a connection over a message larger than THREADBENCH_MAX_BODY_BYTES with 1009, logging one warning that names it", async () => {
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});
      try {
        const socket = new WebSocket(server.url.replace(/^http/, "ws"), "graphql-transport-ws");
        await new Promise<void>((resolve, reject) => {
          socket.once("open", () => resolve());
          socket.once("error", reject);
        });
        const closed = new Promise<number>((resolve) =>
          socket.once("close", (code: number) => resolve(code)),
        );
        socket.send(JSON.stringify({ type: "connection_init", payload: { pad: "x".repeat(maxBodyBytes) } }));
        expect(await closed).toBe(1009);
        await vi.waitFor(() =>
          expect(log.lines.map((line) => line.msg)).toContain(
            `a WebSocket message larger than THREADBENCH_MAX_BODY_BYTES (${maxBodyBytes} bytes) closed its connection (1009)`,
          ),
        );
        // graphql-ws's own "Internal error emitted on a WebSocket socket" is not printed.
        expect(errors).not.toHaveBeenCalled();
      } finally {
        errors.mockRestore();
      }
    });

    it("refuses WebSocket connections beyond the server's limit with 503 naming it", async () => {
      const open: Array<Awaited<ReturnType<typeof rawConnection>>> = [];
      // The previous test's socket may still be closing on the server's side: wait it out.
      for (let attempt = 0; open.length < maxWebSocketConnections && attempt < 50; attempt++) {
        try {
          open.push(await rawConnection(server));
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      expect(open).toHaveLength(maxWebSocketConnections);
      const refused = await webSocketUpgrade(server.url.replace(/^http/, "ws"));
      expect(refused.status).toBe(503);
      expect(refused.body).toMatch(/allowed: at most 3 \(THREADBENCH_MAX_WEBSOCKET_CONNECTIONS\)/);
      for (const connection of open) connection.close();
    });
  },
);

/** Attempts a WebSocket upgrade with an Origin header; the HTTP status and body of the answer. */
function webSocketUpgrade(url: string, origin?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws", origin ? { origin } : {});
    socket.on("open", () => {
      socket.close();
      resolve({ status: 101, body: "" });
    });
    socket.on("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.on("error", (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

/** A GET with a raw request target (fetch would normalise it). */
function rawGet(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, path, method: "GET" }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", reject);
    request.end();
  });
}
