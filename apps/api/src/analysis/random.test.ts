import { createRandom, deriveSeed } from "@threadbench/core";
import { describe, expect, it } from "vitest";
import { normalCdf, normalQuantile, normalSurvival } from "./distributions.js";

function moments(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((total, value) => total + value, 0) / values.length;
  const variance = values.reduce((total, value) => total + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

describe("createRandom", () => {
  it("repeats its sequence for a seed and differs across seeds", () => {
    const first = createRandom(123);
    const second = createRandom(123);
    const sequence = Array.from({ length: 5 }, () => first.next());
    expect(Array.from({ length: 5 }, () => second.next())).toEqual(sequence);
    expect(createRandom(124).next()).not.toBe(sequence[0]);
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(1, 3));
  });

  it("draws uniforms in [0, 1) and integers below the bound", () => {
    const random = createRandom(9);
    for (let draw = 0; draw < 10_000; draw++) {
      const value = random.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      expect(random.integer(7)).toBeLessThan(7);
    }
  });

  it("draws normals, gammas and Student-t with the right moments", () => {
    const random = createRandom(21);
    const normals = moments(Array.from({ length: 50_000 }, () => random.normal()));
    expect(normals.mean).toBeCloseTo(0, 1);
    expect(normals.variance).toBeCloseTo(1, 1);
    const gammas = moments(Array.from({ length: 50_000 }, () => random.gamma(2.5)));
    expect(gammas.mean).toBeCloseTo(2.5, 1);
    expect(gammas.variance).toBeCloseTo(2.5, 0);
    // t with 5 degrees of freedom: variance 5 / 3 (finite fourth moment, stable estimate).
    const students = moments(Array.from({ length: 100_000 }, () => random.studentT(5)));
    expect(students.mean).toBeCloseTo(0, 1);
    expect(Math.abs(students.variance - 5 / 3)).toBeLessThan(0.1);
  });
});

describe("normal distribution", () => {
  it("matches known values", () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalSurvival(3)).toBeCloseTo(0.0013498980316300933, 9);
    // Relative accuracy in the far tail matters for tiny p-values.
    expect(normalSurvival(6) / 9.865876450376946e-10).toBeCloseTo(1, 5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 7);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 6);
    expect(normalQuantile(0.5)).toBe(0);
  });
});
