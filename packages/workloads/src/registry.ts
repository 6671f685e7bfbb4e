import { imageAnalysis } from "./image-analysis.js";
import { jsonRoundtrip } from "./json-roundtrip.js";
import { mandelbrot } from "./mandelbrot.js";
import { matrixMultiply } from "./matrix-multiply.js";
import { primeSieve } from "./prime-sieve.js";
import { regexScan } from "./regex-scan.js";
import { sha256 } from "./sha256.js";
import { sharedCounter } from "./shared-counter.js";
import { sqrtLog } from "./sqrt-log.js";
import { sumSquares } from "./sum-squares.js";
import type { AnyWorkload } from "./types.js";

/** Every workload threadbench knows, in the order they are listed to users. */
export const workloads: readonly AnyWorkload[] = [
  sumSquares,
  sqrtLog,
  imageAnalysis,
  sharedCounter,
  mandelbrot,
  sha256,
  jsonRoundtrip,
  matrixMultiply,
  primeSieve,
  regexScan,
];

const byId = new Map(workloads.map((workload) => [workload.id, workload]));

/** The ids of all workloads, for error messages and forms. */
export const workloadIds: readonly string[] = workloads.map((workload) => workload.id);

/** The workload with this id, or undefined. */
export function findWorkload(id: string): AnyWorkload | undefined {
  return byId.get(id);
}
