import { describe, expect, it } from "vitest";
import { readAllPoints } from "./history-windows";

/** An API stand-in with the real one's rule: more than `cap` points in range come back downsampled. */
function historyOf(count: number, cap: number) {
  const start = Date.parse("2026-01-01T00:00:00Z");
  const all = Array.from({ length: count }, (_, index) => ({
    timestamp: new Date(start + index * 60_000).toISOString(),
    value: index,
  }));
  let requests = 0;
  const fetchWindow = async (from: string | null, to: string | null) => {
    requests++;
    const inRange = all.filter(
      (point) => (from === null || point.timestamp >= from) && (to === null || point.timestamp < to),
    );
    if (inRange.length <= cap) return { points: inRange, downsampled: false };
    const step = inRange.length / cap;
    return {
      points: Array.from(
        { length: cap },
        (_, index) => inRange[Math.min(inRange.length - 1, Math.round(index * step))] as (typeof all)[number],
      ).concat(inRange.at(-1) as (typeof all)[number]),
      downsampled: true,
    };
  };
  return { all, fetchWindow, requests: () => requests };
}

describe("reading a whole history in windows", () => {
  it("returns every point once, in order, when the history is larger than one request", async () => {
    const { all, fetchWindow, requests } = historyOf(12_345, 5_000);
    const points = await readAllPoints(fetchWindow);
    expect(points.map((point) => point.value)).toEqual(all.map((point) => point.value));
    expect(requests()).toBeLessThan(12);
  });
  it("needs one request when the history fits", async () => {
    const { fetchWindow, requests } = historyOf(120, 5_000);
    expect(await readAllPoints(fetchWindow)).toHaveLength(120);
    expect(requests()).toBe(1);
  });
});
