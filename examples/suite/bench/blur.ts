import { defineWorkload, rangeTask, z } from "@threadbench/workloads";
import { pixel } from "./lib/image.js";

interface BlurPartial {
  /** Sum of the blurred brightness of every pixel of the task's rows. */
  total: number;
}

const parameters = z.object({
  width: z.number().int().min(16).max(4096).default(512).meta({ description: "Image width", unit: "pixels" }),
  height: z
    .number()
    .int()
    .min(16)
    .max(4096)
    .default(512)
    .meta({ description: "Image height: one unit of work per row", unit: "rows" }),
});

/** A 3x3 box blur of a synthetic image, row by row: memory-light integer work. */
export default defineWorkload({
  id: "blur",
  title: "Box blur",
  description:
    "A 3x3 box blur over a synthetic grayscale image, one row per unit of work; the " +
    "checksum is the sum of the blurred pixels, exact in every mode.",
  parameters,
  unitName: "rows",
  units: (params) => params.height,
  createTask(params, range) {
    const { width, height } = params;
    let total = 0;
    return rangeTask<BlurPartial>(
      range,
      (from, to) => {
        for (let y = from; y < to; y++) {
          for (let x = 0; x < width; x++) {
            let sum = 0;
            for (let dy = -1; dy <= 1; dy++) {
              const row = Math.min(height - 1, Math.max(0, y + dy));
              for (let dx = -1; dx <= 1; dx++)
                sum += pixel(Math.min(width - 1, Math.max(0, x + dx)), row, width);
            }
            total += Math.floor(sum / 9);
          }
        }
      },
      () => ({ total }),
    );
  },
  combine(_params, partials) {
    return { checksum: String(partials.reduce((sum, partial) => sum + partial.total, 0)) };
  },
});
