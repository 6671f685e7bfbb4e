/**
 * Small seeded generators shared by the workloads. Inputs are derived from a unit's
 * index, never from a generator that runs across units, so that any unit range can
 * be generated on its own: that is what makes chunked and whole runs agree.
 */

/** Mixes a 32-bit integer into a well-spread 32-bit value (lowbias32 by Chris Wellons). */
export function hash32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Marsaglia's xorshift32, seeded through `hash32` so that neighbouring seeds give
 * unrelated streams. Returns unsigned 32-bit integers.
 */
export function xorshift32(seed: number): () => number {
  // xorshift has one fixed point, 0; any other state cycles through all 2^32 - 1 values.
  let state = hash32(seed) || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}
