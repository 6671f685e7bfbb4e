import { z } from "zod";
import { defineWorkload, rangeTask } from "./define.js";

interface SqrtLogPartial {
  sum: number;
}

const parameters = z.object({
  n: z
    .number()
    .int()
    .min(2)
    .max(100_000_000)
    .default(500_000)
    .meta({ description: "Sum sqrt(i) + log(i) for 1 <= i < n", unit: "iterations" }),
});

/** Sum of sqrt(i) + log(i) for 1 <= i < n: floating-point math in a tight loop. */
export const sqrtLog = defineWorkload({
  id: "sqrt-log",
  title: "Square roots and logarithms",
  description:
    "A floating-point variant of the first experiment: for every i from 1 below n it adds " +
    "Math.sqrt(i) + Math.log(i) to a running sum. Square root is a single instruction but " +
    "the logarithm is a library routine, so this measures transcendental-math throughput " +
    "with no memory traffic. The checksum is a float sum: the same chunking gives the same " +
    "digits in every mode, while different chunkings may differ in the last bits.",
  parameters,
  unitName: "iterations",
  // Unit u is i = u + 1, so units cover 1 <= i < n.
  units: (params) => params.n - 1,
  createTask(_params, range) {
    let sum = 0;
    return rangeTask<SqrtLogPartial>(
      range,
      (from, to) => {
        for (let i = from + 1; i <= to; i++) sum += Math.sqrt(i) + Math.log(i);
      },
      () => ({ sum }),
    );
  },
  combine(_params, partials) {
    let total = 0;
    for (const partial of partials) total += partial.sum;
    return { checksum: String(total) };
  },
});
