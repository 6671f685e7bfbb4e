import { describe, expect, it } from "vitest";
import { batchesOf, readInBatches } from "./list-batches.js";

describe("batchesOf", () => {
  it("slices a list into consecutive batches of at most the size, none for an empty list", () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchesOf([1, 2, 3, 4], 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(batchesOf([], 2)).toEqual([]);
    expect(batchesOf(Array.from({ length: 1001 }, (_, index) => index)).map((batch) => batch.length)).toEqual(
      [500, 500, 1],
    );
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => batchesOf([1], 0)).toThrow(/positive integer, not 0/);
    expect(() => batchesOf([1], 1.5)).toThrow(/positive integer/);
  });
});

describe("readInBatches", () => {
  it("reads each batch once, in order, and concatenates the rows", async () => {
    const seen: number[][] = [];
    const rows = await readInBatches(
      [1, 2, 3, 4, 5],
      async (batch) => {
        seen.push(batch);
        return batch.map((value) => value * 10);
      },
      2,
    );
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
    expect(rows).toEqual([10, 20, 30, 40, 50]);
  });
});
