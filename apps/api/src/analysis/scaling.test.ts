import { createRandom } from "@threadbench/core";
import { describe, expect, it } from "vitest";
import {
  amdahlSpeedup,
  fitAmdahl,
  fitScaling,
  fitUniversalScalability,
  type ScalingPoint,
  scalingRegression,
  uslSpeedup,
} from "./scaling.js";

const threadCounts = [1, 2, 3, 4, 6, 8, 12, 16];

const amdahlPoints = (serialFraction: number, spread?: number): ScalingPoint[] =>
  threadCounts.map((threads) => ({
    threads,
    speedup: amdahlSpeedup(threads, serialFraction),
    ...(spread === undefined ? {} : { spread }),
  }));

describe("fitAmdahl", () => {
  it("recovers the serial fraction of noiseless data to 1e-3 (seeded property)", () => {
    const random = createRandom(1);
    for (const serialFraction of [0, 1, 0.05, ...Array.from({ length: 30 }, () => random.next())]) {
      const fit = fitAmdahl(amdahlPoints(serialFraction));
      expect(Math.abs((fit?.serialFraction ?? -1) - serialFraction)).toBeLessThan(1e-3);
      expect(fit?.rSquared).toBeGreaterThan(0.999999);
      expect(fit?.rmse).toBeLessThan(1e-6);
    }
  });

  it("reports the asymptote as peak speedup and no peak thread count", () => {
    const fit = fitAmdahl(amdahlPoints(0.1));
    expect(fit?.peakThreads).toBeNull();
    expect(fit?.peakSpeedup).toBeCloseTo(10, 3);
    expect(fitAmdahl(amdahlPoints(0))?.peakSpeedup).toBeNull();
  });

  it("stays near the truth on noisy data and never leaves [0, 1]", () => {
    const random = createRandom(2);
    for (let trial = 0; trial < 40; trial++) {
      const serialFraction = random.next() * 0.5;
      const points = amdahlPoints(serialFraction).map((point) => ({
        ...point,
        speedup: point.speedup * (1 + 0.02 * random.normal()),
      }));
      const fit = fitAmdahl(points);
      expect(fit?.serialFraction).toBeGreaterThanOrEqual(0);
      expect(fit?.serialFraction).toBeLessThanOrEqual(1);
      expect(Math.abs((fit?.serialFraction ?? -1) - serialFraction)).toBeLessThan(0.03);
    }
    // Superlinear speedup clamps to s = 0.
    expect(
      fitAmdahl(threadCounts.map((threads) => ({ threads, speedup: threads * 1.1 })))?.serialFraction,
    ).toBe(0);
  });

  it("needs a point above one thread", () => {
    expect(fitAmdahl([{ threads: 1, speedup: 1 }])).toBeNull();
  });
});

describe("fitUniversalScalability", () => {
  it("recovers contention and coherency of noiseless data (seeded property)", () => {
    const random = createRandom(3);
    for (let trial = 0; trial < 30; trial++) {
      const contention = random.next() * 0.3;
      const coherency = trial % 5 === 0 ? 0 : random.next() * 0.01;
      const points = threadCounts.map((threads) => ({
        threads,
        speedup: uslSpeedup(threads, contention, coherency),
      }));
      const fit = fitUniversalScalability(points);
      expect(Math.abs((fit?.contention ?? -1) - contention)).toBeLessThan(1e-4);
      expect(Math.abs((fit?.coherency ?? -1) - coherency)).toBeLessThan(1e-5);
      expect(fit?.rSquared).toBeGreaterThan(0.999999);
    }
  });

  it("predicts the peak: n* = sqrt((1 - a) / b)", () => {
    const points = threadCounts.map((threads) => ({ threads, speedup: uslSpeedup(threads, 0.05, 0.002) }));
    const fit = fitUniversalScalability(points);
    expect(fit?.peakThreads).toBeCloseTo(Math.sqrt(0.95 / 0.002), 2);
    expect(fit?.peakSpeedup).toBeCloseTo(uslSpeedup(Math.sqrt(0.95 / 0.002), 0.05, 0.002), 4);
  });

  it("has no peak without coherency cost, and needs two thread counts above one", () => {
    const points = threadCounts.map((threads) => ({ threads, speedup: uslSpeedup(threads, 0.1, 0) }));
    expect(fitUniversalScalability(points)?.peakThreads).toBeNull();
    expect(fitUniversalScalability(points.slice(0, 2))).toBeNull();
  });

  it("fits a GIL-like flat curve with full contention", () => {
    const flat = threadCounts.map((threads) => ({ threads, speedup: 1 }));
    const fit = fitUniversalScalability(flat);
    expect(fit?.contention).toBeCloseTo(1, 6);
    expect(fitAmdahl(flat)?.serialFraction).toBeCloseTo(1, 6);
  });
});

describe("scalingRegression", () => {
  it("flags a serial fraction that grew", () => {
    const result = scalingRegression(fitScaling(amdahlPoints(0.05)), fitScaling(amdahlPoints(0.15)));
    expect(result.regressed).toBe(true);
    expect(result.serialFraction?.change).toBeCloseTo(0.1, 3);
    expect(result.efficiency?.threads).toBe(16);
    expect(result.efficiency?.worse).toBe(true);
  });

  it("does not flag an unchanged or improved run", () => {
    expect(scalingRegression(fitScaling(amdahlPoints(0.1)), fitScaling(amdahlPoints(0.1))).regressed).toBe(
      false,
    );
    expect(scalingRegression(fitScaling(amdahlPoints(0.1)), fitScaling(amdahlPoints(0.05))).regressed).toBe(
      false,
    );
  });

  it("needs evidence: large spreads hide a small worsening", () => {
    const base = fitScaling(amdahlPoints(0.05, 2));
    const head = fitScaling(amdahlPoints(0.08, 2));
    const result = scalingRegression(base, head);
    expect(result.serialFraction?.change).toBeCloseTo(0.03, 3);
    expect(result.regressed).toBe(false);
    expect(
      scalingRegression(fitScaling(amdahlPoints(0.05, 0.01)), fitScaling(amdahlPoints(0.08, 0.01))).regressed,
    ).toBe(true);
  });

  it("compares efficiency at the highest thread count both runs measured", () => {
    const base = fitScaling(amdahlPoints(0.05));
    const head = fitScaling(amdahlPoints(0.05).filter((point) => point.threads <= 8));
    expect(scalingRegression(base, head).efficiency?.threads).toBe(8);
  });
});
