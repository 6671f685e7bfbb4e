/**
 * `node dist/bench/agent-bench.js` (part of `npm run bench -w @threadbench/api`): what
 * moving runs out of the API onto agents buys and costs, measured on the path users take
 * (GraphQL over HTTP and WebSocket, real `threadbench agent` processes, a temp SQLite).
 *
 * 1. A small query's latency (p50/p99) while an agent executes a mixed run (sequential,
 *    event-loop and worker-threads cells) vs idle, alternating idle/run windows; ratio of
 *    p99 (target <= 2x; before agents the API ran the workload itself: 30-60x).
 * 2. Time from startRun to the agent starting the run (the STARTED event), median.
 * 3. 200 trivial runs through 2 agents: runs per second, and exactly-once (one STARTED
 *    and one SUCCEEDED event per run, one cell stored per run).
 *
 * Prints, never asserts. Timings on a shared 2-core machine are noisy: read the ratios
 * and medians, and the load average printed with them.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "@threadbench/core";
import { createClient } from "graphql-ws";
import { pino } from "pino";
import WebSocket from "ws";
import { type AgentProcess, startAgentProcess, waitFor } from "../agent/agent-process.js";
import { runsByIds } from "../db/run-list.js";
import { measurementsOfRuns } from "../db/run-reads.js";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import { defaultLimits, type ServerConfig } from "../services/config.js";

const token = "agent-bench-token-0123456789";
const windows = Number(process.env.THREADBENCH_BENCH_WINDOWS ?? 3);
const windowSeconds = Number(process.env.THREADBENCH_BENCH_SECONDS ?? 5);
const trivialRuns = Number(process.env.THREADBENCH_BENCH_TRIVIAL_RUNS ?? 200);

async function post<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

/** Sends the small query back to back for `seconds`; latencies in ms. */
async function latencies(url: string, seconds: number, until?: () => boolean): Promise<number[]> {
  const small = "{ queue { queued { id } } agents { name online } }";
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end && !(until?.() ?? false)) {
    const started = performance.now();
    await post(url, small);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

const startRun = `mutation($plan: RunPlanInput!) { startRun(plan: $plan) { id } }`;
const runStatus = `query($id: ID!) { run(id: $id) { status } }`;

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "threadbench-agent-bench-"));
  const config: ServerConfig = {
    port: 0,
    host: "127.0.0.1",
    databaseUrl: `file:${join(directory, "bench.db")}`,
    tokens: [{ name: "bench", secret: token }],
    nodeEnv: "production",
    logLevel: "warn",
    corsOrigins: [],
    limits: defaultLimits,
    progressIntervalMs: 100,
  };
  const server: ThreadbenchServer = await createServer(config, { logger: pino({ level: "warn" }) });
  const agents: AgentProcess[] = [];
  const events = createClient({
    url: server.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  const started = new Map<string, number>();
  const startedCount = new Map<string, number>();
  const finishedCount = new Map<string, number>();
  events.subscribe<{ runEvents: { kind: string; runId: string } }>(
    { query: "subscription { runEvents { kind runId } }" },
    {
      next: (message) => {
        const event = message.data?.runEvents;
        if (!event) return;
        if (event.kind === "STARTED") {
          started.set(event.runId, performance.now());
          startedCount.set(event.runId, (startedCount.get(event.runId) ?? 0) + 1);
        }
        if (event.kind === "SUCCEEDED")
          finishedCount.set(event.runId, (finishedCount.get(event.runId) ?? 0) + 1);
      },
      error: () => {},
      complete: () => {},
    },
  );
  try {
    agents.push(startAgentProcess({ serverUrl: server.url, token, name: "bench-a" }));
    await waitFor(() => agents[0]?.output().includes("registered as"), "the first agent to register");
    await latencies(server.url, 1); // warm-up

    // ---- 1. small-query latency: idle vs during a mixed run ----
    const mixedPlan = {
      workload: "sum-squares",
      params: { n: 5_000_000 },
      modes: ["sequential", "event-loop", "worker-threads"],
      threads: [1, 2],
      repetitions: 5,
      warmups: 1,
    };
    const idleP99: number[] = [];
    const busyP99: number[] = [];
    const idleP50: number[] = [];
    const busyP50: number[] = [];
    for (let window = 0; window < windows; window++) {
      const idle = await latencies(server.url, windowSeconds);
      const { startRun: run } = await post<{ startRun: { id: string } }>(server.url, startRun, {
        plan: mixedPlan,
      });
      await waitFor(() => started.has(run.id), "the mixed run to start");
      let finished = false;
      const watcher = (async () => {
        while (!finished) {
          const { run: state } = await post<{ run: { status: string } }>(server.url, runStatus, {
            id: run.id,
          });
          if (state.status !== "RUNNING") finished = true;
          else await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      const busy = await latencies(server.url, windowSeconds, () => finished);
      await watcher;
      idleP99.push(percentile(idle, 0.99));
      idleP50.push(percentile(idle, 0.5));
      busyP99.push(percentile(busy, 0.99));
      busyP50.push(percentile(busy, 0.5));
    }
    const ratios = busyP99.map((busy, index) => busy / (idleP99[index] as number));
    process.stdout.write(
      `\nAgents (SQLite, real agent processes; load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(" ")} on ${process.env.HOSTNAME ?? "this machine"})\n`,
    );
    process.stdout.write(
      `small query while an agent runs a mixed run vs idle, ${windows} alternating windows of ${windowSeconds} s:\n` +
        `  idle p50 ${median(idleP50).toFixed(1)} ms, p99 ${median(idleP99).toFixed(1)} ms; during a run p50 ${median(busyP50).toFixed(1)} ms, p99 ${median(busyP99).toFixed(1)} ms\n` +
        `  p99 ratio per window: ${ratios.map((ratio) => `${ratio.toFixed(2)}x`).join(", ")}; median ${median(ratios).toFixed(2)}x (target <= 2x)\n`,
    );

    // ---- 2. startRun -> the agent starts the run ----
    const delays: number[] = [];
    for (let index = 0; index < 20; index++) {
      const before = performance.now();
      const { startRun: run } = await post<{ startRun: { id: string } }>(server.url, startRun, {
        plan: {
          workload: "sum-squares",
          params: { n: 1000 },
          modes: ["sequential"],
          threads: [1],
          repetitions: 1,
          warmups: 0,
        },
      });
      await waitFor(() => started.has(run.id), "a run to start");
      delays.push((started.get(run.id) as number) - before);
      await waitFor(() => finishedCount.has(run.id), "the run to finish");
    }
    process.stdout.write(
      `startRun -> agent started it (STARTED event), 20 runs one after another: median ${median(delays).toFixed(0)} ms (min ${Math.min(...delays).toFixed(0)}, max ${Math.max(...delays).toFixed(0)})\n`,
    );

    // ---- 3. 200 trivial runs through 2 agents ----
    agents.push(startAgentProcess({ serverUrl: server.url, token, name: "bench-b" }));
    await waitFor(() => agents[1]?.output().includes("registered as"), "the second agent to register");
    const ids: string[] = [];
    const batchStarted = performance.now();
    for (let index = 0; index < trivialRuns; index++) {
      const { startRun: run } = await post<{ startRun: { id: string } }>(server.url, startRun, {
        plan: {
          workload: "sum-squares",
          params: { n: 1000 },
          modes: ["sequential"],
          threads: [1],
          repetitions: 1,
          warmups: 0,
        },
      });
      ids.push(run.id);
    }
    await waitFor(() => ids.every((id) => finishedCount.has(id)), `${trivialRuns} runs to finish`, 900_000);
    const seconds = (performance.now() - batchStarted) / 1000;
    const once = ids.every((id) => startedCount.get(id) === 1 && finishedCount.get(id) === 1);
    const cells = await measurementsOfRuns(server.database, ids);
    const oneCellEach = cells.size === ids.length && [...cells.values()].every((list) => list.length === 1);
    const runsByAgent = new Map<string | null, number>();
    for (const run of await runsByIds(server.database, ids)) {
      runsByAgent.set(run.agentId, (runsByAgent.get(run.agentId) ?? 0) + 1);
    }
    const byAgent = [...runsByAgent.values()].map((count) => ({ _count: { agentId: count } }));
    process.stdout.write(
      `${trivialRuns} trivial runs through 2 agents (queued, claimed, executed, stored): ${seconds.toFixed(1)} s, ${(trivialRuns / seconds).toFixed(1)} runs/s; ` +
        `split ${byAgent.map((row) => row._count.agentId).join(" / ")}; exactly once: ${once && oneCellEach ? "yes" : "NO"} ` +
        `(one STARTED and one SUCCEEDED event per run: ${once ? "yes" : "no"}; one stored cell per run: ${oneCellEach ? "yes" : "no"})\n`,
    );
  } finally {
    for (const agent of agents) {
      agent.kill("SIGTERM");
      await agent.exited;
      await agent.dispose();
    }
    await events.dispose();
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
