import { z } from "zod";
import { defineWorkload, rangeTask } from "./define.js";

/** The classic view of the whole set: real part in [-2.5, 1], imaginary part in [-1.25, 1.25]. */
export const MANDELBROT_VIEW = { realMin: -2.5, realMax: 1, imagMin: -1.25, imagMax: 1.25 } as const;

interface MandelbrotPartial {
  /** Escape-time iterations summed over the task's rows: an exact integer. */
  iterations: number;
}

const parameters = z.object({
  width: z.number().int().min(1).max(8192).default(800).meta({ description: "Image width", unit: "pixels" }),
  height: z
    .number()
    .int()
    .min(1)
    .max(8192)
    .default(600)
    .meta({ description: "Image height; one unit of work is one row", unit: "rows" }),
  maxIterations: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(500)
    .meta({ description: "Iterations after which a point counts as inside the set", unit: "iterations" }),
});

/**
 * Escape-time iterations of the point c = (realC, imagC): how many times
 * z <- z^2 + c runs before |z| > 2, at most `maxIterations`.
 */
export function escapeIterations(realC: number, imagC: number, maxIterations: number): number {
  let real = 0;
  let imag = 0;
  let realSquared = 0;
  let imagSquared = 0;
  let iteration = 0;
  while (iteration < maxIterations && realSquared + imagSquared <= 4) {
    imag = 2 * real * imag + imagC;
    real = realSquared - imagSquared + realC;
    realSquared = real * real;
    imagSquared = imag * imag;
    iteration++;
  }
  return iteration;
}

/** Escape-time rendering of the Mandelbrot set, counted row by row. */
export const mandelbrot = defineWorkload({
  id: "mandelbrot",
  title: "Mandelbrot set",
  description:
    "Renders the Mandelbrot set with the escape-time algorithm: for every pixel of a " +
    "width x height view of the complex plane it iterates z <- z^2 + c until |z| > 2 or " +
    "maxIterations is reached. Pure floating-point arithmetic with data-dependent loop " +
    "lengths, so rows cost very different amounts (the rows through the set are the " +
    "slowest): the standard example of load imbalance between threads. The checksum is " +
    "the total iteration count, an exact integer that any chunking reproduces.",
  parameters,
  unitName: "rows",
  units: (params) => params.height,
  createTask(params, range) {
    const { width, height, maxIterations } = params;
    const { realMin, realMax, imagMin, imagMax } = MANDELBROT_VIEW;
    // Sample pixel centres, so the view is symmetric and every size sees the same picture.
    const realStep = (realMax - realMin) / width;
    const imagStep = (imagMax - imagMin) / height;
    let iterations = 0;
    return rangeTask<MandelbrotPartial>(
      range,
      (from, to) => {
        for (let row = from; row < to; row++) {
          const imagC = imagMin + (row + 0.5) * imagStep;
          for (let column = 0; column < width; column++) {
            const realC = realMin + (column + 0.5) * realStep;
            iterations += escapeIterations(realC, imagC, maxIterations);
          }
        }
      },
      () => ({ iterations }),
    );
  },
  combine(_params, partials) {
    let total = 0;
    for (const partial of partials) total += partial.iterations;
    return { checksum: String(total) };
  },
});
