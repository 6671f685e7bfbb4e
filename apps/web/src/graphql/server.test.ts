import { afterEach, describe, expect, it, vi } from "vitest";
import { publicWebSocketUrl } from "./server";

afterEach(() => {
  delete process.env.THREADBENCH_PUBLIC_API_URL;
  delete process.env.THREADBENCH_API_URL;
});

describe("the WebSocket URL handed to the browser", () => {
  it("comes from THREADBENCH_PUBLIC_API_URL, or from THREADBENCH_API_URL when that is unset", () => {
    process.env.THREADBENCH_API_URL = "http://api.internal:4000/graphql";
    expect(publicWebSocketUrl()).toBe("ws://api.internal:4000/graphql");
    process.env.THREADBENCH_PUBLIC_API_URL = "https://bench.example.com/graphql";
    expect(publicWebSocketUrl()).toBe("wss://bench.example.com/graphql");
  });
  it("ignores a THREADBENCH_PUBLIC_API_URL that is no URL, with a warning naming it", () => {
    // It was handed to the browser as is ("bench.example.com/graphql"), where the
    // WebSocket failed without a word and the page fell back to polling.
    process.env.THREADBENCH_API_URL = "http://api.internal:4000/graphql";
    process.env.THREADBENCH_PUBLIC_API_URL = "bench.example.com/graphql";
    const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(publicWebSocketUrl()).toBe("ws://api.internal:4000/graphql");
      expect(warned.mock.calls.flat().join(" ")).toMatch(
        /THREADBENCH_PUBLIC_API_URL is ignored .*allowed: an http\(s\) or ws\(s\) URL.*"bench.example.com\/graphql"/,
      );
    } finally {
      warned.mockRestore();
    }
  });
});
