import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seededRandom } from "@threadbench/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.js";
import type { StoredRegression } from "../db/regression-repository.js";
import { getRun } from "../db/run-reads.js";
import { storeRunResult } from "../db/run-repository.js";
import type { BranchCheck } from "../regressions/check-branch.js";
import type { RunComparison } from "../regressions/compare-runs.js";
import { runCli } from "../test/cli-capture.js";
import { makeRunResult } from "../test/run-factories.js";

const scratch = mkdtempSync(join(tmpdir(), "threadbench-regressions-cli-"));
const databaseUrl = `file:${join(scratch, "cli.db")}`;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `threadbench ...argv` in this process against the scratch database, output captured. */
const cli = (...argv: string[]) =>
  runCli(argv, { DATABASE_URL: databaseUrl, USER: "tester" }, { cwd: scratch });

const ids: Record<string, string> = {};

beforeAll(async () => {
  const database = await openDatabase(databaseUrl);
  try {
    const plan = { threads: [1, 2], repetitions: 10 };
    // Eight runs of history on main (the last is "main"), then the branches.
    const runs: Array<[name: string, branch: string, taskMs: number, seed: number]> = [
      ...Array.from({ length: 7 }, (_, index): [string, string, number, number] => [
        `main-${index}`,
        "main",
        10,
        100 + index,
      ]),
      ["main", "main", 10, 1],
      ["slower", "feature-slow", 12, 2],
      ["same", "feature-same", 10, 3],
      ["lonely", "feature-lonely", 12, 4],
      ["one-cell", "feature-one-cell", 10, 5],
    ];
    for (const [index, [name, branch, taskMs, seed]] of runs.entries()) {
      const result = makeRunResult({
        seed,
        taskMs,
        plan,
        startedAt: new Date(Date.UTC(2026, 1, 1, index)).toISOString(),
      });
      // One cell 4% slower, the others as on main: a lone outlier, not a code change.
      if (name === "one-cell") {
        const cell = result.cells.find(
          (candidate) => candidate.mode === "worker-threads" && candidate.threads === 1,
        );
        if (cell?.wall) {
          cell.samples = cell.samples.map((sample) => ({ ...sample, wallMs: sample.wallMs * 1.04 }));
          cell.wall = { ...cell.wall, min: cell.wall.min * 1.04, median: cell.wall.median * 1.04 };
        }
      }
      ids[name] = (await storeRunResult(database, result, { branch })).run.id;
    }
  } finally {
    await database.close();
  }
});

describe("threadbench compare / check", () => {
  it("compare prints per-cell verdicts with intervals", async () => {
    const { code, stdout } = await cli("compare", ids.main as string, ids.slower as string);
    expect(code).toBe(0);
    expect(stdout).toMatch(/sequential\s+1\s+.*\+\d+\.\d% \.\. \+\d+\.\d%.*slower/);
    expect(stdout).toContain("4 slower, 0 faster, 0 unchanged, 0 noisy");
    const json = await cli("compare", ids.main as string, ids.same as string, "--json");
    const comparison = JSON.parse(json.stdout) as RunComparison;
    expect(comparison.cells.map((cell) => (cell.kind === "compared" ? cell.verdict : cell.kind))).toEqual([
      "unchanged",
      "unchanged",
      "unchanged",
      "unchanged",
    ]);
  });

  it("compare rejects a missing run id (2) and an unknown run (1)", async () => {
    expect((await cli("compare", ids.main as string)).code).toBe(2);
    const missing = await cli("compare", ids.main as string, "nope");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('run "nope" was not found');
  });

  it("check exits 1 and says why when the branch's latest run is slower than the base branch's runs", async () => {
    const { code, stdout } = await cli("check", "--base", "main", "--branch", "feature-slow");
    expect(code).toBe(1);
    expect(stdout).toContain(`checking run ${ids.slower}`);
    expect(stdout).toContain(`against the 8 most recent runs on main (latest: run ${ids.main}`);
    expect(stdout).toMatch(
      /CELL\s+BASE RUNS\s+BASE \(min\)\s+HEAD\s+CHANGE\s+FAILS BEYOND\s+THRESHOLD\s+VERDICT/,
    );
    expect(stdout).toMatch(/worker-threads x2\s+8\s+.*\+2\d\.\d%\s+\+\d+\.\d%\s+mad 0\.995, min 2%\s+slower/);
    expect(stdout).toContain("REGRESSION against main:");
    expect(stdout).toMatch(
      /- worker-threads x2: .* -> .* \(\+2\d\.\d%; fails beyond \+\d+\.\d% over 8 base runs, mad 0\.995, min 2%\)/,
    );
    const json = await cli("check", "--base", "main", "--branch", "feature-slow", "--json");
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { regressed: boolean }).regressed).toBe(true);
  });

  it("check exits 0 with a 'no regression' line otherwise", async () => {
    const same = await cli("check", "--base", "main", "--branch", "feature-same");
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(
      /no regression against main: \d+ within their history's limits, 0 slower but alone \(not failing\), \d+ better, 0 not judged/,
    );
    // The planted slowdown is 20%: a 30% minimum effect lets it pass.
    const tolerant = await cli("check", "--base", "main", "--branch", "feature-slow", "--min-effect", "30");
    expect(tolerant.code).toBe(0);
    expect(tolerant.stdout).toContain("no regression against main");
    const noBase = await cli("check", "--base", "release", "--branch", "feature-slow");
    expect(noBase.code).toBe(0);
    expect(noBase.stdout).toContain("no regression: no comparable succeeded run on release");
  });

  it("check takes per-series thresholds from flags and a thresholds file, naming what is wrong", async () => {
    // A 25% margin on every wall-time cell lets the 20% slowdown through.
    const lenient = await cli(
      "check",
      "--base",
      "main",
      "--branch",
      "feature-slow",
      "--model",
      "percentage",
      "--boundary",
      "0.25",
    );
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain("percentage 0.25, min 2%");
    const file = join(scratch, "thresholds.json");
    writeFileSync(
      file,
      JSON.stringify({ rules: [{ match: { mode: "worker-threads" }, model: "percentage", boundary: 0.5 }] }),
    );
    const ruled = await cli("check", "--base", "main", "--branch", "feature-slow", "--thresholds", file);
    expect(ruled.code).toBe(1);
    expect(ruled.stdout).toMatch(/worker-threads x2\s+.*percentage 0\.5, min 2%\s+pass/);
    expect(ruled.stdout).toMatch(/- sequential x1: /);
    writeFileSync(file, JSON.stringify({ rules: [{ match: { threads: 0 }, boundary: 2 }] }));
    const bad = await cli("check", "--base", "main", "--branch", "feature-slow", "--thresholds", file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("rules[0].match.threads: expected an integer >= 1");
    writeFileSync(file, JSON.stringify({ rules: [{ match: { threads: 2 }, boundary: 2 }] }));
    const badBoundaryRule = await cli(
      "check",
      "--base",
      "main",
      "--branch",
      "feature-slow",
      "--thresholds",
      file,
    );
    expect(badBoundaryRule.code).toBe(2);
    expect(badBoundaryRule.stderr).toContain("rules[0].boundary: a mad boundary is a probability");
    const badHistory = await cli("check", "--base", "main", "--branch", "feature-slow", "--history", "1");
    expect(badHistory.code).toBe(2);
    expect(badHistory.stderr).toContain("--history");
    const badBoundary = await cli("check", "--base", "main", "--branch", "feature-slow", "--boundary", "3");
    expect(badBoundary.code).toBe(2);
    expect(badBoundary.stderr).toContain("--boundary");
  });

  it("check --run outside a git checkout checks that run against the base, on its own branch", async () => {
    const byRun = await cli("check", "--base", "main", "--run", ids.slower as string);
    expect(byRun.code).toBe(1);
    expect(byRun.stdout).toContain(`checking run ${ids.slower} (`);
    expect(byRun.stdout).toContain("on feature-slow");
    expect(byRun.stdout).toContain("REGRESSION against main");
    const neither = await cli("check", "--base", "main");
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain(
      "cannot tell the current branch (no git checkout here): pass --branch NAME, or --run ID",
    );
    // A bad flag is the error reported, even where the branch cannot be told.
    const badFlag = await cli("check", "--base", "main", "--history", "1");
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("--history");
    expect(badFlag.stderr).not.toContain("cannot tell the current branch");
    const unknown = await cli("check", "--base", "main", "--run", "nope");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('run "nope" was not found');
  });

  it("check fails on one slower cell only with a second one: a lone outlier is reported, not failed", async () => {
    const margin = ["--model", "percentage", "--boundary", "0.03"];
    const lone = await cli("check", "--base", "main", "--branch", "feature-one-cell", ...margin, "--json");
    const check = JSON.parse(lone.stdout) as BranchCheck;
    const cell = check.gate?.cells.find(
      (candidate) =>
        candidate.mode === "worker-threads" && candidate.threads === 1 && candidate.metric === "wall_time",
    );
    expect(cell?.outcome?.change).toBeGreaterThan(0.03);
    expect(cell?.verdict).toBe("unconfirmed");
    expect(lone.code).toBe(0);
    const text = await cli("check", "--base", "main", "--branch", "feature-one-cell", ...margin);
    expect(text.stdout).toMatch(/worker-threads x1\s+.*slower, alone \(not failing\)/);
    expect(text.stdout).toMatch(
      /no regression against main: \d+ within their history's limits, 1 slower but alone \(not failing\)/,
    );
    // Bencher's rule: any cell beyond its limit fails.
    const strict = await cli(
      "check",
      "--base",
      "main",
      "--branch",
      "feature-one-cell",
      ...margin,
      "--alone",
      "fails",
    );
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/- worker-threads x1: /);
  });

  it("check says when there is too little history, and offers the interleaved A/B measurement", async () => {
    const few = await cli("check", "--base", "main", "--branch", "feature-lonely", "--history", "2");
    expect(few.stdout).toContain(
      "only 2 base runs: the gate catches only the large changes shown under FAILS BEYOND",
    );
    expect(few.stdout).toContain("threadbench check --ab BASE_MODULE HEAD_MODULE");
    const abOne = await cli("check", "--ab", "only-one.ts");
    expect(abOne.code).toBe(2);
    expect(abOne.stderr).toContain("--ab takes two workload module files");
    const abBuiltIn = await cli("check", "--ab", "sum-squares", "sqrt-log");
    expect(abBuiltIn.code).toBe(2);
    expect(abBuiltIn.stderr).toContain('the base "sum-squares" is not a workload module file');
    const stray = await cli("check", "--base", "main", "--branch", "feature-slow", "--threads", "1");
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("--threads only applies with --ab");
  });

  it("check exits 2 for bad flags and 1 when the branch has no run to check", async () => {
    const noBase = await cli("check", "--branch", "feature-slow");
    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toContain("--base is required");
    const badEffect = await cli("check", "--base", "main", "--branch", "x", "--min-effect", "0");
    expect(badEffect.code).toBe(2);
    expect(badEffect.stderr).toContain("--min-effect");
    // The scratch directory is not a git checkout: the branch cannot be guessed.
    const noBranch = await cli("check", "--base", "main");
    expect(noBranch.code).toBe(2);
    expect(noBranch.stderr).toContain("pass --branch");
    const nothing = await cli("check", "--base", "main", "--branch", "never-ran");
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain("never-ran");
  });
});

/** An ingest document of one run at `level` ms per task, with seeded noise. */
function ingestDocument(index: number, level: number): unknown {
  const random = seededRandom(1000 + index);
  const samples = (scale: number) =>
    Array.from({ length: 5 }, () => ({ wallMs: level * scale * (1 + random() * 0.03) }));
  return {
    formatVersion: 1,
    idempotencyKey: `history-${index}`,
    workload: "py-sum",
    params: { n: 1000 },
    branch: "main",
    startedAt: new Date(Date.UTC(2026, 2, 1) + index * 86_400_000).toISOString(),
    testbed: {
      hostname: "ci-1",
      os: "linux",
      arch: "x64",
      cpuModel: "Test CPU",
      logicalCores: 4,
      memoryBytes: 8 * 1024 ** 3,
      runtime: "cpython",
      runtimeVersion: "3.13.1",
    },
    measurements: [
      { mode: "sequential", threads: 1, samples: samples(1) },
      { mode: "threads", threads: 2, samples: samples(0.55) },
    ],
  };
}

describe("threadbench ingest / regressions / regression / mute", () => {
  const found: string[] = [];

  beforeAll(async () => {
    const levels = [...Array.from({ length: 30 }, () => 100), ...Array.from({ length: 8 }, () => 125)];
    for (const [index, level] of levels.entries()) {
      const file = join(scratch, `run-${index}.json`);
      writeFileSync(file, JSON.stringify(ingestDocument(index, level)));
      const { code, stdout } = await cli("ingest", file);
      expect(code).toBe(0);
      found.push(...stdout.split("\n").filter((line) => line.startsWith("REGRESSION")));
    }
  });

  it("ingest checks each stored run and prints the regressions it found", () => {
    expect(found).toHaveLength(2);
    for (const line of found)
      expect(line).toMatch(/^REGRESSION {2}py-sum (sequential x1|threads x2) on main: \+2\d\.\d%/);
  });

  it("re-ingesting a run stores nothing and finds nothing new", async () => {
    const { code, stdout } = await cli("ingest", join(scratch, "run-37.json"));
    expect(code).toBe(0);
    expect(stdout).toContain("nothing stored");
    expect(stdout).not.toContain("REGRESSION");
  });

  it("filters the list by metric, in the stored name or the words people type", async () => {
    const wallTime = JSON.parse((await cli("regressions", "--metric", "wall-time", "--json")).stdout);
    expect(wallTime).toHaveLength(2);
    expect(wallTime.map((regression: StoredRegression) => regression.metric)).toEqual([
      "wall_time",
      "wall_time",
    ]);
    // These histories have no parallel mode of threadbench's own: no scaling change to list.
    expect(JSON.parse((await cli("regressions", "--metric", "efficiency", "--json")).stdout)).toEqual([]);
    expect((await cli("regressions", "--metric", "serial_fraction")).stdout).toBe("no regressions match\n");
    const wrong = await cli("regressions", "--metric", "speed");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      '--metric: "speed" is not a metric; allowed: wall_time, efficiency, serial_fraction',
    );
  });

  it("lists regressions, acknowledges one with who and why, and filters by status", async () => {
    const listed = await cli("regressions", "--status", "open", "--json");
    const open = JSON.parse(listed.stdout) as StoredRegression[];
    expect(open).toHaveLength(2);
    const table = await cli("regressions");
    expect(table.stdout).toMatch(
      /ID\s+FOUND \(UTC\)\s+KIND\s+STATUS\s+METRIC\s+CHANGE \(95% INTERVAL\)\s+CONFIDENCE/,
    );
    expect(table.stdout).toMatch(/wall time\s+\+2\d\.\d% \(/);
    expect(table.stdout).toContain("py-sum threads x2 on main");

    const id = open[0]?.id as string;
    const ack = await cli("regression", "ack", id, "--note", "known: new allocator");
    expect(ack.code).toBe(0);
    expect(ack.stdout).toContain("is now acknowledged, by tester: known: new allocator");
    const falseAlarm = await cli(
      "regression",
      "false-alarm",
      open[1]?.id as string,
      "--by",
      "alice",
      "--json",
    );
    expect(JSON.parse(falseAlarm.stdout)).toMatchObject({
      status: "false_alarm",
      statusChangedBy: "alice",
      note: null,
    });
    expect(JSON.parse((await cli("regressions", "--status", "open", "--json")).stdout)).toEqual([]);
    const acknowledged = JSON.parse((await cli("regressions", "--status", "acknowledged", "--json")).stdout);
    expect(acknowledged).toEqual([
      expect.objectContaining({ id, statusChangedBy: "tester", note: "known: new allocator" }),
    ]);

    expect((await cli("regression", "shrug", id)).code).toBe(2);
    expect((await cli("regressions", "--status", "closed")).code).toBe(2);
    const missing = await cli("regression", "fixed", "nope");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('regression "nope" was not found');
  });

  it("mutes and unmutes a series by key", async () => {
    const database = await openDatabase(databaseUrl);
    let key: string;
    try {
      const run = await getRun(database, ids.main as string, { samples: false });
      key = run?.measurements[0]?.seriesKey as string;
    } finally {
      await database.close();
    }
    const muted = await cli("mute", key, "--reason", "noisy runner");
    expect(muted.code).toBe(0);
    expect(muted.stdout).toContain(`muted series ${key} (noisy runner)`);
    expect((await cli("unmute", key)).stdout).toContain(`unmuted series ${key}`);
    expect((await cli("unmute", key)).stdout).toContain("was not muted");
    const unknown = await cli("mute", "no-such-key");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('series "no-such-key" was not found');
    expect((await cli("mute")).code).toBe(2);
  });
});
