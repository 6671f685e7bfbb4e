import { describe, expect, it } from "vitest";
import {
  alignSeries,
  amdahlSpeedup,
  type CellPoint,
  downsampleMinMax,
  fitDomain,
  historyColumns,
  latestChange,
  scalingData,
  sparklinePath,
  timeData,
  uslSpeedup,
} from "./chart-data";

const cell = (mode: string, threads: number, speedup: number | null, medianMs = 100): CellPoint => ({
  mode,
  threads,
  speedup,
  medianMs,
  minMs: medianMs - 1,
  maxMs: medianMs + 1,
});

describe("scalingData", () => {
  it("puts modes in the given order and leaves gaps for missing cells", () => {
    const data = scalingData(
      [
        cell("worker-threads", 4, 3.7),
        cell("sequential", 1, 1),
        cell("worker-threads", 1, 0.98),
        cell("sequential", 4, 1),
        cell("custom", 2, 1.5),
      ],
      ["sequential", "event-loop", "worker-threads"],
    );
    expect(data.threads).toEqual([1, 2, 4]);
    expect(data.modes).toEqual(["sequential", "worker-threads", "custom"]);
    expect(data.speedup).toEqual([
      [1, null, 1],
      [0.98, null, 3.7],
      [null, 1.5, null],
    ]);
    expect(data.ideal).toEqual([1, 2, 4]);
  });

  it("carries the repetition spread for the time chart", () => {
    const data = timeData([cell("sequential", 1, 1, 50), cell("sequential", 2, 1, 100)], []);
    expect(data.median).toEqual([[50, 100]]);
    expect(data.min).toEqual([[49, 99]]);
    expect(data.max).toEqual([[51, 101]]);
  });
});

describe("scaling laws", () => {
  it("Amdahl is linear when everything is parallel and flat when nothing is", () => {
    expect(amdahlSpeedup(1, 8)).toBeCloseTo(8);
    expect(amdahlSpeedup(0, 8)).toBeCloseTo(1);
    expect(amdahlSpeedup(0.95, 8)).toBeCloseTo(5.926, 3);
  });
  it("USL reduces to Amdahl without coherency and peaks with it", () => {
    expect(uslSpeedup(0.05, 0, 8)).toBeCloseTo(8 / 1.35);
    const curve = [1, 2, 4, 8, 16, 32, 64].map((threads) => uslSpeedup(0.02, 0.001, threads));
    const peak = curve.indexOf(Math.max(...curve));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(curve.length - 1);
  });
  it("spaces the fit domain geometrically and hits both ends", () => {
    const domain = fitDomain([1, 8], 4);
    expect(domain[0]).toBe(1);
    expect(domain[3]).toBe(8);
    expect(domain[1]).toBeCloseTo(2);
  });
});

describe("alignSeries", () => {
  it("merges x values and re-indexes each column", () => {
    expect(
      alignSeries([
        { x: [1, 4], y: [1, 3.5] },
        { x: [1, 2, 4], y: [1, 2, 4] },
      ]),
    ).toEqual([
      [1, 2, 4],
      [1, null, 3.5],
      [1, 2, 4],
    ]);
  });
});

describe("historyColumns", () => {
  const points = [
    {
      recordedAt: "2025-01-02T00:00:00Z",
      value: 12,
      low: 11,
      high: 13,
      runId: "b",
      commitSha: "b",
      branch: "main",
    },
    {
      recordedAt: "2025-01-01T00:00:00Z",
      value: 10,
      low: null,
      high: null,
      runId: "a",
      commitSha: "a",
      branch: "main",
    },
  ];
  it("sorts oldest first and uses seconds on the date axis", () => {
    const columns = historyColumns(points, "date");
    expect(columns.x).toEqual([
      Date.parse("2025-01-01T00:00:00Z") / 1000,
      Date.parse("2025-01-02T00:00:00Z") / 1000,
    ]);
    expect(columns.value).toEqual([10, 12]);
    // Without an interval the band collapses onto the value.
    expect(columns.low).toEqual([10, 11]);
  });
  it("spaces points evenly in commit order", () => {
    expect(historyColumns(points, "commit").x).toEqual([0, 1]);
  });
});

describe("sparklines", () => {
  it("keeps spikes when downsampling", () => {
    const values = Array.from({ length: 1000 }, (_, index) => (index === 500 ? 100 : 1));
    const reduced = downsampleMinMax(values, 20);
    expect(reduced.length).toBeLessThanOrEqual(20);
    expect(Math.max(...reduced)).toBe(100);
  });
  it("scales into the box, high values at the top", () => {
    expect(sparklinePath([1, null, 3], 10, 10)).toBe("0.0,10.0 10.0,0.0");
    expect(sparklinePath([], 10, 10)).toBe("");
  });
  it("measures the latest change against the recent median", () => {
    expect(latestChange([10, 10, 10, 11])).toBeCloseTo(0.1);
    expect(latestChange([10])).toBeNull();
  });
});
