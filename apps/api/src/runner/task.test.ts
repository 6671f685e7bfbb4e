import { describe, expect, it } from "vitest";
import { executePayload, validatePayload } from "./task.js";

const valid = {
  kind: "task",
  workloadId: "sum-squares",
  params: { n: 10 },
  range: { start: 0, end: 10 },
  taskIndex: 0,
  parties: 1,
};

describe("task payloads", () => {
  it("runs a valid payload where it is received", () => {
    const outcome = executePayload(valid, { measureCpu: true });
    expect(outcome.partial).toEqual({ high: 0, low: 285 });
    expect(outcome.cpuMs).not.toBeNull();
  });

  it("answers a probe without running the workload, after the same checks as a task", () => {
    const outcome = executePayload(
      { ...valid, kind: "probe", range: { start: 0, end: 10_000_000 } },
      {
        measureCpu: true,
      },
    );
    expect(outcome).toEqual({
      partial: null,
      durationMs: 0,
      cpuMs: null,
      startedAtMs: null,
      endedAtMs: null,
    });
    expect(() =>
      executePayload({ ...valid, kind: "probe", params: { n: -1 } }, { measureCpu: false }),
    ).toThrow("params.n");
  });

  it("lists every problem of a malformed payload by field", () => {
    expect(() =>
      validatePayload({
        kind: "task",
        workloadId: 3,
        params: [],
        range: { start: 5, end: 1 },
        taskIndex: -1,
        parties: 0,
      }),
    ).toThrow(
      "invalid task payload: workloadId: expected a string; params: expected an object; range: expected { start, end } integers with 0 <= start <= end; taskIndex: expected an integer >= 0; parties: expected an integer >= 1",
    );
  });

  it("rejects an unknown kind and an unknown workload", () => {
    expect(() => validatePayload({ kind: "exec" })).toThrow('kind: expected "task", "probe" or "ready"');
    expect(() => executePayload({ ...valid, workloadId: "nope" }, { measureCpu: false })).toThrow(
      'unknown workload "nope"',
    );
  });

  it("rejects parameters outside the workload's schema", () => {
    expect(() => executePayload({ ...valid, params: { n: -1 } }, { measureCpu: false })).toThrow("params.n");
  });
});
