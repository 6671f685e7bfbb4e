import { describe, expect, it } from "vitest";
import { sumSquares } from "./sum-squares.js";
import { checksumOf, chunkedChecksum } from "./test-fixtures/harness.js";

/** Closed form: sum of i^2 for 0 <= i < n is (n-1) n (2n-1) / 6, in exact BigInt arithmetic. */
function closedForm(n: number): string {
  const big = BigInt(n);
  return (((big - 1n) * big * (2n * big - 1n)) / 6n).toString();
}

describe("sum-squares", () => {
  it.each([1, 2, 3, 10, 1_000, 65_537])("matches the closed form for n = %i", (n) => {
    expect(checksumOf(sumSquares, { n })).toBe(closedForm(n));
  });

  it("stays exact beyond 2^53, where a plain double sum would round", () => {
    // The sum for n = 3,000,000 is about 9e18, far above 2^53 (about 9e15).
    const n = 3_000_000;
    expect(checksumOf(sumSquares, { n })).toBe(closedForm(n));
    expect(chunkedChecksum(sumSquares, { n }, 3)).toBe(closedForm(n));
  });
});
