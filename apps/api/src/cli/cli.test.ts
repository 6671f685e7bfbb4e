import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.js";
import { getRun } from "../db/run-reads.js";
import { runCli } from "../test/cli-capture.js";
import { parseParamFlags } from "./run-command.js";

const scratch = mkdtempSync(join(tmpdir(), "threadbench-cli-"));
const databaseUrl = `file:${join(scratch, "cli.db")}`;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `threadbench ...argv` in this process against the scratch database, output captured. */
const cli = (...argv: string[]) => runCli(argv, { DATABASE_URL: databaseUrl });

describe("threadbench CLI", () => {
  it("lists every command in --help", async () => {
    const { code, stdout } = await cli("--help");
    expect(code).toBe(0);
    expect(stdout).toContain("run");
    expect(stdout).toContain("workloads");
  });

  it("answers an unknown command with the allowed ones", async () => {
    const { code, stderr } = await cli("rnu");
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "rnu"');
    expect(stderr).toContain("run");
  });

  it("answers a bad agent --nice with the flag and the allowed range, before connecting", async () => {
    for (const nice of ["20", "high", "2.5"]) {
      const { code, stderr } = await cli(
        "agent",
        "--server",
        "http://127.0.0.1:9/graphql",
        "--token",
        "agent-token-0123456789",
        "--nice",
        nice,
      );
      expect(code).toBe(2);
      expect(stderr).toContain(`--nice: "${nice}" is not allowed (allowed: an integer from 0 to 19)`);
    }
  });

  it("lists workloads with their parameters as JSON", async () => {
    const { code, stdout } = await cli("workloads", "--json");
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Array<{
      id: string;
      parameters: Array<{ name: string; default: unknown }>;
    }>;
    const sumSquares = rows.find((row) => row.id === "sum-squares");
    expect(sumSquares?.parameters).toEqual([expect.objectContaining({ name: "n", default: 5_000_000 })]);
  });

  it.each([
    [["--threads", "0"], "--threads", "from 1 to 256"],
    [["--threads", "two"], "--threads", "an integer"],
    [["--modes", "sequential,gil"], "--modes", "worker-threads"],
    [["--workload", "nope"], "--workload", "sum-squares"],
    [["--repetitions", "0"], "--repetitions", "from 1 to 1000"],
    [["--scaling", "diagonal"], "--scaling", "weak, strong"],
    [["--param", "n=-5"], "--param n", "from 1 to"],
    [["--param", "q=3"], "--param q", "unknown parameter"],
    [["--param", "nonsense"], "--param", "name=value"],
    [["--frobnicate"], "frobnicate", "Unknown option"],
  ])("rejects run %j naming %s and what is allowed", async (flags, named, allowed) => {
    const { code, stderr, stdout } = await cli("run", ...flags);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(named);
    expect(stderr).toContain(allowed);
  });

  it.each([
    [
      ["run", "--threads", "2", "--threads", "1"],
      '--threads: given more than once ("2", then "1"; allowed: once)',
    ],
    [["run", "-t", "2", "--threads", "1"], "--threads: given more than once"],
    [["run", "--workload", "sum-squares", "--workload", "sqrt-log"], "--workload: given more than once"],
    [["run", "--scaling", "strong", "--scaling", "weak"], "--scaling: given more than once"],
    [["run", "-p", "n=1", "-p", "n=2"], '--param: "n" is given more than once'],
    [["run", "--warmups", "-1"], '--warmups: "-1" is not allowed (allowed: an integer from 0 to 100)'],
    [["run", "-r", "-3"], '--repetitions: "-3" is not allowed (allowed: an integer from 1 to 1000)'],
    [["run", "--task-timeout", "-5"], '--task-timeout: "-5" is not allowed (allowed: an integer from'],
    [
      ["check", "--base", "main", "--branch", "x", "--boundary", "-1"],
      '--boundary: "-1" is not allowed (allowed:',
    ],
    [["db", "seed", "--runs", "-1"], '--runs: "-1" is not allowed (allowed: an integer from 1 to 10000000)'],
    [["runs", "--cursor", "garbage"], '--cursor: "garbage" is not allowed (allowed: the cursor printed'],
  ])(
    "refuses %j naming the flag and what is allowed (was: the last value kept, 'ambiguous', or `after`)",
    async (argv, message) => {
      const { code, stderr, stdout } = await cli(...argv);
      expect(stderr).toContain(message);
      expect(code).toBe(2);
      expect(stdout).toBe("");
    },
  );

  const tinyRun = ["run", "-p", "n=1000", "--threads", "1", "-r", "1", "--modes", "sequential"];

  it.each([
    [["--commit", "xyz"], '--commit: "xyz" is not allowed', "4 to 64 hexadecimal digits"],
    [["--branch", ""], '--branch: "" is not allowed', "1 to 255 characters"],
    [["--branch", "a\nb"], '--branch: "a\\nb" is not allowed', "without control characters"],
    [["--label", "x".repeat(500)], "--label: ", "a label of 1 to 100 characters"],
    [["--project", "a\tb"], '--project: "a\\tb" is not allowed', "without control characters"],
  ])(
    "refuses run %j before running, naming the flag and what ingest allows (was stored as given)",
    async (flags, named, allowed) => {
      const before = await cli("runs", "--json", "--limit", "200");
      const { code, stderr, stdout } = await cli(...tinyRun, ...flags);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain(named);
      expect(stderr).toContain(allowed);
      // Nothing ran, so nothing was stored.
      expect((await cli("runs", "--json", "--limit", "200")).stdout).toBe(before.stdout);
    },
  );

  it("stores a label with a space, as ingest and the server's ingestRun and recordRun do", async () => {
    const { code, stdout } = await cli(
      ...tinyRun,
      "--label",
      "nightly build",
      "--commit",
      "ABC123",
      "--json",
    );
    expect(code).toBe(0);
    const database = await openDatabase(databaseUrl);
    try {
      const stored = await getRun(database, (JSON.parse(stdout) as { id: string }).id);
      expect(stored?.labels).toContain("nightly build");
      // One rule: lower case, as recordRun stores it and as run filters look it up.
      expect(stored?.commitSha).toBe("abc123");
    } finally {
      await database.close();
    }
  });

  it("does not store a run with --no-store", async () => {
    const { code, stdout } = await cli(
      "run",
      "--param",
      "n=100",
      "--threads",
      "1",
      "--repetitions",
      "1",
      "--modes",
      "sequential",
      "--no-store",
    );
    expect(code).toBe(0);
    expect(stdout).toContain("stored    no (--no-store)");
  });

  it("runs a small plan and prints the scaling table", async () => {
    const { code, stdout } = await cli(
      "run",
      "--param",
      "n=10000",
      "--threads",
      "1,2",
      "--repetitions",
      "2",
      "--modes",
      "worker-threads",
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/sequential\s+1/);
    expect(stdout).toMatch(/worker-threads\s+2/);
    expect(stdout).toContain("speedup");
    expect(stdout).toContain("status    succeeded");
  });

  it("prints machine-readable JSON with --json", async () => {
    const { code, stdout } = await cli(
      "run",
      "--param",
      "n=5000",
      "--threads",
      "2",
      "--repetitions",
      "1",
      "--modes",
      "event-loop",
      "--label",
      "cli-test",
      "--commit",
      "abc123",
      "--branch",
      "feature/x",
      "--json",
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      id: string;
      status: string;
      cells: Array<{ mode: string; checksumStatus: string }>;
    };
    expect(result.status).toBe("succeeded");
    expect(result.cells.map((cell) => [cell.mode, cell.checksumStatus])).toEqual([
      ["sequential", "baseline"],
      ["event-loop", "match"],
    ]);

    // The run was stored, finished, with its cells, commit, branch and label.
    const database = await openDatabase(databaseUrl);
    try {
      const stored = await getRun(database, result.id);
      expect(stored).toMatchObject({ status: "succeeded", commitSha: "abc123", branch: "feature/x" });
      expect(stored?.labels).toContain("cli-test");
      expect(stored?.measurements.map((measurement) => measurement.mode)).toEqual([
        "sequential",
        "event-loop",
      ]);
    } finally {
      await database.close();
    }
  });
});

describe("parseParamFlags", () => {
  it("reads numbers (with underscores), booleans and text", () => {
    expect(parseParamFlags(["n=5_000_000", "flag=true", "name=abc"])).toEqual({
      n: 5_000_000,
      flag: true,
      name: "abc",
    });
  });
});

describe("reliabilityWarnings", () => {
  it("warns when the main thread got much less CPU than wall time, and when repetitions vary", async () => {
    const { reliabilityWarnings } = await import("./format.js");
    const summary = (median: number, cv: number) => ({
      count: 5,
      min: median,
      max: median,
      median,
      mean: median,
      stddev: cv * median,
      cv,
    });
    const cell = {
      mode: "sequential" as const,
      threads: 1,
      tasks: 1,
      status: "succeeded" as const,
      error: null,
      samples: [],
      wall: summary(100, 0.2),
      cpu: summary(50, 0),
      setupMs: null,
      taskOverheadMs: null,
      speedup: 1,
      efficiency: 1,
      checksum: "1",
      expectedChecksum: null,
      checksumStatus: "baseline" as const,
      sharedMemory: null,
    };
    const warnings = reliabilityWarnings([cell]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("50.0% of wall time");
    expect(warnings[1]).toContain("sequential x1");
    expect(reliabilityWarnings([{ ...cell, wall: summary(100, 0.01), cpu: summary(99, 0) }])).toEqual([]);
  });
});
