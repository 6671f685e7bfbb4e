import { describe, expect, it } from "vitest";
import { controlFalseDiscovery } from "./false-discovery.js";

describe("controlFalseDiscovery", () => {
  it("matches a hand-worked Benjamini-Hochberg example", () => {
    // Sorted: 0.005, 0.01, 0.03, 0.04, 0.2 against k * 0.05 / 5 = 0.01, 0.02, 0.03, 0.04, 0.05.
    const result = controlFalseDiscovery([0.01, 0.04, 0.03, 0.005, 0.2], 0.05);
    expect(result.rejected).toEqual([true, true, true, true, false]);
    expect(result.threshold).toBe(0.04);
    // SciPy: false_discovery_control([...]) -> [0.025, 0.05, 0.05, 0.025, 0.2].
    for (const [index, value] of result.adjustedPValues.entries()) {
      expect(value).toBeCloseTo([0.025, 0.05, 0.05, 0.025, 0.2][index] as number, 12);
    }
  });

  it("steps up only as far as the last p-value under its line", () => {
    const pValues = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216];
    const result = controlFalseDiscovery(pValues, 0.05);
    expect(result.rejected.filter(Boolean)).toHaveLength(2);
    const expected = [0.01, 0.04, 0.084, 0.084, 0.084, 0.1, 0.10571429, 0.216, 0.216, 0.216];
    for (const [index, value] of result.adjustedPValues.entries()) {
      expect(value).toBeCloseTo(expected[index] as number, 7);
    }
  });

  it("rejects nothing when nothing is small, and handles p = 0 and no input", () => {
    expect(controlFalseDiscovery([0.5, 0.9], 0.05).rejected).toEqual([false, false]);
    expect(controlFalseDiscovery([0, 0.9], 0.05).rejected).toEqual([true, false]);
    expect(controlFalseDiscovery([], 0.05)).toEqual({ rejected: [], adjustedPValues: [], threshold: 0 });
  });
});
