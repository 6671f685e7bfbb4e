"use client";

import { useEffect, useState } from "react";
import { nextTheme, type ThemeChoice, themeChangeEvent, themeStorageKey } from "../lib/theme";

function readChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(themeStorageKey);
    return saved === "light" || saved === "dark" ? saved : "system";
  } catch {
    return "system";
  }
}

const icons: Record<ThemeChoice, string> = { system: "◐", light: "☀", dark: "☾" };

/** Cycles system → light → dark; the label says what is active now. */
export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>("system");
  useEffect(() => setChoice(readChoice()), []);

  function toggle() {
    const next = nextTheme(choice);
    setChoice(next);
    try {
      if (next === "system") localStorage.removeItem(themeStorageKey);
      else localStorage.setItem(themeStorageKey, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    if (next === "system") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = next;
    window.dispatchEvent(new Event(themeChangeEvent));
  }

  return (
    <button type="button" className="small" onClick={toggle} title="Switch theme (system, light, dark)">
      <span aria-hidden="true">{icons[choice]}</span>
      <span>Theme: {choice}</span>
    </button>
  );
}
