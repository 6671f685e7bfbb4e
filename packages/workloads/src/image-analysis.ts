import { z } from "zod";
import { defineWorkload, rangeTask } from "./define.js";

/** The sharpness score looks at the first pixels only, like a quick focus check. */
const SHARPNESS_PIXELS = 10_000;

interface ImageAnalysisPartial {
  brightnessSum: number;
  pixels: number;
  sharpnessSum: number;
  sharpnessPixels: number;
}

const parameters = z.object({
  width: z
    .number()
    .int()
    .min(1)
    .max(8192)
    .default(800)
    .meta({ description: "Width of the simulated image", unit: "pixels" }),
  height: z
    .number()
    .int()
    .min(1)
    .max(8192)
    .default(600)
    .meta({ description: "Height of the simulated image", unit: "pixels" }),
});

/** Mean brightness and a sharpness score of a synthetic width x height image. */
export const imageAnalysis = defineWorkload({
  id: "image-analysis",
  title: "Image analysis",
  description:
    "The image-processing example of the free-threading article: every task analyses a " +
    "simulated width x height RGB image whose pixel i has r = 73i, g = 137i and b = 199i " +
    "(mod 256). It computes the mean perceived brightness (0.299 r + 0.587 g + 0.114 b) " +
    "over all pixels and a sharpness score, the mean of |sin(0.1 i) cos(0.07 i)| over the " +
    "first 10,000 pixels. Integer arithmetic per pixel plus a burst of trigonometry: a " +
    "typical per-item loop of batch image jobs.",
  parameters,
  unitName: "pixels",
  units: (params) => params.width * params.height,
  createTask(params, range) {
    const sharpnessLimit = Math.min(SHARPNESS_PIXELS, params.width * params.height);
    let brightnessSum = 0;
    let sharpnessSum = 0;
    let pixels = 0;
    let sharpnessPixels = 0;
    return rangeTask<ImageAnalysisPartial>(
      range,
      (from, to) => {
        for (let i = from; i < to; i++) {
          const r = (i * 73) % 256;
          const g = (i * 137) % 256;
          const b = (i * 199) % 256;
          brightnessSum += 0.299 * r + 0.587 * g + 0.114 * b;
        }
        pixels += to - from;
        const sharpnessEnd = Math.min(to, sharpnessLimit);
        for (let i = from; i < sharpnessEnd; i++) {
          sharpnessSum += Math.abs(Math.sin(0.1 * i) * Math.cos(0.07 * i));
        }
        if (sharpnessEnd > from) sharpnessPixels += sharpnessEnd - from;
      },
      () => ({ brightnessSum, pixels, sharpnessSum, sharpnessPixels }),
    );
  },
  combine(_params, partials) {
    let brightnessSum = 0;
    let pixels = 0;
    let sharpnessSum = 0;
    let sharpnessPixels = 0;
    for (const partial of partials) {
      brightnessSum += partial.brightnessSum;
      pixels += partial.pixels;
      sharpnessSum += partial.sharpnessSum;
      sharpnessPixels += partial.sharpnessPixels;
    }
    const brightness = pixels > 0 ? brightnessSum / pixels : 0;
    const sharpness = sharpnessPixels > 0 ? sharpnessSum / sharpnessPixels : 0;
    return { checksum: `brightness=${brightness.toFixed(9)};sharpness=${sharpness.toFixed(9)}` };
  },
});
