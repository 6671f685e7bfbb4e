import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, apiErrorFromGraphQL, executeOperation } from "./execute";

const document = { toString: () => "query { planLimits { maxThreads } }" } as never;

describe("apiErrorFromGraphQL", () => {
  it("keeps field issues of bad input", () => {
    const error = apiErrorFromGraphQL([
      {
        message: "plan.threads: too big",
        extensions: { code: "BAD_USER_INPUT", issues: [{ path: "plan.threads.0", message: "too big" }] },
      },
    ]);
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.issues).toEqual([{ path: "plan.threads.0", message: "too big" }]);
  });
  it("tells the person what to do about a missing token and masked failures", () => {
    expect(
      apiErrorFromGraphQL([{ message: "needs a token", extensions: { code: "UNAUTHENTICATED" } }]).message,
    ).toMatch(/Enter an API token/);
    expect(apiErrorFromGraphQL([{ message: "Internal server error" }]).message).toMatch(
      /log has the details/,
    );
  });
  it("keeps FORBIDDEN apart from a missing token, with the scope the API named", () => {
    const error = apiErrorFromGraphQL([
      {
        message: 'this operation needs a token with the "run" scope; the token "ci" has: ingest',
        extensions: { code: "FORBIDDEN" },
      },
    ]);
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/"run" scope.*Enter a token that has this scope/);
  });
});

/** A real HTTP server on a free port; each test says how it answers. */
let answer: (request: IncomingMessage, body: string, response: ServerResponse) => void = () => {};
let server: Server;
let baseUrl = "";
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += String(chunk);
    });
    request.on("end", () => answer(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("executeOperation", () => {
  it("sends the query with the token and returns data", async () => {
    let seen: { authorization?: string; query?: string } = {};
    answer = (request, body, response) => {
      seen = {
        authorization: request.headers.authorization,
        query: (JSON.parse(body) as { query: string }).query,
      };
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ data: { ok: true } }));
    };
    await expect(executeOperation(`${baseUrl}/graphql`, document, {}, { token: "t0k" })).resolves.toEqual({
      ok: true,
    });
    expect(seen).toEqual({ authorization: "Bearer t0k", query: "query { planLimits { maxThreads } }" });
  });
  it("explains an unreachable API", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await executeOperation(`http://127.0.0.1:${closedPort}/graphql`, document, {}).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("API_UNREACHABLE");
    expect((error as ApiError).message).toMatch(/not reachable/);
  });
  it("explains a non-GraphQL answer", async () => {
    answer = (_request, _body, response) => {
      response.statusCode = 404;
      response.setHeader("content-type", "text/html");
      response.end("<html>");
    };
    await expect(executeOperation(`${baseUrl}/`, document, {})).rejects.toThrow(/HTTP 404/);
  });
});
