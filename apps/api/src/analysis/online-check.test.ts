import { describe, expect, it } from "vitest";
import { type KnownChange, planOnlineCheck } from "./online-check.js";
import { generateRealisticHistory, type RunNoiseShape } from "./realistic-history.js";

const shape: RunNoiseShape = { innovations: "student-t", autocorrelation: 0.3, slowStateShare: 0 };

interface Row extends KnownChange {
  size: number;
  /** Where the row was first stored, and the last run of the check that stored it. */
  firstIndex: number;
  storedBy: number;
}

/** Checks the history after every run as the store does; returns the rows at the end. */
function checkAfterEveryRun(values: readonly number[], status: (row: Row) => string = () => "open"): Row[] {
  const rows: Row[] = [];
  for (let count = 10; count <= values.length; count++) {
    const plan = planOnlineCheck(
      values.slice(0, count),
      rows.map((row) => ({ ...row, status: status(row) })),
    );
    for (const update of plan.updated) {
      const row = rows.find((candidate) => candidate.id === update.id) as Row;
      row.index = update.step.index;
      row.size = update.step.change.estimate;
    }
    for (const { step, kind } of plan.created) {
      rows.push({
        id: `row-${rows.length}`,
        index: step.index,
        kind,
        status: "open",
        size: step.change.estimate,
        firstIndex: step.index,
        storedBy: count - 1,
      });
    }
  }
  return rows;
}

describe("planOnlineCheck, run after every run", () => {
  const runSigma = 0.02;
  const steps = [
    { index: 40, logStep: 5 * runSigma },
    { index: 75, logStep: -4 * runSigma },
    { index: 110, logStep: Math.log(1.5) },
  ];
  const values = generateRealisticHistory({ seed: 21, length: 150, runSigma, shape, steps }).values;

  it("stores each change once, at its run, with its size within 20%", () => {
    const rows = checkAfterEveryRun(values);
    expect(rows.map((row) => [row.index, row.kind])).toEqual([
      [40, "regression"],
      [75, "improvement"],
      [110, "regression"],
    ]);
    for (const [position, row] of rows.entries()) {
      const truth = Math.expm1((steps[position] as { logStep: number }).logStep);
      expect(Math.abs(row.size / truth - 1)).toBeLessThan(0.2);
      // Confirmed only with 6+ runs at the new level.
      expect(row.storedBy - row.firstIndex).toBeGreaterThanOrEqual(5);
    }
  });

  it("never stores a large step early at half its size, nor drops the well-placed row for it (issue 13)", () => {
    const rows = checkAfterEveryRun(values);
    const nearLast = rows.filter((row) => Math.abs(row.index - 110) <= 10);
    expect(nearLast).toHaveLength(1);
    expect(nearLast[0]?.index).toBe(110);
  });

  it("moves a row stored a run away to the better-placed run instead of storing a second one", () => {
    const known: KnownChange[] = [{ id: "early", index: 39, kind: "regression", status: "open" }];
    const plan = planOnlineCheck(values.slice(0, 55), known);
    expect(plan.created).toEqual([]);
    expect(plan.updated).toEqual([expect.objectContaining({ id: "early", moved: true, kind: "regression" })]);
    expect(plan.updated[0]?.step.index).toBe(40);
  });

  it("does not store again a change someone called a false alarm", () => {
    const rows = checkAfterEveryRun(values, (row) => (row.index === 40 ? "false_alarm" : "open"));
    expect(rows.filter((row) => Math.abs(row.index - 40) <= 2)).toHaveLength(1);
  });

  it("refreshes only open and acknowledged changes", () => {
    const fixed: KnownChange[] = [{ id: "fixed", index: 40, kind: "regression", status: "fixed" }];
    expect(planOnlineCheck(values.slice(0, 55), fixed).updated).toEqual([]);
    const acknowledged: KnownChange[] = [
      { id: "seen", index: 40, kind: "regression", status: "acknowledged" },
    ];
    expect(planOnlineCheck(values.slice(0, 55), acknowledged).updated.map((update) => update.id)).toEqual([
      "seen",
    ]);
  });
});
