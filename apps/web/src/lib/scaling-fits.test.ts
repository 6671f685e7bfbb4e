import { describe, expect, it } from "vitest";
import { efficiencyNote, fitReadingText, readAmdahlFit, readUslFit } from "./scaling-fits";

describe("reading scaling fits", () => {
  it("calls a negative R² no fit and a serial fraction of 100% no scaling", () => {
    expect(readAmdahlFit({ serialFraction: 0.05, rSquared: 0.99 })).toEqual({ kind: "fits", rSquared: 0.99 });
    expect(readAmdahlFit({ serialFraction: 1, rSquared: 0.2 })).toEqual({ kind: "no-scaling" });
    expect(readAmdahlFit({ serialFraction: 0.3, rSquared: -16.3 })).toEqual({
      kind: "poor-fit",
      rSquared: -16.3,
    });
    expect(readUslFit({ contention: 0.01, coherency: 0, rSquared: Number.NaN }).kind).toBe("poor-fit");
    expect(fitReadingText({ kind: "fits", rSquared: 1 })).toBeNull();
    expect(fitReadingText({ kind: "poor-fit", rSquared: -16.3 })).toMatch(/R² -16.30/);
  });
  it("notes superlinear efficiency above 103% only", () => {
    expect(efficiencyNote(1.46)).toMatch(/superlinear/);
    expect(efficiencyNote(1.02)).toBeNull();
    expect(efficiencyNote(null)).toBeNull();
  });
});
