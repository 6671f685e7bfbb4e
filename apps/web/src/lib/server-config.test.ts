import { describe, expect, it } from "vitest";
import { parseApiUrl, parsePublicApiUrl } from "./server-config";

describe("the dashboard's API URL settings", () => {
  it("take http(s) URLs (and ws(s) for the public one), trimmed", () => {
    expect(parseApiUrl(" http://127.0.0.1:4000/graphql ")).toBe("http://127.0.0.1:4000/graphql");
    expect(parseApiUrl("https://api.example.com/graphql")).toBe("https://api.example.com/graphql");
    expect(parsePublicApiUrl("wss://bench.example.com/graphql")).toBe("wss://bench.example.com/graphql");
    expect(parsePublicApiUrl("https://bench.example.com/graphql")).toBe("https://bench.example.com/graphql");
  });
  it("refuse what fetch or a WebSocket cannot use: no scheme, another scheme, a bad port", () => {
    for (const value of [
      "localhost:4000/graphql",
      "ftp://127.0.0.1/graphql",
      "http://127.0.0.1:99999/graphql",
      "not a url",
      "",
    ]) {
      expect(parseApiUrl(value), value).toBeNull();
      expect(parsePublicApiUrl(value), value).toBeNull();
    }
    expect(parseApiUrl("ws://127.0.0.1:4000/graphql")).toBeNull();
  });
});
