import { describe, expect, it } from "vitest";
import { browserWebSocketUrl } from "./token";

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
