import { type TokenScope, tokenScopes } from "@threadbench/core";
import { z } from "zod";
import { resolveDatabaseUrl } from "../db/database-url.js";
import { ConfigurationError } from "../errors.js";
import { parsePythonRuntimeList } from "../runner/python/python-runtime.js";

/**
 * An API token from THREADBENCH_API_TOKENS: `name=secret`, `name:scope+scope=secret`,
 * or just `secret`.
 */
export interface ConfiguredToken {
  /** Who the token belongs to: recorded as `requestedBy` of the runs it starts. */
  name: string;
  secret: string;
  /** What it may do; undefined: every scope (the simple set-up, and the local token). */
  scopes?: TokenScope[];
}

/** Limits applied to every GraphQL operation, over HTTP and over the WebSocket alike. */
export interface OperationLimits {
  /** Largest request body, bytes (413 above it). */
  maxBodyBytes: number;
  /** Deepest field nesting of an operation. */
  maxDepth: number;
  /** Most aliased fields in one operation. */
  maxAliases: number;
  /** Most lexical tokens in one document (checked while parsing). */
  maxTokens: number;
  /** Largest estimated cost (fields multiplied by the list sizes they are under). */
  maxCost: number;
  /**
   * Most operations one WebSocket connection has open at once (subscriptions, and
   * queries or mutations still executing); the next is refused with an error naming it.
   */
  maxSubscriptionsPerConnection: number;
  /** Most open WebSocket connections; further upgrades are answered 503 naming the limit. */
  maxWebSocketConnections: number;
}

export type NodeEnvironment = "development" | "production" | "test";
export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof logLevels)[number];

/** Everything the API reads from the environment, validated once at start-up. */
export interface ServerConfig {
  port: number;
  host: string;
  /** Undefined means the default SQLite file (see db/database-url.ts). */
  databaseUrl: string | undefined;
  tokens: ConfiguredToken[];
  nodeEnv: NodeEnvironment;
  logLevel: LogLevel;
  /**
   * Browser origins allowed to call the API over HTTP (CORS) and to open its WebSocket:
   * the dashboard's (THREADBENCH_DASHBOARD_URL) and THREADBENCH_CORS_ORIGINS.
   */
  corsOrigins: string[];
  limits: OperationLimits;
  /** Least time between two runProgress messages of one run, milliseconds. */
  progressIntervalMs: number;
  /**
   * How long an agent's claim of a run survives without a heartbeat, milliseconds
   * (THREADBENCH_AGENT_LEASE_SECONDS; default 15 s). The API never executes runs: agents do.
   */
  agentLeaseMs?: number;
  /** Most queued runs overall (default 1,000); startRun beyond it is a CONFLICT naming the limit. */
  maxQueuedRuns?: number;
  /** Most queued runs for one target: an agent, a label set, or any agent (default 500). */
  maxQueuedRunsPerTarget?: number;
  /** `npm start` (src/index.ts) also starts one agent process on this machine (default true). */
  localAgent?: boolean;
  /**
   * The OS priority (nice, 0 to 19) of that local agent and its workloads
   * (THREADBENCH_LOCAL_AGENT_NICE; default 10): it shares its cores with the API and the
   * dashboard, which then stay responsive during a run. 0 gives it the API's priority.
   */
  localAgentNice?: number;
  /**
   * THREADBENCH_PYTHON: Python interpreters a client may name as a plan's runtime
   * (startRun); empty (the default) allows node only.
   */
  pythonRuntimes?: string[];
  /** Receives a JSON POST per newly detected regression (retried with backoff); unset: none. */
  webhookUrl?: string | null;
  /** THREADBENCH_PRIVATE: every query and subscription needs a token with `read` scope. */
  private?: boolean;
  /**
   * THREADBENCH_LEGACY_FINISHED_EVENTS: runEvents names a succeeded run's event FINISHED
   * (its deprecated name) instead of SUCCEEDED, for subscribers not yet moved (API.md,
   * "Deprecations"). Default false.
   */
  legacyFinishedEvents?: boolean;
}

/** The agents' lease and the queue's bounds when nothing is configured. */
export const defaultAgentSettings = {
  agentLeaseMs: 15_000,
  maxQueuedRuns: 1_000,
  maxQueuedRunsPerTarget: 500,
} as const;

/** The limits used when nothing is configured. */
export const defaultLimits: OperationLimits = {
  maxBodyBytes: 1_048_576,
  maxDepth: 12,
  maxAliases: 20,
  maxTokens: 5_000,
  maxCost: 50_000,
  // A dashboard tab multiplexes its few subscriptions over one socket; an agent holds one
  // and its mutations in flight. Each open subscription kept ~45 KB of the API's heap (50,000 on one socket took
  // it to 2.3 GB): the defaults bound that to about 1 GB in all.
  maxSubscriptionsPerConnection: 50,
  maxWebSocketConnections: 500,
};

const integer = (name: string, minimum: number, maximum: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === "") return fallback;
      // Decimal digits only: Number() also reads "0x10", "1e3" and "0b1".
      const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!Number.isInteger(parsed) || parsed < minimum || parsed > maximum) {
        context.addIssue({
          code: "custom",
          message: `${name}="${value}" is not allowed (allowed: an integer from ${minimum} to ${maximum}; default ${fallback})`,
        });
        return z.NEVER;
      }
      return parsed;
    });

/** An http:// or https:// URL (normalized by URL), or the fallback when unset or blank. */
const httpUrl = <Fallback extends string | null>(name: string, fallback: Fallback, allowed: string) =>
  z
    .string()
    .optional()
    .transform((value, context): string | Fallback => {
      if (value === undefined || value.trim() === "") return fallback;
      let url: URL | undefined;
      try {
        url = new URL(value.trim());
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
        context.addIssue({
          code: "custom",
          message: `${name}="${value}" is not allowed (allowed: ${allowed})`,
        });
        return z.NEVER;
      }
      return url.href;
    });

const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T) =>
  z
    .string()
    .optional()
    .transform((value, context): T => {
      if (value === undefined || value.trim() === "") return fallback;
      const normalized = value.trim().toLowerCase();
      if (!(values as readonly string[]).includes(normalized)) {
        context.addIssue({
          code: "custom",
          message: `${name}="${value}" is not allowed (allowed: ${values.join(", ")}; default ${fallback})`,
        });
        return z.NEVER;
      }
      return normalized as T;
    });

const tokenPattern = /^[A-Za-z0-9._~+/-]{16,256}$/;
const tokenNamePattern = /^[A-Za-z0-9._-]{1,64}$/;

const tokenList = z
  .string()
  .optional()
  .transform((value, context): ConfiguredToken[] => {
    const entries = (value ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    const tokens: ConfiguredToken[] = [];
    entries.forEach((entry, index) => {
      const separator = entry.indexOf("=");
      const head = separator > 0 ? entry.slice(0, separator) : `token-${index + 1}`;
      const secret = separator > 0 ? entry.slice(separator + 1) : entry;
      // `name:read+ingest=secret` limits the token to those scopes (":" and "+" cannot
      // occur in a name, and the secret is everything after the first "=").
      const colon = head.indexOf(":");
      const name = colon >= 0 ? head.slice(0, colon) : head;
      const scopeWords = colon >= 0 ? head.slice(colon + 1).split("+") : null;
      const unknownScope = scopeWords?.find(
        (word) => !(tokenScopes as readonly string[]).includes(word.trim().toLowerCase()),
      );
      if (!tokenNamePattern.test(name) || !tokenPattern.test(secret) || unknownScope !== undefined) {
        context.addIssue({
          code: "custom",
          message: `THREADBENCH_API_TOKENS entry ${index + 1} is not allowed (allowed: "secret", "name=secret" or "name:scope+scope=secret", comma separated; a secret is 16 to 256 characters of A-Z a-z 0-9 . _ ~ + / -, a name 1 to 64 of A-Z a-z 0-9 . _ -, a scope one of ${tokenScopes.join(", ")}${unknownScope !== undefined ? `; "${unknownScope}" is not a scope` : ""})`,
        });
        return;
      }
      const scopes = scopeWords
        ? tokenScopes.filter((scope) => scopeWords.some((word) => word.trim().toLowerCase() === scope))
        : undefined;
      tokens.push(scopes ? { name, secret, scopes } : { name, secret });
    });
    return tokens;
  });

const originList = z
  .string()
  .optional()
  .transform((value, context): string[] => {
    if (value === undefined || value.trim() === "") return [];
    const origins = value
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean);
    for (const origin of origins) {
      if (origin === "*") continue;
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || parsed.origin !== origin) {
        context.addIssue({
          code: "custom",
          message: `THREADBENCH_CORS_ORIGINS entry "${origin}" is not allowed (allowed: origins like https://bench.example.com without a path, comma separated, or * for any origin)`,
        });
      }
    }
    return origins;
  });

const booleanFlag = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === "") return fallback;
      const normalized = value.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(normalized)) return true;
      if (["0", "false", "no", "off"].includes(normalized)) return false;
      context.addIssue({
        code: "custom",
        message: `${name}="${value}" is not allowed (allowed: true, false, 1, 0; default ${fallback})`,
      });
      return z.NEVER;
    });

const environmentSchema = z.object({
  PORT: integer("PORT", 0, 65_535, 4000),
  HOST: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : "127.0.0.1")),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === "") return undefined;
      try {
        resolveDatabaseUrl(value, {});
      } catch (error) {
        context.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
      return value.trim();
    }),
  THREADBENCH_API_TOKENS: tokenList,
  NODE_ENV: oneOf("NODE_ENV", ["development", "production", "test"] as const, "production"),
  LOG_LEVEL: oneOf("LOG_LEVEL", logLevels, "info"),
  THREADBENCH_CORS_ORIGINS: originList,
  THREADBENCH_DASHBOARD_URL: httpUrl(
    "THREADBENCH_DASHBOARD_URL",
    "http://localhost:3000",
    "the dashboard's http:// or https:// URL; default http://localhost:3000",
  ),
  THREADBENCH_MAX_BODY_BYTES: integer(
    "THREADBENCH_MAX_BODY_BYTES",
    1_024,
    104_857_600,
    defaultLimits.maxBodyBytes,
  ),
  THREADBENCH_MAX_DEPTH: integer("THREADBENCH_MAX_DEPTH", 2, 100, defaultLimits.maxDepth),
  THREADBENCH_MAX_ALIASES: integer("THREADBENCH_MAX_ALIASES", 0, 1_000, defaultLimits.maxAliases),
  THREADBENCH_MAX_TOKENS: integer("THREADBENCH_MAX_TOKENS", 100, 1_000_000, defaultLimits.maxTokens),
  THREADBENCH_MAX_COST: integer("THREADBENCH_MAX_COST", 10, 100_000_000, defaultLimits.maxCost),
  THREADBENCH_MAX_SUBSCRIPTIONS_PER_CONNECTION: integer(
    "THREADBENCH_MAX_SUBSCRIPTIONS_PER_CONNECTION",
    1,
    10_000,
    defaultLimits.maxSubscriptionsPerConnection,
  ),
  THREADBENCH_MAX_WEBSOCKET_CONNECTIONS: integer(
    "THREADBENCH_MAX_WEBSOCKET_CONNECTIONS",
    1,
    100_000,
    defaultLimits.maxWebSocketConnections,
  ),
  THREADBENCH_PROGRESS_INTERVAL_MS: integer("THREADBENCH_PROGRESS_INTERVAL_MS", 0, 60_000, 100),
  THREADBENCH_EXECUTE_RUNS: z
    .string()
    .optional()
    .superRefine((value, context) => {
      if (value === undefined || value.trim() === "") return;
      context.addIssue({
        code: "custom",
        message:
          "THREADBENCH_EXECUTE_RUNS is no longer used: the API never executes runs, agents do (threadbench agent); unset it (THREADBENCH_LOCAL_AGENT=false keeps npm start from starting a local agent)",
      });
    }),
  // 15 s: fifteen missed 1 s heartbeats (a network blip, a restart of the API) do not
  // lose a run, and a killed agent's run is known interrupted within seconds. Bencher
  // uses 90 s for bare-metal runners; threadbench's agents heartbeat from a thread that
  // never runs a workload, so a busy benchmark cannot delay them.
  THREADBENCH_AGENT_LEASE_SECONDS: integer("THREADBENCH_AGENT_LEASE_SECONDS", 2, 600, 15),
  THREADBENCH_MAX_QUEUED_RUNS: integer("THREADBENCH_MAX_QUEUED_RUNS", 1, 100_000, 1_000),
  THREADBENCH_MAX_QUEUED_RUNS_PER_TARGET: integer("THREADBENCH_MAX_QUEUED_RUNS_PER_TARGET", 1, 100_000, 500),
  THREADBENCH_LOCAL_AGENT: booleanFlag("THREADBENCH_LOCAL_AGENT", true),
  // 10: with the agent benchmark (README, "Agents") a small query's p99 during a run went
  // from 3.5x idle at nice 0 to 1.5x on a 2-core machine; 19 measured no better than 10.
  THREADBENCH_LOCAL_AGENT_NICE: integer("THREADBENCH_LOCAL_AGENT_NICE", 0, 19, 10),
  THREADBENCH_PRIVATE: booleanFlag("THREADBENCH_PRIVATE", false),
  THREADBENCH_LEGACY_FINISHED_EVENTS: booleanFlag("THREADBENCH_LEGACY_FINISHED_EVENTS", false),
  THREADBENCH_PYTHON: z
    .string()
    .optional()
    .transform((value, context) => {
      const { runtimes, problems } = parsePythonRuntimeList(value);
      for (const message of problems) context.addIssue({ code: "custom", message });
      return runtimes;
    }),
  THREADBENCH_WEBHOOK_URL: httpUrl(
    "THREADBENCH_WEBHOOK_URL",
    null,
    "an http:// or https:// URL; default none",
  ),
});

/**
 * Reads and validates the API's environment variables once. Every problem is reported
 * together, each naming its variable and what is allowed; unset variables take defaults
 * that need nothing else set (SQLite under data/, port 4000, no tokens: read-only).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) =>
      issue.path.length > 0 && !issue.message.includes(String(issue.path[0]))
        ? `${String(issue.path[0])}: ${issue.message}`
        : issue.message,
    );
    throw new ConfigurationError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    tokens: values.THREADBENCH_API_TOKENS,
    nodeEnv: values.NODE_ENV,
    logLevel: values.LOG_LEVEL,
    // The dashboard's origin (with its loopback aliases), then THREADBENCH_CORS_ORIGINS.
    corsOrigins: allowedOrigins(values.THREADBENCH_DASHBOARD_URL, values.THREADBENCH_CORS_ORIGINS),
    limits: {
      maxBodyBytes: values.THREADBENCH_MAX_BODY_BYTES,
      maxDepth: values.THREADBENCH_MAX_DEPTH,
      maxAliases: values.THREADBENCH_MAX_ALIASES,
      maxTokens: values.THREADBENCH_MAX_TOKENS,
      maxCost: values.THREADBENCH_MAX_COST,
      maxSubscriptionsPerConnection: values.THREADBENCH_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxWebSocketConnections: values.THREADBENCH_MAX_WEBSOCKET_CONNECTIONS,
    },
    progressIntervalMs: values.THREADBENCH_PROGRESS_INTERVAL_MS,
    agentLeaseMs: values.THREADBENCH_AGENT_LEASE_SECONDS * 1000,
    maxQueuedRuns: values.THREADBENCH_MAX_QUEUED_RUNS,
    maxQueuedRunsPerTarget: values.THREADBENCH_MAX_QUEUED_RUNS_PER_TARGET,
    localAgent: values.THREADBENCH_LOCAL_AGENT,
    localAgentNice: values.THREADBENCH_LOCAL_AGENT_NICE,
    webhookUrl: values.THREADBENCH_WEBHOOK_URL,
    pythonRuntimes: values.THREADBENCH_PYTHON,
    private: values.THREADBENCH_PRIVATE,
    legacyFinishedEvents: values.THREADBENCH_LEGACY_FINISHED_EVENTS,
  };
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The origins a dashboard at `dashboardUrl` is seen from, followed by `extra` ones. A
 * dashboard on a loopback host is reachable as localhost, 127.0.0.1 and [::1] alike
 * (browsers send whichever the user typed), so all three are allowed with its port.
 */
export function allowedOrigins(dashboardUrl: string, extra: readonly string[] = []): string[] {
  const dashboard = new URL(dashboardUrl);
  const port = dashboard.port ? `:${dashboard.port}` : "";
  const aliases = loopbackHosts.has(dashboard.hostname)
    ? [...loopbackHosts].map((host) => `${dashboard.protocol}//${host}${port}`)
    : [];
  return [...new Set([dashboard.origin, ...aliases, ...extra])];
}
