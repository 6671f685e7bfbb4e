import { describe, expect, it } from "vitest";
import { browserWebSocketUrl, sanitizeToken, tokenCookie } from "./token";

describe("browserWebSocketUrl", () => {
  it("keeps localhost when the page is local", () => {
    expect(browserWebSocketUrl("ws://localhost:4000/graphql", "localhost")).toBe(
      "ws://localhost:4000/graphql",
    );
  });
  it("swaps a local API host for the page's host", () => {
    expect(browserWebSocketUrl("ws://localhost:4000/graphql", "bench.example")).toBe(
      "ws://bench.example:4000/graphql",
    );
  });
  it("leaves explicit hosts alone", () => {
    expect(browserWebSocketUrl("wss://api.example/graphql", "dash.example")).toBe(
      "wss://api.example/graphql",
    );
  });
});

describe("tokenCookie", () => {
  it("stores the token in a same-site session cookie, escaped, secure on HTTPS", () => {
    expect(tokenCookie("tb_abc/def+ghi=", false)).toBe(
      "threadbench-token=tb_abc%2Fdef%2Bghi%3D; Path=/; SameSite=Strict",
    );
    expect(tokenCookie("tb_0123456789abcdef", true)).toBe(
      "threadbench-token=tb_0123456789abcdef; Path=/; SameSite=Strict; Secure",
    );
  });
  it("deletes the cookie for an empty token", () => {
    expect(tokenCookie("", false)).toBe("threadbench-token=; Max-Age=0; Path=/; SameSite=Strict");
  });
});

describe("sanitizeToken", () => {
  it("passes API tokens and refuses anything that cannot be one", () => {
    expect(sanitizeToken(" tb_0123456789abcdef ")).toBe("tb_0123456789abcdef");
    expect(sanitizeToken("short")).toBe("");
    expect(sanitizeToken("tb_0123456789abcdef\r\nx-evil: 1")).toBe("");
    expect(sanitizeToken(undefined)).toBe("");
  });
});
