import { describe, expect, it } from "vitest";
import { generateSyntheticSeries, noiseShapes } from "./synthetic-series.js";

describe("generateSyntheticSeries", () => {
  it("is deterministic for a seed", () => {
    const options = { length: 50, seed: 3, noise: "student-t" as const };
    expect(generateSyntheticSeries(options)).toEqual(generateSyntheticSeries(options));
    expect(generateSyntheticSeries({ ...options, seed: 4 }).values).not.toEqual(
      generateSyntheticSeries(options).values,
    );
  });

  it("gives every noise shape the requested standard deviation", () => {
    for (const noise of noiseShapes) {
      if (noise === "outliers") continue; // spikes on top of unit-variance normal noise
      const { values } = generateSyntheticSeries({ length: 40_000, seed: 5, noise, noiseCv: 0.02 });
      const relative = values.map((value) => value / 100 - 1);
      const mean = relative.reduce((total, value) => total + value, 0) / relative.length;
      const deviation = Math.sqrt(
        relative.reduce((total, value) => total + (value - mean) ** 2, 0) / relative.length,
      );
      expect(Math.abs(mean)).toBeLessThan(0.001);
      expect(Math.abs(deviation / 0.02 - 1)).toBeLessThan(0.08);
    }
  });

  it("applies labelled steps, drift and spikes", () => {
    const series = generateSyntheticSeries({
      length: 100,
      seed: 6,
      noiseCv: 0,
      steps: [
        { index: 60, relative: 0.5 },
        { index: 20, relative: -0.5 },
      ],
      spikes: [{ index: 10, relative: 9 }],
    });
    expect(series.changes.map((change) => change.index)).toEqual([20, 60]);
    expect(series.values[0]).toBe(100);
    expect(series.values[10]).toBe(1000);
    expect(series.values[30]).toBe(50);
    expect(series.values[99]).toBe(75);
    const drifting = generateSyntheticSeries({ length: 11, seed: 7, noiseCv: 0, driftRelative: 0.1 });
    expect(drifting.values[10]).toBeCloseTo(110, 10);
  });
});
