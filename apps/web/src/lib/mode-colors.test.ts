import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { modeSlots, paletteSize, preferredModeSlot, slotColorVar } from "./mode-colors";

describe("mode colours", () => {
  it("gives CPython's threading and multiprocessing a colour (they were white on white)", () => {
    const slots = modeSlots(["sequential", "threading", "multiprocessing"]);
    expect(slots.get("threading")).toBeTypeOf("number");
    expect(slots.get("multiprocessing")).toBeTypeOf("number");
    expect(new Set(slots.values()).size).toBe(3);
  });

  it("keeps the runner's modes on their slots", () => {
    const slots = modeSlots(["child-processes", "sequential", "worker-threads", "event-loop"]);
    expect([...slots.entries()].sort()).toEqual([
      ["child-processes", 3],
      ["event-loop", 1],
      ["sequential", 0],
      ["worker-threads", 2],
    ]);
  });

  it("gives unknown modes distinct slots, whatever the order they come in", () => {
    const modes = ["rayon", "tokio", "openmp", "sequential", "go-routines"];
    const forward = modeSlots(modes);
    const backward = modeSlots([...modes].reverse());
    expect(new Set(forward.values()).size).toBe(modes.length);
    for (const mode of modes) expect(backward.get(mode)).toBe(forward.get(mode));
    expect(preferredModeSlot("rayon")).toBe(preferredModeSlot("rayon"));
  });

  it("reuses slots only once the palette is full", () => {
    const modes = Array.from({ length: paletteSize + 2 }, (_, index) => `mode-${index}`);
    const slots = modeSlots(modes);
    expect(new Set(slots.values()).size).toBe(paletteSize);
  });

  it("names a CSS variable that globals.css defines in the light and both dark themes", () => {
    const css = readFileSync(new URL("../app/globals.css", import.meta.url), "utf8");
    for (let slot = 0; slot < paletteSize; slot++) {
      const name = slotColorVar(slot).slice(4, -1);
      // :root, the dark media query and [data-theme="dark"].
      expect(css.split(`${name}:`).length - 1).toBe(3);
    }
    expect(slotColorVar(-1)).toBe(`var(--series-${paletteSize})`);
  });
});
