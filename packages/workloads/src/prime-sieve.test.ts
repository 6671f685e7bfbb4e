import { describe, expect, it } from "vitest";
import { primeSieve, primesUpTo } from "./prime-sieve.js";
import { checksumOf, chunkedChecksum } from "./test-fixtures/harness.js";

function isPrimeByTrialDivision(candidate: number): boolean {
  if (candidate < 2) return false;
  for (let divisor = 2; divisor * divisor <= candidate; divisor++) {
    if (candidate % divisor === 0) return false;
  }
  return true;
}

function countByTrialDivision(limit: number): number {
  let count = 0;
  for (let candidate = 2; candidate <= limit; candidate++) if (isPrimeByTrialDivision(candidate)) count++;
  return count;
}

describe("prime-sieve", () => {
  it("finds the base primes", () => {
    expect(primesUpTo(1)).toEqual([]);
    expect(primesUpTo(30)).toEqual([2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
  });

  // Limits that are primes, squares of primes and one off them test the inclusive bound.
  it.each([2, 3, 4, 48, 49, 50, 97, 120, 121, 122, 1_000, 10_007, 32_767, 32_768, 32_769, 65_537])(
    "counts the primes up to %i like trial division, in 1 to 4 chunks",
    (limit) => {
      const expected = String(countByTrialDivision(limit));
      for (const chunks of [1, 2, 3, 4])
        expect(chunkedChecksum(primeSieve, { limit }, chunks)).toBe(expected);
    },
  );

  it("counts the known values pi(10^5) = 9592 and pi(10^6) = 78498", () => {
    expect(checksumOf(primeSieve, { limit: 100_000 })).toBe("9592");
    expect(chunkedChecksum(primeSieve, { limit: 1_000_000 }, 3)).toBe("78498");
  });
});
