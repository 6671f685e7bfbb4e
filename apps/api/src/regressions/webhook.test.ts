import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredRegression } from "../db/regression-repository.js";
import { createWebhookNotifier, type RegressionWebhookPayload, webhookRegression } from "./webhook.js";

interface Receiver {
  url: string;
  bodies: unknown[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A real HTTP server on a free port; `answer(n)` gives the status of the n-th request (1-based). */
async function receiver(answer: (requestNumber: number) => number): Promise<Receiver> {
  const bodies: unknown[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = "";
    request.on("data", (chunk) => {
      text += String(chunk);
    });
    request.on("end", () => {
      bodies.push(JSON.parse(text));
      response.writeHead(answer(bodies.length), { "content-type": "text/plain" }).end("ok");
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/threadbench`, bodies };
}

function payload(id: string): RegressionWebhookPayload {
  const regression = {
    id,
    seriesKey: "series-1",
    runId: "run-1",
    kind: "regression",
    metric: "wall_time",
    size: 0.2,
    interval: { lower: 0.15, upper: 0.25 },
    beforeValue: 10,
    afterValue: 12,
    confidence: 0.999,
    status: "open",
    statusChangedBy: null,
    statusChangedAt: null,
    note: null,
    createdAt: new Date("2026-01-01T00:00:00Z"),
    updatedAt: new Date("2026-01-01T00:00:00Z"),
    series: null,
  } satisfies StoredRegression;
  return {
    event: "regression.detected",
    version: 1,
    regression: webhookRegression(regression),
    run: { id: "run-1", commitSha: "abc", branch: "main", workloadId: "sum-squares" },
  };
}

describe("regression webhook", () => {
  it("retries with backoff until the receiver accepts (fails the first two requests)", async () => {
    const server = await receiver((number) => (number <= 2 ? 503 : 200));
    const giveUps: unknown[] = [];
    const webhook = createWebhookNotifier({
      url: server.url,
      initialDelayMs: 5,
      onGiveUp: (error) => giveUps.push(error),
    });
    webhook.send(payload("r-1"));
    expect(await webhook.drain(20_000)).toBe(0);
    expect(server.bodies).toHaveLength(3);
    expect(giveUps).toEqual([]);
    const expected = JSON.parse(JSON.stringify(payload("r-1")));
    for (const body of server.bodies) expect(body).toEqual(expected);
  });

  it("gives up after the configured tries and reports it, without throwing", async () => {
    const server = await receiver(() => 500);
    const giveUps: string[] = [];
    const webhook = createWebhookNotifier({
      url: server.url,
      attempts: 4,
      initialDelayMs: 2,
      onGiveUp: (error, body) => giveUps.push(`${body.regression.id}: ${String(error)}`),
    });
    webhook.send(payload("r-2"));
    expect(await webhook.drain(20_000)).toBe(0);
    expect(server.bodies).toHaveLength(4);
    expect(giveUps).toEqual(["r-2: Error: webhook answered HTTP 500"]);
  });

  it("sends the levels around the change under both names (beforeValue and the deprecated baselineValue)", () => {
    const { regression } = payload("r-4");
    expect(JSON.parse(JSON.stringify(regression))).toMatchObject({
      beforeValue: 10,
      afterValue: 12,
      baselineValue: 10,
      currentValue: 12,
    });
  });

  it("does not retry a request the receiver rejects as invalid (4xx)", async () => {
    const server = await receiver(() => 400);
    const webhook = createWebhookNotifier({ url: server.url, initialDelayMs: 2 });
    webhook.send(payload("r-3"));
    await webhook.drain(20_000);
    expect(server.bodies).toHaveLength(1);
  });

  it("survives an unreachable receiver (connection refused) and validates its options", async () => {
    const server = await receiver(() => 200);
    const url = server.url;
    await Promise.all(servers.splice(0).map((open) => new Promise((resolve) => open.close(resolve))));
    const giveUps: unknown[] = [];
    const webhook = createWebhookNotifier({
      url,
      attempts: 2,
      initialDelayMs: 2,
      onGiveUp: (error) => giveUps.push(error),
    });
    expect(() => webhook.send(payload("r-4"))).not.toThrow();
    await webhook.drain(20_000);
    expect(giveUps).toHaveLength(1);
    expect(() => createWebhookNotifier({ url: "ftp://example.invalid/" })).toThrow(
      /options.url must be an http/,
    );
    expect(() => createWebhookNotifier({ url, attempts: 0 })).toThrow(/options.attempts must be an integer/);
  });
});
