import { describe, expect, it } from "vitest";
import { detectRegressions, detectRegressionsAcrossSeries } from "./regressions.js";
import { generateSyntheticSeries } from "./synthetic-series.js";

const runIdsFor = (count: number): string[] => Array.from({ length: count }, (_, index) => `run-${index}`);

describe("detectRegressions", () => {
  const slowdown = generateSyntheticSeries({
    length: 100,
    seed: 1,
    noiseCv: 0.01,
    steps: [{ index: 60, relative: 0.2 }],
  }).values;

  it("reports a slowdown in wall times as a regression introduced by its run", () => {
    const [change, ...rest] = detectRegressions({ values: slowdown, runIds: runIdsFor(100) });
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ kind: "regression", index: 60, runId: "run-60", previousRunId: "run-59" });
    expect(change?.change.estimate).toBeCloseTo(0.2, 1);
    expect(change?.change.lower).toBeGreaterThan(0.15);
    expect(change?.confidence).toBeGreaterThan(0.999);
  });

  it("reports a speed-up as an improvement, and flips with higher-is-better", () => {
    const speedup = slowdown.map((value, index) => (index >= 60 ? value / 1.44 : value));
    expect(detectRegressions({ values: speedup, runIds: runIdsFor(100) })[0]?.kind).toBe("improvement");
    expect(
      detectRegressions({ values: slowdown, runIds: runIdsFor(100) }, { direction: "higher-is-better" })[0]
        ?.kind,
    ).toBe("improvement");
  });

  it("skips steps below minEffect", () => {
    expect(detectRegressions({ values: slowdown, runIds: runIdsFor(100) }, { minEffect: 0.3 })).toEqual([]);
  });

  it("with lastPoints, reports only a change introduced by the latest runs", () => {
    expect(detectRegressions({ values: slowdown, runIds: runIdsFor(100) }, { lastPoints: 10 })).toEqual([]);
    const late = generateSyntheticSeries({
      length: 100,
      seed: 2,
      noiseCv: 0.01,
      steps: [{ index: 92, relative: 0.15 }],
    }).values;
    const [change] = detectRegressions({ values: late, runIds: runIdsFor(100) }, { lastPoints: 10 });
    expect(change).toMatchObject({ kind: "regression", runId: "run-92" });
  });

  it("never reports a one-run blip at the end", () => {
    const blip = [...slowdown.slice(0, 59), 200];
    expect(detectRegressions({ values: blip, runIds: runIdsFor(60) }, { lastPoints: 1 })).toEqual([]);
  });

  it("finds nothing in a series shorter than the runs a change needs on both sides", () => {
    expect(detectRegressions({ values: slowdown.slice(0, 12), runIds: runIdsFor(12) })).toEqual([]);
  });

  it("rejects run ids that do not line up with the values", () => {
    expect(() => detectRegressions({ values: [1, 2, 3], runIds: ["a"] })).toThrow(/runIds/);
  });
});

describe("detectRegressionsAcrossSeries", () => {
  it("searches each series at its own threshold, not at the false discovery rate (issue 13)", () => {
    // The landed code passed q = 0.05 as each series' significance level: a 2-sigma
    // wobble of pure noise then became a candidate, and Benjamini-Hochberg over a few
    // series let it through. Each series must pass its own threshold first.
    const noise = generateSyntheticSeries({ length: 100, seed: 77, noiseCv: 0.01 }).values;
    const lenient = detectRegressionsAcrossSeries([{ values: noise, runIds: runIdsFor(100) }], {
      falseDiscoveryRate: 0.5,
    });
    expect(lenient).toEqual([[]]);
  });

  it("keeps clear changes and drops chance ones across many pure-noise series", () => {
    const seriesList = Array.from({ length: 40 }, (_, index) => {
      const steps = index < 3 ? [{ index: 50, relative: 0.1 }] : [];
      const { values } = generateSyntheticSeries({ length: 100, seed: 500 + index, noiseCv: 0.01, steps });
      return { values, runIds: runIdsFor(100) };
    });
    const results = detectRegressionsAcrossSeries(seriesList);
    expect(results).toHaveLength(40);
    expect(results.slice(0, 3).map((changes) => changes.map((change) => change.index))).toEqual([
      [50],
      [50],
      [50],
    ]);
    expect(results.slice(3).flat()).toEqual([]);
  });
});
