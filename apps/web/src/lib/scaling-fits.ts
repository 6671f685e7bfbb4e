/**
 * When a scaling law's fit says nothing: the dashboard shows why instead of a number.
 * R² below 0 means the fit explains the speedups worse than their mean does; a serial
 * fraction of (nearly) 100% means the mode does not scale at all (the GIL's threading
 * row, an event loop), where Amdahl's "1/s" is just "1×".
 */

export interface AmdahlFitValues {
  serialFraction: number;
  rSquared: number;
}

export interface UslFitValues {
  contention: number;
  coherency: number;
  rSquared: number;
}

export type FitReading =
  | { kind: "fits"; rSquared: number }
  | { kind: "no-scaling" }
  | { kind: "poor-fit"; rSquared: number };

/** R² under this: the curve describes the points no better than a flat line. */
export const minimumUsefulRSquared = 0;
/** Serial fraction at or above this: nothing runs in parallel. */
export const noScalingSerialFraction = 0.98;

export function readAmdahlFit(fit: AmdahlFitValues): FitReading {
  if (fit.serialFraction >= noScalingSerialFraction) return { kind: "no-scaling" };
  if (!(fit.rSquared >= minimumUsefulRSquared)) return { kind: "poor-fit", rSquared: fit.rSquared };
  return { kind: "fits", rSquared: fit.rSquared };
}

export function readUslFit(fit: UslFitValues): FitReading {
  if (fit.contention >= noScalingSerialFraction) return { kind: "no-scaling" };
  if (!(fit.rSquared >= minimumUsefulRSquared)) return { kind: "poor-fit", rSquared: fit.rSquared };
  return { kind: "fits", rSquared: fit.rSquared };
}

/** The words shown in place of a fit that says nothing. */
export function fitReadingText(reading: FitReading): string | null {
  switch (reading.kind) {
    case "fits":
      return null;
    case "no-scaling":
      return "no parallel speedup: the mode does not scale";
    case "poor-fit":
      return `no fit: the law does not describe these speedups (R² ${reading.rSquared.toFixed(2)})`;
    default: {
      const exhaustive: never = reading;
      return String(exhaustive);
    }
  }
}

/** Efficiency above 100% by more than this is worth a word: 3% is noise. */
const superlinearMargin = 0.03;

/**
 * What an efficiency above 100% means, or null when it is not above 100%: more speedup
 * than threads is superlinear (caches that hold each thread's share, or a slow
 * sequential baseline), never "better than perfect".
 */
export function efficiencyNote(efficiency: number | null | undefined): string | null {
  if (efficiency === null || efficiency === undefined || !Number.isFinite(efficiency)) return null;
  if (efficiency <= 1 + superlinearMargin) return null;
  return "superlinear: more speedup than threads, usually caches holding each thread's share or a slow sequential baseline; check the baseline's spread";
}
