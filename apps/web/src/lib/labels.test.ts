import { describe, expect, it } from "vitest";
import {
  gateVerdictLabels,
  isActiveStatus,
  modeDescriptions,
  modeFilterOptions,
  parseRegressionMetric,
  regressionStatusLabels,
  runStatusLabels,
  runStatusTone,
  scalingKindLabels,
  valueOfLabel,
  verdictTone,
} from "./labels";

describe("labels", () => {
  it("names enum values in words, the database's words with spaces for people", () => {
    expect(runStatusLabels.SUCCEEDED).toBe("succeeded");
    expect(regressionStatusLabels.FALSE_ALARM).toBe("false alarm");
    expect(gateVerdictLabels.INSUFFICIENT_HISTORY).toBe("insufficient history");
  });
  it("maps a word back to its enum value, and an unknown word to nothing", () => {
    expect(valueOfLabel(runStatusLabels, "interrupted")).toBe("INTERRUPTED");
    expect(valueOfLabel(scalingKindLabels, "strong")).toBe("STRONG");
    expect(valueOfLabel(runStatusLabels, "finished")).toBeUndefined();
    expect(valueOfLabel(runStatusLabels, "SUCCEEDED")).toBeUndefined();
  });
  it("gives statuses and verdicts a tone", () => {
    expect(runStatusTone("FAILED")).toBe("bad");
    expect(verdictTone("FASTER")).toBe("good");
    expect(verdictTone(null)).toBe("neutral");
    expect(isActiveStatus("RUNNING")).toBe(true);
    expect(isActiveStatus("SUCCEEDED")).toBe(false);
  });
  it("lists every stored mode in a filter, CPython's in the order the runner runs them, others by name", () => {
    expect(
      modeFilterOptions([
        "threading",
        "rayon",
        "worker-threads",
        "multiprocessing",
        "sequential",
        "goroutines",
      ]),
    ).toEqual(["sequential", "worker-threads", "threading", "multiprocessing", "goroutines", "rayon"]);
    expect(modeFilterOptions([])).toEqual([]);
    expect(modeDescriptions.threading).toMatch(/threading\.Thread/);
    expect(modeDescriptions.multiprocessing).toMatch(/interpreters/);
  });

  it("reads a regression view's metric parameter, and ignores what is not a metric", () => {
    expect(parseRegressionMetric("efficiency")).toBe("EFFICIENCY");
    expect(parseRegressionMetric("serial-fraction")).toBe("SERIAL_FRACTION");
    expect(parseRegressionMetric(["wall-time", "efficiency"])).toBe("WALL_TIME");
    expect(parseRegressionMetric("speed")).toBeNull();
    expect(parseRegressionMetric(undefined)).toBeNull();
    expect(parseRegressionMetric("")).toBeNull();
  });
});
