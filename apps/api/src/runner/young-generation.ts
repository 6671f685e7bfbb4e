import { getHeapSpaceStatistics } from "node:v8";

/**
 * Every isolate that runs tasks gets the same young generation.
 *
 * Why: a task that allocates (sum-squares keeps its sum in a closure, so every
 * iteration boxes a double) spends a large share of its time in scavenges, and how
 * often V8 scavenges depends on the size of the new space. V8 grows an isolate's new
 * space only after many bytes survive, so a long-lived main thread (the CLI or an
 * agent, after loading Prisma and the GraphQL client) runs the sequential baseline with
 * a new space of 32 MiB, while a fresh worker thread or child process stays at 1-8 MiB
 * and scavenges four to sixteen times as often. That was the runner's 1-thread bias:
 * worker-threads and child-processes at one thread measured 0.80-0.87x of sequential
 * on a quiet machine, and the same code loaded as a workload module (whose loading
 * grows the worker's new space) looked 5% faster than built in.
 *
 * How: the main thread's new space is grown to its maximum before the first cell
 * ({@link primeYoungGeneration}), and pool members are started with that size as their
 * minimum and maximum ({@link youngGenerationFlags}), so all modes scavenge alike.
 * Node has no API to set the size of a running isolate, hence growing it by
 * allocating short-lived survivors.
 */

const MiB = 1024 * 1024;

/**
 * Bytes the calling isolate can allocate between two scavenges: the usable area of one
 * semi-space (used + available; `space_size` would also count the second semi-space,
 * which a fresh isolate commits only later).
 */
export function newSpaceBytes(): number {
  const space = getHeapSpaceStatistics().find((candidate) => candidate.space_name === "new_space");
  return space ? space.space_used_size + space.space_available_size : 0;
}

/** Survivors allocated per round: about 8 MiB of small arrays. */
const ARRAYS_PER_ROUND = 8192;
/** Longest the priming may go on (V8's default maximum is reached well before). */
const MAX_ROUNDS = 64;

let primedBytes = 0;

/**
 * Grows this isolate's new space to the largest size V8 allows it, once per process
 * (again only if V8 has shrunk it since), and returns the semi-space size in MiB that
 * pool members must get to scavenge like this thread. Takes about 70 ms the first time
 * (Node 20 and 22: 16 MiB; Node 24: 64 MiB) and nothing after.
 */
export function primeYoungGeneration(): number {
  if (primedBytes === 0 || newSpaceBytes() < primedBytes) {
    let size = newSpaceBytes();
    // V8 grows the new space once more bytes have survived since the last growth than
    // the new space holds; stop when that much survived without growth.
    let survivedSinceGrowth = 0;
    for (let round = 0; round < MAX_ROUNDS && survivedSinceGrowth <= 2 * size + 16 * MiB; round++) {
      let keep: number[][] | null = [];
      for (let index = 0; index < ARRAYS_PER_ROUND; index++) keep.push(new Array<number>(128).fill(index));
      keep = null;
      const after = newSpaceBytes();
      survivedSinceGrowth = after > size ? 0 : survivedSinceGrowth + ARRAYS_PER_ROUND * 128 * 8;
      size = Math.max(size, after);
    }
    primedBytes = size;
  }
  // The usable area is a little below the semi-space size (page headers).
  return Math.max(1, Math.ceil(primedBytes / MiB));
}

/** V8 flags that fix a new isolate's semi-spaces at `semiSpaceMb` MiB each. */
export function youngGenerationFlags(semiSpaceMb: number): string[] {
  if (!Number.isInteger(semiSpaceMb) || semiSpaceMb < 1) {
    throw new TypeError("semiSpaceMb must be a positive integer");
  }
  return [`--min-semi-space-size=${semiSpaceMb}`, `--max-semi-space-size=${semiSpaceMb}`];
}
