import { agentCapableToken, startLocalAgent } from "./agent/local-agent.js";
import { ConfigurationError } from "./errors.js";
import { createServer, type ThreadbenchServer } from "./server/create-server.js";
import { loadConfig, type ServerConfig } from "./services/config.js";
import { localToken } from "./services/local-token.js";

/** Prints a configuration problem (bad variable, port in use) in one place and exits 2. */
function exitWithConfigurationError(error: ConfigurationError): never {
  process.stderr.write(`threadbench API: ${error.message}\n(see .env.example for every variable)\n`);
  process.exit(2);
}

/**
 * Stops on SIGINT/SIGTERM: one signal is a graceful stop (WebSocket clients get close
 * code 1001, requests in flight finish, the running run is stored cancelled with its
 * finished cells, the database is closed), then exit code 0. A second signal while
 * stopping exits at once with code 1. Only this handler listens: Apollo's own is off
 * (create-server.ts), or its re-sent signal would count as the second one.
 */
function stopOnSignals(server: ThreadbenchServer, beforeClose?: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      server.logger.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    stopping = true;
    server.logger.info({ signal }, "shutting down");
    // The local agent first: it stores its cancelled run while the API still listens.
    Promise.resolve(beforeClose?.())
      .then(() => server.close())
      .then(
        () => {
          server.logger.info({ signal }, "stopped");
          process.exit(0);
        },
        (error: unknown) => {
          server.logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Reads the configuration, starts listening, and shuts down cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) exitWithConfigurationError(error);
    throw error;
  }
  // No THREADBENCH_API_TOKENS at all (not even empty): a local installation. Writes
  // need a token all the same; make one and say where it is.
  const local = process.env.THREADBENCH_API_TOKENS === undefined ? localToken() : null;
  if (local) config = { ...config, tokens: [local.token] };
  const server = await createServer(config);
  const agentToken = config.localAgent === false ? null : agentCapableToken(config.tokens);
  const agent = agentToken
    ? startLocalAgent({
        serverUrl: server.url,
        token: agentToken.secret,
        logger: server.logger.child({ component: "local-agent" }),
        ...(config.localAgentNice !== undefined ? { nice: config.localAgentNice } : {}),
      })
    : null;
  if (!agent && config.localAgent !== false) {
    server.logger.warn(
      "no token with the agent scope is configured: no local agent runs; runs wait for `threadbench agent`",
    );
  }
  stopOnSignals(server, () => agent?.stop() ?? Promise.resolve());
  if (local) {
    process.stderr.write(
      `threadbench API: mutations need Authorization: Bearer ${local.token.secret}\n` +
        `  (a local token, kept in ${local.path}; paste it into the dashboard's token field.\n` +
        "   Set THREADBENCH_API_TOKENS to use your own tokens, or to empty for a read-only API.)\n",
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) exitWithConfigurationError(error);
  process.stderr.write(
    `threadbench API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
