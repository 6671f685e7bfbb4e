import { createHash, randomBytes, randomUUID } from "node:crypto";
import { type TokenScope, tokenScopes } from "@threadbench/core";
import { ConflictError, NotFoundError, UserInputError } from "../errors.js";
import { type Database, isUniqueViolation } from "./client.js";

export { type TokenScope, tokenScopes };

/** A stored token as callers see it: never the secret, never its hash. */
export interface StoredToken {
  id: string;
  name: string;
  scopes: TokenScope[];
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Token names: what `requestedBy` and `statusChangedBy` record, so short and plain. */
export const tokenNamePattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Prefix of generated secrets: recognisable in a leaked log or a secret scanner, and
 * within the alphabet THREADBENCH_API_TOKENS accepts.
 */
const secretPrefix = "tb_";

/** sha256 (hex) of a secret: all the database ever holds. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Validates scope names, naming the field and the allowed values. */
export function parseScopes(values: readonly string[], path = "scopes"): TokenScope[] {
  const scopes = [...new Set(values.map((value) => value.trim().toLowerCase()).filter(Boolean))];
  if (scopes.length === 0) {
    throw new UserInputError([
      { path, message: `give at least one scope (allowed: ${tokenScopes.join(", ")})` },
    ]);
  }
  for (const scope of scopes) {
    if (!(tokenScopes as readonly string[]).includes(scope)) {
      throw new UserInputError([
        { path, message: `"${scope}" is not a scope (allowed: ${tokenScopes.join(", ")})` },
      ]);
    }
  }
  return tokenScopes.filter((scope) => scopes.includes(scope));
}

type TokenRow = {
  id: string;
  name: string;
  scopes: unknown;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

function toStoredToken(row: TokenRow): StoredToken {
  const stored = Array.isArray(row.scopes) ? (row.scopes as unknown[]) : [];
  return {
    id: row.id,
    name: row.name,
    // Unknown words (a scope removed in a later version) grant nothing.
    scopes: tokenScopes.filter((scope) => stored.includes(scope)),
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

const tokenSelect = {
  id: true,
  name: true,
  scopes: true,
  createdAt: true,
  createdBy: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export interface CreateTokenInput {
  name: string;
  scopes: readonly string[];
  createdBy?: string | null;
}

/**
 * Creates a token and returns its secret, the only time it exists in the clear: 32
 * random bytes (base64url) behind the "tb_" prefix. CONFLICT when the name is taken
 * (also by a revoked token: names stay unique so history stays readable).
 */
export async function createToken(
  database: Database,
  input: CreateTokenInput,
): Promise<{ token: StoredToken; secret: string }> {
  const name = input.name.trim();
  if (!tokenNamePattern.test(name)) {
    throw new UserInputError([
      {
        path: "name",
        message: `"${input.name}" is not allowed (allowed: 1 to 64 characters of A-Z a-z 0-9 . _ -)`,
      },
    ]);
  }
  const scopes = parseScopes(input.scopes);
  const secret = `${secretPrefix}${randomBytes(32).toString("base64url")}`;
  try {
    const row = await database.prisma.apiToken.create({
      data: {
        id: randomUUID(),
        name,
        secretHash: hashSecret(secret),
        scopes,
        createdAt: new Date(),
        createdBy: input.createdBy ?? null,
      },
      select: tokenSelect,
    });
    return { token: toStoredToken(row), secret };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(`a token named "${name}" already exists (names stay taken after revoking)`);
    }
    throw error;
  }
}

/** Every token, oldest first, revoked ones included. */
export async function listTokens(database: Database): Promise<StoredToken[]> {
  const rows = await database.prisma.apiToken.findMany({
    orderBy: [{ createdAt: "asc" }, { name: "asc" }],
    select: tokenSelect,
  });
  return rows.map(toStoredToken);
}

/**
 * Revokes a token by name: from now on it is refused. NOT_FOUND for an unknown name;
 * revoking twice keeps the first date.
 */
export async function revokeToken(database: Database, name: string): Promise<StoredToken> {
  const now = new Date();
  await database.prisma.apiToken.updateMany({ where: { name, revokedAt: null }, data: { revokedAt: now } });
  const row = await database.prisma.apiToken.findUnique({ where: { name }, select: tokenSelect });
  if (!row) throw new NotFoundError("token", name);
  return toStoredToken(row);
}

/** The live (not revoked) token whose secret this is, or null. One indexed lookup. */
export async function findActiveToken(database: Database, secret: string): Promise<StoredToken | null> {
  const row = await database.prisma.apiToken.findUnique({
    where: { secretHash: hashSecret(secret) },
    select: tokenSelect,
  });
  if (!row || row.revokedAt !== null) return null;
  return toStoredToken(row);
}

/** Records a use of the token (callers throttle: see services/auth.ts). */
export async function recordTokenUse(database: Database, id: string, at: Date): Promise<void> {
  await database.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { lastUsedAt: at } });
}
