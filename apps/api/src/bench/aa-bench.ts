/**
 * A/A benchmark of the CI gate (`threadbench check`) with real runs through the CLI:
 * how often identical code fails the gate, and how often a planted 10% slowdown does.
 *
 *   node apps/api/dist/bench/aa-bench.js          (after building apps/api)
 *   AA_CHECKS=100 AA_N=1000000 AA_REPETITIONS=10 AA_HISTORY=10 node apps/api/dist/bench/aa-bench.js
 *
 * Everything goes through the CLI's own entry (main(argv, io) of src/cli/main.ts, in this
 * process): `threadbench run` of a workload module (src/bench/aa-workload.ts: sum-squares'
 * loop, n = 1,000,000, sequential and worker-threads at 1 and 2 threads, 10 repetitions
 * and a warm-up) stores each run in a temporary SQLite database, and `threadbench check`
 * judges it. First AA_HISTORY runs on main; then, AA_CHECKS times, one more run on main
 * checked against the AA_HISTORY runs before it (identical code: every failure is a false
 * alarm), and every other time a run on a branch with THREADBENCH_AA_EXTRA_WORK=0.1 (the
 * same module, parameters and content hash, so the same series, doing 10% more work)
 * checked against main's last AA_HISTORY runs. The gate's settings are the defaults
 * except --history. Prints both rates with 95% intervals, and which cells decided.
 * Not seeded (real timings): the figures depend on the machine and its load, printed too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { median } from "@threadbench/core";
import { main } from "../cli/main.js";
import type { BranchCheck } from "../regressions/check-branch.js";

const checks = positiveInteger("AA_CHECKS", 100);
const n = positiveInteger("AA_N", 200_000);
const repetitions = positiveInteger("AA_REPETITIONS", 30);
const history = positiveInteger("AA_HISTORY", 10);
const plantedEvery = positiveInteger("AA_PLANTED_EVERY", 3);

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

const scratch = mkdtempSync(join(tmpdir(), "threadbench-aa-"));
/** AA_DATABASE_URL keeps the runs (e.g. to try other gate settings on them); default a temporary file. */
const databaseUrl = process.env.AA_DATABASE_URL ?? `file:${join(scratch, "aa.db")}`;
const env = { ...process.env, DATABASE_URL: databaseUrl, THREADBENCH_WEBHOOK_URL: "" };
const modulePath = fileURLToPath(new URL("./aa-workload.js", import.meta.url));

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => {
    out += String(chunk);
  });
  stderr.on("data", (chunk) => {
    err += String(chunk);
  });
  const code = await main(argv, {
    stdout,
    stderr,
    env,
    cwd: process.cwd(),
    signal: new AbortController().signal,
  });
  return { code, stdout: out, stderr: err };
}

async function run(branch: string, extraWork: number): Promise<void> {
  if (extraWork > 0) process.env.THREADBENCH_AA_EXTRA_WORK = String(extraWork);
  try {
    const result = await cli(
      "run",
      "--workload",
      modulePath,
      "--param",
      `n=${n}`,
      "--threads",
      "1,2",
      "--modes",
      "sequential,worker-threads",
      "--repetitions",
      String(repetitions),
      "--branch",
      branch,
      "--no-progress",
      "--json",
    );
    if (result.code !== 0) throw new Error(`threadbench run failed (${result.code}): ${result.stderr}`);
  } finally {
    delete process.env.THREADBENCH_AA_EXTRA_WORK;
  }
}

async function check(branch: string): Promise<BranchCheck> {
  const result = await cli(
    "check",
    "--base",
    "main",
    "--branch",
    branch,
    "--history",
    String(history),
    "--json",
  );
  if (result.code !== 0 && result.code !== 1) {
    throw new Error(`threadbench check failed (${result.code}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as BranchCheck;
}

/** Wilson score interval of a proportion (95%). */
function wilson(successes: number, trials: number): [number, number] {
  const z = 1.959963984540054;
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const center = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

function failingCells(result: BranchCheck): string[] {
  return (result.gate?.cells ?? [])
    .filter((cell) => cell.verdict === "slower")
    .map((cell) => `${cell.mode} x${cell.threads}${cell.metric === "wall_time" ? "" : ` ${cell.metric}`}`);
}

async function main_(): Promise<void> {
  const started = performance.now();
  const loadAtStart = loadavg();
  console.log(
    `A/A of the gate: ${modulePath.split("/").slice(-3).join("/")} n=${n.toLocaleString("en-US")}, sequential + worker-threads at 1 and 2 threads, ${repetitions} repetitions + 1 warm-up; ${history} base runs of history; ${checks} A/A checks, a 10% planted slowdown every ${plantedEvery}`,
  );
  for (let index = 0; index < history; index++) await run("main", 0);
  let falseAlarms = 0;
  let planted = 0;
  let caught = 0;
  const falseCells = new Map<string, number>();
  const missedChanges: number[] = [];
  const detectable = new Map<string, number[]>();
  for (let index = 1; index <= checks; index++) {
    await run("main", 0);
    const same = await check("main");
    for (const cell of same.gate?.cells ?? []) {
      if (cell.metric !== "wall_time" || !cell.outcome) continue;
      const key = `${cell.mode} x${cell.threads}`;
      detectable.set(key, [...(detectable.get(key) ?? []), cell.outcome.detectableChange]);
    }
    if (same.regressed) {
      falseAlarms++;
      for (const cell of failingCells(same)) falseCells.set(cell, (falseCells.get(cell) ?? 0) + 1);
    }
    let line = `check ${String(index).padStart(3)}: A/A ${same.regressed ? `FAIL (${failingCells(same).join(", ")})` : "pass"}`;
    if (index % plantedEvery === 0) {
      planted++;
      await run("planted", 0.1);
      const slower = await check("planted");
      if (slower.regressed) caught++;
      else {
        const cells = (slower.gate?.cells ?? []).filter(
          (cell) => cell.metric === "wall_time" && cell.outcome,
        );
        missedChanges.push(
          Math.max(...cells.map((cell) => cell.outcome?.change ?? Number.NEGATIVE_INFINITY)),
        );
      }
      line += `, +10% ${slower.regressed ? `caught (${failingCells(slower).join(", ")})` : "missed"}`;
    }
    process.stderr.write(`${line}\n`);
  }
  const [aaLow, aaHigh] = wilson(falseAlarms, checks);
  const [caughtLow, caughtHigh] = wilson(caught, planted);
  console.log("");
  console.log(`| gate (defaults, --history ${history}) | checks | failed | rate | 95% interval | target |`);
  console.log("| --- | --- | --- | --- | --- | --- |");
  console.log(
    `| A/A: identical code | ${checks} | ${falseAlarms} | ${percent(falseAlarms / checks)} | ${percent(aaLow)}-${percent(aaHigh)} | <= 1% |`,
  );
  console.log(
    `| planted 10% slowdown | ${planted} | ${caught} | ${percent(caught / planted)} | ${percent(caughtLow)}-${percent(caughtHigh)} | >= 90% |`,
  );
  console.log("");
  console.log(
    `median smallest failing slowdown per cell (the gate's "fails beyond"): ${[...detectable.entries()].map(([key, values]) => `${key} ${percent(median(values))}`).join(", ")}`,
  );
  if (falseCells.size > 0)
    console.log(
      `cells that failed A/A checks: ${[...falseCells.entries()].map(([key, count]) => `${key} ${count}`).join(", ")}`,
    );
  if (missedChanges.length > 0)
    console.log(
      `missed planted slowdowns, largest cell change seen: ${missedChanges.map(percent).join(", ")}`,
    );
  console.log(
    `load average at start ${loadAtStart.map((value) => value.toFixed(2)).join(" ")}, at end ${loadavg()
      .map((value) => value.toFixed(2))
      .join(
        " ",
      )}; ${checks + planted + history} runs in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

try {
  await main_();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
