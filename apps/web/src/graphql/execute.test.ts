import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, apiErrorFromGraphQL, executeOperation } from "./execute";

const document = { toString: () => "query { planLimits { maxThreads } }" } as never;

afterEach(() => {
  vi.unstubAllGlobals();
});

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
});

describe("executeOperation", () => {
  it("sends the token and returns data", async () => {
    const fetchMock = vi.fn(async () => Response.json({ data: { ok: true } }));
    vi.stubGlobal("fetch", fetchMock);
    await expect(executeOperation("http://api/graphql", document, {}, { token: "t0k" })).resolves.toEqual({
      ok: true,
    });
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).authorization).toBe("Bearer t0k");
  });
  it("explains an unreachable API", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("fetch failed");
    });
    const error = await executeOperation("http://api/graphql", document, {}).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("API_UNREACHABLE");
    expect((error as ApiError).message).toMatch(/not reachable/);
  });
  it("explains a non-GraphQL answer", async () => {
    vi.stubGlobal("fetch", async () => new Response("<html>", { status: 404 }));
    await expect(executeOperation("http://api/", document, {})).rejects.toThrow(/HTTP 404/);
  });
});
