import { z } from "zod";
import { defineWorkload, rangeTask } from "./define.js";
import { xorshift32 } from "./random.js";

/** First 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4). */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** First 32 bits of the fractional parts of the square roots of the first 8 primes. */
const INITIAL_HASH = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/** Compresses the 64-byte blocks of `bytes` starting at `offset` into `state`. */
function compress(
  state: Int32Array,
  schedule: Int32Array,
  bytes: Uint8Array,
  offset: number,
  blocks: number,
): void {
  for (let block = 0; block < blocks; block++) {
    const base = offset + block * 64;
    for (let t = 0; t < 16; t++) {
      const at = base + t * 4;
      schedule[t] =
        ((bytes[at] as number) << 24) |
        ((bytes[at + 1] as number) << 16) |
        ((bytes[at + 2] as number) << 8) |
        (bytes[at + 3] as number);
    }
    for (let t = 16; t < 64; t++) {
      const w15 = schedule[t - 15] as number;
      const w2 = schedule[t - 2] as number;
      const sigma0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const sigma1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      schedule[t] = (sigma1 + (schedule[t - 7] as number) + sigma0 + (schedule[t - 16] as number)) | 0;
    }
    let a = state[0] as number;
    let b = state[1] as number;
    let c = state[2] as number;
    let d = state[3] as number;
    let e = state[4] as number;
    let f = state[5] as number;
    let g = state[6] as number;
    let h = state[7] as number;
    for (let t = 0; t < 64; t++) {
      const sum1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const choice = (e & f) ^ (~e & g);
      const temp1 = (h + sum1 + choice + (K[t] as number) + (schedule[t] as number)) | 0;
      const sum0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const majority = (a & b) ^ (a & c) ^ (b & c);
      const temp2 = (sum0 + majority) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + temp1) | 0;
      d = c;
      c = b;
      b = a;
      a = (temp1 + temp2) | 0;
    }
    state[0] = ((state[0] as number) + a) | 0;
    state[1] = ((state[1] as number) + b) | 0;
    state[2] = ((state[2] as number) + c) | 0;
    state[3] = ((state[3] as number) + d) | 0;
    state[4] = ((state[4] as number) + e) | 0;
    state[5] = ((state[5] as number) + f) | 0;
    state[6] = ((state[6] as number) + g) | 0;
    state[7] = ((state[7] as number) + h) | 0;
  }
}

/**
 * SHA-256 (FIPS 180-4) in plain JavaScript, so the workload runs in browsers too.
 * Returns the digest as eight unsigned 32-bit words, big-endian order.
 */
export function sha256Words(bytes: Uint8Array): number[] {
  const state = Int32Array.from(INITIAL_HASH);
  const schedule = new Int32Array(64);
  const fullBlocks = Math.floor(bytes.length / 64);
  compress(state, schedule, bytes, 0, fullBlocks);
  // Padding: the remaining bytes, 0x80, zeros, and the length in bits as a 64-bit
  // big-endian integer: one block if it fits after the 0x80 byte, else two.
  const remaining = bytes.length - fullBlocks * 64;
  const tail = new Uint8Array(remaining < 56 ? 64 : 128);
  tail.set(bytes.subarray(fullBlocks * 64));
  tail[remaining] = 0x80;
  const bitLength = bytes.length * 8;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(tail.length - 4, bitLength >>> 0);
  compress(state, schedule, tail, 0, tail.length / 64);
  return Array.from(state, (word) => word >>> 0);
}

/** SHA-256 of `bytes` as 64 lowercase hex digits. */
export function sha256Hex(bytes: Uint8Array): string {
  return sha256Words(bytes)
    .map((word) => word.toString(16).padStart(8, "0"))
    .join("");
}

/** Fills `target` with the pseudo-random content of buffer `index` (xorshift32, little-endian words). */
export function fillBuffer(index: number, target: Uint8Array): void {
  const next = xorshift32(index);
  const length = target.length;
  let at = 0;
  for (; at + 4 <= length; at += 4) {
    const word = next();
    target[at] = word & 0xff;
    target[at + 1] = (word >>> 8) & 0xff;
    target[at + 2] = (word >>> 16) & 0xff;
    target[at + 3] = word >>> 24;
  }
  if (at < length) {
    const word = next();
    for (let shift = 0; at < length; at++, shift += 8) target[at] = (word >>> shift) & 0xff;
  }
}

interface Sha256Partial {
  /** XOR of the digests of the task's buffers, as eight unsigned 32-bit words. */
  digestXor: number[];
  buffers: number;
}

const parameters = z.object({
  buffers: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(64)
    .meta({ description: "Buffers hashed per task; one unit of work is one buffer", unit: "buffers" }),
  bufferBytes: z
    .number()
    .int()
    .min(0)
    .max(16_777_216)
    .default(16_384)
    .meta({ description: "Size of each buffer", unit: "bytes" }),
});

/** SHA-256 digests of pseudo-random buffers, folded with XOR. */
export const sha256 = defineWorkload({
  id: "sha256",
  title: "SHA-256 hashing",
  description:
    "Hashes pseudo-random buffers with a pure-JavaScript SHA-256 (FIPS 180-4), the kind of " +
    "work behind content addressing, signatures and cache keys. Each unit generates one " +
    "buffer from its index with a seeded xorshift generator and hashes it: 32-bit integer " +
    "rotations, additions and XORs over a 64-round compression function, with a small " +
    "working set that stays in cache. The checksum is the XOR of all digests in hex, which " +
    "does not depend on order or chunking.",
  parameters,
  unitName: "buffers",
  units: (params) => params.buffers,
  createTask(params, range) {
    const buffer = new Uint8Array(params.bufferBytes);
    const digestXor = [0, 0, 0, 0, 0, 0, 0, 0];
    let buffers = 0;
    return rangeTask<Sha256Partial>(
      range,
      (from, to) => {
        for (let index = from; index < to; index++) {
          fillBuffer(index, buffer);
          const digest = sha256Words(buffer);
          for (let word = 0; word < 8; word++) {
            digestXor[word] = ((digestXor[word] as number) ^ (digest[word] as number)) >>> 0;
          }
        }
        buffers += to - from;
      },
      () => ({ digestXor: [...digestXor], buffers }),
    );
  },
  combine(_params, partials) {
    const folded = [0, 0, 0, 0, 0, 0, 0, 0];
    for (const partial of partials) {
      for (let word = 0; word < 8; word++) {
        folded[word] = ((folded[word] as number) ^ (partial.digestXor[word] as number)) >>> 0;
      }
    }
    return { checksum: folded.map((word) => word.toString(16).padStart(8, "0")).join("") };
  },
});
