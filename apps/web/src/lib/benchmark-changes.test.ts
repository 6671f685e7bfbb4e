import { describe, expect, it } from "vitest";
import { benchmarkChanges } from "./benchmark-changes";

const hashA = `aaaaaaaa${"1".repeat(56)}`;
const hashB = `bbbbbbbb${"2".repeat(56)}`;

function point(day: number, workloadHash: string | null | undefined) {
  return {
    runId: `run-${day}`,
    timestamp: new Date(Date.UTC(2026, 0, day)).toISOString(),
    ...(workloadHash === undefined ? {} : { workloadHash }),
  };
}

describe("benchmarkChanges", () => {
  it("marks the first run of each new module source", () => {
    const changes = benchmarkChanges([
      point(1, hashA),
      point(2, hashA),
      point(3, hashB),
      point(4, hashB),
      point(5, hashA),
    ]);
    expect(changes.map((change) => [change.runId, change.label])).toEqual([
      ["run-3", "benchmark changed aaaaaaaa → bbbbbbbb"],
      ["run-5", "benchmark changed bbbbbbbb → aaaaaaaa"],
    ]);
    expect(changes[0]).toMatchObject({ fromHash: hashA, toHash: hashB });
  });

  it("orders by time, whatever order the points come in", () => {
    expect(
      benchmarkChanges([point(3, hashB), point(1, hashA), point(2, hashA)]).map((change) => change.runId),
    ).toEqual(["run-3"]);
  });

  it("never marks built-in or ingested workloads (no hash), nor a gap without a hash", () => {
    expect(benchmarkChanges([point(1, null), point(2, undefined), point(3, null)])).toEqual([]);
    expect(benchmarkChanges([point(1, hashA), point(2, null), point(3, hashA)])).toEqual([]);
    expect(benchmarkChanges([point(1, null), point(2, hashA)])).toEqual([]);
    expect(benchmarkChanges([])).toEqual([]);
  });
});
