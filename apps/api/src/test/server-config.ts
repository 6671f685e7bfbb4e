import { defaultLimits, type ServerConfig } from "../services/config.js";

/**
 * A test server's configuration: an ephemeral port on loopback, quiet logs, the
 * dashboard's default origin, default limits, progress sent at once, no tokens; each
 * test passes the tokens (and anything else) it needs as overrides.
 */
export function testServerConfig(databaseUrl: string, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    databaseUrl,
    tokens: [],
    nodeEnv: "test",
    logLevel: "silent",
    corsOrigins: ["http://localhost:3000"],
    limits: defaultLimits,
    progressIntervalMs: 0,
    ...overrides,
  };
}
