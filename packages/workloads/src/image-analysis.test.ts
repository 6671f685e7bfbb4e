import { describe, expect, it } from "vitest";
import { imageAnalysis } from "./image-analysis.js";
import { checksumOf } from "./test-fixtures/harness.js";

/**
 * A reference written differently: channels by bit masks, brightness from the exact
 * integer channel totals, sharpness with its own loop.
 */
function reference(width: number, height: number): string {
  const pixels = width * height;
  let red = 0;
  let green = 0;
  let blue = 0;
  for (let i = 0; i < pixels; i++) {
    red += (i * 73) & 0xff;
    green += (i * 137) & 0xff;
    blue += (i * 199) & 0xff;
  }
  const brightness = (0.299 * red + 0.587 * green + 0.114 * blue) / pixels;
  const sharpnessPixels = Math.min(10_000, pixels);
  let sharpness = 0;
  for (let i = 0; i < sharpnessPixels; i++) sharpness += Math.abs(Math.sin(0.1 * i) * Math.cos(0.07 * i));
  return `brightness=${brightness.toFixed(9)};sharpness=${(sharpness / sharpnessPixels).toFixed(9)}`;
}

function parse(checksum: string): { brightness: number; sharpness: number } {
  const match = /^brightness=(\d+\.\d{9});sharpness=(\d+\.\d{9})$/.exec(checksum);
  if (!match) throw new Error(`unexpected checksum ${checksum}`);
  return { brightness: Number(match[1]), sharpness: Number(match[2]) };
}

describe("image-analysis", () => {
  it("has mean brightness exactly 127.5 when the pixel count is a multiple of 256", () => {
    // 73, 137 and 199 are odd, so over 256 consecutive pixels every channel takes every
    // value 0..255 once: each channel averages 127.5 and the weights sum to 1.
    const { brightness } = parse(checksumOf(imageAnalysis, { width: 64, height: 12 }));
    expect(brightness).toBe(127.5);
  });

  it("scores one pixel: black, and |sin 0 cos 0| = 0", () => {
    expect(checksumOf(imageAnalysis, { width: 1, height: 1 })).toBe(
      "brightness=0.000000000;sharpness=0.000000000",
    );
  });

  it.each([
    [7, 13],
    [101, 99],
    [800, 600],
  ])("matches an independent computation for %i x %i", (width, height) => {
    const actual = parse(checksumOf(imageAnalysis, { width, height }));
    const expected = parse(reference(width, height));
    expect(actual.brightness).toBeCloseTo(expected.brightness, 8);
    expect(actual.sharpness).toBeCloseTo(expected.sharpness, 8);
  });
});
