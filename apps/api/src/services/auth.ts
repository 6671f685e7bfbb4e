import { createHash, timingSafeEqual } from "node:crypto";
import { type TokenScope, tokenScopes } from "@threadbench/core";
import type { Database } from "../db/client.js";
import { findActiveToken, recordTokenUse } from "../db/token-repository.js";
import { ForbiddenError, UnauthenticatedError } from "../errors.js";
import type { ConfiguredToken } from "./config.js";

export { type TokenScope, tokenScopes };

/**
 * Who is calling: a token (its name and scopes), or nobody. `rejected` says a token was
 * sent but not accepted (unknown or revoked), so the error can say so.
 */
export type Caller =
  | { kind: "anonymous"; rejected?: boolean }
  | { kind: "token"; name: string; scopes: ReadonlySet<TokenScope> };

/** Checks bearer tokens: the configured ones (constant time) and the stored, hashed ones. */
export interface TokenVerifier {
  /** The caller for an `Authorization` header value (or a connection param). */
  identify(authorization: string | undefined): Promise<Caller>;
}

export interface TokenVerifierOptions {
  /** Where stored tokens (`threadbench token create`) live; none: configured tokens only. */
  database?: Database;
  /**
   * Least time between two `lastUsedAt` writes of one token, milliseconds (default one
   * minute): last use is recorded to the minute, not with a write per request.
   */
  lastUseIntervalMs?: number;
  /** Told when recording a use failed (the request goes on: it was authenticated). */
  onLastUseError?: (error: unknown) => void;
}

const digest = (value: string) => createHash("sha256").update(value).digest();
const allScopes: ReadonlySet<TokenScope> = new Set(tokenScopes);

/** Whether a caller holds a scope; `admin` holds them all. */
export function hasScope(caller: Caller, scope: TokenScope): boolean {
  return caller.kind === "token" && (caller.scopes.has(scope) || caller.scopes.has("admin"));
}

function describeScopes(scopes: ReadonlySet<TokenScope>): string {
  return scopes.size === 0 ? "none" : tokenScopes.filter((scope) => scopes.has(scope)).join(", ");
}

/**
 * The one check every mutation resolver (and every other guarded field) makes: the
 * caller is a token holding `scope`. UNAUTHENTICATED without a (valid) token, FORBIDDEN
 * naming the scope needed otherwise. Returns the token's name (who did it).
 */
export function requireScope(context: { caller: Caller }, scope: TokenScope): string {
  const caller = context.caller;
  if (caller.kind !== "token") {
    throw new UnauthenticatedError(
      caller.rejected
        ? `the API token was not accepted (unknown or revoked); this operation needs a token with the "${scope}" scope`
        : `this operation needs an API token with the "${scope}" scope: send Authorization: Bearer <token>`,
    );
  }
  if (!hasScope(caller, scope)) {
    throw new ForbiddenError(
      `this operation needs a token with the "${scope}" scope; the token "${caller.name}" has: ${describeScopes(caller.scopes)}`,
    );
  }
  return caller.name;
}

/**
 * Root fields of queries and subscriptions that check their own scope even on a private
 * server (the agents' protocol: an `agent` token need not also hold `read`).
 */
export const selfGuardedRootFields: ReadonlySet<string> = new Set<string>(["agentSignals"]);

/**
 * What a private server (THREADBENCH_PRIVATE) asks of every query and subscription: a
 * token with `read`, unless every root field guards itself (see selfGuardedRootFields).
 * `rootFields` is null when the operation's root is not plain fields (fragments): then
 * `read` is needed.
 */
export function assertMayRead(caller: Caller, rootFields: readonly string[] | null): void {
  if (rootFields && rootFields.length > 0 && rootFields.every((field) => selfGuardedRootFields.has(field))) {
    return;
  }
  requireScope({ caller }, "read");
}

export function createTokenVerifier(
  tokens: readonly ConfiguredToken[],
  options: TokenVerifierOptions = {},
): TokenVerifier {
  // Only digests are kept, so comparing is constant-time in the token's length too.
  const known = tokens.map((token) => ({
    name: token.name,
    digest: digest(token.secret),
    scopes: token.scopes ? new Set(token.scopes) : allScopes,
  }));
  const lastUseIntervalMs = options.lastUseIntervalMs ?? 60_000;
  const lastWritten = new Map<string, number>();
  return {
    async identify(authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
      if (!match?.[1]) return { kind: "anonymous" };
      const secret = match[1];
      const presented = digest(secret);
      let found: (typeof known)[number] | undefined;
      for (const candidate of known) {
        // No early exit: every configured token is compared.
        if (timingSafeEqual(candidate.digest, presented)) found ??= candidate;
      }
      if (found) return { kind: "token", name: found.name, scopes: found.scopes };
      if (!options.database) return { kind: "anonymous", rejected: true };
      // Stored tokens are looked up by the sha256 of the secret (a unique index): the
      // database compares hashes, never secrets, so its timing reveals nothing useful.
      const stored = await findActiveToken(options.database, secret);
      if (!stored) return { kind: "anonymous", rejected: true };
      const now = Date.now();
      const previous = lastWritten.get(stored.id) ?? stored.lastUsedAt?.getTime() ?? 0;
      if (now - previous >= lastUseIntervalMs) {
        lastWritten.set(stored.id, now);
        await recordTokenUse(options.database, stored.id, new Date(now)).catch((error: unknown) =>
          options.onLastUseError?.(error),
        );
      }
      return { kind: "token", name: stored.name, scopes: new Set(stored.scopes) };
    },
  };
}
