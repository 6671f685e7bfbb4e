import type { RunPlan } from "@threadbench/core";
import { formatDuration } from "@threadbench/core";
import { comparePairedSamples, type PairedComparison } from "../analysis/compare.js";
import { executeRun } from "../runner/execute-run.js";
import { acquireMachineLock } from "../runner/machine-lock.js";
import { looksLikeModuleReference } from "../runner/module-registry.js";
import { type CliIo, CliUsageError } from "./command.js";
import { formatChange, formatInterval, formatPValue } from "./comparison-format.js";
import { table } from "./format.js";
import { planFromFlags } from "./run-command.js";
import { resolveWorkloadFlag } from "./run-suite.js";

/*
 * `threadbench check --ab BASE_MODULE HEAD_MODULE`: base and head measured together, their
 * repetitions alternating (base, head, head, base, ...), so that each pair of repetitions
 * shares the machine's state. Two separate runs differ by what the machine did between
 * them (20-30% on a busy shared VM); a pair of repetitions taken moments apart does not,
 * which is how interleaved experiments on cloud machines detect slowdowns of a few
 * percent. Each repetition is one execution of the plan with one timed repetition (and
 * its warm-ups), so every pool is started afresh on both sides alike.
 */

export interface AbCheckOptions {
  baseModule: string;
  headModule: string;
  /** `--param` values, applied to both modules. */
  params: string[];
  threads: string;
  modes: string;
  /** Pairs per cell. */
  repetitions: number;
  warmups: number;
  /** Smallest slowdown that fails, relative. */
  minEffect: number;
}

/** One side of the comparison. */
export interface AbSide {
  reference: string;
  workloadId: string;
  hash: string | null;
}

export type AbCell =
  | {
      kind: "compared";
      mode: string;
      threads: number;
      base: number[];
      head: number[];
      comparison: PairedComparison;
    }
  | { kind: "failed"; mode: string; threads: number; error: string };

export interface AbCheck {
  base: AbSide;
  head: AbSide;
  pairs: number;
  cells: AbCell[];
  regressed: boolean;
}

const cellKey = (mode: string, threads: number) => `${mode}\u0000${threads}`;

/** Measures base and head interleaved and compares each cell's pairs. */
export async function runAbCheck(io: CliIo, options: AbCheckOptions): Promise<AbCheck> {
  for (const [flag, reference] of [
    ["base", options.baseModule],
    ["head", options.headModule],
  ] as const) {
    if (!looksLikeModuleReference(reference)) {
      throw new CliUsageError(
        `--ab: the ${flag} "${reference}" is not a workload module file (allowed: two files ending in .ts, .mts, .js or .mjs, e.g. --ab ../main/bench/resize.ts bench/resize.ts)`,
      );
    }
  }
  // One after the other: loading a module registers it in this process.
  const sides: Array<{ plan: RunPlan; side: AbSide }> = [];
  for (const reference of [options.baseModule, options.headModule]) {
    const target = await resolveWorkloadFlag(reference, undefined, io);
    const plan = planFromFlags(
      {
        workload: target.workloadId,
        param: options.params,
        threads: options.threads,
        modes: options.modes,
        repetitions: "1",
        warmups: String(options.warmups),
        scaling: "weak",
        "task-timeout": "600000",
        "max-heap": "2048",
      },
      target.workloadModule,
    );
    sides.push({
      plan,
      side: { reference, workloadId: target.workloadId, hash: target.workloadModule?.hash ?? null },
    });
  }
  const [base, head] = sides as [{ plan: RunPlan; side: AbSide }, { plan: RunPlan; side: AbSide }];
  const samples = new Map<
    string,
    { mode: string; threads: number; base: number[]; head: number[]; error?: string }
  >();
  const lock = await acquireMachineLock({
    description: `threadbench check --ab ${options.headModule}`,
    signal: io.signal,
    onWait: (holder) =>
      io.stderr.write(
        `threadbench check: waiting for another run on this machine to finish (${holder.description}, pid ${holder.pid})\n`,
      ),
  });
  try {
    for (let pair = 0; pair < options.repetitions; pair++) {
      // Alternate which side goes first, so neither always runs on a machine the other warmed.
      const order = pair % 2 === 0 ? (["base", "head"] as const) : (["head", "base"] as const);
      for (const side of order) {
        io.signal.throwIfAborted();
        const result = await executeRun(side === "base" ? base.plan : head.plan, { signal: io.signal });
        for (const cell of result.cells) {
          const key = cellKey(cell.mode, cell.threads);
          const entry = samples.get(key) ?? { mode: cell.mode, threads: cell.threads, base: [], head: [] };
          samples.set(key, entry);
          const wall = cell.samples[0]?.wallMs;
          if (cell.status !== "succeeded" || wall === undefined) {
            entry.error ??= `${side}: ${cell.error ?? cell.status}`;
            continue;
          }
          entry[side].push(wall);
        }
      }
      io.stderr.write(`\rthreadbench check --ab: pair ${pair + 1}/${options.repetitions}`);
    }
    io.stderr.write("\n");
  } finally {
    lock.release();
  }
  const cells: AbCell[] = [...samples.values()].map((entry) => {
    if (entry.error || entry.base.length !== entry.head.length) {
      return {
        kind: "failed",
        mode: entry.mode,
        threads: entry.threads,
        error: entry.error ?? "the two sides have different repetitions",
      };
    }
    return {
      kind: "compared",
      mode: entry.mode,
      threads: entry.threads,
      base: entry.base,
      head: entry.head,
      comparison: comparePairedSamples(entry.base, entry.head, { minEffect: options.minEffect }),
    };
  });
  return {
    base: base.side,
    head: head.side,
    pairs: options.repetitions,
    cells,
    regressed: cells.some((cell) => cell.kind === "compared" && cell.comparison.verdict === "slower"),
  };
}

/** The printout of an A/B check. */
export function formatAbCheck(check: AbCheck): string {
  const describe = (side: AbSide) =>
    `${side.reference}${side.hash ? ` (sha256 ${side.hash.slice(0, 12)})` : ""}`;
  const lines = [
    `A/B: base ${describe(check.base)} vs head ${describe(check.head)}`,
    `interleaved: ${check.pairs} pairs of repetitions per cell, alternating which goes first; each pair shares the machine's state`,
    "",
    table(
      [
        ["MODE", "THREADS", "BASE", "HEAD", "CHANGE", "95% INTERVAL", "P", "VERDICT"],
        ...check.cells.map((cell) =>
          cell.kind === "compared"
            ? [
                cell.mode,
                String(cell.threads),
                formatDuration(cell.comparison.baseMedian),
                formatDuration(cell.comparison.headMedian),
                formatChange(cell.comparison.relativeChange?.estimate),
                formatInterval(cell.comparison.relativeChange),
                formatPValue(cell.comparison.signedRank.pValue),
                cell.comparison.verdict === "noisy" ? "noisy (cannot tell)" : cell.comparison.verdict,
              ]
            : [cell.mode, String(cell.threads), "-", "-", "-", "-", "-", `failed (${cell.error})`],
        ),
      ],
      new Set([1, 2, 3, 4, 6]),
    ),
    "",
  ];
  const slower = check.cells.filter(
    (cell) => cell.kind === "compared" && cell.comparison.verdict === "slower",
  );
  lines.push(
    check.regressed
      ? `REGRESSION: head is slower than base in ${slower.map((cell) => `${cell.mode} x${cell.threads}`).join(", ")}`
      : "no regression: head is not significantly slower than base in any cell",
  );
  return `${lines.join("\n")}\n`;
}
