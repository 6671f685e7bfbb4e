import { createRandom, deriveSeed } from "@threadbench/core";
import { describe, expect, it } from "vitest";
import { detectChangePoints } from "./change-points.js";
import { generateSyntheticSeries, noiseShapes } from "./synthetic-series.js";

describe("detectChangePoints", () => {
  it("finds nothing in a flat series with a single outlier anywhere (seeded property)", () => {
    const random = createRandom(101);
    for (let trial = 0; trial < 80; trial++) {
      const length = [10, 30, 100, 300][trial % 4] as number;
      const index = trial % 5 === 0 ? length - 1 : trial % 5 === 1 ? 0 : random.integer(length);
      const { values } = generateSyntheticSeries({
        length,
        seed: deriveSeed(101, trial),
        noise: noiseShapes[trial % noiseShapes.length],
        spikes: [{ index, relative: 10 + random.next() * 40 }],
      });
      expect(detectChangePoints(values)).toEqual([]);
    }
  });

  it("finds a 3-sigma step in 200 points within a few points of the truth (50 seeded series)", () => {
    let detected = 0;
    let extra = 0;
    for (let trial = 0; trial < 50; trial++) {
      const random = createRandom(deriveSeed(202, trial));
      const index = 20 + random.integer(160);
      const relative = (random.next() < 0.5 ? -3 : 3) * 0.02;
      const { values } = generateSyntheticSeries({
        length: 200,
        seed: deriveSeed(203, trial),
        noiseCv: 0.02,
        steps: [{ index, relative }],
      });
      const changes = detectChangePoints(values, { seed: trial });
      const hit = changes.find((change) => Math.abs(change.index - index) <= 3);
      if (hit) {
        detected++;
        expect(Math.sign(hit.relativeStep.estimate)).toBe(Math.sign(relative));
      }
      extra += changes.length - (hit ? 1 : 0);
    }
    expect(detected).toBeGreaterThanOrEqual(48);
    expect(extra).toBeLessThanOrEqual(2);
  });

  it("rarely alarms on pure noise of any shape (seeded property)", () => {
    let alarms = 0;
    for (let trial = 0; trial < 60; trial++) {
      const { values } = generateSyntheticSeries({
        length: 150,
        seed: deriveSeed(303, trial),
        noise: noiseShapes[trial % noiseShapes.length],
      });
      alarms += detectChangePoints(values).length;
    }
    expect(alarms).toBeLessThanOrEqual(1);
  });

  it("describes each change: medians, step with interval, p-value", () => {
    const { values } = generateSyntheticSeries({
      length: 120,
      seed: 4,
      noiseCv: 0.01,
      steps: [{ index: 70, relative: 0.2 }],
    });
    const [change, ...rest] = detectChangePoints(values);
    expect(rest).toEqual([]);
    expect(change?.index).toBe(70);
    expect(change?.beforeMedian).toBeCloseTo(100, -0.5);
    expect(change?.afterMedian).toBeCloseTo(120, -0.5);
    expect(change?.relativeStep.lower).toBeLessThan(0.2);
    expect(change?.relativeStep.upper).toBeGreaterThan(0.2);
    expect(change?.pValue).toBeLessThan(1e-6);
    expect(change?.confidence).toBeCloseTo(1 - (change?.pValue ?? 0), 12);
  });

  it("finds several steps, in order", () => {
    const { values } = generateSyntheticSeries({
      length: 300,
      seed: 5,
      noise: "student-t",
      noiseCv: 0.01,
      steps: [
        { index: 80, relative: 0.1 },
        { index: 160, relative: -0.15 },
        { index: 230, relative: 0.08 },
      ],
    });
    expect(detectChangePoints(values).map((change) => change.index)).toEqual([80, 160, 230]);
  });

  it("is deterministic for a seed", () => {
    const { values } = generateSyntheticSeries({
      length: 100,
      seed: 6,
      noise: "bimodal",
      steps: [{ index: 50, relative: 0.05 }],
    });
    expect(detectChangePoints(values, { seed: 9 })).toEqual(detectChangePoints(values, { seed: 9 }));
  });

  it("widens the step interval when points carry uncertainty", () => {
    const { values } = generateSyntheticSeries({
      length: 100,
      seed: 7,
      noiseCv: 0.01,
      steps: [{ index: 50, relative: 0.1 }],
    });
    const [plain] = detectChangePoints(values);
    const [uncertain] = detectChangePoints(values, { uncertainties: values.map(() => 5) });
    const width = (change: typeof plain): number =>
      (change?.relativeStep.upper ?? 0) - (change?.relativeStep.lower ?? 0);
    expect(width(uncertain)).toBeGreaterThan(width(plain));
  });

  it("handles short, constant and 1,000-point series", () => {
    expect(detectChangePoints([])).toEqual([]);
    expect(detectChangePoints([1, 2, 3])).toEqual([]);
    expect(detectChangePoints(new Array(50).fill(10))).toEqual([]);
    const { values } = generateSyntheticSeries({
      length: 1000,
      seed: 8,
      noise: "outliers",
      steps: [
        { index: 400, relative: 0.1 },
        { index: 700, relative: -0.05 },
      ],
    });
    const indices = detectChangePoints(values).map((change) => change.index);
    expect(indices).toHaveLength(2);
    expect(Math.abs((indices[0] ?? 0) - 400)).toBeLessThanOrEqual(3);
    expect(Math.abs((indices[1] ?? 0) - 700)).toBeLessThanOrEqual(3);
  });
});
