import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "graphql-ws";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { openDatabase } from "../db/client.js";

// Issue 11: one SIGTERM ended the API with exit code 1 ("second signal: exiting without
// waiting": Apollo's own signal handler stopped the server and re-sent the signal), the
// running run stayed `running`, and a port in use printed a stack from the ws library.
// These tests start the real program (apps/api/dist/index.js, `npm run build` first) as
// `npm start` does, with NODE_ENV unset as in production (Apollo skips its handler in
// test), and signal it.

const entry = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
const token = "shutdown-token-0123456789abcdef";
const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

interface ApiProcess {
  child: ChildProcess;
  url: string;
  databaseUrl: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function environment(directory: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${join(directory, "api.db")}`,
    THREADBENCH_API_TOKENS: `ci=${token}`,
    LOG_LEVEL: "info",
    // The local agent's machine lock lives in this test's own directory.
    TMPDIR: directory,
    ...extra,
  };
  delete env.NODE_ENV;
  delete env.VITEST;
  return env;
}

/** Starts dist/index.js and resolves once it logged the URL it listens on. */
async function startApi(extra: Record<string, string> = {}): Promise<ApiProcess> {
  const directory = mkdtempSync(join(tmpdir(), "threadbench-shutdown-"));
  directories.push(directory);
  const env = environment(directory, extra);
  const child = spawn(process.execPath, [entry], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*threadbench API listening/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then(({ code }) =>
      reject(new Error(`the API exited (${code}) before listening:\n${output}`)),
    );
  });
  return { child, url, databaseUrl: env.DATABASE_URL as string, output: () => output, exited };
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

describe("the API process (issue 11)", () => {
  it("stops on one SIGTERM with exit code 0: WebSocket clients get 1001, a request in flight finishes, the running run is stored cancelled with its finished cells", async () => {
    const api = await startApi();
    const closes: number[] = [];
    const client = createClient({
      url: api.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      // The server closing the socket (1001) is what this test waits for, not an error.
      onNonLazyError: () => {},
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
    const events: string[] = [];
    client.subscribe(
      { query: "subscription { runEvents { kind runId } }" },
      { next: (message) => events.push(JSON.stringify(message.data)), error: () => {}, complete: () => {} },
    );

    // Cell 1 (one task) finishes in well under a second; cell 2 (64 tasks of the same
    // size) takes far longer than the test waits, so it is running when the signal lands.
    const started = await graphql<{ startRun: { id: string } }>(
      api.url,
      "mutation($plan: RunPlanInput!) { startRun(plan: $plan) { id } }",
      {
        plan: {
          workload: "sum-squares",
          params: { n: 20_000_000 },
          modes: ["sequential"],
          threads: [1, 64],
          repetitions: 2,
          warmups: 0,
        },
      },
    );
    const runId = started.startRun.id;
    for (;;) {
      const state = await graphql<{ run: { status: string; measurements: unknown[] } }>(
        api.url,
        "query($id: ID!) { run(id: $id) { status measurements { threads } } }",
        { id: runId },
      );
      if (state.run.measurements.length >= 1 && state.run.status === "RUNNING") break;
      expect(["QUEUED", "RUNNING"]).toContain(state.run.status);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // A request in flight: headers and half of its body before the signal, the rest after.
    const body = JSON.stringify({ query: "{ planLimits { maxThreads } }" });
    const address = new URL(api.url);
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: address.hostname,
          port: address.port,
          path: address.pathname,
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => {
            text += chunk.toString("utf8");
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      request.on("error", reject);
      request.write(body.slice(0, 10));
      setTimeout(() => {
        api.child.kill("SIGTERM");
        setTimeout(() => request.end(body.slice(10)), 300);
      }, 100);
    });

    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text)).toMatchObject({
      data: { planLimits: { maxThreads: expect.any(Number) } },
    });
    const exit = await api.exited;
    await client.dispose();
    expect(exit, api.output()).toEqual({ code: 0, signal: null });
    expect(api.output()).not.toContain("second signal");
    expect(closes).toContain(1001);

    const database = await openDatabase(api.databaseUrl, { migrate: false });
    try {
      const run = await database.prisma.run.findUniqueOrThrow({
        where: { id: runId },
        include: { measurements: true },
      });
      expect(run.status).toBe("cancelled");
      expect(run.measurements.map((cell) => cell.threads)).toContain(1);
      expect(run.measurements.find((cell) => cell.threads === 1)?.status).toBe("succeeded");
    } finally {
      await database.close();
    }
  });

  // Each of these printed "threadbench API failed to start:" and a stack trace (exit 1),
  // or was accepted (PORT=0x10 as 16).
  it.each([
    {
      name: "a host that does not resolve",
      env: { HOST: "no-such-host.invalid" },
      says: /^HOST="no-such-host\.invalid" is not an address/,
    },
    {
      name: "an IPv4 address out of range",
      env: { HOST: "999.1.1.1" },
      says: /^HOST="999\.1\.1\.1" is not an address/,
    },
    {
      name: "a directory as the database",
      env: { DATABASE_URL: "file:{dir}/a-directory" },
      says: /^DATABASE_URL names the SQLite file .*a-directory, which cannot be opened or created/,
    },
    {
      name: "a text file as the database",
      env: { DATABASE_URL: "file:{dir}/notes.txt" },
      says: /^DATABASE_URL names the SQLite file .*notes\.txt, which is not a SQLite database/,
    },
    {
      name: "a file as the database's directory",
      env: { DATABASE_URL: "file:{dir}/notes.txt/api.db" },
      says: /^DATABASE_URL names the SQLite file .*, whose directory cannot be created/,
    },
    {
      name: "a port in hexadecimal",
      env: { PORT: "0x10" },
      says: /PORT="0x10" is not allowed \(allowed: an integer from 0 to 65535/,
    },
  ])(
    "$name: one line naming the variable and what is allowed, exit code 2, no stack",
    async ({ env, says }) => {
      const directory = mkdtempSync(join(tmpdir(), "threadbench-startup-"));
      directories.push(directory);
      mkdirSync(join(directory, "a-directory"));
      writeFileSync(join(directory, "notes.txt"), "not a database\n");
      const extra = Object.fromEntries(
        Object.entries(env).map(([name, value]) => [name, value.replace("{dir}", directory)]),
      );
      const child = spawn(process.execPath, [entry], {
        env: environment(directory, { LOG_LEVEL: "warn", THREADBENCH_LOCAL_AGENT: "false", ...extra }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      // An API that starts instead (the bug) must not outlive the test.
      const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const code = await new Promise<number | null>((resolve) =>
        child.on("exit", (exitCode) => resolve(exitCode)),
      );
      clearTimeout(guard);
      expect(code, stderr).toBe(2);
      const problem = stderr.replace(/^threadbench API: (invalid configuration:\n\s*)?/, "");
      expect(problem).toMatch(says);
      expect(stderr).not.toMatch(/failed to start|\n\s+at /);
    },
  );

  it("says which port is taken and which variable moves it, in one line and without a stack", async () => {
    const occupied = createNetServer();
    await new Promise<void>((resolve) => occupied.listen(0, "127.0.0.1", resolve));
    const port = (occupied.address() as { port: number }).port;
    try {
      const directory = mkdtempSync(join(tmpdir(), "threadbench-port-"));
      directories.push(directory);
      const child = spawn(process.execPath, [entry], {
        env: environment(directory, { PORT: String(port), LOG_LEVEL: "warn" }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      const code = await new Promise<number | null>((resolve) =>
        child.on("exit", (exitCode) => resolve(exitCode)),
      );
      expect(code).toBe(2);
      expect(stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(stderr).toContain("set PORT");
      expect(stderr).not.toMatch(/Internal error emitted|\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => occupied.close(() => resolve()));
    }
  });
});
