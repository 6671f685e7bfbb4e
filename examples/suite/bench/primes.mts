import { defineWorkload, rangeTask, z } from "@threadbench/workloads";

/** Trial division: branchy integer work with no memory traffic at all. */
function isPrime(value: number): boolean {
  if (value < 2) return false;
  if (value % 2 === 0) return value === 2;
  for (let divisor = 3; divisor * divisor <= value; divisor += 2) {
    if (value % divisor === 0) return false;
  }
  return true;
}

export default defineWorkload({
  id: "primes",
  title: "Primes by trial division",
  description: "Counts the primes below n by trial division; the checksum is the count over all tasks.",
  parameters: z.object({
    n: z
      .number()
      .int()
      .min(2)
      .max(50_000_000)
      .default(200_000)
      .meta({ description: "Count primes below n", unit: "numbers" }),
  }),
  unitName: "numbers",
  units: (params) => params.n,
  createTask(_params, range) {
    let count = 0;
    return rangeTask(
      range,
      (from, to) => {
        for (let value = from; value < to; value++) if (isPrime(value)) count++;
      },
      () => count,
    );
  },
  combine(_params, partials: number[]) {
    return { checksum: String(partials.reduce((sum, count) => sum + count, 0)) };
  },
});
