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

  it("refuses a plan whose results cannot fit one agent message: a Node run's largest cell, a CPython run's every cell", () => {
    // Node: one message per cell, the largest counts: 148 x (256 + 16) > 40,000.
    const [node] = issuesOf({ workload: "sum-squares", threads: [1, 256], repetitions: 148 });
    expect(node?.path).toBe("repetitions");
    expect(node?.message).toContain("148 repetitions x (256 threads + 16) = 40256 values");
    expect(node?.message).toContain("at most 147 repetitions");
    expect(parseRunPlan({ workload: "sum-squares", threads: [1, 256], repetitions: 147 }).repetitions).toBe(
      147,
    );
    // CPython: every cell in one message: 3 modes x 169 x ((1 + 16) + (2 + 16) + (4 + 16) + (8 + 16)).
    const python = { workload: "sum-squares", threads: [1, 2, 4, 8], runtime: "python3" };
    const [cpython] = issuesOf({ ...python, repetitions: 169 });
    expect(cpython?.path).toBe("repetitions");
    expect(cpython?.message).toContain("a CPython run's results travel in one message");
    expect(cpython?.message).toContain("= 40053 values");
    expect(cpython?.message).toContain("at most 168 repetitions");
    expect(parseRunPlan({ ...python, repetitions: 168 }).repetitions).toBe(168);
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
