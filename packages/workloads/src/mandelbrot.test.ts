import { describe, expect, it } from "vitest";
import { escapeIterations, MANDELBROT_VIEW, mandelbrot } from "./mandelbrot.js";
import { checksumOf } from "./test-fixtures/harness.js";

/** Straightforward escape-time loop over all pixels, with z kept as a [real, imaginary] pair. */
function referenceTotal(width: number, height: number, maxIterations: number): number {
  const { realMin, realMax, imagMin, imagMax } = MANDELBROT_VIEW;
  let total = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = [
        realMin + (x + 0.5) * ((realMax - realMin) / width),
        imagMin + (y + 0.5) * ((imagMax - imagMin) / height),
      ];
      let z = [0, 0];
      let count = 0;
      while (count < maxIterations && (z[0] as number) ** 2 + (z[1] as number) ** 2 <= 4) {
        const [re, im] = z as [number, number];
        z = [re * re - im * im + (c[0] as number), 2 * re * im + (c[1] as number)];
        count++;
      }
      total += count;
    }
  }
  return total;
}

describe("mandelbrot", () => {
  it("counts escape iterations of known points", () => {
    expect(escapeIterations(0, 0, 100)).toBe(100); // the origin never escapes
    expect(escapeIterations(-1, 0, 100)).toBe(100); // a 2-cycle: 0, -1, 0, -1, ...
    expect(escapeIterations(2, 2, 100)).toBe(1); // |c|^2 = 8 > 4 after one step
    expect(escapeIterations(1, 0, 100)).toBe(3); // 0 -> 1 -> 2 -> 5
  });

  it("renders a one-pixel image at the centre of the view, (-0.75, 0), which is in the set", () => {
    expect(checksumOf(mandelbrot, { width: 1, height: 1, maxIterations: 250 })).toBe("250");
  });

  it.each([
    [16, 9, 50],
    [60, 40, 200],
  ])("matches a straightforward loop for %i x %i, %i iterations", (width, height, maxIterations) => {
    expect(checksumOf(mandelbrot, { width, height, maxIterations })).toBe(
      String(referenceTotal(width, height, maxIterations)),
    );
  });

  it("is symmetric about the real axis: the upper and lower halves cost the same", () => {
    const params = { width: 30, height: 20, maxIterations: 100 };
    const task = (start: number, end: number) => {
      const state = mandelbrot.createTask(params, { start, end }, { taskIndex: 0, parties: 1 });
      state.step(Number.POSITIVE_INFINITY);
      return state.result().iterations;
    };
    expect(task(0, 10)).toBe(task(10, 20));
  });
});
