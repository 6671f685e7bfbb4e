import { z } from "zod";
import { defineWorkload } from "./define.js";
import type { SharedMemoryReport } from "./types.js";

/** Int32 slots of the shared buffer. */
const Slot = {
  unsafe: 0,
  atomic: 1,
  locked: 2,
  /** Futex word of the lock: 0 free, 1 locked, 2 locked with waiters. */
  lock: 3,
  /** Start barrier of each phase, so the tasks of a phase really overlap. */
  barrier: 4,
} as const;
const PHASES = ["unsafe", "atomic", "lock"] as const;
const SLOT_COUNT = Slot.barrier + PHASES.length;
/** Longest a task waits at a barrier before going on alone: never hang a worker. */
const BARRIER_TIMEOUT_MS = 2_000;

interface SharedCounterPartial {
  increments: number;
}

const parameters = z.object({
  increments: z
    .number()
    .int()
    .min(1)
    .max(100_000_000)
    .default(100_000)
    .meta({ description: "Increments per task, in each of the three variants", unit: "increments" }),
});

function lock(cells: Int32Array): void {
  // Drepper's futex mutex ("Futexes are tricky", mutex 2): 0 free, 1 held, 2 contended.
  let state = Atomics.compareExchange(cells, Slot.lock, 0, 1);
  if (state === 0) return;
  if (state !== 2) state = Atomics.exchange(cells, Slot.lock, 2);
  while (state !== 0) {
    Atomics.wait(cells, Slot.lock, 2);
    state = Atomics.exchange(cells, Slot.lock, 2);
  }
}

function unlock(cells: Int32Array): void {
  if (Atomics.sub(cells, Slot.lock, 1) !== 1) {
    Atomics.store(cells, Slot.lock, 0);
    Atomics.notify(cells, Slot.lock, 1);
  }
}

function awaitParties(cells: Int32Array, phase: number, parties: number): void {
  const slot = Slot.barrier + phase;
  Atomics.add(cells, slot, 1);
  Atomics.notify(cells, slot);
  const deadline = Date.now() + BARRIER_TIMEOUT_MS;
  for (;;) {
    const arrived = Atomics.load(cells, slot);
    if (arrived >= parties || Date.now() > deadline) return;
    Atomics.wait(cells, slot, arrived, 5);
  }
}

function increment(cells: Int32Array, phase: number, count: number): void {
  switch (PHASES[phase]) {
    case "unsafe":
      for (let i = 0; i < count; i++) {
        // A plain read-modify-write: another thread can write between the load and
        // the store, and its update is lost. That is the point of the demo.
        const seen = cells[Slot.unsafe] as number;
        cells[Slot.unsafe] = seen + 1;
      }
      return;
    case "atomic":
      for (let i = 0; i < count; i++) Atomics.add(cells, Slot.atomic, 1);
      return;
    case "lock":
      for (let i = 0; i < count; i++) {
        lock(cells);
        cells[Slot.locked] = (cells[Slot.locked] as number) + 1;
        unlock(cells);
      }
      return;
    default:
      throw new Error(`shared-counter: unknown phase ${phase}`);
  }
}

/** N tasks incrementing one shared counter: unsynchronised, atomic, and under a lock. */
export const sharedCounter = defineWorkload({
  id: "shared-counter",
  title: "Shared counter",
  description:
    "The thread-safety demo of the free-threading article: every task increments one " +
    "counter in shared memory, in three variants run one after the other: a plain " +
    "read-modify-write on a SharedArrayBuffer, Atomics.add, and a mutex built on " +
    "Atomics.wait/notify. With real parallelism the plain variant loses updates; the " +
    "atomic and locked variants never do. On one thread nothing is lost, which is why " +
    "races hide until the code runs in parallel. Needs shared memory, so it cannot run " +
    "in separate processes.",
  parameters,
  unitName: "increments",
  requiresSharedMemory: true,
  units: (params) => params.increments,
  createShared: () => new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT),
  createTask(_params, range, context) {
    if (!context.shared) throw new TypeError("shared-counter: context.shared is required");
    const cells = new Int32Array(context.shared);
    const perPhase = range.end - range.start;
    let phase = 0;
    let doneInPhase = 0;
    let arrived = false;
    return {
      step(maxUnits: number): boolean {
        let budget = Math.max(1, maxUnits);
        while (phase < PHASES.length && budget > 0) {
          if (!arrived) {
            awaitParties(cells, phase, context.parties);
            arrived = true;
          }
          const count = Math.min(budget, perPhase - doneInPhase);
          increment(cells, phase, count);
          doneInPhase += count;
          budget -= count;
          if (doneInPhase >= perPhase) {
            phase++;
            doneInPhase = 0;
            arrived = false;
          }
        }
        return phase >= PHASES.length;
      },
      result: (): SharedCounterPartial => ({ increments: perPhase }),
    };
  },
  combine(_params, partials, shared) {
    if (!shared) throw new TypeError("shared-counter: the shared buffer is required to combine");
    const cells = new Int32Array(shared);
    const expected = partials.reduce((total, partial) => total + partial.increments, 0);
    const report = (variant: string, slot: number): SharedMemoryReport => {
      const observed = Atomics.load(cells, slot);
      return { variant, expected, observed, lostUpdates: expected - observed };
    };
    const sharedMemory = [
      report("unsafe", Slot.unsafe),
      report("atomic", Slot.atomic),
      report("lock", Slot.locked),
    ];
    // The unsafe total depends on scheduling; only the synchronised variants are
    // deterministic, so only they make up the checksum that modes must agree on.
    const [, atomic, locked] = sharedMemory;
    return { checksum: `atomic=${atomic?.observed};lock=${locked?.observed}`, sharedMemory };
  },
});
