import { describe, expect, it } from "vitest";
import {
  enumToWord,
  isActiveStatus,
  modeDescriptions,
  modeFilterOptions,
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
});
