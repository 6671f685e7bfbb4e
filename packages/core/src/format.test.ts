import { describe, expect, it } from "vitest";
import { formatDuration, toSignificant } from "./format.js";

describe("toSignificant", () => {
  it("keeps three significant digits", () => {
    expect(toSignificant(3.8412)).toBe("3.84");
    expect(toSignificant(123.456)).toBe("123");
    expect(toSignificant(0.012345)).toBe("0.0123");
    expect(toSignificant(0)).toBe("0");
  });
});

describe("formatDuration", () => {
  it("chooses the unit by magnitude", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(0.85)).toBe("850 µs");
    expect(formatDuration(12.345)).toBe("12.3 ms");
    expect(formatDuration(3840)).toBe("3.84 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(3_725_000)).toBe("1 h 2 min");
    expect(formatDuration(-1500)).toBe("-1.50 s");
  });
  it("shows a dash for missing values", () => {
    expect(formatDuration(null)).toBe("–");
    expect(formatDuration(Number.NaN)).toBe("–");
  });
});
