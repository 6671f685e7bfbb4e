import { describe, expect, it } from "vitest";
import { generateRealisticHistory, type RunNoiseShape } from "./realistic-history.js";
import { findSteps, measureStep } from "./step-detector.js";

const calm: RunNoiseShape = { innovations: "gaussian", autocorrelation: 0, slowStateShare: 0 };
const rough: RunNoiseShape = { innovations: "student-t", autocorrelation: 0.3, slowStateShare: 0.1 };

function history(options: {
  seed: number;
  length: number;
  steps?: Array<{ index: number; sigmas: number }>;
  shape?: RunNoiseShape;
  drift?: number;
  outliers?: Array<{ index: number; sigmas: number }>;
}): number[] {
  const runSigma = 0.02;
  return generateRealisticHistory({
    seed: options.seed,
    length: options.length,
    runSigma,
    shape: options.shape ?? calm,
    steps: (options.steps ?? []).map((step) => ({ index: step.index, logStep: step.sigmas * runSigma })),
    outliers: (options.outliers ?? []).map((outlier) => ({
      index: outlier.index,
      logStep: outlier.sigmas * runSigma,
    })),
    ...(options.drift ? { drift: { kind: "linear" as const, totalSigmas: options.drift } } : {}),
  }).values;
}

describe("findSteps", () => {
  it("finds a 6-sigma step at its run with its size, on heavy-tailed correlated noise", () => {
    const values = history({ seed: 1, length: 80, steps: [{ index: 60, sigmas: 6 }], shape: rough });
    const [step, ...rest] = findSteps(values);
    expect(rest).toEqual([]);
    expect(step?.index).toBe(60);
    expect(step?.change.estimate).toBeGreaterThan(Math.expm1(0.12) * 0.8);
    expect(step?.change.estimate).toBeLessThan(Math.expm1(0.12) * 1.2);
    expect(step?.change.lower).toBeGreaterThan(0);
    expect(step?.confidence).toBeGreaterThan(0.99);
  });

  it("reports nothing while a change has fewer than minAfter runs after it, not a smaller one earlier (issue 13)", () => {
    // The landed detector stored a -33% step as -2.8% four runs early, from the check of
    // a run shortly after it: the split 6 runs back, half old level and half new, scored.
    const values = history({ seed: 2, length: 63, steps: [{ index: 60, sigmas: -20 }] });
    for (const count of [61, 62, 63]) expect(findSteps(values.slice(0, count))).toEqual([]);
    const later = history({ seed: 2, length: 66, steps: [{ index: 60, sigmas: -20 }] });
    expect(findSteps(later).map((step) => step.index)).toEqual([60]);
  });

  it("stores no step for pure noise, a single outlier run (also the last one) or slow drift", () => {
    for (let seed = 10; seed < 20; seed++) {
      expect(findSteps(history({ seed, length: 120, shape: rough }), { lastPoints: 120 })).toEqual([]);
      const outliers = [
        { index: 50, sigmas: 30 },
        { index: 119, sigmas: 30 },
      ];
      expect(findSteps(history({ seed, length: 120, outliers }), { lastPoints: 120 })).toEqual([]);
      expect(findSteps(history({ seed, length: 160, drift: 8 }), { lastPoints: 160 })).toEqual([]);
    }
  });

  it("finds several steps in one history when checked once, each against the level before it", () => {
    const values = history({
      seed: 3,
      length: 120,
      steps: [
        { index: 40, sigmas: 8 },
        { index: 70, sigmas: -6 },
        { index: 100, sigmas: 10 },
      ],
    });
    expect(findSteps(values, { lastPoints: 120 }).map((step) => step.index)).toEqual([40, 70, 100]);
  });

  it("does not re-find a known change, and measures the next one from it", () => {
    const values = history({
      seed: 4,
      length: 90,
      steps: [
        { index: 50, sigmas: 8 },
        { index: 75, sigmas: 8 },
      ],
    });
    const steps = findSteps(values, { boundaries: [50], lastPoints: 60 });
    expect(steps.map((step) => step.index)).toEqual([75]);
    expect(steps[0]?.beforeCount).toBe(25);
  });

  it("reads serial fractions on the absolute scale, where a level can be 0", () => {
    const values = Array.from({ length: 60 }, (_, index) => (index < 40 ? 0 : 0.1) + (index % 3) * 0.002);
    const [step] = findSteps(values, { scale: "absolute", minEffect: 0.02 });
    expect(step?.index).toBe(40);
    expect(step?.change.estimate).toBeCloseTo(0.1, 2);
    expect(() => findSteps(values)).toThrow(/finite and positive/);
  });
});

describe("measureStep", () => {
  it("moves a change stored a run early to the run where it happened", () => {
    const values = history({ seed: 5, length: 80, steps: [{ index: 50, sigmas: 8 }] });
    expect(measureStep(values, 49)?.step.index).toBe(50);
    expect(measureStep(values, 50)?.step.index).toBe(50);
    expect(measureStep(values, 50)?.significant).toBe(true);
    expect(measureStep(values, 0)).toBeNull();
  });
});
