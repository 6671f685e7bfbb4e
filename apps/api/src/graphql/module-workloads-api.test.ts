import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, expect, it } from "vitest";
import { storeRunResult } from "../db/run-repository.js";
import { createServer } from "../server/create-server.js";
import { describeEachDatabase } from "../test/databases.js";
import { makeRunResult } from "../test/run-factories.js";
import { testServerConfig } from "../test/server-config.js";

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

const config = (databaseUrl: string) =>
  testServerConfig(databaseUrl, { tokens: [{ name: "ci", secret: token }], corsOrigins: [] });

describeEachDatabase("workload modules through the API", ({ newUrl, reopen }) => {
  it("series points carry each run's workloadHash, so a changed benchmark can be marked", async () => {
    const url = await newUrl();
    const database = await reopen(url);
    const hashes = ["a".repeat(64), "a".repeat(64), "b".repeat(64)];
    for (const [index, hash] of hashes.entries()) {
      const result = makeRunResult({
        seed: index + 1,
        startedAt: new Date(Date.UTC(2026, 0, index + 1)).toISOString(),
        plan: {
          workloadId: "module:bench/resize",
          workloadModule: { file: "/repo/bench/resize.ts", relativePath: "bench/resize.ts", hash },
          modes: ["sequential"],
          threads: [1],
        },
      });
      await storeRunResult(database, result, { branch: "main", project: "acme/imaging" });
    }
    const series = await database.prisma.series.findFirstOrThrow({
      select: { seriesKey: true, project: true },
    });
    expect(series.project).toBe("acme/imaging");
    const server = await createServer(config(url), { logger: pino({ level: "silent" }) });
    try {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: "query($key: ID!) { series(key: $key) { points { workloadHash } } }",
          variables: { key: series.seriesKey },
        }),
      });
      const body = (await response.json()) as {
        data: { series: { points: Array<{ workloadHash: string | null }> } };
      };
      expect(body.data.series.points.map((point) => point.workloadHash)).toEqual(hashes);
    } finally {
      await server.close();
    }
  });

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
