import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { WebSocketServer } from "ws";

/*
 * What every HTTP request and WebSocket upgrade passes before GraphQL sees it: the
 * browser origin must be one the API serves (the dashboard's, or configured), and API
 * tokens must not travel in URLs. Also the redaction of URLs before they are logged.
 */

/** A refused request: HTTP status, `extensions.code` and a message naming what is allowed. */
export interface Refusal {
  status: number;
  code: "FORBIDDEN" | "BAD_REQUEST" | "NOT_FOUND" | "SERVICE_UNAVAILABLE";
  message: string;
}

/**
 * Whether a request with this `Origin` header may be served. No Origin: not a browser
 * (curl, CI, the dashboard's server, agents), which CSRF prevention and tokens cover. The
 * API's own origin (its Host) is always allowed: Apollo's landing page in development.
 */
export function isOriginAllowed(
  origin: string | undefined,
  allowed: readonly string[],
  host: string | undefined,
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes("*") || allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Query parameters that carry credentials by their name. */
const credentialParameter =
  /^(?:token|access[_-]?token|auth|authorization|bearer|api[_-]?key|apikey|secret|password)$/i;
/** A value that looks like a secret: 16+ characters of a token alphabet with letters and digits. */
const secretLikeValue = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9._~+/=-]{16,}$/;
const bearerValue = /^bearer\s/i;

/** The name of the first query parameter that carries a token, or null. */
export function tokenParameter(url: URL): string | null {
  for (const [name, value] of url.searchParams) {
    if (credentialParameter.test(name) || bearerValue.test(value)) return name;
  }
  return null;
}

/**
 * The request URL as it may be logged: values of credential parameters, `Bearer ...`
 * values and anything else that looks like a secret are replaced by "[redacted]".
 */
export function redactUrl(rawUrl: string | undefined): string {
  const raw = rawUrl ?? "/";
  const queryStart = raw.indexOf("?");
  if (queryStart < 0) return raw;
  let url: URL;
  try {
    url = new URL(raw, "http://localhost");
  } catch {
    return `${raw.slice(0, queryStart)}?[redacted]`;
  }
  const parts: string[] = [];
  for (const [name, value] of url.searchParams) {
    const secret = credentialParameter.test(name) || bearerValue.test(value) || secretLikeValue.test(value);
    parts.push(`${encodeURIComponent(name)}=${secret ? "[redacted]" : encodeURIComponent(value)}`);
  }
  return `${url.pathname}?${parts.join("&")}`;
}

export interface RequestGuardOptions {
  /** Browser origins allowed (config.corsOrigins). */
  origins: readonly string[];
  /** The variable that adds origins, named in refusals. */
  originVariable?: string;
}

/** Why a request (or WebSocket upgrade) is refused before GraphQL sees it, or null. */
export function refuseRequest(
  request: IncomingMessage,
  url: URL,
  options: RequestGuardOptions,
): Refusal | null {
  const parameter = tokenParameter(url);
  if (parameter !== null) {
    return {
      status: 400,
      code: "BAD_REQUEST",
      message: `API tokens are not accepted in the URL (query parameter "${parameter}"): URLs end up in logs and browser history. Send the header Authorization: Bearer <token> (over the WebSocket: connectionParams.authorization)`,
    };
  }
  const origin = request.headers.origin;
  if (!isOriginAllowed(origin, options.origins, request.headers.host)) {
    return {
      status: 403,
      code: "FORBIDDEN",
      message: `requests from the origin ${JSON.stringify(origin)} are not allowed (allowed: ${options.origins.join(", ") || "none"}; add origins with ${options.originVariable ?? "THREADBENCH_CORS_ORIGINS"})`,
    };
  }
  return null;
}

/** The JSON body of a refusal, shaped like a GraphQL error response. */
export function refusalBody(refusal: Refusal): string {
  return JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
}

const statusTexts: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  503: "Service Unavailable",
};

/** Answers a refused WebSocket upgrade with a plain HTTP response and closes the socket. */
export function refuseUpgrade(socket: Duplex, refusal: Refusal): void {
  // An upgrade's socket has no error listener of Node's any more: a reset must not crash.
  socket.on("error", () => socket.destroy());
  const body = refusalBody(refusal);
  socket.end(
    `HTTP/1.1 ${refusal.status} ${statusTexts[refusal.status] ?? "Error"}\r\n` +
      "Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * Hands the HTTP server's upgrades at `path` to `webSocketServer` once they pass the
 * same checks as HTTP requests (allowed origin, no token in the URL) and fewer than
 * `maxConnections` sockets are open; refuses the others with a plain HTTP answer, and
 * every upgrade once `stopAccepting()` was called.
 */
export function guardUpgrades(
  httpServer: Server,
  webSocketServer: WebSocketServer,
  options: { path: string; config: { corsOrigins: string[] }; maxConnections: number; logger: Logger },
): { stopAccepting(): void } {
  let accepting = true;
  httpServer.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = URL.canParse(request.url ?? "/", "http://localhost")
      ? new URL(request.url ?? "/", "http://localhost")
      : null;
    let refusal: Refusal | null;
    if (!accepting) {
      refusal = { status: 503, code: "SERVICE_UNAVAILABLE", message: "the API is shutting down" };
    } else if (url?.pathname !== options.path) {
      refusal = { status: 404, code: "NOT_FOUND", message: `not found; the API is at ${options.path}` };
    } else {
      refusal = refuseRequest(request, url, { origins: options.config.corsOrigins });
    }
    if (!refusal && webSocketServer.clients.size >= options.maxConnections) {
      refusal = {
        status: 503,
        code: "SERVICE_UNAVAILABLE",
        message: `the API already has ${webSocketServer.clients.size} WebSocket connections open; allowed: at most ${options.maxConnections} (THREADBENCH_MAX_WEBSOCKET_CONNECTIONS)`,
      };
    }
    if (refusal) {
      options.logger.warn(
        { url: redactUrl(request.url), origin: request.headers.origin, status: refusal.status },
        `WebSocket refused: ${refusal.message}`,
      );
      refuseUpgrade(socket, refusal);
      return;
    }
    webSocketServer.handleUpgrade(request, socket, head, (client) =>
      webSocketServer.emit("connection", client, request),
    );
  });
  return {
    stopAccepting() {
      accepting = false;
    },
  };
}
