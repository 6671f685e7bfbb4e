import { describe, expect, it } from "vitest";
import { UserInputError } from "../errors.js";
import { parseRunPlan } from "./plan.js";

function issuesOf(input: unknown): Array<{ path: string; message: string }> {
  try {
    parseRunPlan(input);
  } catch (error) {
    if (error instanceof UserInputError) return error.issues;
    throw error;
  }
  throw new Error("expected the plan to be rejected");
}

describe("parseRunPlan", () => {
  it("fills defaults, sorts thread counts and always includes the sequential baseline", () => {
    const plan = parseRunPlan({ workload: "sum-squares", modes: ["worker-threads"], threads: [4, 1, 2, 2] });
    expect(plan).toMatchObject({
      workloadId: "sum-squares",
      params: { n: 5_000_000 },
      modes: ["sequential", "worker-threads"],
      threads: [1, 2, 4],
      repetitions: 5,
      warmups: 1,
      scaling: "weak",
    });
  });

  it("names the field and the allowed values for an unknown workload", () => {
    const [issue] = issuesOf({ workload: "nope" });
    expect(issue?.path).toBe("workload");
    expect(issue?.message).toContain("sum-squares");
  });

  it("names the thread count that is out of range", () => {
    const issues = issuesOf({ workload: "sum-squares", threads: [1, 0] });
    expect(issues[0]?.path).toBe("threads.1");
    expect(issues[0]?.message).toContain("from 1 to 256");
  });

  it("names an unknown mode and lists the modes", () => {
    const issues = issuesOf({ workload: "sum-squares", modes: ["gil"] });
    expect(issues[0]?.path).toBe("modes.0");
    expect(issues[0]?.message).toContain("worker-threads");
  });

  it("rejects out-of-range and unknown workload parameters by path", () => {
    const issues = issuesOf({ workload: "sum-squares", params: { n: 0, m: 3 } });
    const paths = issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(["params.m", "params.n"].sort());
    expect(issues.find((issue) => issue.path === "params.n")?.message).toContain("from 1 to");
  });

  it("refuses shared-memory workloads in child processes", () => {
    const [issue] = issuesOf({ workload: "shared-counter", modes: ["child-processes"] });
    expect(issue?.path).toBe("modes");
    expect(issue?.message).toContain("shared");
  });

  it("refuses oversized plans instead of occupying the machine for days", () => {
    const [issue] = issuesOf({ workload: "sum-squares", threads: [256, 255, 254], repetitions: 1000 });
    expect(issue?.path).toBe("repetitions");
    expect(issue?.message).toContain("at most");
  });

  it("prefixes paths when the plan is nested in a larger input", () => {
    try {
      parseRunPlan({ workload: "sum-squares", repetitions: 0 }, "plan");
      expect.unreachable();
    } catch (error) {
      expect((error as UserInputError).issues[0]?.path).toBe("plan.repetitions");
    }
  });
});
