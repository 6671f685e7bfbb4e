import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatBytes,
  formatChange,
  formatCount,
  formatDateTime,
  formatMetricTick,
  formatParams,
  formatQuantity,
  formatRatioPercent,
  formatSpeedup,
  formatTimeTick,
  shortSha,
} from "./format";

describe("ratios and changes", () => {
  it("formats speedups and percentages", () => {
    expect(formatSpeedup(3.6612)).toBe("3.66×");
    expect(formatSpeedup(null)).toBe("–");
    expect(formatRatioPercent(0.912)).toBe("91%");
  });
  it("signs relative changes", () => {
    expect(formatChange(0.08)).toBe("+8.0%");
    expect(formatChange(-0.032)).toBe("\u22123.2%");
    expect(formatChange(0.00001)).toBe("±0.0%");
    expect(formatChange(1.5)).toBe("+150%");
  });
});

describe("counts, quantities and bytes", () => {
  it("separates thousands and compacts large quantities", () => {
    expect(formatCount(100000)).toBe("100,000");
    expect(formatQuantity(1000, "iterations")).toBe("1,000 iterations");
    expect(formatQuantity(5_000_000, "iterations")).toBe("5M iterations");
  });
  it("uses binary units for memory", () => {
    expect(formatBytes(24 * 1024 ** 3)).toBe("24.0\u202fGiB");
    expect(formatBytes("1024")).toBe("1.0\u202fKiB");
    expect(formatBytes(null)).toBe("–");
  });
});

describe("dates", () => {
  it("formats in UTC with seconds, so rows of one minute stay apart (7 rows read 19:14 UTC)", () => {
    expect(formatDateTime("2025-06-01T14:03:59.000Z")).toBe("2025-06-01 14:03:59 UTC");
    expect(formatDateTime("2025-06-01T14:03:07.900Z")).toBe("2025-06-01 14:03:07 UTC");
    expect(formatDateTime("not a date")).toBe("–");
  });
  it("labels time axis ticks in UTC, as the tables do (the axis was in local time)", () => {
    const seconds = Date.parse("2026-03-14T19:14:05Z") / 1000;
    expect(formatTimeTick(seconds, 7 * 86_400)).toBe("2026-03-14");
    expect(formatTimeTick(seconds, 3600)).toBe("19:14\n2026-03-14");
    expect(formatTimeTick(seconds, 5)).toBe("19:14:05\n2026-03-14");
    // No line is wider than the day the axis spaces its ticks for.
    for (const increment of [1, 60, 86_400]) {
      for (const line of formatTimeTick(seconds, increment).split("\n"))
        expect(line.length).toBeLessThanOrEqual(10);
    }
  });
  it("describes ages relative to now", () => {
    const now = Date.parse("2025-06-01T12:00:00Z");
    expect(formatAge("2025-06-01T11:57:00Z", now)).toBe("3 min ago");
    expect(formatAge("2025-05-29T12:00:00Z", now)).toBe("3 d ago");
  });
});

describe("commits and params", () => {
  it("shortens shas and lists parameters", () => {
    expect(shortSha("0123456789abcdef")).toBe("0123456");
    expect(formatParams({ n: 1000, mode: "fast" })).toBe("n=1,000 · mode=fast");
  });
});

describe("formatMetricTick", () => {
  it("adds decimals when ticks are close together", () => {
    expect(formatMetricTick("duration", 209.5, 0.5)).toBe("209.5 ms");
    expect(formatMetricTick("duration", 210, 10)).toBe("210 ms");
    expect(formatMetricTick("duration", 1500, 500)).toBe("1.5 s");
    expect(formatMetricTick("speedup", 2, 0.5)).toBe("2.00×");
  });

  it("prints ticks 2.5 or 0.25 apart with their decimals, never rounded into uneven steps", () => {
    // uPlot's 2.5 ms spacing printed as 83, 80, 78, 75, 73 ms before.
    expect([82.5, 80, 77.5, 75, 72.5].map((value) => formatMetricTick("duration", value, 2.5))).toEqual([
      "82.5 ms",
      "80.0 ms",
      "77.5 ms",
      "75.0 ms",
      "72.5 ms",
    ]);
    expect(formatMetricTick("duration", 1.25, 0.25)).toBe("1.25 ms");
    expect(formatMetricTick("duration", 2500, 2500)).toBe("2.5 s");
    expect(formatMetricTick("duration", 0.3, 0.1)).toBe("300 µs");
    expect(formatMetricTick("duration", 0.0004, 0.0001)).toBe("0.4 µs");
  });
});
