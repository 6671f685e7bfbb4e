/**
 * Queries from server components, straight to the API. Every call opts the page
 * into request-time rendering: pages must show the data as it is now and must never
 * be prerendered at build time (the API need not be running during `next build`).
 */
import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import { connection } from "next/server";
import { ApiError, executeOperation } from "./execute";

export const defaultApiUrl = "http://localhost:4000/graphql";

/** Where server components and the /graphql proxy reach the API. */
export function apiUrl(): string {
  return process.env.THREADBENCH_API_URL || defaultApiUrl;
}

/**
 * The API's WebSocket URL as the browser should use it: THREADBENCH_PUBLIC_API_URL
 * when set (the API as seen from users' browsers), else derived from the API URL.
 */
export function publicWebSocketUrl(): string {
  const base = process.env.THREADBENCH_PUBLIC_API_URL || apiUrl();
  return base.replace(/^http(s?):/, "ws$1:");
}

export type QueryResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** Runs a query; failures come back as values so a page can render them in place. */
export async function serverQuery<TResult, TVariables>(
  document: DocumentTypeDecoration<TResult, TVariables> & { toString(): string },
  variables: TVariables,
): Promise<QueryResult<TResult>> {
  await connection();
  try {
    const data = await executeOperation(apiUrl(), document, variables, { init: { cache: "no-store" } });
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
