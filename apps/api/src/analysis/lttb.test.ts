import { createRandom } from "@threadbench/core";
import { describe, expect, it } from "vitest";
import { largestTriangleThreeBuckets } from "./lttb.js";

interface Point {
  x: number;
  y: number;
}

const x = (point: Point) => point.x;
const y = (point: Point) => point.y;

/** A noisy flat series (seeded) with a few isolated spikes at known positions. */
function spikySeries(count: number, spikes: readonly number[]): Point[] {
  const random = createRandom(42);
  return Array.from({ length: count }, (_, index) => ({
    x: index,
    y: spikes.includes(index) ? 100 : 10 + random.normal() * 0.5,
  }));
}

describe("largestTriangleThreeBuckets", () => {
  it("keeps exactly `threshold` points, in order, starting and ending with the input's ends", () => {
    const points = spikySeries(10_000, []);
    for (const threshold of [3, 10, 500, 9_999]) {
      const sampled = largestTriangleThreeBuckets(points, threshold, x, y);
      expect(sampled).toHaveLength(threshold);
      expect(sampled[0]).toBe(points[0]);
      expect(sampled.at(-1)).toBe(points.at(-1));
      for (let index = 1; index < sampled.length; index++) {
        expect((sampled[index] as Point).x).toBeGreaterThan((sampled[index - 1] as Point).x);
      }
    }
  });

  it("keeps every spike of a spiky series that averaging would flatten", () => {
    const spikes = [137, 2_222, 5_001, 8_765];
    const points = spikySeries(10_000, spikes);
    const sampled = largestTriangleThreeBuckets(points, 200, x, y);
    expect(sampled.filter((point) => point.y === 100).map((point) => point.x)).toEqual(spikes);
  });

  it("returns a copy of the input when it already fits (or the threshold is below 3)", () => {
    const points = spikySeries(50, [10]);
    const fits = largestTriangleThreeBuckets(points, 50, x, y);
    expect(fits).toEqual(points);
    expect(fits).not.toBe(points);
    expect(largestTriangleThreeBuckets(points, 2, x, y)).toEqual(points);
  });
});
