/**
 * `npm run bench` (CPython part): what driving the Python harness over its pipe costs
 * per task, printed as ratios measured in one process. Not a test: nothing here asserts.
 *
 * The same repetition two ways, in interleaved rounds:
 *   - through the pipe, exactly as the runner sends it (a `repeat` request: JSON line
 *     out, the harness runs the task, times it, combines the checksum, JSON line back),
 *     timed on the Node side from write to parsed reply;
 *   - a bare Python loop doing the same (the harness's `bare-loop`: run the task and
 *     combine the checksum, no protocol), timed inside Python.
 * For an empty task (sum-squares n = 1) the ratio is the harness's whole overhead; for a
 * small real task it shows what share of a measured repetition that overhead is. The
 * runner's figures are the harness's own timings (wallMs, taken inside Python), so this
 * overhead never enters them: it only lengthens a run.
 */
import os from "node:os";
import { median } from "@threadbench/core";
import { PythonHarness } from "../runner/python/harness-process.js";

const python = process.env.BENCH_PYTHON ?? "python3";
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

interface Case {
  title: string;
  n: number;
  tripsPerRound: number;
}

const cases: Case[] = [
  { title: "empty task (sum-squares n=1)", n: 1, tripsPerRound: 1000 },
  { title: "small task (sum-squares n=100,000)", n: 100_000, tripsPerRound: 60 },
];

function quantiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${(sorted[0] ?? Number.NaN).toFixed(2)}x-${(sorted.at(-1) ?? Number.NaN).toFixed(2)}x`;
}

const harness = await PythonHarness.start({ executable: python });
const runtime = harness.runtime;
console.log(
  `\nthreadbench CPython harness overhead: ${runtime.implementation} ${runtime.version} (${runtime.executable}), node ${process.versions.node}, ${os.availableParallelism()} cores; ${rounds} interleaved rounds`,
);
console.log(
  "case                                 pipe round trip   inside python   bare python loop   pipe / bare (median, range)",
);
try {
  for (const testCase of cases) {
    const request = {
      workload: "sum-squares",
      params: { n: testCase.n },
      mode: "sequential",
      ranges: [[0, testCase.n]] as Array<[number, number]>,
    };
    // Warm both paths: imports, caches, the interpreter's specialisation.
    for (let index = 0; index < 50; index++) await harness.repeat(request);
    await harness.request("bare-loop", { ...request, iterations: 50 });
    const tripMedians: number[] = [];
    const insideMedians: number[] = [];
    const bareMedians: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const trips: number[] = [];
      const inside: number[] = [];
      for (let index = 0; index < testCase.tripsPerRound; index++) {
        const started = performance.now();
        const repetition = await harness.repeat(request);
        trips.push(performance.now() - started);
        inside.push(repetition.wallMs);
      }
      const bare = (await harness.request("bare-loop", { ...request, iterations: testCase.tripsPerRound }))
        .durationsMs as number[];
      tripMedians.push(median(trips));
      insideMedians.push(median(inside));
      bareMedians.push(median(bare));
      ratios.push(median(trips) / median(bare));
    }
    const format = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
    console.log(
      `${testCase.title.padEnd(36)} ${format(median(tripMedians)).padStart(15)}   ${format(median(insideMedians)).padStart(13)}   ${format(median(bareMedians)).padStart(16)}   ${median(ratios).toFixed(2)}x (${quantiles(ratios)})`,
    );
  }
} finally {
  await harness.close();
}
