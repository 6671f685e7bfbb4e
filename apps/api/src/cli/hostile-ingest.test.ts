import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../test/databases.js";
import { main } from "./main.js";

// Issue 11 through `threadbench ingest FILE`: a file with a UTF-8 byte-order mark was
// rejected; parameters nested 3,000 deep printed a stack trace (series-key overflowed);
// a NUL character failed inside PostgreSQL. Each must store, or end in one line that
// names the field and what is allowed.

let directory = "";
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "threadbench-hostile-ingest-"));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const example = JSON.parse(
  readFileSync(new URL("../../ingest/example-cpython-3.13-gil.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

function collect() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  return { stream, text: () => text };
}

async function ingest(databaseUrl: string, fileText: string, name: string) {
  const path = join(directory, name);
  writeFileSync(path, fileText);
  const stdout = collect();
  const stderr = collect();
  const code = await main(["ingest", path], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { ...process.env, DATABASE_URL: databaseUrl, THREADBENCH_SERVER_URL: "" },
    cwd: directory,
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describeEachDatabase("threadbench ingest with hostile files (issue 11)", (databases) => {
  it("stores a file that starts with a UTF-8 byte-order mark", async () => {
    const url = await databases.newUrl();
    const { $schema: _schema, ...document } = example;
    const result = await ingest(
      url,
      `\uFEFF${JSON.stringify({ ...document, idempotencyKey: `bom-${databases.provider}` })}`,
      "bom.json",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stored run/);
  });

  it("answers parameters nested 3,000 deep with one line naming the field and the limit, no stack", async () => {
    const url = await databases.newUrl();
    const { $schema: _schema, ...document } = example;
    const text = JSON.stringify({ ...document, params: { n: 1 } }).replace(
      '"params":{"n":1}',
      `"params":${'{"a":'.repeat(3_000)}1${"}".repeat(3_000)}`,
    );
    const result = await ingest(url, text, "deep.json");
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/params\.a\.a.*at most 32 levels/);
    expect(result.stderr).not.toMatch(/\n\s+at |RangeError|unexpected error/);
  });

  it("answers a NUL character with one line naming the field", async () => {
    const url = await databases.newUrl();
    const { $schema: _schema, ...document } = example;
    const result = await ingest(url, JSON.stringify({ ...document, branch: "main\u0000x" }), "nul.json");
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/branch.*U\+0000/);
  });
});
