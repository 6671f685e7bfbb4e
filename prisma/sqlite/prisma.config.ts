// Prisma CLI config for the sqlite schema, used by `prisma generate` and `prisma migrate diff`
// (run through `npm run generate -w @threadbench/api`).
//
// `engine: "js"` keeps the CLI on its WebAssembly engines: without it the CLI tries to
// download the Rust schema engine from a host that is unreachable here (see
// ../../../shared/ENVIRONMENT.md). Migrations are applied at run time by our own
// migrator (apps/api/src/db/migrate.ts), not by the CLI.
import { defineConfig } from "prisma/config";

// The schema's datasource reads DATABASE_URL; generating needs no database, only a value
// of this provider's form, otherwise the CLI cannot parse the schema.
if (!process.env.DATABASE_URL?.startsWith("file:")) {
  process.env.DATABASE_URL = "file:./unused.db";
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  async adapter() {
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "file:./unused.db" });
  },
});
