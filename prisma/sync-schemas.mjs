#!/usr/bin/env node
// Copies the models of prisma/sqlite/schema.prisma (everything below the marker line)
// into prisma/postgresql/schema.prisma, so that both providers share one set of models.
// `node prisma/sync-schemas.mjs --check` exits 1 when the PostgreSQL schema is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const marker = "// ---- models (shared by every provider; edit here, then run sync-schemas) ----";

const postgresHeader = `// threadbench storage schema: PostgreSQL (for teams).
//
// GENERATED from ../sqlite/schema.prisma by prisma/sync-schemas.mjs: edit the models
// there and run \`node prisma/sync-schemas.mjs\`. Only this header differs.

generator client {
  provider   = "prisma-client"
  output     = "../../apps/api/src/generated/prisma-postgresql"
  engineType = "client"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

`;

const source = readFileSync(join(here, "sqlite", "schema.prisma"), "utf8");
const at = source.indexOf(marker);
if (at < 0) {
  console.error(`prisma/sqlite/schema.prisma: marker line not found:\n${marker}`);
  process.exit(1);
}
const wanted = postgresHeader + source.slice(at);
const target = join(here, "postgresql", "schema.prisma");
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (current !== wanted) {
    console.error("prisma/postgresql/schema.prisma is stale: run `node prisma/sync-schemas.mjs`");
    process.exit(1);
  }
} else {
  writeFileSync(target, wanted);
}
