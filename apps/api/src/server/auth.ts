import { createHash, timingSafeEqual } from "node:crypto";
import type { ConfiguredToken } from "./config.js";

/** Who is calling: a token's name, or nobody (reads only). */
export type Caller = { kind: "anonymous" } | { kind: "token"; name: string };

/** Checks bearer tokens against the configured ones without leaking timing. */
export interface TokenVerifier {
  /** The caller for an `Authorization` header value (or a connection param). */
  identify(authorization: string | undefined): Caller;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

export function createTokenVerifier(tokens: readonly ConfiguredToken[]): TokenVerifier {
  // Only digests are kept, so comparing is constant-time in the token's length too.
  const known = tokens.map((token) => ({ name: token.name, digest: digest(token.secret) }));
  return {
    identify(authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
      if (!match?.[1]) return { kind: "anonymous" };
      const presented = digest(match[1]);
      let found: string | undefined;
      for (const candidate of known) {
        // No early exit: every configured token is compared.
        if (timingSafeEqual(candidate.digest, presented)) found ??= candidate.name;
      }
      return found === undefined ? { kind: "anonymous" } : { kind: "token", name: found };
    },
  };
}
