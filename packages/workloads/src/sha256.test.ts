import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hash32 } from "./random.js";
import { fillBuffer, sha256, sha256Hex } from "./sha256.js";
import { checksumOf, chunkedChecksum } from "./test-fixtures/harness.js";

function nodeSha256(bytes: Uint8Array): Buffer {
  return createHash("sha256").update(bytes).digest();
}

/** Buffer `index` as the test understands the generator: xorshift32 (13, 17, 5), little-endian words. */
function referenceBuffer(index: number, length: number): Uint8Array {
  let state = hash32(index) || 0x9e3779b9;
  const bytes = new Uint8Array(Math.ceil(length / 4) * 4);
  const view = new DataView(bytes.buffer);
  for (let at = 0; at < bytes.length; at += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    view.setUint32(at, state >>> 0, true);
  }
  return bytes.subarray(0, length);
}

describe("sha256 implementation", () => {
  it("gives the FIPS 180-4 example digests", () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    expect(sha256Hex(encode("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex(encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  // Lengths around the padding boundaries: 55 fits length and 0x80 in one block, 56 needs two.
  it.each([0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1_000, 4_099, 70_000])(
    "agrees with node:crypto on %i bytes",
    (length) => {
      const bytes = referenceBuffer(length + 17, length);
      expect(sha256Hex(bytes)).toBe(nodeSha256(bytes).toString("hex"));
    },
  );

  it("agrees with node:crypto on text with multi-byte characters", () => {
    const bytes = new TextEncoder().encode("threadbench ✓ 😀 ".repeat(50));
    expect(sha256Hex(bytes)).toBe(nodeSha256(bytes).toString("hex"));
  });
});

describe("sha256 workload", () => {
  it("generates buffers from their index with xorshift32", () => {
    for (const length of [0, 5, 64, 1_001]) {
      const buffer = new Uint8Array(length);
      fillBuffer(42, buffer);
      expect(buffer).toEqual(referenceBuffer(42, length));
    }
  });

  it.each([
    [1, 0],
    [9, 200],
    [16, 16_384],
  ])("matches the XOR of node:crypto digests for %i buffers of %i bytes", (buffers, bufferBytes) => {
    const folded = Buffer.alloc(32);
    for (let index = 0; index < buffers; index++) {
      const digest = nodeSha256(referenceBuffer(index, bufferBytes));
      for (let at = 0; at < 32; at++) folded[at] = (folded[at] as number) ^ (digest[at] as number);
    }
    const expected = folded.toString("hex");
    expect(checksumOf(sha256, { buffers, bufferBytes })).toBe(expected);
    expect(chunkedChecksum(sha256, { buffers, bufferBytes }, 4)).toBe(expected);
  });
});
