import type { StoredRegression } from "../db/regression-repository.js";

/**
 * A regression as the webhook sends it: the stored regression, plus the old names of
 * `beforeValue` / `afterValue`, kept in payload version 1 for receivers written against
 * them (API.md, "Deprecations").
 */
export type WebhookRegression = StoredRegression & {
  /** @deprecated The old name of `beforeValue`. */
  baselineValue: number | null;
  /** @deprecated The old name of `afterValue`. */
  currentValue: number | null;
};

/** The JSON body POSTed for each new regression. */
export interface RegressionWebhookPayload {
  event: "regression.detected";
  /** Version of this payload's shape. */
  version: 1;
  regression: WebhookRegression;
  run: { id: string; commitSha: string | null; branch: string | null; workloadId: string } | null;
}

/** The regression of a webhook payload (both names of the levels around the change). */
export function webhookRegression(regression: StoredRegression): WebhookRegression {
  return { ...regression, baselineValue: regression.beforeValue, currentValue: regression.afterValue };
}

/** Options of {@link createWebhookNotifier}. */
export interface WebhookOptions {
  /** Where to POST (THREADBENCH_WEBHOOK_URL, validated by the caller's configuration). */
  url: string;
  /** Tries per delivery, the first included. Default 5. */
  attempts?: number;
  /** Wait before the second try; doubled before each further one (plus jitter). Default 500 ms. */
  initialDelayMs?: number;
  /** Abort one request after this long. Default 10 s. */
  requestTimeoutMs?: number;
  /** Called once per delivery that failed on every try (default: ignored). */
  onGiveUp?: (error: unknown, payload: RegressionWebhookPayload) => void;
}

/** Delivers webhook payloads in the background. */
export interface WebhookNotifier {
  /** Starts delivering one payload and returns at once; never throws, never rejects. */
  send(payload: RegressionWebhookPayload): void;
  /**
   * Waits until every delivery started so far has succeeded or given up, or until
   * `timeoutMs` passed (short-lived processes like the CLI call this before exiting).
   * Resolves to the number of deliveries still pending.
   */
  drain(timeoutMs?: number): Promise<number>;
}

/** Status codes worth another try: the receiver may be back in a moment. */
function retryable(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * A fire-and-forget webhook: each `send` POSTs JSON to the URL, retrying network errors,
 * timeouts and 408/425/429/5xx answers with exponential backoff; other 4xx answers are
 * final. Delivery never blocks or fails the caller (a run is stored before it notifies).
 * Backoff timers are unref'd, so a pending delivery does not keep a process alive on
 * its own: call `drain` where delivery should be awaited.
 */
export function createWebhookNotifier(options: WebhookOptions): WebhookNotifier {
  const url = new URL(options.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`options.url must be an http(s) URL, got "${options.url}"`);
  }
  const attempts = options.attempts ?? 5;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 20) {
    throw new TypeError(`options.attempts must be an integer from 1 to 20, got ${attempts}`);
  }
  const initialDelayMs = options.initialDelayMs ?? 500;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const pending = new Set<Promise<void>>();

  async function deliver(payload: RegressionWebhookPayload): Promise<void> {
    const body = JSON.stringify(payload);
    let lastError: unknown = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": "threadbench-webhook/1" },
          body,
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        // The body is not used; reading it frees the connection.
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        lastError = new Error(`webhook answered HTTP ${response.status}`);
        if (!retryable(response.status)) break;
      } catch (error) {
        lastError = error;
      }
      if (attempt < attempts) {
        const delay = initialDelayMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.2);
        await new Promise<void>((resolve) => setTimeout(resolve, delay).unref());
      }
    }
    try {
      options.onGiveUp?.(lastError, payload);
    } catch {
      // A failing report of a failed delivery must not escape a fire-and-forget call.
    }
  }

  return {
    send(payload) {
      const delivery = deliver(payload).catch(() => undefined);
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
    },
    async drain(timeoutMs = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...pending]), timeout]);
      clearTimeout(timer);
      return pending.size;
    },
  };
}
