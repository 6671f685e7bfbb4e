import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../errors.js";
import { defaultLimits, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("needs nothing set: port 4000, SQLite default, no tokens, production", () => {
    expect(loadConfig({})).toMatchObject({
      port: 4000,
      host: "127.0.0.1",
      databaseUrl: undefined,
      tokens: [],
      nodeEnv: "production",
      // The dashboard's default URL and its loopback aliases.
      corsOrigins: ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"],
      limits: defaultLimits,
    });
  });

  it("reads named and unnamed tokens", () => {
    const config = loadConfig({ THREADBENCH_API_TOKENS: "ci=0123456789abcdef0123, fedcba9876543210fedc" });
    expect(config.tokens).toEqual([
      { name: "ci", secret: "0123456789abcdef0123" },
      { name: "token-2", secret: "fedcba9876543210fedc" },
    ]);
  });

  it("reports every bad variable by name with what is allowed", () => {
    const attempt = () =>
      loadConfig({
        PORT: "http",
        NODE_ENV: "staging",
        THREADBENCH_API_TOKENS: "short",
        DATABASE_URL: "mysql://x",
        THREADBENCH_MAX_DEPTH: "1",
      });
    expect(attempt).toThrow(ConfigurationError);
    const message = (() => {
      try {
        attempt();
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('PORT="http" is not allowed (allowed: an integer from 0 to 65535');
    expect(message).toContain('NODE_ENV="staging" is not allowed (allowed: development, production, test');
    expect(message).toContain("THREADBENCH_API_TOKENS entry 1 is not allowed");
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain("THREADBENCH_MAX_DEPTH");
    expect(message).not.toContain("short");
  });

  it("reads integers in decimal digits only (PORT=0x10 was read as 16)", () => {
    expect(loadConfig({ PORT: " 8080 " }).port).toBe(8080);
    for (const value of ["0x10", "1e3", "0b1", "16.0"]) {
      expect(() => loadConfig({ PORT: value })).toThrow(
        `PORT="${value}" is not allowed (allowed: an integer from 0 to 65535`,
      );
    }
  });

  it("reads the WebSocket limits and names them when out of range", () => {
    expect(
      loadConfig({
        THREADBENCH_MAX_SUBSCRIPTIONS_PER_CONNECTION: "8",
        THREADBENCH_MAX_WEBSOCKET_CONNECTIONS: "40",
      }).limits,
    ).toMatchObject({ maxSubscriptionsPerConnection: 8, maxWebSocketConnections: 40 });
    expect(() => loadConfig({ THREADBENCH_MAX_SUBSCRIPTIONS_PER_CONNECTION: "0" })).toThrow(
      /THREADBENCH_MAX_SUBSCRIPTIONS_PER_CONNECTION="0" is not allowed \(allowed: an integer from 1 to 10000; default 50\)/,
    );
    expect(() => loadConfig({ THREADBENCH_MAX_WEBSOCKET_CONNECTIONS: "many" })).toThrow(
      /THREADBENCH_MAX_WEBSOCKET_CONNECTIONS="many" is not allowed \(allowed: an integer from 1 to 100000; default 500\)/,
    );
  });

  it("takes an http(s) webhook URL and rejects anything else, naming the variable", () => {
    expect(loadConfig({}).webhookUrl).toBeNull();
    expect(loadConfig({ THREADBENCH_WEBHOOK_URL: "https://hooks.example.com/threadbench" }).webhookUrl).toBe(
      "https://hooks.example.com/threadbench",
    );
    expect(() => loadConfig({ THREADBENCH_WEBHOOK_URL: "ftp://example.com" })).toThrow(
      /THREADBENCH_WEBHOOK_URL="ftp:\/\/example.com" is not allowed \(allowed: an http:\/\/ or https:\/\/ URL/,
    );
  });

  it("allows the dashboard's origin and THREADBENCH_CORS_ORIGINS, nothing else by default", () => {
    expect(
      loadConfig({
        THREADBENCH_DASHBOARD_URL: "https://bench.example.com/dashboard",
        THREADBENCH_CORS_ORIGINS: "https://ci.example.com",
      }).corsOrigins,
    ).toEqual(["https://bench.example.com", "https://ci.example.com"]);
    expect(() => loadConfig({ THREADBENCH_DASHBOARD_URL: "bench.example.com" })).toThrow(
      /THREADBENCH_DASHBOARD_URL="bench.example.com" is not allowed/,
    );
  });
});
