// Child process of the crash test: starts storing a large run into DATABASE_URL and,
// as soon as the transaction is writing samples (the run row is already written inside
// it), says "IN_TRANSACTION" and freezes, so the parent can SIGKILL it mid-transaction.
import { createRequire } from "node:module";
import { openDatabase } from "../db/client.js";
import { storeRunResult } from "../db/run-repository.js";
import { makeRunResult } from "./run-factories.js";

const require = createRequire(import.meta.url);

function freezeOnSampleInsert(sql: string): void {
  // Prisma quotes with backticks on SQLite (`main`.`Sample`), double quotes on PostgreSQL.
  if (/INSERT INTO [`"]?(?:main|public)?[`"]?\.?[`"]Sample[`"]/.test(sql)) {
    process.stdout.write("IN_TRANSACTION\n");
    // Block the whole process (and its driver) until the parent kills it.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
}

const BetterSqlite3 = require("better-sqlite3") as { prototype: { prepare(sql: string): unknown } };
const prepare = BetterSqlite3.prototype.prepare;
BetterSqlite3.prototype.prepare = function (this: unknown, sql: string) {
  freezeOnSampleInsert(sql);
  return prepare.call(this, sql);
};
const pg = require("pg") as { Client: { prototype: { query(...args: unknown[]): unknown } } };
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  const first = args[0];
  const text = typeof first === "string" ? first : (first as { text?: string } | undefined)?.text;
  if (text) freezeOnSampleInsert(text);
  return query.apply(this, args);
};

const database = await openDatabase();
process.stdout.write("OPEN\n");
const result = makeRunResult({
  seed: 99,
  plan: {
    modes: ["sequential", "worker-threads", "child-processes"],
    threads: [1, 2, 4, 8, 16],
    repetitions: 200,
  },
});
await storeRunResult(database, result, { labels: ["should-never-exist"] });
process.stdout.write("STORED (the parent should have killed this process)\n");
await database.close();
