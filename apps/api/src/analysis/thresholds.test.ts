import { describe, expect, it } from "vitest";
import { studentTQuantile } from "./distributions.js";
import { gateLimit, judgeAgainstHistory, type Threshold } from "./thresholds.js";

const history = [100, 101, 99, 100.5, 99.5, 100, 102, 98, 100, 100.2];
const logs = history.map(Math.log);
const mean = logs.reduce((total, value) => total + value, 0) / logs.length;
const sd = Math.sqrt(logs.reduce((total, value) => total + (value - mean) ** 2, 0) / (logs.length - 1));
const relative = { scale: "relative", worse: "up" } as const;
const threshold = (model: Threshold["model"], boundary: number): Threshold => ({
  model,
  boundary,
  minEffect: 0,
});

describe("gateLimit", () => {
  it("t: the Student-t prediction interval for one new run, on the log scale", () => {
    const limit = gateLimit(history, threshold("t", 0.999), relative);
    const margin = studentTQuantile(0.999, 9) * sd * Math.sqrt(1 + 1 / 10);
    expect(limit?.center).toBeCloseTo(Math.exp(mean), 10);
    expect(limit?.limit).toBeCloseTo(Math.exp(mean + margin), 10);
    expect(limit?.detectableChange).toBeCloseTo(Math.expm1(margin), 10);
    expect(limit?.count).toBe(10);
  });

  it("mad: the same with median and scaled MAD, so one outlier run neither moves nor widens it", () => {
    const clean = gateLimit(history, threshold("mad", 0.995), relative);
    const withOutlier = gateLimit([...history.slice(0, 9), 60], threshold("mad", 0.995), relative);
    const plainT = gateLimit([...history.slice(0, 9), 60], threshold("t", 0.995), relative);
    expect(clean?.center).toBeCloseTo(100, 6);
    expect(withOutlier?.detectableChange).toBeLessThan(0.06);
    // The mean-and-sd interval is blown open by the one fast run.
    expect(plainT?.detectableChange).toBeGreaterThan(0.5);
  });

  it("z, iqr and percentage as Bencher defines them", () => {
    expect(gateLimit(history, threshold("percentage", 0.1), relative)?.limit).toBeCloseTo(
      Math.exp(mean) * 1.1,
      10,
    );
    const iqr = gateLimit([1, 2, 3, 4, 5, 6, 7, 8], threshold("iqr", 3), { scale: "absolute", worse: "up" });
    expect(iqr?.center).toBeCloseTo(4.5, 10);
    expect(iqr?.limit).toBeCloseTo(4.5 + 3 * 3.5, 10);
    expect(gateLimit(history, threshold("z", 0.975), relative)?.limit).toBeCloseTo(
      Math.exp(mean + 1.959964 * sd),
      5,
    );
  });

  it("says nothing with too short a history, and turns for higher-is-better metrics", () => {
    expect(gateLimit([100], threshold("t", 0.999), relative)).toBeNull();
    expect(gateLimit([1, 2, 3], threshold("iqr", 3), relative)).toBeNull();
    const efficiency = gateLimit([0.9, 0.91, 0.89, 0.9], threshold("t", 0.99), {
      scale: "relative",
      worse: "down",
    });
    expect(efficiency?.limit).toBeLessThan(0.9);
    expect(efficiency?.detectableChange).toBeLessThan(0);
  });
});

describe("judgeAgainstHistory", () => {
  it("fails a head beyond the limit and the minimum effect, and calls a faster one better", () => {
    const rules: Threshold = { model: "mad", boundary: 0.995, minEffect: 0.02 };
    const slower = judgeAgainstHistory(history, 110, rules, relative);
    expect(slower).toMatchObject({ worse: true, better: false });
    expect(slower?.change).toBeCloseTo(0.1, 6);
    expect(slower?.pValue).toBeLessThan(0.001);
    expect(judgeAgainstHistory(history, 101.5, rules, relative)?.worse).toBe(false);
    expect(judgeAgainstHistory(history, 90, rules, relative)).toMatchObject({ worse: false, better: true });
    // The minimum effect binds on a history with no scatter at all.
    expect(judgeAgainstHistory([100, 100, 100], 101, rules, relative)?.worse).toBe(false);
    expect(judgeAgainstHistory([100, 100, 100], 103, rules, relative)?.worse).toBe(true);
  });
});
