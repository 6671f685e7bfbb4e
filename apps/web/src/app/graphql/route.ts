/**
 * Same-origin proxy for the browser's queries and mutations, so the dashboard needs
 * no CORS setup and the API URL is configured once, at run time, on the server.
 * (Subscriptions go to the API directly over WebSocket.)
 *
 * It forwards only what the dashboard's own pages send: a POST from the dashboard's
 * origin with a JSON body. Anything else is refused here, so the proxy never turns a
 * cross-site request into one the API would trust (the API's CSRF prevention relies on
 * the content type a browser cannot send cross-site without a preflight).
 */
import { ApiError } from "../../graphql/execute";
import { apiUrl } from "../../graphql/server";

export const dynamic = "force-dynamic";

function refuse(status: number, code: string, message: string): Response {
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status });
}

/**
 * The host the browser addressed: behind a reverse proxy the forwarded host, else Host.
 * A browser cannot set either for a cross-site request, so an Origin naming another
 * host is another site's page.
 */
function requestHost(request: Request): string | null {
  const forwarded = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("host");
}

/** Null when the request may be forwarded; the refusal otherwise. */
export function refuseProxyRequest(request: Request): Response | null {
  const origin = request.headers.get("origin");
  if (origin !== null) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = null;
    }
    if (originHost === null || originHost !== requestHost(request)) {
      return refuse(
        403,
        "FORBIDDEN",
        `The dashboard's /graphql proxy serves the dashboard's own pages only; requests from ${JSON.stringify(origin)} are not forwarded.`,
      );
    }
  }
  const contentType = request.headers.get("content-type");
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    return refuse(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `The dashboard's /graphql proxy forwards JSON only (content-type: application/json); got ${contentType === null ? "no content type" : JSON.stringify(contentType)}.`,
    );
  }
  return null;
}

/**
 * The largest body forwarded: the API's default THREADBENCH_MAX_BODY_BYTES. The dashboard's
 * own pages send a few kilobytes at most; the bound keeps one request from making the
 * dashboard's server hold (and copy, blocking its event loop) any size of body.
 */
export const maxProxyBodyBytes = 1_048_576;

function tooLarge(): Response {
  return refuse(
    413,
    "PAYLOAD_TOO_LARGE",
    `The dashboard's /graphql proxy forwards request bodies of at most ${maxProxyBodyBytes} bytes; this one is larger.`,
  );
}

/** The body as text, or null as soon as it passes maxProxyBodyBytes (the rest is never read). */
async function readLimitedBody(request: Request): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxProxyBodyBytes) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxProxyBodyBytes) {
      await reader.cancel();
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

export async function POST(request: Request): Promise<Response> {
  const refusal = refuseProxyRequest(request);
  if (refusal) return refusal;
  const headers: Record<string, string> = {
    // The request's own content type (checked above): never one the browser did not send.
    "content-type": request.headers.get("content-type") as string,
    accept: request.headers.get("accept") ?? "application/json",
  };
  const authorization = request.headers.get("authorization");
  if (authorization) headers.authorization = authorization;
  const requestId = request.headers.get("x-request-id");
  if (requestId) headers["x-request-id"] = requestId;
  const body = await readLimitedBody(request);
  if (body === null) return tooLarge();
  let target: string;
  try {
    target = apiUrl();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refuse(500, error.code, error.message);
  }
  try {
    const upstream = await fetch(target, {
      method: "POST",
      headers,
      body,
      cache: "no-store",
    });
    return new Response(upstream.body, {
      status: upstream.status,
      headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
    });
  } catch (error) {
    // Where the API is expected is for the operator, not for whoever asked.
    console.error(`[threadbench web] the API at ${target} is not reachable:`, error);
    return refuse(
      502,
      "API_UNREACHABLE",
      "The threadbench API is not reachable from the dashboard server. Start it, or check THREADBENCH_API_URL (its server log names the address it tried).",
    );
  }
}

/** 405 saying what the proxy takes, instead of Next's empty 405 page. */
function methodNotAllowed(request: Request): Response {
  const response = refuse(
    405,
    "METHOD_NOT_ALLOWED",
    `The dashboard's /graphql proxy takes POST only (a JSON body, content-type: application/json), as the dashboard's pages send it; got ${request.method}. The API itself is at the dashboard server's THREADBENCH_API_URL.`,
  );
  response.headers.set("allow", "POST");
  return response;
}

/** A person opening /graphql in a browser, or a script trying a GET query. */
export function GET(request: Request): Response {
  return methodNotAllowed(request);
}
