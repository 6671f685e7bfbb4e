import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Real `threadbench agent` processes for the integration tests and the agent benchmark:
 * the compiled CLI (dist/cli/main.js, like the runner's workers: `npm run build` first),
 * each with its own temp directory as TMPDIR so that its machine lock is its own (agents
 * of one test run side by side; the machine is shared by other suites too).
 */
export interface AgentProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed to stderr so far (its log lines). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** SIGKILL if still running, and remove its temp directory. */
  dispose(): Promise<void>;
}

// From src/agent (tests) and from dist/agent (the benchmark) alike.
const cliMain = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export function startAgentProcess(options: {
  serverUrl: string;
  token: string;
  name: string;
  labels?: string[];
  /** `--nice`: the benchmark gives the local agent's (priority.ts) to measure what npm start gets. */
  nice?: number;
}): AgentProcess {
  const lockDirectory = mkdtempSync(join(tmpdir(), "threadbench-agent-"));
  const args = [cliMain, "agent", "--server", options.serverUrl, "--name", options.name];
  for (const label of options.labels ?? []) args.push("--label", label);
  if (options.nice !== undefined) args.push("--nice", String(options.nice));
  const child = spawn(process.execPath, args, {
    env: { ...process.env, THREADBENCH_TOKEN: options.token, TMPDIR: lockDirectory },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    name: options.name,
    child,
    output: () => output,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
      rmSync(lockDirectory, { recursive: true, force: true });
    },
  };
}

/** Polls `condition` until it holds (tests wait on results, never on wall-clock budgets). */
export async function waitFor<T>(
  condition: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
