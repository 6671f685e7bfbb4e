/**
 * Queries from server components, straight to the API. Every call opts the page
 * into request-time rendering: pages must show the data as it is now and must never
 * be prerendered at build time (the API need not be running during `next build`).
 */
import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import { cookies } from "next/headers";
import { connection } from "next/server";
import { apiUrlAllowed, parseApiUrl, parsePublicApiUrl, warnOnce } from "../lib/server-config";
import { sanitizeToken, tokenCookieName } from "../lib/token";
import { ApiError, executeOperation } from "./execute";

export const defaultApiUrl = "http://localhost:4000/graphql";

/**
 * Where server components and the /graphql proxy reach the API. A value that is not an
 * http(s) URL throws an ApiError naming THREADBENCH_API_URL (fetch would fail with
 * "not reachable", sending the operator to start an API that is running); the value
 * itself goes to the server's log only.
 */
export function apiUrl(): string {
  const raw = process.env.THREADBENCH_API_URL || defaultApiUrl;
  const url = parseApiUrl(raw);
  if (url) return url;
  warnOnce(
    `[threadbench web] THREADBENCH_API_URL is not usable: allowed: ${apiUrlAllowed}; got ${JSON.stringify(raw)}`,
  );
  throw new ApiError(
    "MISCONFIGURED",
    `The dashboard's THREADBENCH_API_URL is not usable (allowed: ${apiUrlAllowed}); the dashboard server's log shows the value it has.`,
  );
}

/**
 * The API's WebSocket URL as the browser should use it: THREADBENCH_PUBLIC_API_URL
 * when set (the API as seen from users' browsers), else derived from the API URL.
 * A public URL that is not http(s) or ws(s) is ignored with a warning.
 */
export function publicWebSocketUrl(): string {
  const raw = process.env.THREADBENCH_PUBLIC_API_URL?.trim();
  let base = raw ? parsePublicApiUrl(raw) : null;
  if (raw && !base) {
    warnOnce(
      `[threadbench web] THREADBENCH_PUBLIC_API_URL is ignored (the WebSocket URL is derived from THREADBENCH_API_URL): allowed: an http(s) or ws(s) URL of the API as browsers reach it, e.g. https://bench.example.com/graphql; got ${JSON.stringify(raw)}`,
    );
  }
  base ??= parseApiUrl(process.env.THREADBENCH_API_URL || defaultApiUrl) ?? defaultApiUrl;
  return base.replace(/^http(s?):/, "ws$1:");
}

export type QueryResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/**
 * The token of the person viewing the page: the session cookie the token field sets
 * (lib/token.ts). Needed when the API is private (THREADBENCH_PRIVATE); sent to the API
 * only, never rendered. A cookie, not a URL parameter: URLs end up in logs and history.
 */
async function viewerToken(): Promise<string | null> {
  const cookie = (await cookies()).get(tokenCookieName)?.value;
  if (!cookie) return null;
  let value = "";
  try {
    value = decodeURIComponent(cookie);
  } catch {
    return null;
  }
  return sanitizeToken(value) || null;
}

/** Runs a query; failures come back as values so a page can render them in place. */
export async function serverQuery<TResult, TVariables>(
  document: DocumentTypeDecoration<TResult, TVariables> & { toString(): string },
  variables: TVariables,
): Promise<QueryResult<TResult>> {
  await connection();
  try {
    const data = await executeOperation(apiUrl(), document, variables, {
      token: await viewerToken(),
      init: { cache: "no-store" },
    });
    return { ok: true, data };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error };
    console.error("[threadbench web] unexpected error querying the API", error);
    return {
      ok: false,
      error: new ApiError(
        "INTERNAL",
        "The dashboard failed to query the API; its server log has the details.",
      ),
    };
  }
}
