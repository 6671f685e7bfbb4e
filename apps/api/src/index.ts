import { ConfigurationError } from "./errors.js";
import { loadConfig, type ServerConfig } from "./server/config.js";
import { createServer } from "./server/create-server.js";
import { localToken } from "./server/local-token.js";

/** Reads the configuration, starts listening, and shuts down cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`threadbench API: ${error.message}\n(see .env.example for every variable)\n`);
      process.exit(2);
    }
    throw error;
  }
  // No THREADBENCH_API_TOKENS at all (not even empty): a local installation. Writes
  // need a token all the same; make one and say where it is.
  const local = process.env.THREADBENCH_API_TOKENS === undefined ? localToken() : null;
  if (local) config = { ...config, tokens: [local.token] };
  const server = await createServer(config);
  if (local) {
    process.stderr.write(
      `threadbench API: mutations need Authorization: Bearer ${local.token.secret}\n` +
        `  (a local token, kept in ${local.path}; paste it into the dashboard's token field.\n` +
        "   Set THREADBENCH_API_TOKENS to use your own tokens, or to empty for a read-only API.)\n",
    );
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      server.logger.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    stopping = true;
    server.logger.info({ signal }, "shutting down");
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `threadbench API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
