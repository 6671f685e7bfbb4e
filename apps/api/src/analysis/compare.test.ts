import { createRandom } from "@threadbench/core";
import { describe, expect, it } from "vitest";
import {
  comparePairedSamples,
  compareSamples,
  mannWhitneyU,
  relativeChangeInterval,
  wilcoxonSignedRank,
} from "./compare.js";

describe("mannWhitneyU", () => {
  // Expected values from scipy.stats.mannwhitneyu(x, y, method=...), two-sided.
  const cases = [
    { x: [19, 22, 16, 29, 24], y: [20, 11, 17, 12], method: "exact", u: 17, p: 0.1111111111111111 },
    { x: [19, 22, 16, 29, 24], y: [20, 11, 17, 12], method: "normal", u: 17, p: 0.11134688653314041 },
    { x: [1, 2, 3], y: [4, 5, 6], method: "exact", u: 0, p: 0.1 },
    { x: [1, 2, 3, 4, 5], y: [6, 7, 8, 9, 10], method: "exact", u: 0, p: 0.007936507936507936 },
    {
      x: [1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7],
      y: [2.5, 3.5, 8.5, 9.5, 10.5, 11.5],
      method: "exact",
      u: 9,
      p: 0.10139860139860139,
    },
    {
      x: [10.2, 11.5, 9.8, 12.1, 10.9, 11.0],
      y: [12.5, 13.1, 11.9, 12.8, 13.4, 12.2, 13.0],
      method: "exact",
      u: 1,
      p: 0.002331002331002331,
    },
    {
      x: [10.2, 11.5, 9.8, 12.1, 10.9, 11.0],
      y: [12.5, 13.1, 11.9, 12.8, 13.4, 12.2, 13.0],
      method: "normal",
      u: 1,
      p: 0.005340992525067206,
    },
    // Ties: tie-corrected normal approximation.
    {
      x: [1, 2, 2, 3, 3, 3, 4, 5],
      y: [3, 4, 4, 5, 6, 6, 7, 8, 8],
      method: "normal",
      u: 7,
      p: 0.005551297860226592,
    },
    { x: [3, 3, 4, 5, 5, 6], y: [5, 6, 6, 7, 7, 8, 8], method: "normal", u: 3, p: 0.011128012415059963 },
  ] as const;

  for (const { x, y, method, u, p } of cases) {
    it(`matches SciPy for ${method} x=[${x.join(",")}]`, () => {
      const result = mannWhitneyU(x, y, { method });
      expect(result.u).toBe(u);
      expect(result.pValue).toBeCloseTo(p, method === "exact" ? 12 : 6);
    });
  }

  it("picks the exact method without ties and the normal one with ties", () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).method).toBe("exact");
    expect(mannWhitneyU([1, 2, 3], [3, 5, 6]).method).toBe("normal");
  });

  it("is symmetric in its samples (seeded property)", () => {
    const random = createRandom(17);
    for (let trial = 0; trial < 100; trial++) {
      const x = Array.from({ length: 1 + random.integer(12) }, () => random.integer(10));
      const y = Array.from({ length: 1 + random.integer(12) }, () => random.integer(10) + 1);
      const forward = mannWhitneyU(x, y);
      const backward = mannWhitneyU(y, x);
      expect(forward.u + backward.u).toBe(x.length * y.length);
      expect(forward.pValue).toBeCloseTo(backward.pValue, 12);
      expect(forward.pValue).toBeGreaterThan(0);
      expect(forward.pValue).toBeLessThanOrEqual(1);
      expect(forward.z).toBeCloseTo(-backward.z, 12);
    }
  });

  it("gives p = 1 when every value is equal", () => {
    expect(mannWhitneyU([2, 2, 2], [2, 2]).pValue).toBe(1);
  });
});

describe("relativeChangeInterval", () => {
  it("is deterministic for a seed and brackets the estimate", () => {
    const base = [100, 101, 99, 100.5, 100.2, 99.7];
    const head = [110, 111, 109.5, 110.2, 110.8, 109.9];
    const interval = relativeChangeInterval(base, head, { seed: 3 });
    expect(relativeChangeInterval(base, head, { seed: 3 })).toEqual(interval);
    expect(interval?.estimate).toBeCloseTo(110.1 / 100.1 - 1, 12);
    expect(interval?.lower).toBeLessThanOrEqual(interval?.estimate ?? 0);
    expect(interval?.upper).toBeGreaterThanOrEqual(interval?.estimate ?? 0);
  });

  it("is null when the base median is zero or a sample is empty", () => {
    expect(relativeChangeInterval([0, 0, 0], [1, 2, 3])).toBeNull();
    expect(relativeChangeInterval([], [1])).toBeNull();
  });

  it("widens when the points carry uncertainty", () => {
    const base = [100, 100.1, 99.9, 100, 100.05];
    const head = [103, 103.1, 102.9, 103, 103.05];
    const tight = relativeChangeInterval(base, head);
    const loose = relativeChangeInterval(base, head, {
      baseUncertainties: base.map(() => 3),
      headUncertainties: head.map(() => 3),
    });
    expect((loose?.upper ?? 0) - (loose?.lower ?? 0)).toBeGreaterThan(
      (tight?.upper ?? 0) - (tight?.lower ?? 0),
    );
  });
});

describe("compareSamples", () => {
  const sample = (seed: number, level: number, cv: number, count = 10): number[] => {
    const random = createRandom(seed);
    return Array.from({ length: count }, () => level * (1 + cv * random.normal()));
  };

  it("calls identical samples unchanged", () => {
    const values = sample(1, 100, 0.02);
    const comparison = compareSamples(values, [...values]);
    expect(comparison.verdict).toBe("unchanged");
    expect(comparison.relativeChange?.estimate).toBe(0);
  });

  it("calls a clear 30% slowdown with tight noise slower, and its reverse faster", () => {
    const base = sample(2, 100, 0.01);
    const head = sample(3, 130, 0.01);
    const slower = compareSamples(base, head);
    expect(slower.verdict).toBe("slower");
    expect(slower.relativeChange?.estimate).toBeCloseTo(0.3, 1);
    expect(slower.mannWhitney.pValue).toBeLessThan(0.001);
    expect(compareSamples(head, base).verdict).toBe("faster");
  });

  it("calls too few samples noisy", () => {
    expect(compareSamples([100, 101], [130, 131]).verdict).toBe("noisy");
  });

  it("calls a change it cannot resolve noisy", () => {
    // 6% apart with 15% noise: the interval spans both "no change" and "more than 5%".
    expect(compareSamples(sample(4, 100, 0.15), sample(5, 106, 0.15)).verdict).toBe("noisy");
  });

  it("calls a significant change below minEffect unchanged when its interval is inside the band", () => {
    const comparison = compareSamples(sample(6, 100, 0.002, 30), sample(7, 101, 0.002, 30));
    expect(comparison.mannWhitney.pValue).toBeLessThan(0.01);
    expect(comparison.verdict).toBe("unchanged");
  });

  it("respects configured minEffect and alpha", () => {
    const base = sample(8, 100, 0.005, 20);
    const head = sample(9, 103, 0.005, 20);
    expect(compareSamples(base, head).verdict).toBe("unchanged");
    expect(compareSamples(base, head, { minEffect: 0.02 }).verdict).toBe("slower");
    expect(compareSamples(base, head, { minEffect: 0.02, alpha: 1e-30 }).verdict).toBe("noisy");
  });

  it("does not call a shift smaller than the samples' own scatter (noiseMultiple)", () => {
    // 61 values evenly spread over 80..120 (robust CV about 15%) against the same plus 10%.
    const base = Array.from({ length: 61 }, (_, index) => 80 + (40 * index) / 60);
    const head = base.map((value) => value + 10);
    const plain = compareSamples(base, head, { noiseMultiple: 0 });
    expect(plain.verdict).toBe("slower");
    expect(compareSamples(base, head).verdict).toBe("noisy");
  });

  it("rarely alarms on A/A pairs (seeded property)", () => {
    let alarms = 0;
    for (let trial = 0; trial < 200; trial++) {
      const verdict = compareSamples(sample(1000 + trial, 100, 0.03), sample(5000 + trial, 100, 0.03), {
        seed: trial,
        resamples: 300,
      }).verdict;
      if (verdict === "faster" || verdict === "slower") alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(2);
  });
});

describe("wilcoxonSignedRank", () => {
  it("matches SciPy's wilcoxon, exact and with the normal approximation", () => {
    expect(wilcoxonSignedRank([0.1, 0.2, -0.05, 0.3, 0.15, 0.12, 0.08, -0.01]).pValue).toBeCloseTo(
      0.0390625,
      10,
    );
    expect(wilcoxonSignedRank([1, 2, 3, 4, 5, 6]).pValue).toBeCloseTo(0.03125, 10);
    const tied = Array.from({ length: 6 }, () => [
      0.1, 0.1, 0.2, -0.1, 0.3, 0.2, 0.05, 0.1, 0.15, 0.2,
    ]).flat();
    const approximate = wilcoxonSignedRank(tied);
    expect(approximate.method).toBe("normal");
    expect(approximate.pValue / 2.179556199061764e-9).toBeCloseTo(1, 3);
    expect(wilcoxonSignedRank([0, 0]).pValue).toBe(1);
  });
});

describe("comparePairedSamples", () => {
  // Interleaved runs on a machine whose speed swings by +-30% between pairs: each pair
  // shares the machine's state, so the pairs still show a 10% slowdown.
  const random = createRandom(5);
  const machine = Array.from({ length: 12 }, () => 1 + 0.3 * (random.next() * 2 - 1));
  const pairOf = (factor: number) => {
    const base = machine.map((speed) => 100 * speed * (1 + 0.01 * random.normal()));
    const head = machine.map((speed) => 100 * factor * speed * (1 + 0.01 * random.normal()));
    return { base, head };
  };

  it("finds a 10% slowdown that the level swings between pairs hide from an unpaired test", () => {
    const { base, head } = pairOf(1.1);
    const paired = comparePairedSamples(base, head);
    expect(paired.verdict).toBe("slower");
    expect(paired.relativeChange?.estimate).toBeGreaterThan(0.08);
    expect(paired.relativeChange?.estimate).toBeLessThan(0.12);
    expect(compareSamples(base, head).verdict).toBe("noisy");
  });

  it("calls identical code unchanged, and refuses unequal lists", () => {
    const { base, head } = pairOf(1);
    expect(comparePairedSamples(base, head).verdict).toBe("unchanged");
    expect(() => comparePairedSamples([1, 2], [1])).toThrow(/pairs/);
    expect(comparePairedSamples([1, 2, 3], [2, 3, 4]).verdict).toBe("noisy");
  });
});
