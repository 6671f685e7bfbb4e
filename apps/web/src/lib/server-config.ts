/**
 * The dashboard's own settings, read on the server at request time (never baked into
 * the build). Server components pass what the browser needs down as props.
 */
import { parseCommitUrlTemplate } from "./commit-url";

/**
 * THREADBENCH_COMMIT_URL, e.g. https://github.com/acme/app/commit/{sha}; null when unset.
 * A value without {sha} or not http(s) is ignored with a warning, once.
 */
export function commitUrlTemplate(): string | null {
  const raw = process.env.THREADBENCH_COMMIT_URL;
  const template = parseCommitUrlTemplate(raw);
  if (raw?.trim() && !template) {
    warnOnce(
      `[threadbench web] THREADBENCH_COMMIT_URL is ignored: allowed: an http(s) URL containing {sha}, e.g. https://github.com/acme/app/commit/{sha}; got ${JSON.stringify(raw)}`,
    );
  }
  return template;
}

/** Messages about bad settings already logged: each once per server, not on every request. */
const warned = new Set<string>();

/** Logs a message about a bad setting the first time it comes up. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}

/** What THREADBENCH_API_URL may be, in the words of the messages that name it. */
export const apiUrlAllowed =
  "an http(s) URL of the API's GraphQL endpoint, e.g. http://localhost:4000/graphql";

/** THREADBENCH_API_URL (trimmed) when it is an http(s) URL; null otherwise. */
export function parseApiUrl(value: string): string | null {
  return urlWithProtocol(value, ["http:", "https:"]);
}

/**
 * THREADBENCH_PUBLIC_API_URL (trimmed) when it is an http(s) or ws(s) URL; null otherwise
 * (the dashboard then derives the WebSocket URL from THREADBENCH_API_URL, with a warning).
 */
export function parsePublicApiUrl(value: string): string | null {
  return urlWithProtocol(value, ["http:", "https:", "ws:", "wss:"]);
}

function urlWithProtocol(value: string, protocols: readonly string[]): string | null {
  const text = value.trim();
  try {
    return protocols.includes(new URL(text).protocol) ? text : null;
  } catch {
    return null;
  }
}
