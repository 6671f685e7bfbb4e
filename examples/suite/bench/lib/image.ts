/** Brightness (0..255) of pixel (x, y) of a deterministic synthetic photo: no I/O, no state. */
export function pixel(x: number, y: number, width: number): number {
  // A smooth gradient plus integer hash noise, so a blur has real work to smooth out.
  let hash = Math.imul(y * width + x + 1, 0x9e3779b1);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  const noise = (hash >>> 0) % 64;
  return ((x * 255) / Math.max(1, width - 1) / 2 + (y % 128) + noise) & 0xff;
}
