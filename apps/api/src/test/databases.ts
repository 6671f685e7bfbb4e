import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, inject } from "vitest";
import { type Database, openDatabase } from "../db/client.js";
import type { DatabaseProvider } from "../db/database-url.js";
import { createScratchDatabase, dropScratchDatabase } from "../db/ephemeral-postgres.js";

/** What a test of one provider gets: a fresh, migrated database per `open()` scope. */
export interface TestDatabaseContext {
  provider: DatabaseProvider;
  /** A URL of a new, empty (not yet migrated) database. */
  newUrl(): Promise<string>;
  /** Opens (and migrates) a new, empty database; closed and removed after the file. */
  open(): Promise<Database>;
  /** Opens another client on an existing URL (a second "process" on the same data). */
  reopen(url: string): Promise<Database>;
}

const requirePostgres = process.env.CI === "true" || process.env.THREADBENCH_REQUIRE_POSTGRES === "1";

/**
 * Runs `body` once per provider: on a temporary SQLite file and on a real PostgreSQL
 * (from src/test/postgres-global-setup.ts). Without PostgreSQL the PostgreSQL half is
 * skipped with a loud warning, except in CI (CI=true) or with
 * THREADBENCH_REQUIRE_POSTGRES=1, where it fails.
 */
export function describeEachDatabase(title: string, body: (context: TestDatabaseContext) => void): void {
  for (const provider of ["sqlite", "postgresql"] as const) {
    const adminUrl = provider === "postgresql" ? inject("postgresAdminUrl") : null;
    if (provider === "postgresql" && !adminUrl) {
      const reason = inject("postgresUnavailableReason");
      if (requirePostgres) {
        describe(`${title} [postgresql]`, () => {
          throw new Error(
            `PostgreSQL is required here (CI=true or THREADBENCH_REQUIRE_POSTGRES=1) but none is available: ${reason}`,
          );
        });
      } else {
        warnLoudly(
          `PostgreSQL tests SKIPPED for "${title}": ${reason}. Set TEST_DATABASE_URL or install PostgreSQL.`,
        );
        // Skipped on purpose, never silently: the warning above says why, and CI
        // (requirePostgres) turns this into a failure instead.
        describe.skip(`${title} [postgresql] (skipped: ${reason})`, () => body(unavailableContext(provider)));
      }
      continue;
    }
    describe(`${title} [${provider}]`, () => {
      const cleanups: Array<() => Promise<void>> = [];
      afterAll(async () => {
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      });
      const newUrl = async (): Promise<string> => {
        if (provider === "sqlite") {
          const directory = mkdtempSync(join(tmpdir(), "threadbench-sqlite-"));
          cleanups.push(async () => rmSync(directory, { recursive: true, force: true }));
          return `file:${join(directory, "test.db")}`;
        }
        const url = await createScratchDatabase(adminUrl as string);
        cleanups.push(() => dropScratchDatabase(adminUrl as string, url));
        return url;
      };
      const reopen = async (url: string): Promise<Database> => {
        const database = await openDatabase(url);
        // Closed before the database is dropped (cleanups run in reverse order).
        cleanups.push(() => database.close());
        return database;
      };
      body({ provider, newUrl, reopen, open: async () => reopen(await newUrl()) });
    });
  }
}

function unavailableContext(provider: DatabaseProvider): TestDatabaseContext {
  const fail = async (): Promise<never> => {
    throw new Error("PostgreSQL is not available");
  };
  return { provider, newUrl: fail, open: fail, reopen: fail };
}

let warned = new Set<string>();
function warnLoudly(message: string): void {
  if (warned.has(message)) return;
  warned = new Set([...warned, message]);
  const bar = "!".repeat(78);
  console.warn(`\n${bar}\n!!! ${message}\n${bar}\n`);
}
