import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createScratchDatabase,
  type EphemeralPostgres,
  startEphemeralPostgres,
} from "../db/ephemeral-postgres.js";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import { postGraphQL } from "../test/graphql-http.js";
import { testServerConfig } from "../test/server-config.js";

// A PostgreSQL server that goes down under a running API (crash, restart, failover):
// every request used to answer the masked "Internal server error", which tells nobody
// to wait for the database, and the agents took it for a failure of the request. Its
// own cluster (about two seconds), since the suite's shared one must stay up.

const token = "database-down-token-0123456789abc";

function post<T>(server: ThreadbenchServer, query: string, variables: Record<string, unknown> = {}) {
  return postGraphQL<T>(server.url, query, variables, token);
}

const startRun =
  'mutation { startRun(plan: { workload: "sum-squares", params: { n: 1000 }, modes: ["sequential"], threads: [1], repetitions: 5 }) { id } }';

describe("a PostgreSQL server that goes down while the API serves", () => {
  let postgres: EphemeralPostgres;
  let server: ThreadbenchServer;
  const logged: Array<{ level: number; msg: string }> = [];

  beforeAll(async () => {
    postgres = await startEphemeralPostgres();
    const logger = pino(
      { level: "warn" },
      new Writable({
        write(chunk, _encoding, done) {
          logged.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    );
    server = await createServer(
      testServerConfig(await createScratchDatabase(postgres.adminUrl), {
        tokens: [{ name: "ci", secret: token }],
      }),
      { logger },
    );
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await postgres?.stop();
  });

  it("answers DATABASE_UNAVAILABLE saying to try again, then serves again once it is back, with nothing lost", async () => {
    const before = await post<{ startRun: { id: string } }>(server, startRun);
    expect(before.errors).toBeUndefined();
    const id = before.data?.startRun.id as string;

    await postgres.halt();
    for (const query of ["{ runs(first: 5) { nodes { id } } }", startRun]) {
      const down = await post(server, query);
      expect(down.errors).toHaveLength(1);
      expect(down.errors?.[0]?.extensions?.code).toBe("DATABASE_UNAVAILABLE");
      expect(down.errors?.[0]?.message).toMatch(/^the database is not reachable .*try again/);
      // Never the database's address: that is for the log.
      expect(down.errors?.[0]?.message).not.toMatch(/127\.0\.0\.1|postgres/i);
    }
    // Logged as a warning about the database, not as an unexpected error of the API.
    expect(logged.filter((line) => line.level >= 50)).toEqual([]);
    expect(logged.some((line) => line.msg === "the database is unavailable")).toBe(true);

    await postgres.resume();
    const after = await post<{ runs: { nodes: Array<{ id: string }> } }>(
      server,
      "{ runs(first: 5) { nodes { id } } }",
    );
    expect(after.errors).toBeUndefined();
    expect(after.data?.runs.nodes.map((run) => run.id)).toEqual([id]);
  }, 60_000);
});
