import { describe, expect, it } from "vitest";
import type { SeriesSummaryFieldsFragment } from "../generated/graphql";
import { toSeriesCard, toSeriesRow } from "./series-rows";

function summary(
  overrides: Partial<SeriesSummaryFieldsFragment["series"]> = {},
): SeriesSummaryFieldsFragment {
  return {
    recent: [10, 12, null, 11],
    latestValue: 12.3,
    latestAt: "2026-12-01T10:00:09.000Z",
    change: 0.25,
    openRegressions: 2,
    series: {
      key: "k1",
      workloadId: "sum-squares",
      params: { n: 1000 },
      mode: "threading",
      threads: 4,
      scaling: "WEAK",
      branch: "main",
      project: "default",
      harness: "threadbench",
      testbed: { id: "t1", hostname: "ci-runner-7", runtimeLabel: "cpython 3.13.1t (no GIL)" },
      ...overrides,
    },
  } as SeriesSummaryFieldsFragment;
}

describe("toSeriesRow", () => {
  it("formats every value the explorer's table shows on the server, the runtime label included", () => {
    const row = toSeriesRow(summary());
    expect(row).toMatchObject({
      key: "k1",
      workloadId: "sum-squares",
      mode: "threading",
      threads: 4,
      details: "n=1,000",
      testbed: { runtimeLabel: "cpython 3.13.1t (no GIL)", hostname: "ci-runner-7" },
      branch: "main",
      latestAt: "2026-12-01 10:00:09 UTC",
      changeClass: "change-up",
      openRegressions: 2,
    });
    expect(row.latest).toMatch(/12\.3\s?ms/);
    expect(row.change).toMatch(/\+25/);
    // Three present values, drawn across the 120-unit box; the gap is skipped.
    expect(row.sparkline.split(" ")).toHaveLength(3);
  });

  it("names a harness and a project other than the defaults, and a series without testbed or branch", () => {
    const row = toSeriesRow(
      summary({ harness: "pyperf", project: "acme/imaging", testbed: null, branch: null }),
    );
    expect(row.details).toBe("n=1,000 · pyperf · acme/imaging");
    expect(row.testbed).toBeNull();
    expect(row.branch).toBeNull();
  });
});

describe("toSeriesCard", () => {
  it("names the runtime first, then parameters and branch, with the change coloured as worse", () => {
    const card = toSeriesCard(summary({ harness: "pyperf" }));
    expect(card).toMatchObject({
      key: "k1",
      where: "cpython 3.13.1t (no GIL) · ci-runner-7",
      details: "n=1,000 · main · pyperf",
      latestAt: "2026-12-01 10:00:09 UTC",
      change: { className: "change-up" },
      openRegressions: 2,
    });
    expect(card.latest).toMatch(/12\.3\s?ms/);
    expect(card.sparkline.split(" ")).toHaveLength(3);
  });

  it("shows no change when there is none to compute, and says so when a series has no testbed or branch", () => {
    const card = toSeriesCard({ ...summary({ testbed: null, branch: null }), change: null });
    expect(card.change).toBeNull();
    expect(card.where).toBe("unknown testbed");
    expect(card.details).toBe("n=1,000 · no branch");
  });
});
