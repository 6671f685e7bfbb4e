import type { CellResult, Environment, RunPlan, RunResult, Summary } from "@threadbench/core";
import { medianOfSorted, seededRandom } from "@threadbench/core";

export function makeEnvironment(overrides: Partial<Environment> = {}): Environment {
  return {
    hostname: "bench-01",
    os: "linux",
    osRelease: "6.1.0",
    arch: "x64",
    cpuModel: "Test CPU @ 3.0GHz",
    logicalCores: 8,
    memoryBytes: 16 * 1024 ** 3,
    runtime: "node",
    runtimeVersion: "20.20.2",
    v8Version: "11.3.244.8",
    ...overrides,
  };
}

export function makePlan(overrides: Partial<RunPlan> = {}): RunPlan {
  return {
    workloadId: "sum-squares",
    params: { n: 1000 },
    modes: ["sequential", "worker-threads"],
    threads: [1, 2, 4],
    repetitions: 3,
    warmups: 1,
    scaling: "weak",
    taskTimeoutMs: 60_000,
    maxHeapMb: 256,
    ...overrides,
  };
}

function summaryOf(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((total, value) => total + value, 0) / values.length;
  const stddev = Math.sqrt(
    values.reduce((total, value) => total + (value - mean) ** 2, 0) / Math.max(1, values.length - 1),
  );
  return {
    count: values.length,
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
    median: medianOfSorted(sorted),
    mean,
    stddev,
    cv: stddev / mean,
  };
}

export interface MakeRunResultOptions {
  plan?: Partial<RunPlan>;
  environment?: Partial<Environment>;
  seed?: number;
  /** Base wall time of one task, ms. */
  taskMs?: number;
  startedAt?: string;
}

/** A plausible RunResult: every (mode, threads) cell with samples, summaries and speedups. */
export function makeRunResult(options: MakeRunResultOptions = {}): RunResult {
  const plan = makePlan(options.plan);
  const random = seededRandom(options.seed ?? 1);
  const taskMs = options.taskMs ?? 10;
  const cells: CellResult[] = [];
  const sequentialMedian = new Map<number, number>();
  for (const mode of plan.modes) {
    for (const threads of plan.threads) {
      const parallel = mode === "worker-threads" || mode === "child-processes";
      const samples = Array.from({ length: plan.repetitions }, (_, index) => {
        const taskDurationsMs = Array.from({ length: threads }, () => taskMs * (1 + random() * 0.05));
        const total = taskDurationsMs.reduce((sum, value) => sum + value, 0);
        const wallMs = parallel ? Math.max(...taskDurationsMs) * 1.05 : total;
        return { index, wallMs, cpuMs: total * 0.99, taskDurationsMs, checksum: "abc123" };
      });
      const wall = summaryOf(samples.map((sample) => sample.wallMs));
      const cpu = summaryOf(samples.map((sample) => sample.cpuMs));
      if (mode === "sequential") sequentialMedian.set(threads, wall.median);
      const baseline = sequentialMedian.get(threads) ?? null;
      const speedup = baseline === null ? null : baseline / wall.median;
      cells.push({
        mode,
        threads,
        tasks: threads,
        status: "succeeded",
        error: null,
        samples,
        wall,
        cpu,
        setupMs: parallel ? 12.5 : null,
        taskOverheadMs: parallel ? 0.25 : null,
        speedup,
        efficiency: speedup === null ? null : speedup / threads,
        checksum: "abc123",
        expectedChecksum: mode === "sequential" ? null : "abc123",
        checksumStatus: mode === "sequential" ? "baseline" : "match",
        sharedMemory: null,
      });
    }
  }
  const startedAt = options.startedAt ?? "2026-01-01T00:00:00.000Z";
  return {
    plan,
    environment: makeEnvironment(options.environment),
    status: "succeeded",
    error: null,
    startedAt,
    finishedAt: new Date(new Date(startedAt).getTime() + 5_000).toISOString(),
    cells,
  };
}
