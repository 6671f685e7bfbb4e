/**
 * The API token, typed into the UI and kept for this browser session only: in
 * sessionStorage for the browser's own requests (sent as `Authorization: Bearer`, and
 * as the WebSocket's connection params), and in a same-site session cookie so the
 * dashboard's server components can query a private API on the user's behalf. It never
 * appears in a URL (URLs end up in logs and browser history).
 */
export const tokenStorageKey = "threadbench.apiToken";
export const tokenChangeEvent = "threadbench:tokenchange";
/** The cookie the dashboard's server reads (graphql/server.ts). */
export const tokenCookieName = "threadbench-token";

/** API tokens are 16-256 characters of this alphabet (the API's own rule). */
const tokenPattern = /^[A-Za-z0-9._~+/-]{16,256}$/;

/** A token read from a cookie, or "" when it cannot be one (never sent on). */
export function sanitizeToken(value: string | null | undefined): string {
  const token = (value ?? "").trim();
  return tokenPattern.test(token) ? token : "";
}

/**
 * The `document.cookie` assignment that stores (or, for "", deletes) the token: a
 * session cookie (no expiry: gone when the browser session ends), for every path,
 * never sent cross-site (SameSite=Strict), only over HTTPS when the page is.
 */
export function tokenCookie(token: string, secure: boolean): string {
  const attributes = `Path=/; SameSite=Strict${secure ? "; Secure" : ""}`;
  return token
    ? `${tokenCookieName}=${encodeURIComponent(token)}; ${attributes}`
    : `${tokenCookieName}=; Max-Age=0; ${attributes}`;
}

export function readToken(): string {
  try {
    const session = sessionStorage.getItem(tokenStorageKey);
    if (session !== null) return session;
    // Earlier versions kept the token in localStorage, beyond the session: move it.
    const legacy = localStorage.getItem(tokenStorageKey);
    if (legacy !== null) {
      localStorage.removeItem(tokenStorageKey);
      saveToken(legacy);
      return legacy.trim();
    }
    return "";
  } catch {
    return "";
  }
}

/** Keeps the token (as typed, trimmed) for this session; "" forgets it. */
export function saveToken(value: string): void {
  const token = value.trim();
  try {
    if (token) sessionStorage.setItem(tokenStorageKey, token);
    else sessionStorage.removeItem(tokenStorageKey);
  } catch {
    // Storage unavailable: the cookie below still carries it for this session.
  }
  try {
    // biome-ignore lint/suspicious/noDocumentCookie: synchronous on purpose (the page is re-rendered on the server right after), built and escaped in one tested place (tokenCookie); the Cookie Store API is missing in some browsers still in use
    document.cookie = tokenCookie(token, window.location.protocol === "https:");
  } catch {
    // No document (not a browser): nothing to store.
  }
  window.dispatchEvent(new Event(tokenChangeEvent));
}

/** Connection params of the API's WebSocket: the token, when there is one. */
export function webSocketConnectionParams(): Record<string, string> {
  const token = readToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * The WebSocket URL the browser should use. An API configured as "localhost" is
 * only localhost for the dashboard's server; a browser on another machine reaches it
 * at the host it loaded the dashboard from.
 */
export function browserWebSocketUrl(configured: string, pageHostname: string): string {
  try {
    const url = new URL(configured);
    const local = ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"];
    if (local.includes(url.hostname) && !local.includes(pageHostname) && pageHostname) {
      url.hostname = pageHostname;
    }
    return url.toString();
  } catch {
    return configured;
  }
}
