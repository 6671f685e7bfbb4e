import { ThreadbenchAgent } from "../agent/agent.js";
import { lowerProcessPriority, niceRange } from "../agent/priority.js";
import { agentNameSchema, defaultAgentName } from "../agent/protocol.js";
import { type CliCommand, CliUsageError, parseFlags } from "./command.js";

const labelPattern = /^[\w.:/@+-]{1,64}$/;

export const agentCommand: CliCommand = {
  name: "agent",
  summary: "Turn this machine into a benchmark agent: claim queued runs from a server and execute them",
  help: `
Usage: threadbench agent --server URL --token TOKEN [--name NAME] [--label L]... [--nice N]

Registers this machine (its testbed: the same fingerprint as \`threadbench run\`) with a
threadbench server, waits for queued runs it may take, and executes them one at a time,
storing each cell as it finishes and the result at the end, with live progress and a
heartbeat every second. When the server goes away the current run keeps going and is
delivered after reconnecting (with backoff); nothing is stored twice.

Ctrl-C or SIGTERM cancels the current run (stored as cancelled with its finished cells)
and exits 0; a second signal exits at once.

Flags:
  --server URL    The API, e.g. http://bench.example:4000/graphql (or THREADBENCH_SERVER_URL)
  --token TOKEN   An API token with the "agent" scope (or THREADBENCH_TOKEN)
  --name NAME     Unique name of this agent (default: the hostname)
  --label L       A label runs can ask for, e.g. 16-core, bare-metal (repeatable)
  --nice N        Run this agent and its workloads at OS priority nice N, 0 to 19
                  (default 0). For an agent that shares its machine with the API and
                  dashboard (npm start's local agent uses 10): they stay responsive
                  during a run, and the run's timings take what the API's work costs.
                  Leave it at 0 on a dedicated benchmark machine.
`,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      server: { type: "string" },
      token: { type: "string" },
      name: { type: "string" },
      label: { type: "string", multiple: true },
      nice: { type: "string" },
    });
    const server = values.server ?? io.env.THREADBENCH_SERVER_URL;
    if (!server) throw new CliUsageError("--server is required (or set THREADBENCH_SERVER_URL)");
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new CliUsageError(
        `--server: "${server}" is not allowed (allowed: an http:// or https:// URL of the API)`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new CliUsageError(
        `--server: "${server}" is not allowed (allowed: an http:// or https:// URL of the API)`,
      );
    }
    if (url.pathname === "/" || url.pathname === "") url.pathname = "/graphql";
    const token = values.token ?? io.env.THREADBENCH_TOKEN;
    if (!token)
      throw new CliUsageError("--token is required (or set THREADBENCH_TOKEN): a token with the agent scope");
    const name = values.name ?? defaultAgentName();
    const parsedName = agentNameSchema.safeParse(name);
    if (!parsedName.success) {
      throw new CliUsageError(
        `--name: "${name}" is not allowed (${parsedName.error.issues[0]?.message ?? "invalid"})`,
      );
    }
    const labels = [...new Set(values.label ?? [])].sort();
    for (const label of labels) {
      if (!labelPattern.test(label)) {
        throw new CliUsageError(
          `--label: "${label}" is not allowed (allowed: 1 to 64 letters, digits and _ . : / @ + -)`,
        );
      }
    }
    if (labels.length > 32) throw new CliUsageError("--label: at most 32 labels are allowed");
    const nice = values.nice === undefined ? 0 : Number(values.nice);
    if (values.nice !== undefined && (!/^\d+$/.test(values.nice) || nice > niceRange.max)) {
      throw new CliUsageError(
        `--nice: "${values.nice}" is not allowed (allowed: an integer from ${niceRange.min} to ${niceRange.max})`,
      );
    }
    // Before the agent starts a thread: its run worker, piscina threads and child
    // processes inherit the priority.
    if (nice > 0) {
      lowerProcessPriority(nice);
      io.stderr.write(`threadbench agent: running at nice ${nice} (a lower OS priority, --nice)\n`);
    }
    // Started by an API process (npm start's local agent): stop when it is gone.
    const parentGone = () => {
      io.stderr.write("threadbench agent: the API process that started this agent is gone; exiting\n");
      process.exit(1);
    };
    if (process.send) process.once("disconnect", parentGone);
    const agent = new ThreadbenchAgent({
      serverUrl: url.href,
      token,
      name: parsedName.data,
      labels,
      signal: io.signal,
      log: (line) => io.stderr.write(`threadbench agent: ${line}\n`),
    });
    const code = await agent.run();
    // The IPC channel to a parent API would keep this process alive: close it.
    process.off("disconnect", parentGone);
    if (process.connected) process.disconnect();
    return code;
  },
};
