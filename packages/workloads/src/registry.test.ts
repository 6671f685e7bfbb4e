import { describe, expect, it } from "vitest";
import { parseParameters } from "./parameters.js";
import { findWorkload, workloadIds, workloads } from "./registry.js";
import { chunkedChecksum, finish, runTask } from "./test-fixtures/harness.js";

/** Small parameters per workload, so that even step(1) runs stay fast. */
const SMALL: Record<string, { params: Record<string, unknown>; checksum: "exact" | "float" }> = {
  "sum-squares": { params: { n: 1_000 }, checksum: "exact" },
  "sqrt-log": { params: { n: 1_000 }, checksum: "float" },
  "image-analysis": { params: { width: 37, height: 23 }, checksum: "float" },
  "shared-counter": { params: { increments: 200 }, checksum: "exact" },
  mandelbrot: { params: { width: 40, height: 30, maxIterations: 100 }, checksum: "exact" },
  sha256: { params: { buffers: 9, bufferBytes: 200 }, checksum: "exact" },
  "json-roundtrip": { params: { documents: 20, fields: 5, depth: 2 }, checksum: "exact" },
  "matrix-multiply": { params: { size: 17 }, checksum: "exact" },
  // Above two sieve segments, so slices and chunks cross segment boundaries.
  "prime-sieve": { params: { limit: 70_000 }, checksum: "exact" },
  "regex-scan": { params: { lines: 50, lineLength: 80 }, checksum: "exact" },
};

/** The numbers in a checksum, in order. */
function numbersIn(checksum: string): number[] {
  return (checksum.match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g) ?? []).map(Number);
}

describe("registry", () => {
  it("lists the workloads in their documented order", () => {
    expect(workloadIds).toEqual([
      "sum-squares",
      "sqrt-log",
      "image-analysis",
      "shared-counter",
      "mandelbrot",
      "sha256",
      "json-roundtrip",
      "matrix-multiply",
      "prime-sieve",
      "regex-scan",
    ]);
  });

  it("has unique kebab-case ids, titles and paragraph-long descriptions", () => {
    expect(new Set(workloadIds).size).toBe(workloadIds.length);
    for (const workload of workloads) {
      expect(workload.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(workload.title.length).toBeGreaterThan(0);
      expect(workload.description.length).toBeGreaterThanOrEqual(150);
      expect(workload.unitName).toMatch(/^[a-z]+$/);
    }
  });

  it("finds every workload by id and nothing else", () => {
    for (const workload of workloads) expect(findWorkload(workload.id)).toBe(workload);
    expect(findWorkload("no-such-workload")).toBeUndefined();
  });

  it("has small test parameters for every workload", () => {
    expect(Object.keys(SMALL).sort()).toEqual([...workloadIds].sort());
  });
});

describe.each(workloads.map((workload) => [workload.id, workload] as const))("%s", (id, workload) => {
  const small = SMALL[id];
  if (!small) throw new Error(`no small parameters for ${id}`);
  const { params } = small;

  it("computes the same partial in steps of 1, 7 and all units", () => {
    const whole = runTask(workload, params);
    expect(runTask(workload, params, { stepUnits: 7 })).toStrictEqual(whole);
    expect(runTask(workload, params, { stepUnits: 1 })).toStrictEqual(whole);
  });

  it("returns plain, structured-cloneable partials", () => {
    const partial = runTask(workload, params);
    expect(JSON.parse(JSON.stringify(partial))).toStrictEqual(partial);
    expect(structuredClone(partial)).toStrictEqual(partial);
  });

  it("gives the same checksum for 1 to 4 contiguous chunks", () => {
    const whole = chunkedChecksum(workload, params, 1);
    for (const chunks of [2, 3, 4]) {
      const chunked = chunkedChecksum(workload, params, chunks);
      if (small.checksum === "exact") {
        expect(chunked).toBe(whole);
      } else {
        const expected = numbersIn(whole);
        const actual = numbersIn(chunked);
        expect(actual).toHaveLength(expected.length);
        actual.forEach((value, index) => {
          const reference = expected[index] as number;
          expect(Math.abs(value - reference)).toBeLessThanOrEqual(1e-9 * Math.abs(reference));
        });
      }
    }
  });

  it("gives the same checksum when chunks are also sliced, as in event-loop mode", () => {
    expect(chunkedChecksum(workload, params, 3, 7)).toBe(chunkedChecksum(workload, params, 3));
  });

  it("treats an empty range as no work, as when there are more chunks than units", () => {
    const parsed = parseParameters(workload, params);
    const units = workload.units(parsed);
    const shared = workload.createShared?.(parsed, 2);
    const partials = [
      { start: 0, end: 0 },
      { start: 0, end: units },
      { start: units, end: units },
    ].map((range, taskIndex) => {
      const task = workload.createTask(parsed, range, { taskIndex, parties: 1, shared });
      expect(range.start < range.end || task.step(1)).toBe(true);
      return finish(task);
    });
    expect(workload.combine(parsed, partials, shared).checksum).toBe(chunkedChecksum(workload, params, 1));
  });
});
