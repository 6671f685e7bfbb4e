import { describe, expect, it } from "vitest";
import {
  enumToWord,
  isActiveStatus,
  parseRegressionMetric,
  runStatusTone,
  verdictTone,
  wordToEnum,
} from "./labels";

describe("labels", () => {
  it("maps enum values to words and back", () => {
    expect(enumToWord("WORKER_THREADS")).toBe("worker-threads");
    expect(wordToEnum("child-processes")).toBe("CHILD_PROCESSES");
  });
  it("gives statuses and verdicts a tone", () => {
    expect(runStatusTone("FAILED")).toBe("bad");
    expect(verdictTone("FASTER")).toBe("good");
    expect(verdictTone(null)).toBe("neutral");
    expect(isActiveStatus("RUNNING")).toBe(true);
    expect(isActiveStatus("SUCCEEDED")).toBe(false);
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
