import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type {
  DocumentNode,
  ExecutionArgs,
  GraphQLFormattedError,
  GraphQLSchema,
  OperationDefinitionNode,
} from "graphql";
import type { SubscribePayload, Context as WebSocketContext } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { type Logger, pino } from "pino";
import { WebSocketServer } from "ws";
import { type Database, openDatabase } from "../db/client.js";
import { ConfigurationError, ThreadbenchError, UnauthenticatedError } from "../errors.js";
import { createContext, type GraphQLContext, type Services } from "../graphql/context.js";
import { createErrorFormatter, createOperationLogs, requestScope } from "../graphql/format-error.js";
import {
  GraphQLError,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from "../graphql/graphql-js.js";
import { assertCostWithinLimit, limitRules, subscriptionLimitError } from "../graphql/limits.js";
import { createLoaders } from "../graphql/loaders.js";
import { assertFitsTransport, assertStorableText, variableErrors } from "../graphql/operation-checks.js";
import { dateTimeLiteralRule } from "../graphql/scalars.js";
import { createSchema } from "../graphql/schema.js";
import { createWebhookNotifier } from "../regressions/webhook.js";
import { assertMayRead, type Caller, createTokenVerifier } from "../services/auth.js";
import { defaultAgentSettings, type ServerConfig } from "../services/config.js";
import { RunEventBus } from "../services/events.js";
import { RegressionChecks, type RegressionChecksOptions } from "../services/regression-checks.js";
import { RunQueue, type RunQueueOptions } from "../services/run-queue.js";
import { guardUpgrades, isOriginAllowed, redactUrl, refusalBody, refuseRequest } from "./http-guards.js";
import { type PgEventRelay, startPgEventRelay } from "./pg-event-relay.js";
import { acquireSqliteServerLock, type SqliteServerLock } from "./sqlite-server-lock.js";

export interface CreateServerOptions {
  /** Defaults to a pino logger at config.logLevel on stdout. */
  logger?: Logger;
  /** Use this database instead of opening config.databaseUrl (it is not closed by close()). */
  database?: Database;
  /** Overrides of the run queue (tests). */
  queue?: Partial<Pick<RunQueueOptions, "cancelWaitMs">>;
  /** Overrides of the regression checks after a run is stored (tests). */
  regressionChecks?: Partial<Pick<RegressionChecksOptions, "check" | "webhook">>;
}

export interface ThreadbenchServer {
  /** http://host:port/graphql (the WebSocket is ws://host:port/graphql). */
  url: string;
  port: number;
  database: Database;
  queue: RunQueue;
  logger: Logger;
  /** Stops accepting, lets requests finish, stores the current run's cells, closes the database. */
  close(): Promise<void>;
}

const graphqlPath = "/graphql";
const requestIdPattern = /^[\w.:-]{1,128}$/;

/** The names of an operation's root fields; null when its root holds fragments. */
function rootFieldNames(operation: OperationDefinitionNode): string[] | null {
  const names: string[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== "Field") return null;
    names.push(selection.name.value);
  }
  return names;
}

/**
 * Throws UNAUTHENTICATED (401) for a mutation without a valid token (resolvers then
 * check the scope each needs) and, on a private server, for a query or subscription
 * without a token holding `read` (FORBIDDEN, 403, when the token lacks the scope).
 */
function assertMayExecute(operation: OperationDefinitionNode, caller: Caller, isPrivate: boolean): void {
  try {
    if (operation.operation === "mutation" && caller.kind !== "token") {
      throw new UnauthenticatedError(
        caller.rejected
          ? "the API token was not accepted (unknown or revoked): send Authorization: Bearer <token> with a valid token"
          : undefined,
      );
    }
    if (isPrivate && operation.operation !== "mutation") assertMayRead(caller, rootFieldNames(operation));
  } catch (error) {
    if (!(error instanceof ThreadbenchError)) throw error;
    throw new GraphQLError(error.message, {
      originalError: error,
      extensions: { code: error.code, http: { status: error.code === "FORBIDDEN" ? 403 : 401 } },
    });
  }
}

/** Runs the checks that need the resolved operation: authentication, then cost. */
function operationGuardPlugin(
  schema: GraphQLSchema,
  maxCost: number,
  isPrivate: boolean,
): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const operation = requestContext.operation;
          if (!operation) return;
          assertFitsTransport(operation, "http");
          assertStorableText(requestContext.document, requestContext.request.variables);
          assertMayExecute(operation, requestContext.contextValue.caller, isPrivate);
          assertCostWithinLimit(
            schema,
            requestContext.document,
            operation,
            requestContext.request.variables,
            maxCost,
          );
        },
      };
    },
  };
}

class PayloadTooLargeError extends Error {}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > maxBytes) throw new PayloadTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new PayloadTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader("content-type", "application/json; charset=utf-8");
  response.end(JSON.stringify(body));
}

/**
 * Builds the whole API: database (migrated), run queue (recovering from a crash and
 * continuing what is queued), Apollo Server over a plain Node HTTP server, and
 * graphql-ws subscriptions on the same port and path, with the same limits on both.
 */
export async function createServer(
  config: ServerConfig,
  options: CreateServerOptions = {},
): Promise<ThreadbenchServer> {
  // The API executed runs itself before agents; a caller that still asks for that (from
  // JavaScript, where the type does not stop it) is told why, instead of being ignored.
  if ("executeRuns" in config) {
    throw new ConfigurationError(
      "ServerConfig.executeRuns is no longer supported: the API never executes runs, agents do (threadbench agent); remove it (localAgent: false is what keeps npm start from starting a local agent)",
    );
  }
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: "threadbench-api" } });
  const development = config.nodeEnv === "development";
  const database =
    options.database ??
    (await openDatabase(config.databaseUrl, {
      wal: { onError: (error) => logger.warn({ err: error }, "SQLite WAL checkpoint failed") },
    }));
  // SQLite: one API process per file (its events cannot cross processes); PostgreSQL:
  // any number, the event bus relayed between them with LISTEN/NOTIFY. (A database
  // handed in by the caller is the caller's business: tests share one in-process.)
  let sqliteLock: SqliteServerLock | null = null;
  try {
    if (!options.database && database.target.provider === "sqlite") {
      sqliteLock = acquireSqliteServerLock(database.target.filePath);
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  const events = new RunEventBus();
  let relay: PgEventRelay | null = null;
  try {
    if (database.target.provider === "postgresql") {
      relay = await startPgEventRelay({
        url: database.target.url,
        events,
        database,
        logger: logger.child({ component: "event-relay" }),
      });
    }
  } catch (error) {
    sqliteLock?.release();
    throw error;
  }
  const analysisLogger = logger.child({ component: "regressions" });
  const regressionChecks = new RegressionChecks({
    database,
    events,
    logger: analysisLogger,
    webhook: config.webhookUrl
      ? createWebhookNotifier({
          url: config.webhookUrl,
          onGiveUp: (error, payload) =>
            analysisLogger.warn(
              { err: error, regressionId: payload.regression.id },
              "the webhook did not take a regression after every retry",
            ),
        })
      : null,
    ...options.regressionChecks,
  });
  const queue = new RunQueue({
    database,
    events,
    logger: logger.child({ component: "queue" }),
    leaseMs: config.agentLeaseMs ?? defaultAgentSettings.agentLeaseMs,
    limits: {
      maxQueuedRuns: config.maxQueuedRuns ?? defaultAgentSettings.maxQueuedRuns,
      maxQueuedRunsPerTarget: config.maxQueuedRunsPerTarget ?? defaultAgentSettings.maxQueuedRunsPerTarget,
    },
    afterRunStored: (runId) => regressionChecks.check(runId),
    ...options.queue,
  });
  const services: Services = { database, queue, events, config, regressionChecks };
  const isPrivate = config.private ?? false;
  const verifier = createTokenVerifier(config.tokens, {
    database,
    onLastUseError: (error) => logger.warn({ err: error }, "recording a token's last use failed"),
  });
  const schema = createSchema();
  const formatError = createErrorFormatter({
    logger,
    includeStacktrace: development,
    hideSchemaDetails: !development,
  });
  const rules = [
    ...limitRules(config.limits),
    dateTimeLiteralRule,
    ...(development ? [] : [NoSchemaIntrospectionCustomRule]),
  ];

  const httpServer = createHttpServer();
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: development,
    introspection: development,
    validationRules: [...limitRules(config.limits), dateTimeLiteralRule],
    parseOptions: { maxTokens: config.limits.maxTokens },
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    hideSchemaDetailsFromClientErrors: !development,
    // index.ts handles SIGINT/SIGTERM once; Apollo's own handler would stop the server
    // and re-send the signal, which index.ts then took for a second Ctrl-C (exit 1).
    stopOnTerminationSignals: false,
    logger: logger.child({ component: "apollo" }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      operationGuardPlugin(schema, config.limits.maxCost, isPrivate),
    ],
  });

  // ---- WebSocket: the same parse limits, validation rules, auth and cost as HTTP ----
  // noServer: upgrades are checked first (origin, no token in the URL, shutting down),
  // and an error of the HTTP server (a port in use) is not the WebSocket server's.
  const webSocketServer = new WebSocketServer({ noServer: true, maxPayload: config.limits.maxBodyBytes });
  const upgrades = guardUpgrades(httpServer, webSocketServer, {
    path: graphqlPath,
    config,
    maxConnections: config.limits.maxWebSocketConnections,
    logger,
  });
  const operationLogs = createOperationLogs(logger);
  const formatErrors = (errors: readonly GraphQLError[], errorLogger: Logger): GraphQLFormattedError[] =>
    errors.map((error) => formatError(error.toJSON(), error, errorLogger));
  /** The checks of HTTP for one operation over the WebSocket; its execution arguments or errors. */
  const checkOperation = async (
    context: WebSocketContext<Record<string, unknown> | undefined>,
    id: string,
    payload: SubscribePayload,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: config.limits.maxTokens });
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError(String(error))].map(
        (parseError) =>
          new GraphQLError(parseError.message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } }),
      );
    }
    const validationErrors = validate(schema, document, [...specifiedRules, ...rules]);
    if (validationErrors.length > 0) {
      return validationErrors.map(
        (error) =>
          new GraphQLError(error.message, {
            nodes: error.nodes ?? null,
            extensions: { code: "GRAPHQL_VALIDATION_FAILED", ...error.extensions },
          }),
      );
    }
    const operation = getOperationAST(document, payload.operationName ?? undefined);
    if (!operation) {
      return [
        new GraphQLError("the document names no (single) operation to run", {
          extensions: { code: "BAD_REQUEST" },
        }),
      ];
    }
    const authorization = context.connectionParams?.authorization ?? context.connectionParams?.Authorization;
    const caller = await verifier.identify(typeof authorization === "string" ? authorization : undefined);
    // The order of HTTP: storable text, authentication, cost, then the variables
    // (which Apollo coerces when it executes).
    try {
      assertStorableText(document, payload.variables);
      assertMayExecute(operation, caller, isPrivate);
      assertCostWithinLimit(
        schema,
        document,
        operation,
        payload.variables ?? undefined,
        config.limits.maxCost,
      );
    } catch (error) {
      return [error as GraphQLError];
    }
    const badVariables = variableErrors(schema, operation, payload.variables);
    if (badVariables.length > 0) return badVariables;
    const contextValue = createContext(services, { caller, ...operationLogs.of(context, id) });
    // A subscription lives for many events: fresh loaders each time, never stale data.
    Object.defineProperty(contextValue, "loaders", { get: () => createLoaders(database, queue) });
    return {
      schema,
      document,
      operationName: payload.operationName ?? null,
      variableValues: payload.variables ?? null,
      contextValue,
    };
  };
  // The ids of the operations each connection has open: counted against
  // maxSubscriptionsPerConnection, let go when they complete or fail.
  const openByConnection = new WeakMap<object, Set<string>>();
  const openOperations = {
    of(connection: object): Set<string> {
      let open = openByConnection.get(connection);
      if (!open) {
        open = new Set();
        openByConnection.set(connection, open);
      }
      return open;
    },
  };
  const webSocketHandle = useServer<Record<string, unknown> | undefined>(
    {
      schema,
      // A private server refuses a connection without a valid token outright (4403);
      // what each operation may do is checked in onSubscribe.
      async onConnect(context) {
        if (!isPrivate) return true;
        const authorization =
          context.connectionParams?.authorization ?? context.connectionParams?.Authorization;
        const caller = await verifier.identify(typeof authorization === "string" ? authorization : undefined);
        return caller.kind === "token";
      },
      async onSubscribe(context, id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> {
        // Before any await: a burst of subscribe messages is refused one by one, unparsed.
        const open = openOperations.of(context);
        if (open.size >= config.limits.maxSubscriptionsPerConnection) {
          // A client's `complete` ends its operation at once (graphql-ws forgets the id),
          // onComplete only later: a client at the limit may start another right away.
          for (const openId of open) if (!(openId in context.subscriptions)) open.delete(openId);
        }
        if (open.size >= config.limits.maxSubscriptionsPerConnection) {
          return [subscriptionLimitError(config.limits.maxSubscriptionsPerConnection)];
        }
        open.add(id);
        const checked = await checkOperation(context, id, payload);
        // Refused: graphql-ws calls neither onError nor onComplete when the client has
        // completed the operation meanwhile, so it is let go here.
        if (Array.isArray(checked)) open.delete(id);
        return checked;
      },
      onError(context, id, _payload, errors) {
        openOperations.of(context).delete(id);
        const formatted = formatErrors(errors, operationLogs.of(context, id).logger);
        operationLogs.forget(context, id);
        return formatted;
      },
      onNext(context, id, _payload, _args, result) {
        if (!result.errors) return;
        return { ...result, errors: formatErrors(result.errors, operationLogs.of(context, id).logger) };
      },
      onComplete(context, id) {
        openOperations.of(context).delete(id);
        operationLogs.forget(context, id);
      },
    },
    webSocketServer,
  );
  // graphql-ws answers a socket's error with console.error("Internal error emitted on a
  // WebSocket socket. Please check your implementation.") and a close 1011. The common one
  // is not the server's fault: a message over maxPayload, which ws has already closed with
  // 1009. Registered after useServer's listener, so it replaces it: one log line that
  // names the limit.
  webSocketServer.on("connection", (socket) => {
    socket.removeAllListeners("error");
    socket.on("error", (error: Error & { code?: string }) => {
      if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        logger.warn(
          { maxBodyBytes: config.limits.maxBodyBytes },
          `a WebSocket message larger than THREADBENCH_MAX_BODY_BYTES (${config.limits.maxBodyBytes} bytes) closed its connection (1009)`,
        );
        return;
      }
      logger.warn({ err: error }, "a WebSocket connection failed; it is closed");
      if (socket.readyState === socket.OPEN) socket.close(1011, "Internal server error");
    });
  });

  await apollo.start();

  httpServer.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const started = process.hrtime.bigint();
    const header = request.headers["x-request-id"];
    const requestId = typeof header === "string" && requestIdPattern.test(header) ? header : randomUUID();
    const requestLogger = logger.child({ requestId });
    response.setHeader("x-request-id", requestId);
    response.on("finish", () => {
      requestLogger.info(
        {
          method: request.method,
          // Token-like values never reach the log (tokens in URLs are refused below).
          url: redactUrl(request.url),
          status: response.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        },
        "request",
      );
    });

    const origin = request.headers.origin;
    if (origin && isOriginAllowed(origin, config.corsOrigins, request.headers.host)) {
      response.setHeader("access-control-allow-origin", origin);
      response.setHeader("vary", "Origin");
      response.setHeader(
        "access-control-allow-headers",
        "content-type, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id",
      );
      response.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
      response.setHeader("access-control-expose-headers", "x-request-id");
      response.setHeader("access-control-max-age", "600");
    }
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "http://localhost");
    } catch {
      sendJson(response, 400, {
        errors: [{ message: "the request URL cannot be parsed", extensions: { code: "BAD_REQUEST" } }],
      });
      return;
    }
    const refusal = refuseRequest(request, url, { origins: config.corsOrigins });
    if (refusal) {
      response.statusCode = refusal.status;
      response.setHeader("content-type", "application/json; charset=utf-8");
      response.end(refusalBody(refusal));
      return;
    }
    if (url.pathname === "/healthz") {
      sendJson(response, 200, { status: "ok" });
      return;
    }
    if (url.pathname !== graphqlPath) {
      sendJson(response, 404, {
        errors: [{ message: `not found; the API is at ${graphqlPath}`, extensions: { code: "NOT_FOUND" } }],
      });
      return;
    }
    if (request.method === "OPTIONS") {
      response.statusCode = 204;
      response.end();
      return;
    }
    const handle = async () => {
      let body: unknown;
      try {
        const text = await readBody(request, config.limits.maxBodyBytes);
        const contentType = request.headers["content-type"] ?? "";
        body =
          contentType.includes("application/json") && text.length > 0 ? JSON.parse(text) : text || undefined;
      } catch (error) {
        if (error instanceof PayloadTooLargeError) {
          // The rest of the body is not read, so the connection cannot carry another
          // request: say so, or a client reusing it gets ECONNRESET on its next request.
          response.setHeader("connection", "close");
          sendJson(response, 413, {
            errors: [
              {
                message: `the request body is larger than allowed (at most ${config.limits.maxBodyBytes} bytes)`,
                extensions: { code: "PAYLOAD_TOO_LARGE", limit: "body", maximum: config.limits.maxBodyBytes },
              },
            ],
          });
          request.resume();
          return;
        }
        sendJson(response, 400, {
          errors: [{ message: "the request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }],
        });
        return;
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
      }
      const caller = await verifier.identify(headers.get("authorization"));
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: (request.method ?? "GET").toUpperCase(),
          headers,
          search: url.search,
          body,
        },
        context: async () => createContext(services, { caller, logger: requestLogger, requestId }),
      });
      for (const [key, value] of result.headers) response.setHeader(key, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === "complete") {
        response.end(result.body.string);
        return;
      }
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    };
    // In the request's scope: errors formatted below are logged with its request id.
    void requestScope.run({ logger: requestLogger }, handle).catch((error: unknown) => {
      requestLogger.error({ err: error }, "request failed outside GraphQL");
      if (!response.headersSent)
        sendJson(response, 500, {
          errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
        });
      else response.end();
    });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await webSocketHandle.dispose();
    await apollo.stop();
    await relay?.close();
    if (!options.database) await database.close();
    sqliteLock?.release();
    const listenProblem = listenErrorMessage(error as NodeJS.ErrnoException, config);
    if (listenProblem) throw new ConfigurationError(listenProblem);
    throw error;
  }
  const address = httpServer.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host === "0.0.0.0" || host === "[::]" ? "localhost" : host}:${address.port}${graphqlPath}`;

  // Recover and continue the queue only once the server answers.
  await queue.start();
  logger.info({ url, provider: database.provider }, "threadbench API listening");

  let closing: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    database,
    queue,
    logger,
    close() {
      closing ??= (async () => {
        // WebSocket clients first: no new connections, open ones get close code 1001
        // (going away) and their subscriptions complete.
        upgrades.stopAccepting();
        await boundedStep(logger, "WebSocket clients", Promise.resolve(webSocketHandle.dispose()));
        // Then, together: the queue stops sweeping (agents own their runs and carry on),
        // and HTTP stops accepting while requests in flight finish (Apollo's drain).
        await Promise.all([
          boundedStep(
            logger,
            "run queue and regression checks",
            queue.close().then(() => regressionChecks.close()),
          ),
          boundedStep(logger, "HTTP requests in flight", apollo.stop()),
        ]);
        if (relay) await boundedStep(logger, "PostgreSQL event relay", relay.close());
        if (!options.database) await boundedStep(logger, "database connections", database.close());
        sqliteLock?.release();
      })();
      return closing;
    },
  };
}

/** What to tell the operator when listening on HOST:PORT failed for a reason of theirs; null otherwise. */
function listenErrorMessage(error: NodeJS.ErrnoException, config: ServerConfig): string | null {
  const allowedHosts =
    "allowed: an address or host name of this machine, e.g. 127.0.0.1, 0.0.0.0 or localhost";
  switch (error.code) {
    case "EADDRINUSE":
      return `port ${config.port} on ${config.host} is already in use (another threadbench API?): stop that process, or set PORT to a free port (PORT=0 picks one)`;
    case "EACCES":
      return `PORT=${config.port} on ${config.host} may not be listened on by this user (ports below 1024 need privileges): set PORT to 1024-65535, or 0 for any free port`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
      return `HOST="${config.host}" is not an address, and no host of that name was found (${error.code}); ${allowedHosts}`;
    case "EADDRNOTAVAIL":
      return `HOST="${config.host}" is not an address of this machine (EADDRNOTAVAIL); ${allowedHosts}`;
    default:
      return null;
  }
}

/**
 * How long one shutdown step may take before close() goes on without it. Every step is
 * bounded by its own library (ws closes a socket after 30 s, Apollo's drain after 10 s)
 * except the ones that wait on the database (a pending regression check, pg's pool.end()
 * waiting for a checked-out client): under heavy load one of those once kept close()
 * waiting past two minutes on PostgreSQL. A shutdown must end; the step is named in the log.
 */
const closeStepGraceMs = 20_000;

async function boundedStep(logger: Logger, step: string, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timed out">((resolve) => {
    timer = setTimeout(() => resolve("timed out"), closeStepGraceMs);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([work.then(() => "done" as const), timedOut]);
    if (outcome === "timed out") {
      logger.warn(
        { step, graceMs: closeStepGraceMs },
        "a shutdown step did not finish in time; closing without it",
      );
    }
  } finally {
    clearTimeout(timer);
  }
}
