import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET, maxProxyBodyBytes, POST } from "./route";

// Issue 11: the dashboard's /graphql proxy forwarded a POST from any site, sent bodies
// without a content type on as application/json (defeating the API's CSRF prevention)
// and named the internal API URL in its 502. The route handler runs here as Next runs
// it (a Request in, a Response out) against a real HTTP server standing in for the API.

let upstream: Server;
let upstreamUrl = "";
const received: Array<{ headers: IncomingMessage["headers"]; body: string }> = [];

beforeAll(async () => {
  upstream = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += String(chunk);
    });
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ data: { planLimits: { maxThreads: 4 } } }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/graphql`;
  process.env.THREADBENCH_API_URL = upstreamUrl;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));
afterEach(() => {
  received.length = 0;
  process.env.THREADBENCH_API_URL = upstreamUrl;
});

const query = JSON.stringify({ query: "{ planLimits { maxThreads } }" });

function proxyRequest(headers: Record<string, string>, body = query): Request {
  return new Request("http://127.0.0.1:3000/graphql", {
    method: "POST",
    headers: { host: "127.0.0.1:3000", ...headers },
    body,
  });
}

describe("the dashboard's /graphql proxy", () => {
  it("forwards the dashboard's own requests with their content type and token", async () => {
    const response = await POST(
      proxyRequest({
        origin: "http://127.0.0.1:3000",
        "content-type": "application/json; charset=utf-8",
        authorization: "Bearer dashboard-token-0123456789",
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { planLimits: { maxThreads: 4 } } });
    expect(received).toHaveLength(1);
    expect(received[0]?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(received[0]?.headers.authorization).toBe("Bearer dashboard-token-0123456789");
    expect(received[0]?.body).toBe(query);
  });

  it("refuses a POST from another site's page (Origin: http://evil.example) without forwarding it", async () => {
    const response = await POST(
      proxyRequest({ origin: "http://evil.example", "content-type": "application/json" }),
    );
    expect(response.status).toBe(403);
    const body = (await response.json()) as {
      errors: Array<{ message: string; extensions: { code: string } }>;
    };
    expect(body.errors[0]?.extensions.code).toBe("FORBIDDEN");
    expect(received).toHaveLength(0);
  });

  it("forwards requests without an Origin (server-side callers) but only as JSON", async () => {
    const response = await POST(proxyRequest({ "content-type": "application/json" }));
    expect(response.status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it("refuses a body without a content type, or with a form's, instead of calling it JSON", async () => {
    const cases: Array<Record<string, string>> = [
      { origin: "http://127.0.0.1:3000" },
      { origin: "http://127.0.0.1:3000", "content-type": "text/plain" },
      { origin: "http://127.0.0.1:3000", "content-type": "application/x-www-form-urlencoded" },
    ];
    for (const headers of cases) {
      const request = proxyRequest(headers);
      // A Request with a string body gets text/plain by default: remove it to send none.
      if (!("content-type" in headers)) request.headers.delete("content-type");
      const response = await POST(request);
      expect(response.status, JSON.stringify(headers)).toBe(415);
      const body = (await response.json()) as { errors: Array<{ message: string }> };
      expect(body.errors[0]?.message).toMatch(/application\/json/);
    }
    expect(received).toHaveLength(0);
  });

  it("refuses a body over 1 MiB with 413 without reading it whole or forwarding it", async () => {
    // The proxy used to read any body into memory before forwarding it (300 MB took 1.2 GB
    // and held its event loop for a second); an endless one was never answered.
    const chunk = new Uint8Array(65_536).fill(32);
    let produced = 0;
    let stop: (() => void) | undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    // 8 MiB, then a body that never ends: only a proxy that stops reading can answer.
    const endless = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (produced < 8 * 1_048_576) {
          produced += chunk.length;
          controller.enqueue(chunk);
          return;
        }
        await stopped;
        controller.close();
      },
    });
    const declared = proxyRequest(
      { "content-type": "application/json", "content-length": "300000000" },
      "{}",
    );
    try {
      for (const request of [
        new Request("http://127.0.0.1:3000/graphql", {
          method: "POST",
          headers: { host: "127.0.0.1:3000", "content-type": "application/json" },
          body: endless,
          duplex: "half",
        } as RequestInit),
        declared,
      ]) {
        const response = await POST(request);
        expect(response.status).toBe(413);
        const body = (await response.json()) as {
          errors: Array<{ message: string; extensions: { code: string } }>;
        };
        expect(body.errors[0]?.extensions.code).toBe("PAYLOAD_TOO_LARGE");
        expect(body.errors[0]?.message).toContain(`at most ${maxProxyBodyBytes} bytes`);
      }
      expect(produced).toBeLessThan(8 * 1_048_576);
      expect(received).toHaveLength(0);
    } finally {
      stop?.();
    }
  });

  it("forwards a body of exactly 1 MiB", async () => {
    const padded = JSON.stringify({ query: "{ planLimits { maxThreads } }", padding: "" });
    const body = padded.replace('""', `"${" ".repeat(maxProxyBodyBytes - padded.length)}"`);
    expect(new TextEncoder().encode(body).byteLength).toBe(maxProxyBodyBytes);
    const response = await POST(proxyRequest({ "content-type": "application/json" }, body));
    expect(response.status).toBe(200);
    expect(received[0]?.body).toBe(body);
  });

  it("says THREADBENCH_API_URL is not usable, not that the API is unreachable, when it is no http(s) URL", async () => {
    // "localhost:4310/graphql" (no scheme) was reported as "not reachable. Start it".
    process.env.THREADBENCH_API_URL = "localhost:4310/graphql";
    const logged = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const response = await POST(proxyRequest({ "content-type": "application/json" }));
      expect(response.status).toBe(500);
      const body = (await response.json()) as {
        errors: Array<{ message: string; extensions: { code: string } }>;
      };
      expect(body.errors[0]?.extensions.code).toBe("MISCONFIGURED");
      expect(body.errors[0]?.message).toMatch(
        /THREADBENCH_API_URL is not usable \(allowed: an http\(s\) URL/,
      );
      expect(body.errors[0]?.message).not.toContain("localhost:4310");
      expect(logged.mock.calls.flat().join(" ")).toContain('"localhost:4310/graphql"');
      expect(received).toHaveLength(0);
    } finally {
      logged.mockRestore();
    }
  });

  it("answers GET (the proxy opened in a browser) with a 405 that says POST, not an empty page", async () => {
    const response = GET(new Request("http://127.0.0.1:3000/graphql"));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    const body = (await response.json()) as {
      errors: Array<{ message: string; extensions: { code: string } }>;
    };
    expect(body.errors[0]?.extensions.code).toBe("METHOD_NOT_ALLOWED");
    expect(body.errors[0]?.message).toContain("takes POST only");
    expect(received).toHaveLength(0);
  });

  it("answers 502 without the internal API URL when the API is unreachable, and logs the URL", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/internal-graphql`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    process.env.THREADBENCH_API_URL = deadUrl;
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const response = await POST(proxyRequest({ "content-type": "application/json" }));
      expect(response.status).toBe(502);
      const text = await response.text();
      expect(text).not.toContain(deadUrl);
      expect(text).not.toContain("127.0.0.1");
      expect(text).toMatch(/not reachable/);
      expect(logged.mock.calls.flat().join(" ")).toContain(deadUrl);
    } finally {
      logged.mockRestore();
    }
  });
});
