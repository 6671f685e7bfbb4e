import { z } from "zod";
import { defineWorkload, rangeTask } from "./define.js";

/** 2^52: the low word carries into the high word before it can lose precision. */
const LOW_WORD = 2 ** 52;

/**
 * i < 2^26 keeps i*i below 2^52, so `low + i*i` stays below 2^53 and every
 * addition is exact.
 */
const MAX_N = 2 ** 26;

interface SumSquaresPartial {
  /** Exact sum = high * 2^52 + low; both stay exact integers in a double. */
  high: number;
  low: number;
}

const parameters = z.object({
  n: z
    .number()
    .int()
    .min(1)
    .max(MAX_N)
    .default(5_000_000)
    .meta({ description: "Sum i*i for 0 <= i < n", unit: "iterations" }),
});

/** Sum of i*i for i < n, kept exact beyond 2^53 with a two-word accumulator. */
export const sumSquares = defineWorkload({
  id: "sum-squares",
  title: "Sum of squares",
  description:
    "The first experiment of the free-threading article: a tight integer loop summing i*i " +
    "for every i below n. No memory traffic beyond the cache: the best case for " +
    "parallelism and the clearest view of a single-thread ceiling. Not allocation-free in " +
    "JavaScript: the running sum lives in a closure, so V8 boxes it as a heap number on " +
    "every step, and the young-generation collector runs often (the runner gives every " +
    "thread and process the same young generation, so all modes pay alike). The sum is " +
    "kept exact (beyond 2^53) so every mode must agree to the last digit.",
  parameters,
  unitName: "iterations",
  units: (params) => params.n,
  createTask(_params, range) {
    let high = 0;
    let low = 0;
    return rangeTask<SumSquaresPartial>(
      range,
      (from, to) => {
        for (let i = from; i < to; i++) {
          low += i * i;
          if (low >= LOW_WORD) {
            const carry = Math.floor(low / LOW_WORD);
            high += carry;
            low -= carry * LOW_WORD;
          }
        }
      },
      () => ({ high, low }),
    );
  },
  combine(_params, partials) {
    let total = 0n;
    for (const partial of partials) {
      total += BigInt(partial.high) * BigInt(LOW_WORD) + BigInt(partial.low);
    }
    return { checksum: total.toString() };
  },
});
