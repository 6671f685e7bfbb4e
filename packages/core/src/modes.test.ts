import { describe, expect, it } from "vitest";
import { compareModes, executionModes, modeRank, runtimeModes } from "./modes.js";

describe("mode order", () => {
  it("sorts known modes in executionModes order and unknown ones after them, alphabetically", () => {
    expect(["zeta", "worker-threads", "alpha", "sequential", "multiprocessing"].sort(compareModes)).toEqual([
      "sequential",
      "worker-threads",
      "multiprocessing",
      "alpha",
      "zeta",
    ]);
    expect(modeRank("unknown")).toBe(executionModes.length);
  });
  it("lists each runtime's modes in the same order", () => {
    for (const modes of Object.values(runtimeModes)) {
      expect([...modes].sort(compareModes)).toEqual(modes);
    }
  });
});
