import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type BetterSqlite3 from "better-sqlite3";
import { PrismaClient as PostgresPrismaClient } from "../generated/prisma-postgresql/client.js";
import { Prisma, PrismaClient as SqlitePrismaClient } from "../generated/prisma-sqlite/client.js";
import { type DatabaseProvider, type DatabaseTarget, resolveDatabaseUrl } from "./database-url.js";
import { applyMigrations, type MigrationReport } from "./migrate.js";

/**
 * The Prisma client we program against. Both generated clients come from the same
 * models (prisma/sync-schemas.mjs), so the PostgreSQL client is used through the SQLite
 * client's type: the common subset of both. Provider-only features (e.g. `mode:
 * "insensitive"`, `skipDuplicates`) are therefore not available, on purpose.
 */
export type PrismaDatabaseClient = SqlitePrismaClient;
/** The client inside `$transaction(async (tx) => ...)`. */
export type TransactionClient = Prisma.TransactionClient;
export { Prisma };

/** An open database: the Prisma client, which provider it talks to, and how to close it. */
export interface Database {
  prisma: PrismaDatabaseClient;
  provider: DatabaseProvider;
  target: DatabaseTarget;
  /** What `openDatabase` applied on the way in (empty when `migrate: false`). */
  migrations: MigrationReport;
  /**
   * SQLite only: the better-sqlite3 connection under the Prisma client (the adapter
   * holds exactly one). Statements on it inside `writeTransaction` belong to that
   * transaction; bulk sample inserts use it, because Prisma's per-parameter overhead
   * makes `createMany` about ten times slower than a prepared statement.
   */
  sqliteConnection?: () => BetterSqlite3.Database;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Apply pending migrations first (default true: every process start migrates). */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

/** How long a SQLite writer waits for another process's write lock, in milliseconds. */
export const sqliteBusyTimeoutMs = 5_000;

/**
 * Opens the database named by `url` (default: DATABASE_URL, see `resolveDatabaseUrl`),
 * applies pending migrations, and returns a Prisma client with the right driver adapter.
 * SQLite runs in WAL mode with foreign keys on and a busy timeout; dates are stored as
 * Unix milliseconds (what Prisma's Rust engine wrote, and compact to index).
 */
export async function openDatabase(url?: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = resolveDatabaseUrl(url);
  if (target.provider === "sqlite") mkdirSync(dirname(target.filePath), { recursive: true });
  const migrations =
    options.migrate === false ? { applied: [], alreadyApplied: [] } : await applyMigrations(target);

  if (target.provider === "sqlite") {
    const factory = new PrismaBetterSQLite3(
      { url: target.filePath, timeout: sqliteBusyTimeoutMs },
      { timestampFormat: "unixepoch-ms" },
    );
    // Keep hold of the connection the adapter opens (its `client`) for bulk inserts.
    let connection: BetterSqlite3.Database | undefined;
    const adapter = Object.assign(Object.create(factory) as PrismaBetterSQLite3, {
      async connect() {
        const opened = await factory.connect();
        connection = (opened as unknown as { client: BetterSqlite3.Database }).client;
        return opened;
      },
      connectToShadowDb: () => factory.connectToShadowDb(),
    });
    const prisma = new SqlitePrismaClient({ adapter });
    // Per-connection settings (the adapter holds exactly one connection). WAL itself is
    // persistent and was set by the migrator.
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
    await prisma.$queryRawUnsafe(`PRAGMA busy_timeout = ${sqliteBusyTimeoutMs}`);
    await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
    return {
      prisma,
      provider: "sqlite",
      target,
      migrations,
      sqliteConnection() {
        if (!connection) throw new Error("the SQLite connection is not open yet");
        return connection;
      },
      close: () => prisma.$disconnect(),
    };
  }

  const adapter = new PrismaPg({ connectionString: target.url, max: options.poolSize ?? 10 });
  const prisma = new PostgresPrismaClient({ adapter }) as unknown as PrismaDatabaseClient;
  return {
    prisma,
    provider: "postgresql",
    target,
    migrations,
    close: () => prisma.$disconnect(),
  };
}

const transactionOptions = { maxWait: 60_000, timeout: 300_000 } as const;

/**
 * Runs `work` in one transaction that is a writer from its first statement.
 *
 * SQLite's plain `BEGIN` (all the adapter issues) starts as a reader; a transaction that
 * reads and then writes fails at once with SQLITE_BUSY when another process wrote in
 * between, busy timeout or not. Taking the write lock first (a no-op DELETE) makes a
 * second writer wait on the busy timeout instead. Lock timeouts are retried a few times.
 * On PostgreSQL this is an ordinary READ COMMITTED transaction.
 */
export async function writeTransaction<T>(
  database: Pick<Database, "prisma" | "provider">,
  work: (tx: TransactionClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.prisma.$transaction(async (tx) => {
        if (database.provider === "sqlite") {
          await tx.$executeRawUnsafe(`DELETE FROM "MutedSeries" WHERE 0`);
        }
        return work(tx);
      }, transactionOptions);
    } catch (error) {
      if (attempt >= 5 || !isLockTimeout(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
    }
  }
}

function isLockTimeout(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String((error as { code?: unknown }).code)}` : "";
  return /SQLITE_BUSY|database is locked|P2034|P1008|SocketTimeout|write conflict|deadlock/i.test(text);
}

/** True when `error` is Prisma's unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return (
    (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") ||
    (error instanceof Error && /P2002|Unique constraint/i.test(error.message))
  );
}
