import { describe, expect, it } from "vitest";
import { logGamma, normalQuantile, studentTQuantile, studentTSurvival } from "./distributions.js";

describe("Student's t", () => {
  it("matches SciPy's t.sf in the body and the far tail", () => {
    // scipy.stats.t.sf(t, df)
    const cases = [
      [2.0, 9, 0.038276411885350504],
      [4.3, 9, 0.0009953261372306278],
      [5, 30, 1.16483427335039e-5],
      [10, 5, 8.547378787148181e-5],
      [-1.5, 3, 0.8847080673775886],
      [0.3, 1, 0.4072264209222577],
    ] as const;
    for (const [t, degrees, expected] of cases) {
      expect(studentTSurvival(t, degrees)).toBeCloseTo(expected, 10);
      expect(Math.abs(studentTSurvival(t, degrees) / expected - 1)).toBeLessThan(1e-8);
    }
  });

  it("matches SciPy's t.ppf, and tends to the normal quantile", () => {
    // scipy.stats.t.ppf(p, df)
    const cases = [
      [0.995, 9, 3.249835541592126],
      [0.999, 9, 4.296805662729918],
      [0.975, 1, 12.706204736174694],
      [0.9, 30, 1.3104150253913955],
      [0.999999, 12, 8.504302718031097],
    ] as const;
    for (const [p, degrees, expected] of cases) {
      expect(studentTQuantile(p, degrees)).toBeCloseTo(expected, 8);
      expect(studentTQuantile(1 - p, degrees)).toBeCloseTo(-expected, 8);
    }
    expect(studentTQuantile(0.99, 1e6)).toBeCloseTo(normalQuantile(0.99), 4);
    expect(studentTQuantile(0.99, Number.POSITIVE_INFINITY)).toBe(normalQuantile(0.99));
  });

  it("logGamma agrees with factorials", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(6)).toBeCloseTo(Math.log(120), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
});
