import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type BetterSqlite3 from "better-sqlite3";
import { ConfigurationError } from "../errors.js";
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
  /** SQLite only: how its write-ahead log is kept bounded (see `WalMaintenance`). */
  wal?: WalMaintenance;
  close(): Promise<void>;
}

/** What one WAL checkpoint did. */
export interface WalCheckpointResult {
  /** False when it ran to the end and truncated the WAL file to zero bytes. */
  busy: boolean;
  /** Frames in the WAL before, and how many of them are now in the database file. */
  walFrames: number;
  checkpointedFrames: number;
  /** Size of the WAL file afterwards, bytes. */
  walBytes: number;
  /** Skipped: this connection was inside a transaction. */
  skipped: boolean;
}

/**
 * SQLite's write-ahead log grows while readers hold snapshots (another process reading
 * the file, a backup, `sqlite3` in a shell), and SQLite itself never shrinks the file:
 * its automatic checkpoints copy pages back but leave the WAL at its largest size. So
 * this process checkpoints with TRUNCATE on a schedule and after any write transaction
 * that left the WAL above a threshold, without waiting for anyone (busy timeout 0: what
 * readers still need stays in the WAL, and the next checkpoint takes it), and sets
 * `journal_size_limit` so that SQLite truncates the WAL whenever it restarts it.
 */
export interface WalMaintenance {
  /** The WAL file (`<database>-wal`). */
  readonly walPath: string;
  /** Checkpoints run so far (scheduled, after large writes, and by `checkpoint()`). */
  readonly checkpoints: number;
  /** The last checkpoint's result, or null before the first. */
  readonly lastCheckpoint: WalCheckpointResult | null;
  /** Checkpoints now (TRUNCATE, never waiting on readers or writers). */
  checkpoint(): WalCheckpointResult;
  /** Checkpoints when the WAL grew above the threshold: called after every write transaction. */
  afterWrite(): void;
}

export interface WalOptions {
  /** Least time between two scheduled checkpoints, ms (default 30 s; 0: no schedule). */
  checkpointIntervalMs?: number;
  /** After a write transaction, checkpoint when the WAL is larger than this (default 16 MiB). */
  checkpointAboveBytes?: number;
  /** Told when a scheduled checkpoint fails (default: a process warning). */
  onError?: (error: unknown) => void;
}

/** Defaults of `WalOptions`: a WAL of a few writes' size, checkpointed twice a minute. */
export const walDefaults = { checkpointIntervalMs: 30_000, checkpointAboveBytes: 16 * 1024 * 1024 } as const;

export interface OpenDatabaseOptions {
  /** Apply pending migrations first (default true: every process start migrates). */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** SQLite: WAL checkpointing (see `WalMaintenance`). */
  wal?: WalOptions;
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
  if (target.provider === "sqlite") {
    try {
      mkdirSync(dirname(target.filePath), { recursive: true });
    } catch (error) {
      throw new ConfigurationError(
        `DATABASE_URL names the SQLite file ${target.filePath}, whose directory cannot be created (${(error as Error).message}); allowed: a file in a directory that exists or can be created (file:PATH), or postgres://...`,
      );
    }
  }
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
    const sqliteConnection = () => {
      if (!connection) throw new Error("the SQLite connection is not open yet");
      return connection;
    };
    const wal = createWalMaintenance(sqliteConnection, `${target.filePath}-wal`, options.wal);
    return {
      prisma,
      provider: "sqlite",
      target,
      migrations,
      sqliteConnection,
      wal,
      close: async () => {
        wal.stop();
        // Leave no WAL behind for the next process (or a copy of the file) to replay.
        if (connection?.open) wal.checkpointReportingErrors();
        await prisma.$disconnect();
      },
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

function createWalMaintenance(
  connection: () => BetterSqlite3.Database,
  walPath: string,
  options: WalOptions = {},
): WalMaintenance & { stop(): void; checkpointReportingErrors(): void } {
  const intervalMs = options.checkpointIntervalMs ?? walDefaults.checkpointIntervalMs;
  const aboveBytes = options.checkpointAboveBytes ?? walDefaults.checkpointAboveBytes;
  const onError =
    options.onError ??
    ((error: unknown) => process.emitWarning(`SQLite WAL checkpoint failed: ${String(error)}`));
  const walBytes = () => {
    try {
      return statSync(walPath).size;
    } catch {
      return 0;
    }
  };
  connection().pragma(`journal_size_limit = ${aboveBytes}`);
  let checkpoints = 0;
  let lastCheckpoint: WalCheckpointResult | null = null;
  const checkpoint = (): WalCheckpointResult => {
    const database = connection();
    // A checkpoint cannot run inside this connection's own open transaction.
    if (database.inTransaction) {
      return { busy: true, walFrames: 0, checkpointedFrames: 0, walBytes: walBytes(), skipped: true };
    }
    // Busy timeout 0: never stall the event loop waiting for a reader or another writer;
    // what cannot be checkpointed now is left for the next checkpoint.
    database.pragma("busy_timeout = 0");
    // The adapter's connection reads integers as BigInt: convert.
    type Row = { busy: number | bigint; log: number | bigint; checkpointed: number | bigint };
    let row: Row | undefined;
    try {
      [row] = database.pragma("wal_checkpoint(TRUNCATE)") as Row[];
    } finally {
      database.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`);
    }
    checkpoints++;
    lastCheckpoint = {
      busy: Number(row?.busy ?? 1) !== 0,
      walFrames: Math.max(0, Number(row?.log ?? 0)),
      checkpointedFrames: Math.max(0, Number(row?.checkpointed ?? 0)),
      walBytes: walBytes(),
      skipped: false,
    };
    return lastCheckpoint;
  };
  const checkpointReportingErrors = () => {
    try {
      checkpoint();
    } catch (error) {
      onError(error);
    }
  };
  const timer = intervalMs > 0 ? setInterval(checkpointReportingErrors, intervalMs) : null;
  // The schedule never keeps a process (a CLI command) alive.
  timer?.unref();
  return {
    walPath,
    get checkpoints() {
      return checkpoints;
    },
    get lastCheckpoint() {
      return lastCheckpoint;
    },
    checkpoint,
    checkpointReportingErrors,
    stop: () => {
      if (timer) clearInterval(timer);
    },
    afterWrite: () => {
      if (walBytes() > aboveBytes) checkpointReportingErrors();
    },
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
  database: Pick<Database, "prisma" | "provider" | "wal">,
  work: (tx: TransactionClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await database.prisma.$transaction(async (tx) => {
        if (database.provider === "sqlite") {
          await tx.$executeRawUnsafe(`DELETE FROM "MutedSeries" WHERE 0`);
        }
        return work(tx);
      }, transactionOptions);
      // A large write (an ingest of many samples) grew the WAL: checkpoint it now.
      database.wal?.afterWrite();
      return result;
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
