import { createRandom, median } from "@threadbench/core";
import { describe, expect, it } from "vitest";
import {
  bootstrapMedianInterval,
  medianAbsoluteDeviation,
  medianInPlace,
  quantileOfSorted,
  summarize,
} from "./summary.js";

describe("summarize", () => {
  it("matches hand-computed statistics", () => {
    const summary = summarize([4, 1, 10, 3, 2]);
    expect(summary).not.toBeNull();
    expect(summary?.count).toBe(5);
    expect(summary?.min).toBe(1);
    expect(summary?.max).toBe(10);
    expect(summary?.median).toBe(3);
    expect(summary?.mean).toBe(4);
    // Sample variance: (9 + 4 + 1 + 0 + 36) / 4 = 12.5.
    expect(summary?.stddev).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(summary?.cv).toBeCloseTo(Math.sqrt(12.5) / 4, 12);
  });

  it("returns null for no samples and zero spread for one", () => {
    expect(summarize([])).toBeNull();
    expect(summarize([7])).toMatchObject({ count: 1, median: 7, stddev: 0, cv: 0 });
  });

  it("never turns an overflow into zero spread (1e308 ms samples showed a CV of 0.0%)", () => {
    const summary = summarize([1e308, 1.7e308, 1e308]);
    // Sample variance of [1, 1.7, 1]: (2 x 0.2333^2 + 0.4667^2) / 2 = 0.49 / 3.
    expect((summary?.mean as number) / 1e308).toBeCloseTo(3.7 / 3, 12);
    expect((summary?.stddev as number) / 1e308).toBeCloseTo(Math.sqrt(0.49 / 3), 12);
    expect(summary?.cv).toBeCloseTo(Math.sqrt(0.49 / 3) / (3.7 / 3), 12);
  });

  it("takes the mean of the middle pair for an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("medianAbsoluteDeviation", () => {
  it("ignores a huge outlier", () => {
    // Deviations from the median 3: 2, 1, 0, 1, 97 -> median 1.
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 100], { scaled: false })).toBe(1);
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 4);
  });

  it("estimates sigma of normal data when scaled", () => {
    const random = createRandom(7);
    const values = Array.from({ length: 20_000 }, () => 5 + 2 * random.normal());
    expect(medianAbsoluteDeviation(values)).toBeCloseTo(2, 1);
  });

  it("is NaN for no values", () => {
    expect(medianAbsoluteDeviation([])).toBeNaN();
  });
});

describe("medianInPlace and quantileOfSorted", () => {
  it("agree with the sorting median on many random arrays", () => {
    const random = createRandom(11);
    for (let trial = 0; trial < 300; trial++) {
      const count = 1 + random.integer(40);
      // Few distinct values so that ties are exercised too.
      const values = Array.from({ length: count }, () => random.integer(8) + random.next() * (trial % 2));
      expect(medianInPlace(Float64Array.from(values), count)).toBe(median(values));
    }
  });

  it("interpolates quantiles linearly", () => {
    expect(quantileOfSorted([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantileOfSorted([0, 10], 0.3)).toBe(3);
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });
});

describe("bootstrapMedianInterval", () => {
  it("is deterministic for a seed", () => {
    const values = [10.1, 10.4, 9.8, 10.0, 10.9, 10.3, 9.9];
    const first = bootstrapMedianInterval(values, { seed: 42 });
    expect(bootstrapMedianInterval(values, { seed: 42 })).toEqual(first);
    expect(first?.confidence).toBe(0.95);
  });

  it("contains the median and stays within the data (seeded property)", () => {
    const random = createRandom(3);
    for (let trial = 0; trial < 60; trial++) {
      const count = 2 + random.integer(30);
      const values = Array.from({ length: count }, () => 100 + 5 * random.studentT(3));
      const interval = bootstrapMedianInterval(values, { seed: trial, resamples: 400 });
      expect(interval).not.toBeNull();
      if (!interval) continue;
      expect(interval.lower).toBeLessThanOrEqual(interval.estimate);
      expect(interval.upper).toBeGreaterThanOrEqual(interval.estimate);
      expect(interval.lower).toBeGreaterThanOrEqual(Math.min(...values));
      expect(interval.upper).toBeLessThanOrEqual(Math.max(...values));
    }
  });

  it("covers the true median of normal samples most of the time", () => {
    const random = createRandom(5);
    let covered = 0;
    const trials = 200;
    for (let trial = 0; trial < trials; trial++) {
      const values = Array.from({ length: 40 }, () => 50 + random.normal());
      const interval = bootstrapMedianInterval(values, { seed: trial, resamples: 500 });
      if (interval && interval.lower <= 50 && interval.upper >= 50) covered++;
    }
    // Nominal 95%; percentile bootstraps of a median run a little narrow at n = 40.
    expect(covered / trials).toBeGreaterThan(0.88);
  });

  it("is narrower at lower confidence and null for no values", () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const wide = bootstrapMedianInterval(values, { confidence: 0.99 });
    const narrow = bootstrapMedianInterval(values, { confidence: 0.5 });
    expect((narrow?.upper ?? 0) - (narrow?.lower ?? 0)).toBeLessThanOrEqual(
      (wide?.upper ?? 0) - (wide?.lower ?? 0),
    );
    expect(bootstrapMedianInterval([])).toBeNull();
  });
});
