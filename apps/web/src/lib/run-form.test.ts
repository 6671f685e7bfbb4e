import { describeParameters, findWorkload } from "@threadbench/workloads";
import { describe, expect, it } from "vitest";
import {
  defaultFormValues,
  formFieldOfPath,
  parseThreadCounts,
  validateRunForm,
  type WorkloadOption,
} from "./run-form";

function option(id: string): WorkloadOption {
  const workload = findWorkload(id);
  if (!workload) throw new Error(`no workload ${id}`);
  return {
    id: workload.id,
    title: workload.title,
    description: workload.description,
    unitName: workload.unitName,
    requiresSharedMemory: workload.requiresSharedMemory ?? false,
    parameters: describeParameters(workload),
  };
}

const workloads = [option("sum-squares"), option("shared-counter")];
const sumSquares = workloads[0] as WorkloadOption;

describe("validateRunForm", () => {
  it("accepts the defaults and always includes the sequential baseline", () => {
    const values = { ...defaultFormValues(sumSquares), modes: ["worker-threads" as const] };
    const result = validateRunForm(values, workloads);
    expect(result).toEqual({
      ok: true,
      plan: {
        workload: "sum-squares",
        params: { n: 5_000_000 },
        modes: ["sequential", "worker-threads"],
        threads: [1, 2, 4],
        repetitions: 5,
        warmups: 1,
        scaling: "weak",
      },
    });
  });

  it("reports every bad field at once with the allowed range", () => {
    const values = {
      ...defaultFormValues(sumSquares),
      params: { n: "0" },
      threads: "1, two",
      repetitions: "0",
    };
    const result = validateRunForm(values, workloads);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors["params.n"]).toBe("too small (allowed: an integer from 1 to 67,108,864 iterations)");
    expect(result.errors.threads).toMatch(/"two" is not a valid thread count/);
    expect(result.errors.repetitions).toMatch(/from 1 to 1000/);
  });

  it("rejects fractional integers and refuses child processes for shared memory", () => {
    const shared = workloads[1] as WorkloadOption;
    const values = {
      ...defaultFormValues(shared),
      params: { increments: "1.5" },
      modes: ["sequential" as const, "child-processes" as const],
    };
    const result = validateRunForm(values, workloads);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors["params.increments"]).toMatch(/whole number/);
    expect(result.errors.modes).toMatch(/untick child-processes/);
  });

  it("caps the total number of tasks like the runner does", () => {
    const values = { ...defaultFormValues(sumSquares), threads: "256", repetitions: "1000" };
    const result = validateRunForm(values, workloads);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.repetitions).toMatch(/at most 200,000/);
  });
});

describe("parseThreadCounts", () => {
  it("sorts and de-duplicates", () => {
    expect(parseThreadCounts("4 2,2;1")).toEqual({ threads: [1, 2, 4] });
    expect(parseThreadCounts("")).toHaveProperty("error");
    expect(parseThreadCounts("0")).toHaveProperty("error");
  });
});

describe("formFieldOfPath", () => {
  it("maps API paths onto form fields", () => {
    expect(formFieldOfPath("plan.params.n")).toBe("params.n");
    expect(formFieldOfPath("input.threads.0")).toBe("threads");
    expect(formFieldOfPath("repetitions")).toBe("repetitions");
    expect(formFieldOfPath("somethingElse")).toBe("form");
  });
});
