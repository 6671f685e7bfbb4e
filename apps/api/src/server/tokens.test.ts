import { readFileSync } from "node:fs";
import { createClient } from "graphql-ws";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTokenVerifier, requireScope } from "../services/auth.js";
import { loadConfig, type ServerConfig } from "../services/config.js";
import { runCli } from "../test/cli-capture.js";
import { describeEachDatabase } from "../test/databases.js";
import { testServerConfig } from "../test/server-config.js";
import { createServer, type ThreadbenchServer } from "./create-server.js";

// Stored tokens end to end: created, listed and revoked with the real CLI on the
// server's own database (SQLite and PostgreSQL), used over real HTTP and WebSocket
// against createServer(); scopes enforced per mutation; a private server.

const configuredSecret = "configured-reader-0123456789";

const testConfig = (databaseUrl: string, overrides: Partial<ServerConfig> = {}) =>
  testServerConfig(databaseUrl, {
    tokens: [{ name: "reader", secret: configuredSecret, scopes: ["read"] }],
    ...overrides,
  });

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function post(
  server: ThreadbenchServer,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Answer> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, "status">) };
}

const example = JSON.parse(
  readFileSync(new URL("../../ingest/example-cpython-3.13-gil.json", import.meta.url), "utf8"),
) as Record<string, unknown>;
const ingest = `mutation($input: JSON!) { ingestRun(input: $input) { created run { id } } }`;
const startRun = `mutation { startRun(plan: { workload: "sum-squares", params: { n: 1000 }, threads: [1], repetitions: 1, warmups: 0 }) { id } }`;

/** Opens a graphql-ws connection and runs one query; resolves to its result or the close code. */
function overWebSocket(
  server: ThreadbenchServer,
  query: string,
  token?: string,
): Promise<{
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  closeCode?: number;
}> {
  return new Promise((resolve) => {
    const client = createClient({
      url: server.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    });
    let result: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } = {};
    client.subscribe(
      { query },
      {
        next: (message) => {
          result = message as typeof result;
        },
        error: (error) => {
          void client.dispose();
          if (Array.isArray(error)) resolve({ errors: error });
          else resolve({ closeCode: (error as { code?: number }).code ?? -1 });
        },
        complete: () => {
          void client.dispose();
          resolve(result);
        },
      },
    );
  });
}

describe("THREADBENCH_API_TOKENS with scopes", () => {
  it("reads name:scope+scope=secret and keeps plain entries all-scoped", () => {
    const config = loadConfig({
      THREADBENCH_API_TOKENS: "ci:ingest+read=0123456789abcdef0123,dash=fedcba9876543210fedc",
    });
    expect(config.tokens).toEqual([
      { name: "ci", secret: "0123456789abcdef0123", scopes: ["read", "ingest"] },
      { name: "dash", secret: "fedcba9876543210fedc" },
    ]);
  });

  it("names an unknown scope and what is allowed", () => {
    expect(() => loadConfig({ THREADBENCH_API_TOKENS: "ci:writer=0123456789abcdef0123" })).toThrow(
      /"writer" is not a scope[\s\S]*read, ingest, run, agent, admin|read, ingest, run, agent, admin[\s\S]*"writer" is not a scope/,
    );
  });

  it("reads THREADBENCH_PRIVATE as a boolean, off by default", () => {
    expect(loadConfig({}).private).toBe(false);
    expect(loadConfig({ THREADBENCH_PRIVATE: "true" }).private).toBe(true);
    expect(() => loadConfig({ THREADBENCH_PRIVATE: "sometimes" })).toThrow(/THREADBENCH_PRIVATE="sometimes"/);
  });

  it("gives configured tokens without scopes every scope, and names the missing scope otherwise", async () => {
    const verifier = createTokenVerifier([
      { name: "all", secret: "all-scopes-0123456789" },
      { name: "reader", secret: configuredSecret, scopes: ["read"] },
    ]);
    const all = await verifier.identify("Bearer all-scopes-0123456789");
    expect(requireScope({ caller: all }, "admin")).toBe("all");
    const reader = await verifier.identify(`Bearer ${configuredSecret}`);
    expect(() => requireScope({ caller: reader }, "ingest")).toThrow(
      'this operation needs a token with the "ingest" scope; the token "reader" has: read',
    );
    const nobody = await verifier.identify("Bearer not-a-known-token-at-all");
    expect(nobody).toEqual({ kind: "anonymous", rejected: true });
    expect(() => requireScope({ caller: nobody }, "run")).toThrow(/not accepted \(unknown or revoked\)/);
  });
});

describeEachDatabase("stored API tokens", (databases) => {
  let server: ThreadbenchServer;
  let url: string;
  const cli = (...argv: string[]) => runCli(argv, { DATABASE_URL: url, USER: "alice" });

  beforeAll(async () => {
    url = await databases.newUrl();
    server = await createServer(testConfig(url), { logger: pino({ level: "silent" }) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("creates a token with the CLI that the running server accepts for its scopes only", async () => {
    const created = await cli("token", "create", "ci", "--scope", "ingest", "--scope", "read", "--json");
    expect(created.code).toBe(0);
    const { secret, scopes, createdBy } = JSON.parse(created.stdout) as {
      secret: string;
      scopes: string[];
      createdBy: string;
    };
    expect(secret).toMatch(/^tb_[A-Za-z0-9_-]{43}$/);
    expect(scopes).toEqual(["read", "ingest"]);
    expect(createdBy).toBe("alice");
    // Only the hash is stored.
    const row = await server.database.prisma.apiToken.findUniqueOrThrow({ where: { name: "ci" } });
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret.slice(3));

    const stored = await post(server, ingest, { input: example }, secret);
    expect(stored.errors).toBeUndefined();
    expect(stored.data).toMatchObject({ ingestRun: { created: true } });

    const refused = await post(server, startRun, {}, secret);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(refused.errors?.[0]?.message).toContain('needs a token with the "run" scope');
    expect(refused.errors?.[0]?.message).toContain('the token "ci" has: read, ingest');
    expect(await server.database.prisma.run.count()).toBe(1);
  });

  it("prints the secret once for people, and lists names, scopes and last use without it", async () => {
    const created = await cli("token", "create", "dashboard", "--scope", "run,read");
    expect(created.code).toBe(0);
    const secret = /\n {2}(tb_\S+)\n/.exec(created.stdout)?.[1] as string;
    expect(secret).toBeDefined();
    expect(created.stdout).toContain('created token "dashboard" (scopes: read, run)');
    expect(created.stdout).toContain("only time the secret is shown");
    const listed = await cli("token", "list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(secret);
    const lines = listed.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+SCOPES\s+CREATED \(UTC\)\s+BY\s+LAST USED \(UTC\)\s+REVOKED \(UTC\)$/);
    // "ci" was used by the test above; "dashboard" never was.
    expect(lines.find((line) => line.startsWith("ci "))).toMatch(
      /^ci\s+read,ingest\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+alice\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+-$/,
    );
    expect(lines.find((line) => line.startsWith("dashboard "))).toMatch(/alice\s+-\s+-$/);
  });

  it("records last use at most once a minute, not with a write per request", async () => {
    const created = JSON.parse(
      (await cli("token", "create", "busy", "--scope", "read", "--json")).stdout,
    ) as {
      secret: string;
    };
    const read = async () =>
      (await server.database.prisma.apiToken.findUniqueOrThrow({ where: { name: "busy" } })).lastUsedAt;
    await post(server, "{ planLimits { maxThreads } }", {}, created.secret);
    const first = await read();
    expect(first).not.toBeNull();
    for (let request = 0; request < 5; request++) {
      await post(server, "{ planLimits { maxThreads } }", {}, created.secret);
    }
    expect(await read()).toEqual(first);
  });

  it("refuses a revoked token from the next request on, and a read-only token cannot mutate", async () => {
    const { secret } = JSON.parse(
      (await cli("token", "create", "temporary", "--scope", "ingest", "--json")).stdout,
    ) as { secret: string };
    const before = await post(server, ingest, { input: { ...example, idempotencyKey: "revoke-1" } }, secret);
    expect(before.errors).toBeUndefined();
    const revoked = await cli("token", "revoke", "temporary");
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked token "temporary" \(at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\n$/);
    const after = await post(server, ingest, { input: { ...example, idempotencyKey: "revoke-2" } }, secret);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(after.errors?.[0]?.message).toContain("not accepted (unknown or revoked)");
    expect(await server.database.prisma.run.count({ where: { idempotencyKey: "revoke-2" } })).toBe(0);
    expect((await cli("token", "list")).stdout).toMatch(/temporary\s+ingest\s+.*\d\d:\d\d\s*$/m);

    // The configured read-only token (THREADBENCH_API_TOKENS "reader:read=...").
    const readOnly = await post(
      server,
      ingest,
      { input: { ...example, idempotencyKey: "reader-1" } },
      configuredSecret,
    );
    expect(readOnly.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(readOnly.errors?.[0]?.message).toContain('needs a token with the "ingest" scope');
    const deleting = await post(server, `mutation { deleteRun(id: "x") }`, {}, configuredSecret);
    expect(deleting.errors?.[0]?.message).toContain('"admin" scope');
  });

  it("answers bad token commands with the flag or name and what is allowed", async () => {
    const noScope = await cli("token", "create", "x");
    expect(noScope.code).toBe(2);
    expect(noScope.stderr).toContain("--scope is required (allowed: read, ingest, run, agent, admin");
    const badScope = await cli("token", "create", "x", "--scope", "write");
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toContain(
      '--scope: "write" is not allowed (allowed: read, ingest, run, agent, admin)',
    );
    const badName = await cli("token", "create", "no spaces", "--scope", "read");
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('name: "no spaces" is not allowed');
    const taken = await cli("token", "create", "ci", "--scope", "read");
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('a token named "ci" already exists');
    const unknown = await cli("token", "revoke", "nobody");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('token "nobody" was not found');
    const action = await cli("token", "delete", "ci");
    expect(action.code).toBe(2);
    expect(action.stderr).toContain("allowed: create, list, revoke");
  });
});

describeEachDatabase("a private server (THREADBENCH_PRIVATE)", (databases) => {
  let server: ThreadbenchServer;
  let readSecret: string;
  let ingestSecret: string;

  beforeAll(async () => {
    const url = await databases.newUrl();
    server = await createServer(testConfig(url, { private: true }), { logger: pino({ level: "silent" }) });
    const create = async (name: string, scope: string) =>
      (
        JSON.parse(
          (await runCli(["token", "create", name, "--scope", scope, "--json"], { DATABASE_URL: url })).stdout,
        ) as { secret: string }
      ).secret;
    readSecret = await create("viewer", "read");
    ingestSecret = await create("ci-post", "ingest");
  });
  afterAll(async () => {
    await server?.close();
  });

  const query = "{ runs(first: 1) { totalCount } }";

  it("refuses an anonymous query over HTTP and accepts a read token", async () => {
    const anonymous = await post(server, query);
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(anonymous.errors?.[0]?.message).toContain('"read" scope');
    expect(anonymous.data ?? null).toBeNull();
    const withoutRead = await post(server, query, {}, ingestSecret);
    expect(withoutRead.status).toBe(403);
    expect(withoutRead.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(withoutRead.errors?.[0]?.message).toContain('the token "ci-post" has: ingest');
    const reader = await post(server, query, {}, readSecret);
    expect(reader.status).toBe(200);
    expect(reader.data).toEqual({ runs: { totalCount: 0 } });
    // Mutations still need their own scope, and the ingest token may post.
    const posted = await post(server, ingest, { input: example }, ingestSecret);
    expect(posted.errors).toBeUndefined();
  });

  it("refuses an anonymous WebSocket connection and accepts a read token", async () => {
    const anonymous = await overWebSocket(server, query);
    expect(anonymous.closeCode).toBe(4403);
    const withoutRead = await overWebSocket(server, query, ingestSecret);
    expect(withoutRead.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const reader = await overWebSocket(server, query, readSecret);
    expect(reader.errors).toBeUndefined();
    expect(reader.data).toEqual({ runs: { totalCount: 1 } });
  });

  it("keeps the health check open", async () => {
    const response = await fetch(server.url.replace(/\/graphql$/, "/healthz"));
    expect(response.status).toBe(200);
  });
});
