import type { TestProject } from "vitest/node";
import { type EphemeralPostgres, startEphemeralPostgres } from "../db/ephemeral-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server the tests may create databases on, or null. */
    postgresAdminUrl: string | null;
    /** Why there is no PostgreSQL server (when postgresAdminUrl is null). */
    postgresUnavailableReason: string;
  }
}

let cluster: EphemeralPostgres | undefined;

/**
 * One PostgreSQL server for the whole test run: TEST_DATABASE_URL when given (its user
 * must be allowed to CREATE DATABASE), else an ephemeral cluster started here. Each test
 * file creates its own database on it (src/test/databases.ts).
 */
export async function setup(project: TestProject): Promise<void> {
  const given = process.env.TEST_DATABASE_URL?.trim();
  if (given) {
    project.provide("postgresAdminUrl", given);
    project.provide("postgresUnavailableReason", "");
    return;
  }
  try {
    cluster = await startEphemeralPostgres();
    project.provide("postgresAdminUrl", cluster.adminUrl);
    project.provide("postgresUnavailableReason", "");
  } catch (error) {
    project.provide("postgresAdminUrl", null);
    project.provide("postgresUnavailableReason", error instanceof Error ? error.message : String(error));
  }
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  cluster = undefined;
}
