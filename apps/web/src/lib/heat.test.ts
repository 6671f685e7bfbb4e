import { describe, expect, it } from "vitest";
import { efficiencyColor } from "./heat";

describe("efficiency colours", () => {
  it("run from red through amber to green, blue when superlinear, none without a point", () => {
    expect(efficiencyColor(0)).toBe("hsl(0 65% 42%)");
    expect(efficiencyColor(0.5)).toBe("hsl(65 65% 42%)");
    expect(efficiencyColor(1)).toBe("hsl(130 65% 42%)");
    expect(efficiencyColor(1.4)).toBe("hsl(210 70% 45%)");
    expect(efficiencyColor(null)).toBe("transparent");
    expect(efficiencyColor(-0.2)).toBe("hsl(0 65% 42%)");
  });
});
