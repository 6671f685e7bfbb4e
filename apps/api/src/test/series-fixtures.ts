import { seededRandom } from "@threadbench/core";

/*
 * A deterministic history over several runtimes of one machine, in the ingest format:
 * what the series explorer, the cross-runtime scaling chart and the branch review are
 * tested against. CPython with the GIL barely scales with threads; the free-threaded
 * build does; Node's worker threads do.
 */

export const dayMs = 24 * 3600 * 1000;
export const historyOrigin = Date.UTC(2026, 0, 1);

export interface RuntimeFixture {
  runtime: string;
  runtimeVersion: string;
  /** The parallel modes of the runtime and their speedup at 4 threads. */
  parallel: Record<string, number>;
}

export const fixtureRuntimes: RuntimeFixture[] = [
  { runtime: "node", runtimeVersion: "20.20.2", parallel: { "worker-threads": 3.6 } },
  {
    runtime: "cpython",
    runtimeVersion: "3.13.1",
    parallel: { threading: 0.98, multiprocessing: 3.64 },
  },
  {
    runtime: "cpython",
    runtimeVersion: "3.13.1t",
    parallel: { threading: 3.67, multiprocessing: 3.5 },
  },
];

export function shaOf(index: number): string {
  return (0xabc0000 + index * 7919).toString(16).padStart(8, "0").repeat(5).slice(0, 40);
}

export interface FixtureRunOptions {
  index: number;
  runtime: RuntimeFixture;
  branch?: string;
  workload?: string;
  /** Multiplies every parallel cell's time (a slowdown on a branch, say 1.3). */
  slowdown?: number;
  key: string;
  machine?: string;
  threads?: number[];
}

/**
 * One run: sequential and each parallel mode at the given thread counts (default 1, 2, 4),
 * 5 repetitions with 1% noise, weak scaling (a cell's ideal time is the 1-thread time).
 */
export function fixtureRun(options: FixtureRunOptions) {
  const random = seededRandom(7000 + options.index * 31 + options.key.length);
  const startedAt = new Date(historyOrigin + options.index * dayMs);
  const threads = options.threads ?? [1, 2, 4];
  const slowdown = options.slowdown ?? 1;
  const cells = [
    ...threads.map((count) => ({ mode: "sequential", threads: count, ms: 100 * count })),
    ...Object.entries(options.runtime.parallel).flatMap(([mode, speedupAt4]) =>
      threads.map((count) => {
        // Speedup grows from 1 at one thread to `speedupAt4` at four.
        const speedup = 1 + ((speedupAt4 - 1) * (count - 1)) / 3;
        return { mode, threads: count, ms: ((100 * count) / speedup) * slowdown };
      }),
    ),
  ];
  return {
    formatVersion: 1,
    idempotencyKey: `${options.key}-${options.index}`,
    workload: options.workload ?? "sum-squares",
    params: { n: 1000 },
    scaling: "weak",
    commitSha: shaOf(options.index),
    branch: options.branch ?? "main",
    labels: ["fixture"],
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + 60_000).toISOString(),
    testbed: {
      hostname: options.machine ?? "ci-runner-7",
      os: "linux",
      arch: "x64",
      cpuModel: "Fixture CPU",
      logicalCores: 4,
      memoryBytes: 16 * 1024 ** 3,
      runtime: options.runtime.runtime,
      runtimeVersion: options.runtime.runtimeVersion,
    },
    measurements: cells.map((cell) => ({
      mode: cell.mode,
      threads: cell.threads,
      samples: Array.from({ length: 5 }, () => ({ wallMs: cell.ms * (1 + (random() - 0.5) * 0.02) })),
    })),
  };
}
