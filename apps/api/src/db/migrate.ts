import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { ConfigurationError } from "../errors.js";
import type { DatabaseProvider, DatabaseTarget } from "./database-url.js";
import { redact } from "./database-url.js";
import { repoRoot } from "./repo-root.js";

/** One committed migration: `prisma/<provider>/migrations/<name>/migration.sql`. */
export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file, exactly as Prisma computes it. */
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

/** A migration history that cannot be applied safely; nothing was changed. */
export class MigrationError extends ConfigurationError {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

/** The committed migrations of a provider, in name (timestamp) order. */
export function migrationFiles(
  provider: DatabaseProvider,
  directory = join(repoRoot(), "prisma", provider, "migrations"),
): MigrationFile[] {
  if (!existsSync(directory)) {
    throw new MigrationError(`no migrations directory at ${directory}`);
  }
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(directory, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(directory, name, "migration.sql"));
      return {
        name,
        sql: bytes.toString("utf8"),
        checksum: createHash("sha256").update(bytes).digest("hex"),
      };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/**
 * Checks the recorded history against the files. Returns the migrations still to apply,
 * or throws when the database was changed in a way we must not paper over: an edited
 * migration, a failed one, or one this version does not know.
 */
function plan(files: MigrationFile[], rows: AppliedRow[]): { pending: MigrationFile[]; done: string[] } {
  const live = rows.filter((row) => row.rolled_back_at === null || row.rolled_back_at === undefined);
  const failed = live.find((row) => row.finished_at === null || row.finished_at === undefined);
  if (failed) {
    throw new MigrationError(
      `migration "${failed.migration_name}" is recorded as started but never finished in _prisma_migrations; ` +
        "fix the database by hand, then delete or roll back that row",
    );
  }
  const byName = new Map(live.map((row) => [row.migration_name, row]));
  const known = new Set(files.map((file) => file.name));
  const unknown = live.find((row) => !known.has(row.migration_name));
  if (unknown) {
    throw new MigrationError(
      `the database has migration "${unknown.migration_name}" that this version of threadbench does not have ` +
        "(it was migrated by a newer version): upgrade threadbench or use another database",
    );
  }
  const pending: MigrationFile[] = [];
  const done: string[] = [];
  for (const file of files) {
    const row = byName.get(file.name);
    if (!row) {
      pending.push(file);
      continue;
    }
    if (row.checksum !== file.checksum) {
      throw new MigrationError(
        `migration "${file.name}" was changed after it was applied (checksum ${row.checksum.slice(0, 12)}... in the database, ` +
          `${file.checksum.slice(0, 12)}... on disk): committed migrations must never be edited; add a new migration instead`,
      );
    }
    done.push(file.name);
  }
  return { pending, done };
}

const sqliteHistoryTable = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const postgresHistoryTable = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Any 64-bit number, the same in every threadbench process: "migrations in progress". */
const postgresLockKey = 0x7468_7265_6164n; // "thread"

/**
 * Applies the committed migrations that the database does not have yet, each in its own
 * transaction together with its `_prisma_migrations` row, so that a crash leaves either
 * the whole migration or none of it. Safe when several processes start at once: SQLite
 * serializes on `BEGIN IMMEDIATE` (waiting on the busy timeout), PostgreSQL on an
 * advisory lock. No Prisma CLI, no network.
 */
export async function applyMigrations(
  target: DatabaseTarget,
  files: MigrationFile[] = migrationFiles(target.provider),
): Promise<MigrationReport> {
  return target.provider === "sqlite"
    ? migrateSqlite(target.filePath, files)
    : migratePostgres(target.url, files);
}

/** What SQLite says of a DATABASE_URL file it cannot use, by its error code. */
const unusableSqliteFile: Record<string, string> = {
  SQLITE_CANTOPEN: "cannot be opened or created (a directory? a directory this user may not write to?)",
  SQLITE_NOTADB: "is not a SQLite database",
  SQLITE_READONLY: "is read-only",
  SQLITE_PERM: "may not be opened by this user",
};

/** Opens the file DATABASE_URL names; a file SQLite cannot use is a ConfigurationError naming it. */
function openSqliteFile(filePath: string): BetterSqlite3.Database {
  let database: BetterSqlite3.Database | undefined;
  try {
    database = new BetterSqlite3(filePath, { timeout: 15_000 });
    // WAL is a property of the file: set once here, every later connection inherits it.
    // Also the first read of the file: a file that is not a database fails here.
    database.pragma("journal_mode = WAL");
    return database;
  } catch (error) {
    database?.close();
    const code = (error as { code?: unknown }).code;
    // Extended codes (SQLITE_READONLY_DIRECTORY) mean what their base code means.
    const problem =
      typeof code === "string"
        ? (unusableSqliteFile[code] ?? unusableSqliteFile[code.replace(/_[A-Z]+$/, "")])
        : undefined;
    if (!problem) throw error;
    throw new ConfigurationError(
      `DATABASE_URL names the SQLite file ${filePath}, which ${problem} (SQLite: ${error instanceof Error ? error.message : String(error)}); allowed: a threadbench SQLite file, or a new file in a writable directory (file:PATH), or postgres://...`,
    );
  }
}

function migrateSqlite(filePath: string, files: MigrationFile[]): MigrationReport {
  const database = openSqliteFile(filePath);
  try {
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    // One migration per transaction, re-reading the history under the write lock each
    // time: another process may have applied it while we waited.
    for (;;) {
      database.exec("BEGIN IMMEDIATE");
      try {
        database.exec(sqliteHistoryTable);
        const rows = database
          .prepare(
            `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations"`,
          )
          .all() as AppliedRow[];
        const { pending, done } = plan(files, rows);
        const next = pending[0];
        if (!next) {
          database.exec("COMMIT");
          report.alreadyApplied = done.filter((name) => !report.applied.includes(name));
          return report;
        }
        const startedAt = Date.now();
        database.exec(next.sql);
        database
          .prepare(
            `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count")
             VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
          )
          .run(randomUUID(), next.checksum, Date.now(), next.name, startedAt);
        database.exec("COMMIT");
        report.applied.push(next.name);
      } catch (error) {
        if (database.inTransaction) database.exec("ROLLBACK");
        throw wrap(error);
      }
    }
  } finally {
    database.close();
  }
}

async function migratePostgres(url: string, files: MigrationFile[]): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new ConfigurationError(
      `cannot connect to the PostgreSQL database in DATABASE_URL (${redact(url)}): ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
  try {
    await client.query("SELECT pg_advisory_lock($1)", [postgresLockKey.toString()]);
    try {
      await client.query(postgresHistoryTable);
      const { rows } = await client.query<AppliedRow>(
        `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations"`,
      );
      const { pending, done } = plan(files, rows);
      const report: MigrationReport = { applied: [], alreadyApplied: done };
      for (const file of pending) {
        await client.query("BEGIN");
        try {
          const startedAt = new Date();
          await client.query(file.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count")
             VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
            [randomUUID(), file.checksum, file.name, startedAt],
          );
          await client.query("COMMIT");
          report.applied.push(file.name);
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw wrap(error, file.name);
        }
      }
      return report;
    } finally {
      await client
        .query("SELECT pg_advisory_unlock($1)", [postgresLockKey.toString()])
        .catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

function wrap(error: unknown, name?: string): Error {
  if (error instanceof MigrationError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MigrationError(
    `${name ? `migration "${name}" failed and was rolled back` : "migrating the database failed"}: ${message}`,
  );
}
