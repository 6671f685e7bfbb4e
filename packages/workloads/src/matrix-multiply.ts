import { z } from "zod";
import { defineWorkload, rangeTask } from "./define.js";
import { hash32 } from "./random.js";

/**
 * Entry (row, column) of matrix A (`which` 0) or B (`which` 1): a multiple of 1/8 in
 * [-1, 1]. Products are multiples of 1/64 and every sum stays far below 2^53/64, so
 * the arithmetic is exact and the checksum does not depend on summation order.
 */
export function matrixEntry(which: 0 | 1, row: number, column: number, size: number): number {
  const index = (which * size + row) * size + column;
  return ((hash32(index) % 17) - 8) / 8;
}

interface MatrixMultiplyPartial {
  /** Sum of the entries of the task's rows of C. */
  sum: number;
  /** Sum of the diagonal entries of C in the task's rows. */
  trace: number;
}

const parameters = z.object({
  size: z
    .number()
    .int()
    .min(1)
    .max(2_000)
    .default(200)
    .meta({ description: "Rows and columns of the square matrices", unit: "rows" }),
});

/** Dense C = A x B of deterministic Float64 matrices, row by row. */
export const matrixMultiply = defineWorkload({
  id: "matrix-multiply",
  title: "Matrix multiplication",
  description:
    "Multiplies two dense size x size matrices of 64-bit floats, C = A x B, with the " +
    "cache-friendly i-k-j loop order over flat Float64Arrays. It streams rows of B " +
    "through the cache for every row of C, so besides floating-point throughput it " +
    "measures memory bandwidth, the resource parallel threads contend for. Entries are " +
    "multiples of 1/8, which keeps every product and sum exact: the checksum (sum and " +
    "trace of C) is the same for any chunking of the rows.",
  parameters,
  unitName: "rows",
  units: (params) => params.size,
  createTask(params, range) {
    const { size } = params;
    // Every task needs all of B but only its own rows of A.
    const matrixB = new Float64Array(size * size);
    for (let row = 0; row < size; row++) {
      for (let column = 0; column < size; column++) {
        matrixB[row * size + column] = matrixEntry(1, row, column, size);
      }
    }
    const rowA = new Float64Array(size);
    const rowC = new Float64Array(size);
    let sum = 0;
    let trace = 0;
    return rangeTask<MatrixMultiplyPartial>(
      range,
      (from, to) => {
        for (let row = from; row < to; row++) {
          for (let k = 0; k < size; k++) rowA[k] = matrixEntry(0, row, k, size);
          rowC.fill(0);
          for (let k = 0; k < size; k++) {
            const a = rowA[k] as number;
            const offset = k * size;
            for (let column = 0; column < size; column++) {
              rowC[column] = (rowC[column] as number) + a * (matrixB[offset + column] as number);
            }
          }
          for (let column = 0; column < size; column++) sum += rowC[column] as number;
          trace += rowC[row] as number;
        }
      },
      () => ({ sum, trace }),
    );
  },
  combine(_params, partials) {
    let sum = 0;
    let trace = 0;
    for (const partial of partials) {
      sum += partial.sum;
      trace += partial.trace;
    }
    return { checksum: `sum=${sum};trace=${trace}` };
  },
});
