/**
 * A colour for every mode name, the runner's and any an ingested run brings
 * ("threading", "multiprocessing", "rayon", ...). Colours are slots of one palette
 * (`--series-1` … `--series-8` in globals.css, one value per theme), so a swatch
 * rendered on the server and a line drawn on a canvas agree in both themes.
 */

import { executionModes } from "@threadbench/core";

/** Slots in the palette (globals.css defines --series-1 … --series-8 for light and dark). */
export const paletteSize = 8;

/**
 * Fixed slots of the modes we know by name, in the one mode order: node's four and
 * CPython's two (the article's rows). Everything else is hashed into the remaining slots.
 */
const knownModeSlots: Record<string, number> = Object.fromEntries(
  executionModes.map((mode, slot) => [mode, slot]),
);

/** FNV-1a: a small stable string hash (the same slot on the server and in every browser). */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The slot a mode takes when nothing else competes for it. */
export function preferredModeSlot(mode: string): number {
  const known = knownModeSlots[mode];
  if (known !== undefined) return known;
  return hashOf(mode) % paletteSize;
}

/**
 * Slots for a set of modes shown together (one chart, one table): known modes keep
 * their slot, other modes take their hashed slot unless a mode of the set holds it
 * already, then the next free one. Deterministic for a given set, whatever its order.
 * Beyond `paletteSize` modes, slots repeat (the legend still names each line).
 */
export function modeSlots(modes: readonly string[]): Map<string, number> {
  const unique = [...new Set(modes)];
  const slots = new Map<string, number>();
  const taken = new Set<number>();
  for (const mode of unique) {
    const known = knownModeSlots[mode];
    if (known !== undefined) {
      slots.set(mode, known);
      taken.add(known);
    }
  }
  for (const mode of unique.filter((candidate) => !slots.has(candidate)).sort()) {
    const preferred = preferredModeSlot(mode);
    let slot = preferred;
    for (let step = 0; step < paletteSize && taken.has(slot); step++) {
      slot = (preferred + step + 1) % paletteSize;
    }
    slots.set(mode, slot);
    taken.add(slot);
  }
  return slots;
}

/** The CSS colour of a palette slot, resolved by the active theme. */
export function slotColorVar(slot: number): string {
  return `var(--series-${(((slot % paletteSize) + paletteSize) % paletteSize) + 1})`;
}
