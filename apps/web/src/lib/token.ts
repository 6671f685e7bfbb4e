/**
 * The API token for writes, typed into the UI and kept in this browser's
 * localStorage (never sent anywhere but the API, never rendered on the server).
 */
export const tokenStorageKey = "threadbench.apiToken";
export const tokenChangeEvent = "threadbench:tokenchange";

export function readToken(): string {
  try {
    return localStorage.getItem(tokenStorageKey) ?? "";
  } catch {
    return "";
  }
}

export function saveToken(token: string): void {
  try {
    if (token) localStorage.setItem(tokenStorageKey, token);
    else localStorage.removeItem(tokenStorageKey);
  } catch {
    // Storage unavailable (private mode): the token lives in the form only.
  }
  window.dispatchEvent(new Event(tokenChangeEvent));
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
