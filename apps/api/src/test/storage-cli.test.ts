import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { ingestExamplePaths } from "../db/ingest-schema-file.js";
import { repoRoot } from "../db/repo-root.js";

const directory = mkdtempSync(join(tmpdir(), "threadbench-cli-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const databaseUrl = `file:${join(directory, "cli.db")}`;

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => (out += chunk));
  stderr.on("data", (chunk) => (err += chunk));
  const code = await main(argv, {
    stdout,
    stderr,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    cwd: directory,
    signal: new AbortController().signal,
  });
  return { code, stdout: out, stderr: err };
}

describe("storage CLI: db, ingest, runs, show", () => {
  it("migrates, seeds, ingests, lists and shows", async () => {
    const migrations = readdirSync(join(repoRoot(), "prisma", "sqlite", "migrations"), {
      withFileTypes: true,
    }).filter((entry) => entry.isDirectory()).length;
    expect((await cli("db", "migrate")).stdout).toMatch(new RegExp(`applied ${migrations} migration`));
    expect((await cli("db", "migrate", "--json")).code).toBe(0);
    const seeded = await cli("db", "seed", "--runs", "30", "--json");
    expect(JSON.parse(seeded.stdout)).toMatchObject({ runs: 30 });

    const [example] = ingestExamplePaths();
    const first = await cli("ingest", example as string, "--json");
    expect(first.code, first.stderr).toBe(0);
    const { id, created } = JSON.parse(first.stdout) as { id: string; created: boolean };
    expect(created).toBe(true);
    expect((await cli("ingest", example as string)).stdout).toMatch(/nothing stored/);

    const list = JSON.parse((await cli("runs", "--real", "--json")).stdout) as {
      runs: Array<{ id: string }>;
    };
    expect(list.runs.map((run) => run.id)).toEqual([id]);
    const table = await cli("runs", "--label", "seeded", "--limit", "3");
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+CREATED/);
    expect(table.stdout).toMatch(/--cursor /);

    const shown = await cli("show", id);
    expect(shown.stdout).toMatch(/threading\s+4\s+succeeded/);
    const json = JSON.parse((await cli("show", id, "--json")).stdout) as {
      measurements: Array<{ samples: unknown[] }>;
    };
    expect(json.measurements[0]?.samples).toHaveLength(5);
    const missing = await cli("show", "no-such-run");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/run "no-such-run" was not found/);
  });

  it("names the flag or JSON path of every bad input", async () => {
    const bad = join(directory, "bad.json");
    writeFileSync(bad, JSON.stringify({ formatVersion: 1, workload: "x", startedAt: "yesterday" }));
    const rejected = await cli("ingest", bad);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/startedAt: expected an ISO 8601 date-time/);
    expect(rejected.stderr).toMatch(/testbed: expected an object/);
    expect((await cli("runs", "--limit", "0")).stderr).toMatch(/--limit: "0" is not allowed/);
    expect((await cli("db", "seed", "--runs", "-1")).code).toBe(2);
    expect((await cli("db", "frobnicate")).stderr).toMatch(/expected "migrate" or "seed"/);
  });
});
