/**
 * Tells a database that is down, restarting or locked from a failure of ours, so the
 * API can say "try again when the database is back" instead of a masked internal error.
 * Prisma reports these through its driver adapters (`meta.driverAdapterError.cause.kind`)
 * and its connection error codes (P1001, P1002, P1008, P1017, P2024). Both Prisma clients
 * (SQLite and PostgreSQL) are read by shape: their error classes come from separately
 * generated runtimes.
 */

import { sqliteBusyTimeoutMs } from "./client.js";

/** Prisma's codes of a database that cannot be reached or answered too late. */
const unavailableCodes = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);

/** Driver adapter error kinds of a database that is down or out of connections. */
const unavailableKinds = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);

/**
 * PostgreSQL SQLSTATEs of a server going away or not ready: class 08 (connection
 * exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now: starting up
 * or shutting down), 53300 (too many connections).
 */
const unavailableStates = /^(08...|57P0[123]|53300)$/;

/** SQLite's SQLITE_BUSY and its extended codes: another process holds the lock past the busy timeout. */
const sqliteBusyCodes = new Set([5, 261, 517]);

interface AdapterCause {
  kind?: unknown;
  code?: unknown;
  extendedCode?: unknown;
}

function adapterCause(error: object): AdapterCause | null {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta;
  const cause = meta?.driverAdapterError?.cause ?? (error as { cause?: AdapterCause }).cause;
  return cause && typeof cause === "object" ? cause : null;
}

/**
 * What a person should be told when `error` means the database is unavailable, or null
 * when it is any other failure. Never names the database's address: the log has it.
 */
export function databaseUnavailableMessage(error: unknown): string | null {
  if (!error || typeof error !== "object") return null;
  const name = (error as { name?: unknown }).name;
  const code = (error as { code?: unknown }).code;
  const cause = adapterCause(error);
  const kind = cause?.kind;
  const locked =
    (kind === "sqlite" && sqliteBusyCodes.has(Number(cause?.extendedCode))) ||
    code === "SQLITE_BUSY" ||
    (error instanceof Error && /database is locked/i.test(error.message));
  if (locked) {
    return `the database is locked by another process (the SQLite file stayed locked past the ${sqliteBusyTimeoutMs / 1000} s busy timeout): try again when that process is done`;
  }
  const down =
    name === "PrismaClientInitializationError" ||
    (typeof code === "string" && unavailableCodes.has(code)) ||
    (typeof kind === "string" && unavailableKinds.has(kind)) ||
    (kind === "postgres" && typeof cause?.code === "string" && unavailableStates.test(cause.code));
  if (down) {
    return "the database is not reachable (down, restarting or out of connections): the API is running and answers again once the database is back; try again in a moment";
  }
  return null;
}
