import { z } from "zod";
import { defineWorkload } from "./define.js";

/** Numbers sieved at a time: 32 KiB of flags, the size of a typical L1 data cache. */
const SEGMENT_SIZE = 32_768;

/** Primes up to and including `limit`, by the plain sieve of Eratosthenes. */
export function primesUpTo(limit: number): number[] {
  const composite = new Uint8Array(limit + 1);
  const primes: number[] = [];
  for (let candidate = 2; candidate <= limit; candidate++) {
    if (composite[candidate]) continue;
    primes.push(candidate);
    for (let multiple = candidate * candidate; multiple <= limit; multiple += candidate) {
      composite[multiple] = 1;
    }
  }
  return primes;
}

interface PrimeSievePartial {
  primes: number;
}

const parameters = z.object({
  limit: z
    .number()
    .int()
    .min(2)
    .max(4_294_967_296)
    .default(10_000_000)
    .meta({ description: "Count the primes p <= limit", unit: "numbers" }),
});

/** Segmented sieve of Eratosthenes counting the primes up to a limit. */
export const primeSieve = defineWorkload({
  id: "prime-sieve",
  title: "Prime sieve",
  description:
    "Counts the primes up to a limit with a segmented sieve of Eratosthenes: each task " +
    "computes the base primes up to the square root of the limit, then crosses out their " +
    "multiples in its own range of numbers, one cache-sized segment at a time. Strided " +
    "writes to a byte array followed by a counting scan: integer work bounded by memory " +
    "access rather than arithmetic. The checksum is the prime count, which is the same " +
    "for any chunking.",
  parameters,
  unitName: "numbers",
  // Units are the numbers 0..limit, inclusive.
  units: (params) => params.limit + 1,
  createTask(params, range) {
    const basePrimes = primesUpTo(Math.floor(Math.sqrt(params.limit)));
    const flags = new Uint8Array(SEGMENT_SIZE);
    let next = range.start;
    let primes = 0;

    /** Counts the primes in [from, to), to - from <= SEGMENT_SIZE. */
    const sieveSegment = (from: number, to: number): void => {
      flags.fill(0, 0, to - from);
      for (const prime of basePrimes) {
        const square = prime * prime;
        if (square >= to) break;
        let multiple = square >= from ? square : Math.ceil(from / prime) * prime;
        for (; multiple < to; multiple += prime) flags[multiple - from] = 1;
      }
      for (let number = Math.max(from, 2); number < to; number++) {
        if (flags[number - from] === 0) primes++;
      }
    };

    return {
      step(maxUnits: number): boolean {
        const end = Math.min(range.end, next + Math.max(1, maxUnits));
        while (next < end) {
          const to = Math.min(end, next + SEGMENT_SIZE);
          sieveSegment(next, to);
          next = to;
        }
        return next >= range.end;
      },
      result: (): PrimeSievePartial => ({ primes }),
    };
  },
  combine(_params, partials) {
    let primes = 0;
    for (const partial of partials) primes += partial.primes;
    return { checksum: String(primes) };
  },
});
