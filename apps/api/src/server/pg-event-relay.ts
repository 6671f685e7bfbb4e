import { randomUUID } from "node:crypto";
import pgListen, { type Subscriber } from "pg-listen";
import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import { requireRegression } from "../db/regression-repository.js";
import type { BusMessage, RunEventBus } from "../services/events.js";

/**
 * The wire form of a bus message. Regressions travel by id (NOTIFY payloads are at most
 * 8,000 bytes, and the receiver reads the stored row, dates and all); dates as ISO text.
 */
type WireMessage =
  | {
      origin: string;
      type: "event";
      event: Omit<Extract<BusMessage, { type: "event" }>["event"], "at"> & { at: string };
    }
  | { origin: string; type: "progress"; update: Extract<BusMessage, { type: "progress" }>["update"] }
  | { origin: string; type: "regression"; regressionId: string; at: string }
  | { origin: string; type: "agent-signal"; signal: Extract<BusMessage, { type: "agent-signal" }>["signal"] };

export const eventChannel = "threadbench_events";

// pg-listen is CommonJS with `exports.default`; under NodeNext its default import is the
// module object, whose `default` is the factory (its index.js also makes the module
// callable, but the types do not say so).
const createPostgresSubscriber = pgListen.default;

/** NOTIFY's payload limit is 8,000 bytes; stay below it with room for the channel name. */
const maxPayloadBytes = 7_900;

export interface PgEventRelay {
  close(): Promise<void>;
}

/**
 * Carries the event bus across API processes on one PostgreSQL database with
 * LISTEN/NOTIFY, through pg-listen (a maintained wrapper of node-postgres that keeps one
 * listening connection, reconnects with backoff and re-LISTENs, and checks the connection
 * periodically). Every process publishes to the one channel and skips its own messages,
 * which it already delivered locally. NOTIFY is delivered at commit and only to live
 * listeners: messages sent while a process is reconnecting are lost to it, so nothing
 * depends on them alone (agents also poll for work; run pages read the stored state).
 */
export async function startPgEventRelay(options: {
  url: string;
  events: RunEventBus;
  database: Database;
  logger: Logger;
}): Promise<PgEventRelay> {
  const { events, database, logger } = options;
  const origin = randomUUID();
  const subscriber: Subscriber = createPostgresSubscriber(
    { connectionString: options.url },
    {
      paranoidChecking: 10_000,
      retryLimit: Number.POSITIVE_INFINITY,
      retryTimeout: Number.MAX_SAFE_INTEGER,
      retryInterval: (attempt: number) => Math.min(5_000, 100 * 2 ** attempt),
    },
  );
  subscriber.events.on("error", (error) => logger.error({ err: error }, "the PostgreSQL event relay failed"));
  subscriber.events.on("reconnect", (attempt) =>
    logger.warn(
      { attempt },
      "the PostgreSQL event relay is reconnecting; events of other API processes are missed meanwhile",
    ),
  );
  subscriber.notifications.on(eventChannel, (payload: WireMessage) => {
    if (!payload || payload.origin === origin) return;
    void receive(payload).catch((error: unknown) =>
      logger.warn(
        { err: error, type: payload.type },
        "an event from another API process could not be delivered",
      ),
    );
  });
  const receive = async (message: WireMessage): Promise<void> => {
    switch (message.type) {
      case "event":
        return events.receive({ type: "event", event: { ...message.event, at: new Date(message.event.at) } });
      case "progress":
        return events.receive({ type: "progress", update: message.update });
      case "regression": {
        const regression = await requireRegression(database, message.regressionId);
        return events.receive({ type: "regression", regression, at: new Date(message.at) });
      }
      case "agent-signal":
        return events.receive({ type: "agent-signal", signal: message.signal });
      default: {
        const unknown: never = message;
        logger.warn({ message: unknown }, "unknown event from another API process");
      }
    }
  };
  await subscriber.connect();
  await subscriber.listenTo(eventChannel);

  let closed = false;
  events.setRelay({
    send(message) {
      if (closed) return;
      const wire = toWire(origin, message);
      if (Buffer.byteLength(JSON.stringify(wire)) > maxPayloadBytes) {
        logger.warn({ type: message.type }, "an event is too large to reach other API processes");
        return;
      }
      subscriber
        .notify(eventChannel, wire)
        .catch((error: unknown) =>
          logger.warn(
            { err: error, type: message.type },
            "an event could not be sent to other API processes",
          ),
        );
    },
  });
  return {
    async close() {
      closed = true;
      events.setRelay(null);
      await subscriber.close();
    },
  };
}

function toWire(origin: string, message: BusMessage): WireMessage {
  switch (message.type) {
    case "event": {
      // A regression-detected event is relayed as its regression (see publishRegression).
      const { regression: _regression, ...event } = message.event;
      return { origin, type: "event", event: { ...event, at: message.event.at.toISOString() } };
    }
    case "progress":
      return { origin, type: "progress", update: message.update };
    case "regression":
      return {
        origin,
        type: "regression",
        regressionId: message.regression.id,
        at: message.at.toISOString(),
      };
    case "agent-signal":
      return { origin, type: "agent-signal", signal: message.signal };
    default: {
      const unknown: never = message;
      throw new TypeError(`unknown bus message ${JSON.stringify(unknown)}`);
    }
  }
}
