import type { RunPlan, RunProgress } from "@threadbench/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRun, finishCell, taskRanges, workSpanMs } from "./execute-run.js";
import { parseRunPlan } from "./plan.js";

/** Exact sum of i*i for i < n. */
function sumOfSquares(n: number): bigint {
  const big = BigInt(n);
  return ((big - 1n) * big * (2n * big - 1n)) / 6n;
}

function faultPlan(behaviour: string, overrides: Partial<RunPlan> = {}): RunPlan {
  return {
    workloadId: "diagnostic-fault",
    params: { behaviour },
    modes: ["sequential", "worker-threads"],
    threads: [1],
    repetitions: 1,
    warmups: 0,
    scaling: "weak",
    taskTimeoutMs: 60_000,
    maxHeapMb: 2048,
    ...overrides,
  };
}

describe("taskRanges", () => {
  it("gives every task the full range in weak scaling", () => {
    expect(taskRanges(10, 3, "weak")).toEqual([
      { start: 0, end: 10 },
      { start: 0, end: 10 },
      { start: 0, end: 10 },
    ]);
  });

  it("splits one job into contiguous chunks covering it exactly in strong scaling", () => {
    const ranges = taskRanges(10, 3, "strong");
    expect(ranges).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 6 },
      { start: 6, end: 10 },
    ]);
  });
});

describe("executeRun", () => {
  it("runs every mode on real threads and processes and agrees on the checksum", async () => {
    const plan = parseRunPlan({
      workload: "sum-squares",
      params: { n: 20_000 },
      threads: [1, 2],
      repetitions: 2,
      warmups: 1,
    });
    const progress: RunProgress[] = [];
    const result = await executeRun(plan, { onProgress: (update) => progress.push(update) });

    expect(result.status).toBe("succeeded");
    expect(result.error).toBeNull();
    expect(result.cells.map((cell) => `${cell.mode}x${cell.threads}`)).toEqual([
      "sequentialx1",
      "event-loopx1",
      "worker-threadsx1",
      "child-processesx1",
      "sequentialx2",
      "event-loopx2",
      "worker-threadsx2",
      "child-processesx2",
    ]);
    for (const cell of result.cells) {
      expect(cell.status).toBe("succeeded");
      // Weak scaling: each of the `threads` tasks sums the full range.
      expect(cell.checksum).toBe((sumOfSquares(20_000) * BigInt(cell.threads)).toString());
      expect(cell.checksumStatus).toBe(cell.mode === "sequential" ? "baseline" : "match");
      expect(cell.samples).toHaveLength(2);
      for (const sample of cell.samples) {
        expect(sample.taskDurationsMs).toHaveLength(cell.threads);
        expect(sample.wallMs).toBeGreaterThan(0);
      }
      expect(cell.wall?.count).toBe(2);
      expect(cell.speedup).toBeGreaterThan(0);
      expect(cell.efficiency).toBeCloseTo((cell.speedup as number) / cell.threads, 12);
      const poolMode = cell.mode === "worker-threads" || cell.mode === "child-processes";
      expect(cell.setupMs === null).toBe(!poolMode);
      // The pool's fixed cost per task: measured for the pooled modes only.
      if (poolMode) expect(cell.taskOverheadMs).toBeGreaterThanOrEqual(0);
      else expect(cell.taskOverheadMs).toBeNull();
    }
    const last = progress.at(-1);
    expect(last?.stepsDone).toBe(last?.stepsTotal);
    expect(last?.cellsDone).toBe(8);
    expect(result.environment.logicalCores).toBeGreaterThan(0);
  });

  it("interleaves the repetitions of all modes, rotating which goes first", async () => {
    const plan = parseRunPlan({
      workload: "sum-squares",
      params: { n: 1000 },
      threads: [2],
      modes: ["sequential", "event-loop", "worker-threads"],
      repetitions: 2,
      warmups: 1,
    });
    const timeline: string[] = [];
    let stepsDone = 0;
    await executeRun(plan, {
      onProgress: (progress) => {
        if (progress.stepsDone > stepsDone && progress.currentCell) timeline.push(progress.currentCell.mode);
        stepsDone = progress.stepsDone;
      },
    });
    expect(timeline).toEqual([
      "sequential",
      "event-loop",
      "worker-threads",
      "event-loop",
      "worker-threads",
      "sequential",
      "worker-threads",
      "sequential",
      "event-loop",
    ]);
  });

  it("computes the single job's answer in every chunk count under strong scaling", async () => {
    const plan = parseRunPlan({
      workload: "sum-squares",
      params: { n: 30_001 },
      threads: [1, 3],
      modes: ["sequential", "event-loop", "worker-threads"],
      repetitions: 1,
      warmups: 0,
      scaling: "strong",
    });
    const result = await executeRun(plan);
    expect(result.status).toBe("succeeded");
    for (const cell of result.cells) expect(cell.checksum).toBe(sumOfSquares(30_001).toString());
  });

  it("never loses an atomic or locked shared-counter update on real threads", async () => {
    const plan = parseRunPlan({
      workload: "shared-counter",
      params: { increments: 20_000 },
      threads: [2],
      modes: ["sequential", "event-loop", "worker-threads"],
      repetitions: 2,
      warmups: 0,
    });
    const result = await executeRun(plan);
    expect(result.status).toBe("succeeded");
    for (const cell of result.cells) {
      const byVariant = Object.fromEntries((cell.sharedMemory ?? []).map((row) => [row.variant, row]));
      expect(byVariant.atomic).toMatchObject({ expected: 40_000, observed: 40_000, lostUpdates: 0 });
      expect(byVariant.lock).toMatchObject({ expected: 40_000, observed: 40_000, lostUpdates: 0 });
      // On one thread a plain read-modify-write cannot race.
      if (cell.mode !== "worker-threads") expect(byVariant.unsafe?.lostUpdates).toBe(0);
      expect(byVariant.unsafe?.lostUpdates).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("executeRun with faults inside pool members", () => {
  beforeAll(() => {
    process.env.THREADBENCH_DIAGNOSTIC_WORKLOADS = "1";
  });
  afterAll(() => {
    delete process.env.THREADBENCH_DIAGNOSTIC_WORKLOADS;
  });

  it("fails the cell with the worker's error when a task throws, and goes on", async () => {
    const result = await executeRun(faultPlan("throw", { threads: [1, 2] }));
    expect(result.status).toBe("failed");
    expect(result.cells.map((cell) => cell.status)).toEqual(["succeeded", "failed", "succeeded", "failed"]);
    expect(result.cells[1]?.error).toContain("fault injected: the task threw");
    expect(result.error).toContain("worker-threads x1");
  });

  it.each(["worker-threads", "child-processes"] as const)(
    "fails the cell when a task exits its %s member",
    async (mode) => {
      const result = await executeRun(faultPlan("exit", { modes: ["sequential", mode] }));
      expect(result.cells[1]?.status).toBe("failed");
      expect(result.cells[1]?.error).toMatch(/exit|code 3/i);
    },
  );

  it("fails the cell when a worker exceeds its heap limit", async () => {
    const result = await executeRun(faultPlan("exhaust-heap", { maxHeapMb: 32 }));
    expect(result.cells[1]?.status).toBe("failed");
    expect(result.cells[1]?.error).toMatch(/memory|resource/i);
  });

  it.each(["worker-threads", "child-processes"] as const)(
    "fails the %s cell whose task outlives the task timeout",
    async (mode) => {
      const result = await executeRun(faultPlan("spin", { modes: ["sequential", mode], taskTimeoutMs: 300 }));
      expect(result.cells[1]?.status).toBe("failed");
      expect(result.cells[1]?.error).toMatch(/timeout|aborted/i);
    },
  );

  it("stops on cancellation, terminates the spinning worker and keeps finished cells", async () => {
    const controller = new AbortController();
    let scheduled = false;
    const result = await executeRun(faultPlan("spin", { threads: [1, 2] }), {
      signal: controller.signal,
      onProgress: (progress) => {
        // The sequential repetition is done and the spinning worker task has begun.
        if (progress.stepsDone === 1 && progress.currentCell?.mode === "worker-threads" && !scheduled) {
          scheduled = true;
          setTimeout(() => controller.abort(new Error("cancelled by the test")), 200);
        }
      },
    });
    expect(result.status).toBe("cancelled");
    expect(result.error).toBe("cancelled by the test");
    expect(result.cells.map((cell) => cell.status)).toEqual(["succeeded", "cancelled"]);
  });
});

describe("finishCell", () => {
  const sample = (wallMs: number, checksum: string) => ({
    index: 0,
    wallMs,
    cpuMs: wallMs,
    taskDurationsMs: [wallMs],
    checksum,
  });

  it("fails a cell whose checksum differs from the baseline and shows both values", () => {
    const baseline = finishCell(
      {
        mode: "sequential",
        threads: 2,
        status: "succeeded",
        error: null,
        samples: [sample(20, "42")],
        setupMs: null,
        taskOverheadMs: null,
      },
      undefined,
    );
    const cell = finishCell(
      {
        mode: "worker-threads",
        threads: 2,
        status: "succeeded",
        error: null,
        samples: [sample(10, "41")],
        setupMs: 5,
        taskOverheadMs: 0.1,
      },
      baseline,
    );
    expect(cell.status).toBe("failed");
    expect(cell.checksumStatus).toBe("mismatch");
    expect(cell.error).toContain("41");
    expect(cell.error).toContain("42");
    expect(cell.speedup).toBe(2);
    expect(cell.efficiency).toBe(1);
  });

  it("fails a cell whose repetitions disagree with each other", () => {
    const cell = finishCell(
      {
        mode: "sequential",
        threads: 1,
        status: "succeeded",
        error: null,
        samples: [sample(10, "1"), sample(11, "2")],
        setupMs: null,
        taskOverheadMs: null,
      },
      undefined,
    );
    expect(cell.status).toBe("failed");
    expect(cell.error).toContain("1 vs 2");
  });
});

describe("workSpanMs", () => {
  const outcome = (startedAtMs: number | null, endedAtMs: number | null) => ({
    partial: null,
    durationMs: 0,
    cpuMs: null,
    startedAtMs,
    endedAtMs,
  });

  it("times a pooled repetition from the first task's start to the last one's end on the threads (issue 13)", () => {
    // The main thread's own wall time added the pool's hand-off both ways (about 1 ms on
    // the 2-core VM): one worker thread measured 0.93-0.95x of sequential.
    expect(workSpanMs([outcome(1000, 1030), outcome(1002, 1031.5)])).toBe(31.5);
    expect(workSpanMs([outcome(5, 7)])).toBe(2);
  });

  it("leaves the main thread's wall time when a task did not say when it ran", () => {
    expect(workSpanMs([outcome(1000, 1030), outcome(null, null)])).toBeNull();
    expect(workSpanMs([])).toBeNull();
  });
});
