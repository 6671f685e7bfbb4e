import { describeParameters, findWorkload } from "@threadbench/workloads";
import { describe, expect, it } from "vitest";
import {
  defaultFormValues,
  formFieldOfPath,
  nodeRuntimeOption,
  parseThreadCounts,
  type RuntimeOption,
  runtimeOptionsOf,
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

  it("refuses a plan whose results would not fit one message of the agent, like the runner does", () => {
    const values = {
      ...defaultFormValues(sumSquares),
      modes: ["sequential" as const, "event-loop" as const],
      threads: "256",
      repetitions: "300",
    };
    const result = validateRunForm(values, workloads);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.repetitions).toMatch(/81,600 values .*allowed: at most 40,000/);
    expect(validateRunForm({ ...values, repetitions: "147" }, workloads).ok).toBe(true);
  });
});

describe("validateRunForm with a CPython runtime", () => {
  // What the API's Query.runtimes answers with THREADBENCH_PYTHON=python3 (runtime-api.test.ts).
  const runtimes = runtimeOptionsOf([
    {
      name: "node",
      kind: "node",
      modes: ["sequential", "event-loop", "worker-threads", "child-processes"],
      workloads: ["sum-squares", "shared-counter", "mandelbrot"],
    },
    {
      name: "python3",
      kind: "python",
      modes: ["sequential", "threading", "multiprocessing"],
      workloads: ["sum-squares", "sqrt-log", "image-analysis", "shared-counter"],
    },
  ]);
  const python = runtimes[1] as RuntimeOption;
  const all = [...workloads, option("mandelbrot")];

  it("offers the Python modes ticked and sends the interpreter with the plan", () => {
    const values = defaultFormValues(sumSquares, python);
    expect(values.runtime).toBe("python3");
    expect(values.modes).toEqual(["sequential", "threading", "multiprocessing"]);
    const result = validateRunForm({ ...values, threads: "1, 2" }, all, runtimes);
    expect(result).toEqual({
      ok: true,
      plan: {
        workload: "sum-squares",
        params: { n: 5_000_000 },
        modes: ["sequential", "threading", "multiprocessing"],
        threads: [1, 2],
        repetitions: 5,
        warmups: 1,
        scaling: "weak",
        runtime: "python3",
      },
    });
  });

  it("a node plan carries no runtime, and node modes left over from a switch are not sent to python", () => {
    const node = validateRunForm(defaultFormValues(sumSquares, runtimes[0]), all, runtimes);
    expect(node.ok && node.plan).toMatchObject({
      modes: ["sequential", "event-loop", "worker-threads", "child-processes"],
    });
    expect(node.ok && "runtime" in node.plan).toBe(false);
    const mixed = {
      ...defaultFormValues(sumSquares, python),
      modes: ["worker-threads" as const, "threading" as const],
    };
    const result = validateRunForm(mixed, all, runtimes);
    expect(result.ok && result.plan.modes).toEqual(["sequential", "threading"]);
  });

  it("refuses multiprocessing for shared memory and a workload the harness does not have, naming what is allowed", () => {
    const shared = workloads[1] as WorkloadOption;
    expect(defaultFormValues(shared, python).modes).toEqual(["sequential", "threading"]);
    const withProcesses = { ...defaultFormValues(shared, python), modes: ["multiprocessing" as const] };
    const refused = validateRunForm(withProcesses, all, runtimes);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors.modes).toMatch(/untick multiprocessing$/);
    const mandelbrot = { ...defaultFormValues(sumSquares, python), workloadId: "mandelbrot" };
    const missing = validateRunForm(mandelbrot, all, runtimes);
    expect(missing).toEqual({
      ok: false,
      errors: {
        workload: "choose a workload cpython (python3) runs (allowed: sum-squares, shared-counter)",
      },
    });
  });

  it("refuses a runtime the server does not offer, and drops runtime kinds and modes it does not know", () => {
    const unknown = { ...defaultFormValues(sumSquares), runtime: "/tmp/python3" };
    expect(validateRunForm(unknown, all, runtimes)).toEqual({
      ok: false,
      errors: { runtime: "choose a runtime this server offers (allowed: node, python3)" },
    });
    expect(
      runtimeOptionsOf([
        { name: "ruby", kind: "ruby", modes: ["sequential"], workloads: [] },
        { name: "python3", kind: "python", modes: ["sequential", "subinterpreters"], workloads: [] },
      ]),
    ).toEqual([{ name: "python3", kind: "python", modes: ["sequential"], workloads: [] }]);
    expect(nodeRuntimeOption(["sum-squares"]).modes).toContain("child-processes");
    expect(formFieldOfPath("plan.runtime")).toBe("runtime");
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
