import { ConfigurationError } from "./errors.js";
import { loadConfig, type ServerConfig } from "./server/config.js";
import { createServer } from "./server/create-server.js";

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
  const server = await createServer(config);
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
