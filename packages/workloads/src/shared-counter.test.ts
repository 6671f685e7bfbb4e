import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { parseParameters } from "./parameters.js";
import { sharedCounter } from "./shared-counter.js";
import { chunkRanges, finish } from "./test-fixtures/harness.js";

const WORKER_URL = new URL("./test-fixtures/shared-counter-worker.mjs", import.meta.url);

function createShared(params: { increments: number }, tasks: number): SharedArrayBuffer {
  if (!sharedCounter.createShared) throw new Error("shared-counter must create its shared memory");
  return sharedCounter.createShared(params, tasks);
}

/** Runs `tasks` tasks of `increments` each in real worker threads, all at once, sharing one buffer. */
async function runInWorkers(tasks: number, increments: number) {
  const params = parseParameters(sharedCounter, { increments }) as { increments: number };
  const shared = createShared(params, tasks);
  const partials = await Promise.all(
    Array.from(
      { length: tasks },
      (_, taskIndex) =>
        new Promise<{ increments: number }>((resolve, reject) => {
          const worker = new Worker(WORKER_URL, {
            workerData: { params, range: { start: 0, end: increments }, taskIndex, parties: tasks, shared },
          });
          worker.once("message", resolve);
          worker.once("error", reject);
          worker.once("exit", (code) => {
            if (code !== 0) reject(new Error(`worker ${taskIndex} exited with code ${code}`));
          });
        }),
    ),
  );
  return sharedCounter.combine(params, partials, shared);
}

describe("shared-counter on one thread", () => {
  it.each([1, 3])("loses nothing in any variant with %i task(s) run one after another", (tasks) => {
    const params = parseParameters(sharedCounter, { increments: 5_000 }) as { increments: number };
    const shared = createShared(params, tasks);
    const partials = Array.from({ length: tasks }, (_, taskIndex) =>
      finish(
        sharedCounter.createTask(
          params,
          { start: 0, end: params.increments },
          { taskIndex, parties: 1, shared },
        ),
        // Sliced, as in event-loop mode: phases must still complete in order.
        1_234,
      ),
    );
    const result = sharedCounter.combine(params, partials, shared);
    const expected = tasks * 5_000;
    expect(result.sharedMemory).toEqual([
      { variant: "unsafe", expected, observed: expected, lostUpdates: 0 },
      { variant: "atomic", expected, observed: expected, lostUpdates: 0 },
      { variant: "lock", expected, observed: expected, lostUpdates: 0 },
    ]);
    expect(result.checksum).toBe(`atomic=${expected};lock=${expected}`);
  });

  it("counts a chunked range by its units, like every other workload", () => {
    const params = parseParameters(sharedCounter, { increments: 1_001 }) as { increments: number };
    const shared = createShared(params, 4);
    const partials = chunkRanges(1_001, 4).map((range, taskIndex) =>
      finish(sharedCounter.createTask(params, range, { taskIndex, parties: 1, shared })),
    );
    expect(sharedCounter.combine(params, partials, shared).checksum).toBe("atomic=1001;lock=1001");
  });

  it("refuses to run or combine without shared memory", () => {
    const params = parseParameters(sharedCounter, {}) as { increments: number };
    expect(() =>
      sharedCounter.createTask(params, { start: 0, end: 1 }, { taskIndex: 0, parties: 1 }),
    ).toThrow(TypeError);
    expect(() => sharedCounter.combine(params, [{ increments: 1 }])).toThrow(TypeError);
  });

  it("declares that it needs shared memory", () => {
    expect(sharedCounter.requiresSharedMemory).toBe(true);
  });
});

describe("shared-counter in worker threads", () => {
  it.each([2, 4])(
    "never loses an update with atomics or the lock across %i real threads",
    async (tasks) => {
      const increments = 20_000;
      const result = await runInWorkers(tasks, increments);
      const expected = tasks * increments;
      const [unsafe, atomic, locked] = result.sharedMemory ?? [];
      expect(atomic).toEqual({ variant: "atomic", expected, observed: expected, lostUpdates: 0 });
      expect(locked).toEqual({ variant: "lock", expected, observed: expected, lostUpdates: 0 });
      expect(result.checksum).toBe(`atomic=${expected};lock=${expected}`);
      // Whether the plain variant loses updates depends on scheduling; it can never gain any.
      expect(unsafe?.observed).toBeGreaterThan(0);
      expect(unsafe?.observed).toBeLessThanOrEqual(expected);
      expect(unsafe?.lostUpdates).toBe(expected - (unsafe?.observed ?? 0));
    },
    30_000,
  );
});
