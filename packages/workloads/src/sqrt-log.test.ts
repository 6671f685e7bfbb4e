import { describe, expect, it } from "vitest";
import { sqrtLog } from "./sqrt-log.js";
import { checksumOf } from "./test-fixtures/harness.js";

/** Kahan-compensated sums of sqrt(i) and of log(i), kept apart: a differently rounded reference. */
function compensatedReference(n: number): number {
  const sums = [0, 0];
  const compensations = [0, 0];
  for (let i = 1; i < n; i++) {
    [Math.sqrt(i), Math.log(i)].forEach((term, index) => {
      const corrected = term - (compensations[index] as number);
      const total = (sums[index] as number) + corrected;
      compensations[index] = total - (sums[index] as number) - corrected;
      sums[index] = total;
    });
  }
  return (sums[0] as number) + (sums[1] as number);
}

describe("sqrt-log", () => {
  it("covers 1 <= i < n: n = 2 is sqrt(1) + log(1) = 1", () => {
    expect(checksumOf(sqrtLog, { n: 2 })).toBe("1");
  });

  it("matches a few terms summed by hand", () => {
    const expected = 1 + (Math.sqrt(2) + Math.log(2)) + (Math.sqrt(3) + Math.log(3));
    expect(Number(checksumOf(sqrtLog, { n: 4 }))).toBeCloseTo(expected, 12);
  });

  it.each([1_000, 123_457])("matches a compensated reference sum for n = %i", (n) => {
    const actual = Number(checksumOf(sqrtLog, { n }));
    const expected = compensatedReference(n);
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * expected);
  });

  it("formats the checksum with String(number), so it parses back exactly", () => {
    const checksum = checksumOf(sqrtLog, { n: 1_000 });
    expect(String(Number(checksum))).toBe(checksum);
  });
});
