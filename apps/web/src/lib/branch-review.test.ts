import { describe, expect, it } from "vitest";
import { branchReviewHref, reasonText } from "./branch-review";

describe("branch review", () => {
  it("words a slower cell and a scaling loss like threadbench check", () => {
    expect(
      reasonText({
        kind: "SLOWER_CELL",
        mode: "threading",
        threads: 4,
        relativeChange: 0.3,
        relativeChangeLow: 0.25,
        relativeChangeHigh: 0.35,
        baseMedianMs: 109,
        headMedianMs: 141.7,
      }),
    ).toBe("threading ×4 is +30.0% slower (109 ms → 142 ms, 95% interval +25.0% … +35.0%)");
    expect(
      reasonText({
        kind: "SCALING",
        mode: "threading",
        threads: 4,
        efficiencyBase: 0.92,
        efficiencyHead: 0.71,
        serialFractionBase: 0.03,
        serialFractionHead: 0.13,
      }),
    ).toBe(
      "threading scales worse: efficiency at 4 threads fell 92% → 71%; Amdahl serial fraction rose 0.030 → 0.130",
    );
  });
  it("links a branch with slashes as a readable path", () => {
    expect(branchReviewHref("feature/pool tuning", "main")).toBe("/branches/feature/pool%20tuning?base=main");
    expect(branchReviewHref("dev", "main", "sum-squares")).toBe(
      "/branches/dev?base=main&workload=sum-squares",
    );
  });
});
