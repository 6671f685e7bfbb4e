import { describe, expect, it } from "vitest";
import { canonicalParameters, describeParameters, ParameterError, parseParameters } from "./parameters.js";
import { findWorkload, workloads } from "./registry.js";

function workload(id: string) {
  const found = findWorkload(id);
  if (!found) throw new Error(`no workload ${id}`);
  return found;
}

function issuesOf(action: () => unknown) {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ParameterError);
    return (error as ParameterError).issues;
  }
  throw new Error("expected a ParameterError");
}

describe("parseParameters", () => {
  it("fills every default", () => {
    expect(parseParameters(workload("sum-squares"), {})).toEqual({ n: 5_000_000 });
    expect(parseParameters(workload("sqrt-log"), {})).toEqual({ n: 500_000 });
    expect(parseParameters(workload("image-analysis"), {})).toEqual({ width: 800, height: 600 });
    expect(parseParameters(workload("mandelbrot"), { width: 10 })).toEqual({
      width: 10,
      height: 600,
      maxIterations: 500,
    });
  });

  it("accepts every workload's defaults and bounds", () => {
    for (const candidate of workloads) {
      const parameters = describeParameters(candidate);
      expect(() => parseParameters(candidate, {})).not.toThrow();
      for (const parameter of parameters) {
        for (const value of [parameter.minimum, parameter.maximum]) {
          expect(() => parseParameters(candidate, { [parameter.name]: value })).not.toThrow();
        }
      }
    }
  });

  it("rejects a value out of range, naming the path and the allowed range", () => {
    const [issue, ...rest] = issuesOf(() => parseParameters(workload("sqrt-log"), { n: 1 }));
    expect(rest).toEqual([]);
    expect(issue?.path).toBe("params.n");
    expect(issue?.message).toContain("allowed: an integer from 2 to 100000000 iterations");
  });

  it("rejects every out-of-range bound of every workload with its path", () => {
    for (const candidate of workloads) {
      for (const parameter of describeParameters(candidate)) {
        for (const value of [(parameter.minimum as number) - 1, (parameter.maximum as number) + 1]) {
          const issues = issuesOf(() => parseParameters(candidate, { [parameter.name]: value }));
          expect(issues.map((issue) => issue.path)).toEqual([`params.${parameter.name}`]);
          expect(issues[0]?.message).toContain(`from ${parameter.minimum} to ${parameter.maximum}`);
        }
      }
    }
  });

  it("rejects non-integers and wrong types", () => {
    expect(issuesOf(() => parseParameters(workload("mandelbrot"), { width: 10.5 }))[0]?.path).toBe(
      "params.width",
    );
    expect(issuesOf(() => parseParameters(workload("sha256"), { buffers: "64" }))[0]?.path).toBe(
      "params.buffers",
    );
  });

  it("rejects unknown parameters instead of silently running the default size", () => {
    const [issue] = issuesOf(() => parseParameters(workload("prime-sieve"), { limt: 100 }));
    expect(issue?.path).toBe("params.limt");
    expect(issue?.message).toContain('unknown parameter "limt"');
    expect(issue?.message).toContain("prime-sieve accepts limit");
  });

  it("reports every problem at once, under a custom path prefix", () => {
    const error = (() => {
      try {
        parseParameters(workload("image-analysis"), { width: 0, height: 9_000 }, "plan.params");
      } catch (caught) {
        return caught as ParameterError;
      }
      throw new Error("expected a ParameterError");
    })();
    expect(error.issues.map((issue) => issue.path)).toEqual(["plan.params.width", "plan.params.height"]);
    expect(error.message).toContain('invalid parameters for workload "image-analysis"');
  });
});

describe("describeParameters", () => {
  it("gives name, type, default, bounds, unit and description for every parameter of every workload", () => {
    for (const candidate of workloads) {
      const parameters = describeParameters(candidate);
      expect(parameters.length).toBeGreaterThan(0);
      const defaults = parseParameters(candidate, {});
      for (const parameter of parameters) {
        expect(parameter.type).toBe("integer");
        expect(parameter.default).toBe(defaults[parameter.name]);
        expect(parameter.minimum).toBeTypeOf("number");
        expect(parameter.maximum).toBeTypeOf("number");
        expect(parameter.minimum as number).toBeLessThanOrEqual(parameter.default as number);
        expect(parameter.default as number).toBeLessThanOrEqual(parameter.maximum as number);
        expect(parameter.unit).toMatch(/^[a-z]+$/);
        expect(parameter.description.length).toBeGreaterThan(0);
      }
    }
  });

  it("describes sha256 exactly", () => {
    expect(describeParameters(workload("sha256"))).toEqual([
      {
        name: "buffers",
        type: "integer",
        description: "Buffers hashed per task; one unit of work is one buffer",
        default: 64,
        minimum: 1,
        maximum: 1_000_000,
        unit: "buffers",
      },
      {
        name: "bufferBytes",
        type: "integer",
        description: "Size of each buffer",
        default: 16_384,
        minimum: 0,
        maximum: 16_777_216,
        unit: "bytes",
      },
    ]);
  });

  it("keeps every workload's full-size units within safe integers", () => {
    for (const candidate of workloads) {
      const largest = Object.fromEntries(
        describeParameters(candidate).map((parameter) => [parameter.name, parameter.maximum]),
      );
      expect(Number.isSafeInteger(candidate.units(parseParameters(candidate, largest)))).toBe(true);
    }
  });
});

describe("canonicalParameters", () => {
  it("sorts keys and fills defaults, so equal plans give equal series keys", () => {
    const mandelbrot = workload("mandelbrot");
    expect(canonicalParameters(mandelbrot, { maxIterations: 100, width: 80 })).toBe(
      canonicalParameters(mandelbrot, { width: 80, height: 600, maxIterations: 100 }),
    );
    expect(canonicalParameters(mandelbrot, {})).toBe('{"height":600,"maxIterations":500,"width":800}');
  });
});
