import { describe, expect, it } from "vitest";
import { layoutMarkers, type MarkablePoint, placeMarkers, seriesMarkers } from "./history-markers";

/** Ten shown points one day apart, run ids r0..r9. */
function points(count = 10, hashes: (string | null)[] = []): MarkablePoint[] {
  return Array.from({ length: count }, (_, index) => ({
    runId: `r${index}`,
    timestamp: new Date(Date.UTC(2026, 0, 1 + index)).toISOString(),
    workloadHash: hashes[index] ?? null,
  }));
}

describe("seriesMarkers", () => {
  it("labels regressions red and improvements green with their size and status", () => {
    const markers = seriesMarkers(
      [
        {
          runId: "r3",
          run: { createdAt: "2026-01-04T00:00:00.000Z" },
          kind: "REGRESSION",
          size: 0.12,
          status: "OPEN",
        },
        { runId: "r6", run: null, kind: "IMPROVEMENT", size: -0.081, status: "FALSE_ALARM" },
      ],
      [],
    );
    expect(markers).toEqual([
      {
        runId: "r3",
        timestamp: "2026-01-04T00:00:00.000Z",
        label: "regression +12.0% (open)",
        tone: "bad",
      },
      { runId: "r6", label: "improvement \u22128.1% (false alarm)", tone: "good" },
    ]);
  });

  it("marks a change point amber only where no regression was stored for its run", () => {
    const markers = seriesMarkers(
      [{ runId: "r3", kind: "REGRESSION", size: 0.2, status: "OPEN" }],
      [
        { runId: "r3", timestamp: "2026-01-04T00:00:00.000Z", relativeStep: 0.2 },
        { runId: "r7", timestamp: "2026-01-08T00:00:00.000Z", relativeStep: -0.05 },
        { runId: "r8", timestamp: "2026-01-09T00:00:00.000Z", relativeStep: null },
      ],
    );
    expect(markers.map((marker) => [marker.runId, marker.tone, marker.label])).toEqual([
      ["r3", "bad", "regression +20.0% (open)"],
      ["r7", "warn", "change \u22125.0%"],
      ["r8", "warn", "change –"],
    ]);
  });
});

describe("placeMarkers", () => {
  it("places a marker at its run's point, or at the first point at or after its time when downsampled away", () => {
    const shown = points().filter((point) => point.runId !== "r4");
    const placed = placeMarkers(
      [
        { runId: "r2", label: "at its point", tone: "bad" },
        { runId: "gone", timestamp: "2026-01-05T00:00:00.000Z", label: "downsampled", tone: "bad" },
        { runId: "later", timestamp: "2027-01-01T00:00:00.000Z", label: "after the last point", tone: "bad" },
        { runId: "unknown", label: "no time to place it by", tone: "good" },
      ],
      shown,
    );
    expect(placed.map((marker) => [marker.label, marker.index, shown[marker.index]?.runId])).toEqual([
      ["at its point", 2, "r2"],
      // r4 (5 January) is not shown: r5 is the first point at or after it.
      ["downsampled", 4, "r5"],
    ]);
  });

  it("marks a change point next to a regression once (the regression), but one three points away too", () => {
    const placed = placeMarkers(
      [
        { runId: "r4", label: "regression", tone: "bad" },
        { runId: "r6", label: "change two points after", tone: "warn" },
        { runId: "r2", label: "change two points before", tone: "warn" },
        { runId: "r7", label: "change three points after", tone: "warn" },
      ],
      points(),
    );
    expect(placed.map((marker) => marker.label)).toEqual(["regression", "change three points after"]);
  });

  it("marks every change of benchmark source, even beside a regression", () => {
    const shown = points(6, [null, "aaaa1111ffff", "aaaa1111ffff", "bbbb2222ffff", null, "cccc3333ffff"]);
    const placed = placeMarkers([{ runId: "r3", label: "regression", tone: "bad" }], shown);
    expect(placed.map((marker) => [marker.label, marker.index, marker.tone, marker.benchmarkChange])).toEqual(
      [
        ["regression", 3, "bad", undefined],
        ["benchmark changed aaaa1111 → bbbb2222", 3, "warn", true],
        ["benchmark changed bbbb2222 → cccc3333", 5, "warn", true],
      ],
    );
  });
});

describe("layoutMarkers", () => {
  const plot = { left: 50, top: 10, width: 600, height: 300 };
  const xs = [0, 100, 200, 300, 400, 500, 600];
  /** x values map to pixels one to one from the plot's left edge. */
  const toPixel = (x: number) => plot.left + x;
  const textWidth = (label: string) => label.length * 6;

  it("skips markers zoomed out of the plot and staggers the labels of the rest over three rows", () => {
    const drawn = layoutMarkers({
      markers: [0, 1, 2, 3, 4].map((index) => ({ runId: `r${index}`, label: "x", tone: "bad", index })),
      xs,
      toPixel: (x) => toPixel(x) - 150,
      plot,
      textWidth,
      ratio: 1,
    });
    // Index 0 (pixel -100) and 1 (pixel 0) are left of the plot.
    expect(drawn.map((marker) => marker.lineX)).toEqual([100, 200, 300]);
    // Rows follow the marker's position among all markers, hidden ones included.
    expect(drawn.map((marker) => marker.labelY)).toEqual([10 + 12 + 28, 10 + 12, 10 + 12 + 14]);
  });

  it("puts a label right of its line, or left of it at the plot's right edge: never cut ('(open' once)", () => {
    const label = "regression +12.0% (open)";
    const [inside, atEdge] = layoutMarkers({
      markers: [
        { runId: "a", label, tone: "bad", index: 1 },
        { runId: "b", label, tone: "bad", index: 6 },
      ],
      xs,
      toPixel,
      plot,
      textWidth,
      ratio: 2,
    });
    expect(inside).toMatchObject({ lineX: 150, labelX: 150 + 8, label, tone: "bad" });
    // At x = 650 (the plot's right edge) the label ends 8 px left of the line.
    expect(atEdge?.lineX).toBe(650);
    expect((atEdge?.labelX ?? 0) + textWidth(label)).toBe(650 - 8);
    expect(atEdge?.labelY).toBe(10 + (12 + 14) * 2);
  });

  it("never starts a label left of the plot, and skips a marker whose point is not shown", () => {
    const drawn = layoutMarkers({
      markers: [
        { runId: "wide", label: "w".repeat(200), tone: "warn", index: 0 },
        { runId: "missing", label: "no point", tone: "warn", index: 99 },
      ],
      xs,
      toPixel,
      plot,
      textWidth,
      ratio: 1,
    });
    expect(drawn).toHaveLength(1);
    expect(drawn[0]?.labelX).toBe(plot.left);
  });
});
