/**
 * A/A benchmark of the pairwise verdict on real runs: the same small plan is run twice
 * back to back with the real runner (piscina pool included), and the two runs are
 * compared cell by cell with the defaults `threadbench compare` and `threadbench check`
 * use. Both runs measure the same code, so every verdict other than "unchanged" is a
 * false alarm in the strict sense; "slower"/"faster" are the ones that would fail a CI
 * gate or mislead a reader, "noisy" only says the repetitions could not decide.
 *
 *   node apps/api/dist/bench/aa-bench.js          (after building apps/api)
 *   AA_PAIRS=20 AA_N=2000000 AA_REPETITIONS=10 node apps/api/dist/bench/aa-bench.js
 *
 * Runs are not interleaved (one run finishes before the next starts, as in CI), so a
 * machine whose load changes between the two runs shows up here as it would in use.
 * Nothing asserts: it prints a table and the rates. Not seeded (real timings).
 */
import { loadavg } from "node:os";
import { compareSamples, type Verdict } from "../analysis/compare.js";
import { median } from "../analysis/summary.js";
import { executeRun } from "../runner/execute-run.js";
import { parseRunPlan } from "../runner/plan.js";
import type { RunResult } from "../runner/types.js";

const pairs = positiveInteger("AA_PAIRS", 10);
const n = positiveInteger("AA_N", 2_000_000);
const repetitions = positiveInteger("AA_REPETITIONS", 10);

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

const plan = parseRunPlan({
  workload: "sum-squares",
  params: { n },
  modes: ["sequential", "worker-threads"],
  threads: [1, 2],
  repetitions,
  warmups: 2,
});

interface CellTally {
  verdicts: Record<Verdict, number>;
  changes: number[];
  cvs: number[];
}

function cellKey(mode: string, threads: number): string {
  return `${mode} x${threads}`;
}

function wallSamples(result: RunResult, key: string): number[] {
  const cell = result.cells.find((candidate) => cellKey(candidate.mode, candidate.threads) === key);
  return cell?.status === "succeeded" ? cell.samples.map((sample) => sample.wallMs) : [];
}

async function main(): Promise<void> {
  console.log(
    `A/A: sum-squares n=${n.toLocaleString("en-US")}, threads 1,2, sequential + worker-threads, ${repetitions} repetitions (+2 warm-ups), ${pairs} pairs of back-to-back runs`,
  );
  console.log(
    `load average at start: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(" ")}`,
  );
  const tallies = new Map<string, CellTally>();
  // Pairs where at least one cell is "slower": `threadbench check` would fail the build.
  let failingPairs = 0;
  for (let pair = 1; pair <= pairs; pair++) {
    const base = await executeRun(plan);
    const head = await executeRun(plan);
    const line: string[] = [];
    for (const cell of base.cells) {
      const key = cellKey(cell.mode, cell.threads);
      const baseWall = wallSamples(base, key);
      const headWall = wallSamples(head, key);
      if (baseWall.length === 0 || headWall.length === 0) {
        line.push(`${key}: failed`);
        continue;
      }
      const comparison = compareSamples(baseWall, headWall);
      const tally = tallies.get(key) ?? {
        verdicts: { faster: 0, slower: 0, unchanged: 0, noisy: 0 },
        changes: [],
        cvs: [],
      };
      tally.verdicts[comparison.verdict]++;
      tally.changes.push(comparison.relativeChange?.estimate ?? Number.NaN);
      tally.cvs.push(
        cell.wall?.cv ?? Number.NaN,
        head.cells.find((other) => cellKey(other.mode, other.threads) === key)?.wall?.cv ?? Number.NaN,
      );
      tallies.set(key, tally);
      line.push(`${key} ${comparison.verdict}`);
    }
    if (line.some((entry) => entry.endsWith(" slower"))) failingPairs++;
    console.log(`pair ${String(pair).padStart(2)}: ${line.join(", ")}`);
  }

  console.log("");
  console.log("| cell | pairs | unchanged | noisy | slower | faster | median abs change | median CV |");
  console.log("| ---- | ----- | --------- | ----- | ------ | ------ | ----------------- | --------- |");
  const total: Record<Verdict, number> = { faster: 0, slower: 0, unchanged: 0, noisy: 0 };
  for (const [key, tally] of tallies) {
    const count = Object.values(tally.verdicts).reduce((sum, value) => sum + value, 0);
    for (const verdict of Object.keys(total) as Verdict[]) total[verdict] += tally.verdicts[verdict];
    console.log(
      `| ${key} | ${count} | ${tally.verdicts.unchanged} | ${tally.verdicts.noisy} | ${tally.verdicts.slower} | ${tally.verdicts.faster} | ${percent(median(tally.changes.filter(Number.isFinite).map(Math.abs)))} | ${percent(median(tally.cvs.filter(Number.isFinite)))} |`,
    );
  }
  const comparisons = Object.values(total).reduce((sum, value) => sum + value, 0);
  const notUnchanged = comparisons - total.unchanged;
  const decidedWrong = total.slower + total.faster;
  console.log("");
  console.log(
    `cell comparisons: ${comparisons}; verdict other than unchanged: ${notUnchanged} (${percent(notUnchanged / comparisons)}); slower or faster (would fail \`threadbench check\` or mislead): ${decidedWrong} (${percent(decidedWrong / comparisons)}); noisy: ${total.noisy}`,
  );
  console.log(
    `pairs where \`threadbench check\` would fail (a cell "slower"): ${failingPairs} of ${pairs} (${percent(failingPairs / pairs)})`,
  );
  console.log(
    `load average at end: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(" ")}`,
  );
}

function percent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : "-";
}

await main();
