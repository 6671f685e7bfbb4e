import { describe, expect, it } from "vitest";
import { matrixEntry, matrixMultiply } from "./matrix-multiply.js";
import { checksumOf } from "./test-fixtures/harness.js";

/**
 * Without forming C: sum(C) = sum over k of (column k of A summed) x (row k of B summed),
 * and trace(C) = sum over i, k of A[i][k] B[k][i].
 */
function closedForm(size: number): string {
  let sum = 0;
  let trace = 0;
  for (let k = 0; k < size; k++) {
    let columnOfA = 0;
    let rowOfB = 0;
    for (let i = 0; i < size; i++) {
      columnOfA += matrixEntry(0, i, k, size);
      rowOfB += matrixEntry(1, k, i, size);
      trace += matrixEntry(0, i, k, size) * matrixEntry(1, k, i, size);
    }
    sum += columnOfA * rowOfB;
  }
  return `sum=${sum};trace=${trace}`;
}

/** The textbook triple loop over nested arrays. */
function naiveChecksum(size: number): string {
  const a = Array.from({ length: size }, (_, i) =>
    Array.from({ length: size }, (_, j) => matrixEntry(0, i, j, size)),
  );
  const b = Array.from({ length: size }, (_, i) =>
    Array.from({ length: size }, (_, j) => matrixEntry(1, i, j, size)),
  );
  let sum = 0;
  let trace = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let entry = 0;
      for (let k = 0; k < size; k++) entry += (a[i]?.[k] as number) * (b[k]?.[j] as number);
      sum += entry;
      if (i === j) trace += entry;
    }
  }
  return `sum=${sum};trace=${trace}`;
}

describe("matrix-multiply", () => {
  it("uses entries that are multiples of 1/8 in [-1, 1], not all equal", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 40; j++) {
        const entry = matrixEntry(0, i, j, 40);
        expect(Number.isInteger(entry * 8)).toBe(true);
        expect(Math.abs(entry)).toBeLessThanOrEqual(1);
        seen.add(entry);
      }
    }
    expect(seen.size).toBe(17);
  });

  it.each([1, 2, 5, 33])("matches the textbook triple loop for size %i", (size) => {
    expect(checksumOf(matrixMultiply, { size })).toBe(naiveChecksum(size));
  });

  it.each([1, 7, 64, 150])("matches the closed form of sum and trace for size %i", (size) => {
    expect(checksumOf(matrixMultiply, { size })).toBe(closedForm(size));
  });
});
