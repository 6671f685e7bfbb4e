/**
 * Seeded pseudo-random numbers for the analysis (bootstraps, permutation tests), the
 * synthetic series, the seeder and test fixtures. Everything that draws randomness takes
 * a seed so that the same input always gives the same answer: a regression must not
 * appear and vanish between two page loads.
 */

/** A seeded generator of uniform and derived random variates. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, bound). */
  integer(bound: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Student-t with `degreesOfFreedom` (> 0), not rescaled. */
  studentT(degreesOfFreedom: number): number;
  /** Gamma(shape, 1). */
  gamma(shape: number): number;
}

/** Mixes any number into a 32-bit seed (so 1.5, -3 and 2**40 are all usable seeds). */
export function normalizeSeed(seed: number): number {
  let state = Math.floor(Math.abs(seed)) ^ Math.floor(Math.abs(seed) / 2 ** 32);
  state = Math.imul(state ^ (state >>> 16), 0x7feb352d);
  state = Math.imul(state ^ (state >>> 15), 0x846ca68b);
  return (state ^ (state >>> 16)) >>> 0;
}

/** Derives an independent seed for a sub-computation (e.g. the k-th change point). */
export function deriveSeed(seed: number, salt: number): number {
  return normalizeSeed(normalizeSeed(seed) + Math.imul(salt + 1, 0x9e3779b9));
}

/**
 * mulberry32 with `state` used as is (no seed mixing): the uniform generator under
 * `createRandom`, and the one test fixtures, the seeder and the e2e history draw from
 * directly. Their stored values were written against exactly this stream, so it stays
 * unmixed (mixing would change every fixture).
 */
export function seededRandom(state: number): () => number {
  let current = state | 0;
  return () => {
    current = (current + 0x6d2b79f5) | 0;
    let mixed = Math.imul(current ^ (current >>> 15), 1 | current);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * mulberry32: a tiny 32-bit generator with a full 2^32 period, plenty for bootstraps of a
 * few thousand resamples and much faster than a cryptographic source. The seed is mixed
 * first (`normalizeSeed`) so that neighbouring seeds give unrelated streams.
 */
export function createRandom(seed: number): Random {
  const next = seededRandom(normalizeSeed(seed));
  let spareNormal: number | null = null;

  const normal = (): number => {
    if (spareNormal !== null) {
      const value = spareNormal;
      spareNormal = null;
      return value;
    }
    // Marsaglia's polar method: exact, no trigonometry.
    for (;;) {
      const u = 2 * next() - 1;
      const v = 2 * next() - 1;
      const radius = u * u + v * v;
      if (radius > 0 && radius < 1) {
        const factor = Math.sqrt((-2 * Math.log(radius)) / radius);
        spareNormal = v * factor;
        return u * factor;
      }
    }
  };

  const gamma = (shape: number): number => {
    if (shape < 1) {
      // Boost a shape below 1 (Marsaglia & Tsang, section 6).
      return gamma(shape + 1) * next() ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = next();
      if (u < 1 - 0.0331 * x ** 4) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };

  return {
    next,
    integer: (bound) => Math.floor(next() * bound),
    normal,
    gamma,
    studentT: (degreesOfFreedom) =>
      normal() / Math.sqrt((2 * gamma(degreesOfFreedom / 2)) / degreesOfFreedom),
  };
}
