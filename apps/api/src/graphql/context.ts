import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import type { Caller } from "../services/auth.js";
import type { ServerConfig } from "../services/config.js";
import type { RunEventBus } from "../services/events.js";
import type { RegressionChecks } from "../services/regression-checks.js";
import type { RunQueue } from "../services/run-queue.js";
import { createLoaders, type Loaders } from "./loaders.js";

/** What every resolver gets: long-lived services plus per-request loaders and caller. */
export interface GraphQLContext {
  database: Database;
  queue: RunQueue;
  events: RunEventBus;
  config: ServerConfig;
  /** Checks stored runs against their history (one at a time); never throws. */
  regressionChecks: RegressionChecks;
  caller: Caller;
  logger: Logger;
  requestId: string;
  /** Per-request batching caches: never shared between requests. */
  loaders: Loaders;
}

export interface Services {
  database: Database;
  queue: RunQueue;
  events: RunEventBus;
  config: ServerConfig;
  regressionChecks: RegressionChecks;
}

export function createContext(
  services: Services,
  request: { caller: Caller; logger: Logger; requestId: string },
): GraphQLContext {
  return { ...services, ...request, loaders: createLoaders(services.database, services.queue) };
}
