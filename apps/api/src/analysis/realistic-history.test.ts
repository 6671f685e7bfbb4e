import { median } from "@threadbench/core";
import { describe, expect, it } from "vitest";
import { generateRealisticHistory, type RunNoiseShape } from "./realistic-history.js";
import { medianAbsoluteDeviation } from "./summary.js";

const shapes: RunNoiseShape[] = [
  { innovations: "gaussian", autocorrelation: 0, slowStateShare: 0 },
  { innovations: "student-t", autocorrelation: 0.3, slowStateShare: 0 },
  { innovations: "gaussian", autocorrelation: 0, slowStateShare: 0.1 },
];

describe("generateRealisticHistory", () => {
  it("is the same for the same seed and differs for another", () => {
    const options = { seed: 3, length: 50, runSigma: 0.02, shape: shapes[1] as RunNoiseShape };
    expect(generateRealisticHistory(options)).toEqual(generateRealisticHistory(options));
    expect(generateRealisticHistory({ ...options, seed: 4 }).values).not.toEqual(
      generateRealisticHistory(options).values,
    );
  });

  it("gives the per-run medians the robust sigma asked for, whatever the shape", () => {
    for (const shape of shapes) {
      const { values } = generateRealisticHistory({ seed: 11, length: 6000, runSigma: 0.03, shape });
      const logs = values.map(Math.log);
      expect(medianAbsoluteDeviation(logs)).toBeGreaterThan(0.03 * 0.9);
      expect(medianAbsoluteDeviation(logs)).toBeLessThan(0.03 * 1.1);
    }
  });

  it("makes run-to-run noise larger than the scatter of one run's repetitions, with 5-15 of them", () => {
    const history = generateRealisticHistory({
      seed: 12,
      length: 400,
      runSigma: 0.05,
      shape: shapes[0] as RunNoiseShape,
    });
    expect(Math.min(...history.runs.map((samples) => samples.length))).toBe(5);
    expect(Math.max(...history.runs.map((samples) => samples.length))).toBe(15);
    // Standard error of one run's median from its own samples vs the scatter of the medians.
    const withinErrors = history.runs.map(
      (samples) => (1.2533 * medianAbsoluteDeviation(samples.map(Math.log))) / Math.sqrt(samples.length),
    );
    const ratio = medianAbsoluteDeviation(history.values.map(Math.log)) / median(withinErrors);
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(5);
  });

  it("applies steps, drift and outlier runs where they are labelled", () => {
    const history = generateRealisticHistory({
      seed: 13,
      length: 100,
      initialLevel: 50,
      runSigma: 0.01,
      shape: shapes[0] as RunNoiseShape,
      steps: [{ index: 40, logStep: Math.log(1.3) }],
      drift: { kind: "linear", totalSigmas: 10 },
      outliers: [{ index: 70, logStep: Math.log(3) }],
    });
    expect(history.levels[0]).toBeCloseTo(50, 6);
    expect((history.levels[40] as number) / (history.levels[39] as number)).toBeCloseTo(
      1.3 * Math.exp(0.1 / 99),
      6,
    );
    expect(history.levels[99]).toBeCloseTo(50 * 1.3 * Math.exp(0.1), 6);
    // The outlier multiplies the samples, not the level.
    expect((history.values[70] as number) / (history.levels[70] as number)).toBeGreaterThan(2.5);
  });
});
