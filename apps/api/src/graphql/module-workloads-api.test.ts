import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, expect, it } from "vitest";
import { defaultLimits, type ServerConfig } from "../server/config.js";
import { createServer } from "../server/create-server.js";
import { describeEachDatabase } from "../test/databases.js";

/*
 * Workload modules through the API (issue 9): a server never imports a file a client
 * names, so a plan that names a module is refused before anything is stored.
 */

const token = "module-api-test-token-0123456789";
const scratch = mkdtempSync(path.join(tmpdir(), "threadbench-module-api-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
// A real file: refusing it must not depend on it being absent.
const moduleFile = path.join(scratch, "exfiltrate.mjs");
writeFileSync(moduleFile, 'throw new Error("a server imported a client-named file");\n');

function config(databaseUrl: string): ServerConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    databaseUrl,
    tokens: [{ name: "ci", secret: token }],
    nodeEnv: "test",
    logLevel: "silent",
    corsOrigins: [],
    limits: defaultLimits,
    progressIntervalMs: 0,
  };
}

describeEachDatabase("startRun with a workload module", ({ newUrl }) => {
  it("is refused naming plan.workload, for a path and for a module: id, and stores nothing", async () => {
    const server = await createServer(config(await newUrl()), { logger: pino({ level: "silent" }) });
    try {
      for (const workload of [moduleFile, "./bench/resize.ts", "module:bench/resize"]) {
        const response = await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({
            query: "mutation Start($plan: RunPlanInput!) { startRun(plan: $plan) { id } }",
            variables: { plan: { workload, threads: [1] } },
          }),
        });
        const body = (await response.json()) as {
          data?: unknown;
          errors?: Array<{ message: string; extensions?: { code?: string } }>;
        };
        expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
        expect(body.errors?.[0]?.message).toContain(
          `plan.workload: "${workload}" names a workload module: modules run from the CLI`,
        );
      }
      const runs = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: "{ runs(first: 5) { totalCount } }" }),
      });
      expect(((await runs.json()) as { data: { runs: { totalCount: number } } }).data.runs.totalCount).toBe(
        0,
      );
    } finally {
      await server.close();
    }
  });
});
