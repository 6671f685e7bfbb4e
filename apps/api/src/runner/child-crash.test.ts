import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, waitFor } from "../agent/agent-process.js";
import { createServer } from "../server/create-server.js";
import { defaultLimits, type ServerConfig } from "../services/config.js";
import { ProcessPool } from "./process-pool.js";

// Issue 11: a child process of the pool that crashed while loading was reported as
// "child process N exited (code 1)" and nothing else; why it died went to stderr only.
// The crash here is real: Node preloads (NODE_OPTIONS=--require) a module that throws,
// but only in the pool's children (dist/runner/child.js), as a broken native module or
// a missing file would. Needs `npm run build` (children and agents run compiled code).

const cause = "cannot load the native module (a broken build, on purpose)";
let directory = "";
let preload = "";
const originalNodeOptions = process.env.NODE_OPTIONS;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "threadbench-child-crash-"));
  preload = join(directory, "crash-in-pool-children.cjs");
  writeFileSync(
    preload,
    `if (/runner[\\\\/]child\\.js$/.test(process.argv[1] ?? "")) throw new Error(${JSON.stringify(cause)});\n`,
  );
});
afterAll(() => {
  if (originalNodeOptions === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = originalNodeOptions;
  rmSync(directory, { recursive: true, force: true });
});

/** Runs `body` with the crashing preload in NODE_OPTIONS (inherited by every process started). */
async function withCrashingChildren<T>(body: () => Promise<T>): Promise<T> {
  process.env.NODE_OPTIONS = `${originalNodeOptions ?? ""} --require ${preload}`.trim();
  try {
    return await body();
  } finally {
    if (originalNodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = originalNodeOptions;
  }
}

describe("a pool child that dies while loading (issue 11)", () => {
  it("fails the pool's start with the exit code and the cause from the child's stderr", async () => {
    const started = withCrashingChildren(() => ProcessPool.start({ size: 2, maxHeapMb: 256 }));
    await expect(started).rejects.toThrow(
      /child process \d+ exited \(code 1\): .*cannot load the native module/,
    );
  });

  it("stores the cause in the run's error and logs it, through the API and a real agent", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        callback();
      },
    });
    const token = "child-crash-token-0123456789";
    const config: ServerConfig = {
      port: 0,
      host: "127.0.0.1",
      databaseUrl: `file:${join(directory, "api.db")}`,
      tokens: [{ name: "ci", secret: token }],
      nodeEnv: "test",
      logLevel: "info",
      corsOrigins: [],
      limits: defaultLimits,
      progressIntervalMs: 0,
    };
    const server = await createServer(config, { logger: pino({ level: "info" }, logStream) });
    const agent = await withCrashingChildren(async () =>
      startAgentProcess({ serverUrl: server.url, token, name: "crash-agent" }),
    );
    try {
      const post = async <T>(query: string, variables: Record<string, unknown>) => {
        const response = await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        return ((await response.json()) as { data: T }).data;
      };
      const started = await post<{ startRun: { id: string } }>(
        "mutation($plan: RunPlanInput!) { startRun(plan: $plan) { id } }",
        {
          plan: {
            workload: "sum-squares",
            params: { n: 1000 },
            modes: ["sequential", "child-processes"],
            threads: [1],
            repetitions: 1,
            warmups: 0,
          },
        },
      );
      const runId = started.startRun.id;
      const run = await waitFor(async () => {
        const state = await post<{ run: { status: string; error: string | null } }>(
          "query($id: ID!) { run(id: $id) { status error } }",
          { id: runId },
        );
        return ["FAILED", "SUCCEEDED", "CANCELLED", "INTERRUPTED"].includes(state.run.status)
          ? state.run
          : null;
      }, `run ${runId} to end (agent output:\n${agent.output()})`);
      expect(run.status).toBe("FAILED");
      expect(run.error).toMatch(
        /child-processes x1: child process \d+ exited \(code 1\): .*cannot load the native module/,
      );
      const logged = lines.find((line) => line.msg === "run finished" && line.runId === runId);
      expect(logged).toMatchObject({ status: "failed" });
      expect(String(logged?.error)).toContain(cause);
    } finally {
      await agent.dispose();
      await server.close();
    }
  });
});
