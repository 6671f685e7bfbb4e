// Prisma CLI config for the postgresql schema, used by `prisma generate` and `prisma migrate diff`
// (run through `npm run generate -w @threadbench/api`).
//
// `engine: "js"` keeps the CLI on its WebAssembly engines: without it the CLI tries to
// download the Rust schema engine from a host that is unreachable here (see
// ../../../shared/ENVIRONMENT.md). Migrations are applied at run time by our own
// migrator (apps/api/src/db/migrate.ts), not by the CLI.
import { defineConfig } from "prisma/config";

// The schema's datasource reads DATABASE_URL; generating needs no database, only a value
// of this provider's form, otherwise the CLI cannot parse the schema.
if (!/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "")) {
  process.env.DATABASE_URL = "postgresql://localhost:5432/unused";
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  async adapter() {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
