import { describe, expect, it } from "vitest";
import {
  alignSeries,
  amdahlSpeedup,
  type CellPoint,
  crossRunCurves,
  downsampleMinMax,
  fitDomain,
  historyColumns,
  latestChange,
  markerLabelX,
  scalingData,
  sparklinePath,
  tickSpacePx,
  timeAxisMax,
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

describe("time chart axis", () => {
  it("reaches above the highest whisker, not just the highest median (whiskers were clipped)", () => {
    const data = timeData(
      [
        { mode: "sequential", threads: 1, speedup: 1, medianMs: 100, minMs: 95, maxMs: 180 },
        { mode: "threading", threads: 4, speedup: 1, medianMs: 120, minMs: 110, maxMs: 130 },
      ],
      [],
    );
    expect(timeAxisMax(data)).toBeGreaterThan(180);
    expect(timeAxisMax({ median: [[null]], max: [[null]] })).toBe(1);
  });
});

describe("marker labels", () => {
  it("stay inside the plot: a marker near the right edge puts its label on the left (it was cut)", () => {
    const plot = { plotLeft: 50, plotRight: 650, gap: 4 };
    expect(markerLabelX({ ...plot, line: 100, textWidth: 150 })).toBe(104);
    const nearRight = markerLabelX({ ...plot, line: 600, textWidth: 150 });
    expect(nearRight + 150).toBeLessThanOrEqual(650);
    expect(nearRight).toBe(446);
    expect(markerLabelX({ ...plot, line: 60, textWidth: 700 })).toBe(50);
  });
  it("space ticks for their widest label", () => {
    expect(tickSpacePx(10)).toBeGreaterThanOrEqual(10 * 7 + 10);
  });
});

describe("crossRunCurves", () => {
  const run = (id: string, runtimeLabel: string, speedups: Record<string, number>) => ({
    id,
    createdAt: "2026-01-15T09:00:00.000Z",
    testbed: { runtimeLabel, hostname: "ci-runner-7" },
    measurements: [
      { mode: "sequential", threads: 4, status: "SUCCEEDED", speedup: 1 },
      ...Object.entries(speedups).map(([mode, speedup]) => ({
        mode,
        threads: 4,
        status: "SUCCEEDED",
        speedup,
      })),
      { mode: "threading", threads: 1, status: "FAILED", speedup: null },
    ],
  });

  it("draws GIL on and GIL off side by side: a colour per run, a dash per mode", () => {
    const curves = crossRunCurves(
      [
        run("gil", "cpython 3.13.1 (GIL)", { threading: 0.98, multiprocessing: 3.64 }),
        run("free", "cpython 3.13.1t (no GIL)", { threading: 3.67, multiprocessing: 3.5 }),
      ],
      ["sequential", "worker-threads"],
    );
    expect(
      curves.map((curve) => [curve.label, curve.slot, curve.dash ?? null, curve.hollow ?? false]),
    ).toEqual([
      ["cpython 3.13.1 (GIL) · multiprocessing", 0, null, false],
      ["cpython 3.13.1 (GIL) · threading", 0, [8, 4], true],
      ["cpython 3.13.1t (no GIL) · multiprocessing", 1, null, false],
      ["cpython 3.13.1t (no GIL) · threading", 1, [8, 4], true],
    ]);
    expect(curves[3]?.points).toEqual([{ threads: 4, speedup: 3.67 }]);
  });

  it("tells two runs of one runtime apart by date", () => {
    const curves = crossRunCurves(
      [
        run("a", "node 20.20.2", { "worker-threads": 3 }),
        run("b", "node 20.20.2", { "worker-threads": 3.1 }),
      ],
      ["worker-threads"],
    );
    expect(curves[0]?.label).toBe("node 20.20.2 (2026-01-15 09:00) · worker-threads");
  });
});
