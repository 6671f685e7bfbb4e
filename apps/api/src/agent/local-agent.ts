import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { ConfiguredToken } from "../services/config.js";
import { backoffMs } from "./agent.js";
import { localAgentNice } from "./priority.js";
import { defaultAgentName } from "./protocol.js";

export interface LocalAgent {
  /** SIGTERM: the agent cancels its run, delivers it, exits; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** The first configured token that may act as an agent (no scopes listed means all). */
export function agentCapableToken(tokens: readonly ConfiguredToken[]): ConfiguredToken | null {
  return (
    tokens.find(
      (token) => !token.scopes || token.scopes.includes("agent") || token.scopes.includes("admin"),
    ) ?? null
  );
}

function cliEntryPoint(): string {
  const here = fileURLToPath(import.meta.url);
  const candidate = here.endsWith(".ts")
    ? path.resolve(path.dirname(here), "../../dist/cli/main.js")
    : path.resolve(path.dirname(here), "../cli/main.js");
  if (!existsSync(candidate)) {
    throw new Error(`${candidate} is missing: build the API first (npm run build -w @threadbench/api)`);
  }
  return candidate;
}

/**
 * The agent `npm start` runs beside the API so that a run started in the browser runs
 * with no set-up, in a process of its own (the API never executes a workload). It is an
 * ordinary `threadbench agent` child process: in its own process group, so Ctrl-C in the
 * terminal reaches only the API, which stops it first (its run is then stored cancelled
 * while the API still listens); over an IPC channel, so it exits if the API dies. It is
 * restarted with backoff if it exits on its own. It runs at a lower OS priority (`--nice`,
 * THREADBENCH_LOCAL_AGENT_NICE): on a machine the API shares, the dashboard answering
 * during a run matters more than the run's last percent of CPU.
 */
export function startLocalAgent(options: {
  serverUrl: string;
  token: string;
  logger: Logger;
  /**
   * `--nice` (0 to 19; default localAgentNice, 10): the agent shares its cores with the
   * API and the dashboard, so its workloads run at a lower OS priority and the server
   * stays responsive during a run (see priority.ts).
   */
  nice?: number;
}): LocalAgent {
  const { logger } = options;
  const nice = options.nice ?? localAgentNice;
  const name = `${defaultAgentName()}-local`.slice(0, 64);
  let child: ChildProcess | null = null;
  let stopping = false;
  let restarts = 0;
  const launch = () => {
    const started = Date.now();
    const spawned = spawn(
      process.execPath,
      [
        cliEntryPoint(),
        "agent",
        "--server",
        options.serverUrl,
        "--name",
        name,
        "--label",
        "local",
        "--nice",
        String(nice),
      ],
      {
        // The token through the environment, not the command line (`ps` shows that).
        env: { ...process.env, THREADBENCH_TOKEN: options.token },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
        detached: true,
      },
    );
    child = spawned;
    logger.info({ pid: spawned.pid, name, nice }, "local agent started");
    spawned.on("exit", (code, signal) => {
      if (child === spawned) child = null;
      if (stopping) return;
      // A long healthy life resets the backoff; a crash loop backs off to 10 s.
      restarts = Date.now() - started > 60_000 ? 0 : restarts + 1;
      const delayMs = backoffMs(restarts + 2);
      logger.warn({ code, signal, delayMs }, "the local agent exited; restarting it");
      setTimeout(() => {
        if (!stopping) launch();
      }, delayMs).unref();
    });
  };
  launch();
  return {
    async stop(timeoutMs = 30_000) {
      stopping = true;
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
      running.kill("SIGTERM");
      const timer = setTimeout(() => running.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
