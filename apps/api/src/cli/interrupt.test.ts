import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../db/repo-root.js";

// Ctrl-C through the built CLI (run `npx turbo run build` first): a real process, a real
// SIGINT, a real SQLite file. Synchronous better-sqlite3 calls starved the event loop, so
// `db seed` and a large `ingest` never saw the signal and ran to the end.

const main = join(repoRoot(), "apps", "api", "dist", "cli", "main.js");
const scratch = mkdtempSync(join(tmpdir(), "threadbench-interrupt-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Generous: the point is "stops", not how fast (the machine may be busy). */
const stopWithinMs = 20_000;

interface Spawned {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exit: Promise<number | null>;
}

function spawnCli(argv: string[], databaseFile: string): Spawned {
  const child = spawn(process.execPath, [main, ...argv], {
    cwd: scratch,
    env: { ...process.env, DATABASE_URL: `file:${databaseFile}`, THREADBENCH_SERVER_URL: "" },
  });
  const output = { stdout: "", stderr: "" };
  child.stdout?.on("data", (chunk) => (output.stdout += chunk));
  child.stderr?.on("data", (chunk) => (output.stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output, exit };
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Interrupts like Ctrl-C and waits for the exit code; fails if the process keeps going. */
async function interrupt(spawned: Spawned, signal: NodeJS.Signals = "SIGINT"): Promise<number | null> {
  spawned.child.kill(signal);
  const stopped = await Promise.race([
    spawned.exit,
    sleep(stopWithinMs).then(() => "still running" as const),
  ]);
  if (stopped === "still running") {
    spawned.child.kill("SIGKILL");
    throw new Error(`still running ${stopWithinMs / 1000} s after ${signal}:\n${spawned.output.stderr}`);
  }
  return stopped;
}

function query<T>(databaseFile: string, sql: string): T[] {
  const connection = new BetterSqlite3(databaseFile, { readonly: true, fileMustExist: true });
  try {
    return connection.prepare(sql).all() as T[];
  } finally {
    connection.close();
  }
}

const countRuns = (databaseFile: string) => {
  try {
    return query<{ runs: number }>(databaseFile, `SELECT count(*) AS "runs" FROM "Run"`)[0]?.runs ?? 0;
  } catch {
    return 0; // not created or not migrated yet
  }
};

describe("Ctrl-C stops long database commands (db seed and ingest ignored it)", () => {
  it("db seed stops after SIGINT, rolls back the batch in progress and keeps whole batches", async () => {
    const databaseFile = join(scratch, "seed.db");
    const seed = spawnCli(["db", "seed", "--runs", "200000"], databaseFile);
    await waitUntil(() => seed.output.stderr.includes("seeded "), "seed progress");
    const code = await interrupt(seed);
    expect(code).toBe(1);
    const message = /seeding interrupted: (\d+) runs stored, the batch in progress was rolled back/.exec(
      seed.output.stderr,
    );
    expect(message, seed.output.stderr).not.toBeNull();
    const stored = countRuns(databaseFile);
    expect(stored).toBe(Number(message?.[1]));
    // Batches of 1000 runs, each one transaction: none half written.
    expect(stored % 1000).toBe(0);
    expect(stored).toBeLessThan(200_000);
    expect(query(databaseFile, `SELECT "id" FROM "Run" WHERE "status" IN ('queued', 'running')`)).toEqual([]);
  });

  it("db seed stops on SIGTERM the same way, and says it is stopping", async () => {
    const databaseFile = join(scratch, "seed-term.db");
    const seed = spawnCli(["db", "seed", "--runs", "200000"], databaseFile);
    await waitUntil(() => seed.output.stderr.includes("seeded "), "seed progress");
    expect(await interrupt(seed, "SIGTERM")).toBe(1);
    expect(seed.output.stderr).toContain("threadbench: stopping on SIGTERM (a second one forces it)");
    expect(seed.output.stderr).toMatch(
      /seeding interrupted: \d+ runs stored, the batch in progress was rolled back/,
    );
    expect(query(databaseFile, `SELECT "id" FROM "Run" WHERE "status" IN ('queued', 'running')`)).toEqual([]);
  });

  it("ingest stops between runs after SIGINT, says how many it stored, and the same command stores the rest", async () => {
    const databaseFile = join(scratch, "ingest.db");
    // 500 runs take the CLI several seconds to store (about 13 ms each here), and the
    // signal follows the first stored run within 0.1 s: it always lands mid-ingest.
    const benchmarks = 500;
    const lines = ["goos: linux", "goarch: amd64", "pkg: example.invalid/many", "cpu: AMD EPYC"];
    for (let index = 0; index < benchmarks; index++) {
      lines.push(`BenchmarkCase${index}   \t      20\t   ${1000 + index} ns/op`);
      lines.push(`BenchmarkCase${index}-2 \t      20\t   ${600 + index} ns/op`);
    }
    lines.push("PASS", "ok  \texample.invalid/many\t1.0s", "");
    const file = join(scratch, "many.txt");
    writeFileSync(file, lines.join("\n"));

    const ingest = spawnCli(["ingest", file], databaseFile);
    await waitUntil(() => countRuns(databaseFile) > 0, "the first stored run");
    const code = await interrupt(ingest);
    expect(code).toBe(1);
    const message =
      /interrupted: stored (\d+) of the 500 runs of .*many\.txt; run the same command again/.exec(
        ingest.output.stderr,
      );
    expect(message, ingest.output.stderr).not.toBeNull();
    const stored = Number(message?.[1]);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(benchmarks);
    // Each run stored whole (both cells), none left running.
    expect(countRuns(databaseFile)).toBe(stored);
    expect(
      query(
        databaseFile,
        `SELECT "r"."id" FROM "Run" "r" WHERE "r"."status" IN ('queued', 'running')
           OR (SELECT count(*) FROM "Measurement" "m" WHERE "m"."runId" = "r"."id") <> 2`,
      ),
    ).toEqual([]);

    // The idempotency keys make the retry store only the rest.
    const again = spawnCli(["ingest", file], databaseFile);
    expect(await again.exit, again.output.stderr).toBe(0);
    expect(again.output.stdout.match(/^already stored as run /gm)).toHaveLength(stored);
    expect(countRuns(databaseFile)).toBe(benchmarks);
  }, 240_000);
});
