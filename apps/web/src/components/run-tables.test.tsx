import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { modeSlots } from "../lib/mode-colors";
import { Efficiency, FitsTable } from "./run-tables";

const meaningful = {
  mode: "worker-threads",
  maxThreads: 4,
  efficiencyAtMaxThreads: 0.9,
  amdahl: { serialFraction: 0.031, serialFractionStdError: 0.004, rSquared: 0.998, peakSpeedup: 32.3 },
  usl: { contention: 0.02, coherency: 0.0004, rSquared: 0.997, peakThreads: 49.4, peakSpeedup: 19.1 },
};

describe("scaling fits table", () => {
  it("says why a meaningless fit says nothing instead of printing R² −16.3 and s = 100.0%", () => {
    const html = renderToStaticMarkup(
      <FitsTable
        fits={[
          meaningful,
          {
            mode: "threading",
            maxThreads: 4,
            efficiencyAtMaxThreads: 0.25,
            amdahl: { serialFraction: 1, serialFractionStdError: null, rSquared: -16.3, peakSpeedup: 1 },
            usl: { contention: 0.4, coherency: 0.01, rSquared: -2.5, peakThreads: null, peakSpeedup: null },
          },
        ]}
        slots={modeSlots(["worker-threads", "threading"])}
      />,
    );
    expect(html).toContain("3.1%");
    expect(html).toContain("0.998");
    expect(html).not.toContain("-16.300");
    expect(html).not.toContain("100.0%");
    expect(html).toContain("Amdahl: no parallel speedup: the mode does not scale");
    expect(html).toContain("USL: no fit: the law does not describe these speedups (R² -2.50)");
    // Every row still spans all seven columns.
    const rows = html.split("<tr>").slice(2);
    for (const row of rows) {
      const spans = [...row.matchAll(/<td([^>]*)>/g)].map((match) =>
        Number(/colspan="(\d+)"/i.exec(match[1] ?? "")?.[1] ?? 1),
      );
      expect(spans.reduce((total, span) => total + span, 0)).toBe(7);
    }
  });
});

describe("efficiency", () => {
  it("comments on efficiency above 100% (146% was shown without a word)", () => {
    const html = renderToStaticMarkup(<Efficiency value={1.46} />);
    expect(html).toContain("146% superlinear");
    expect(html).toMatch(/title="superlinear: more speedup than threads/);
    expect(renderToStaticMarkup(<Efficiency value={0.91} />)).toBe("91%");
    expect(renderToStaticMarkup(<Efficiency value={1.02} />)).toBe("102%");
  });
});
