/**
 * Colours of the efficiency heat strip: red at 0%, amber at 50%, green at 100%, blue
 * beyond (superlinear), the same lightness in both themes so white text stays legible.
 */

/** Efficiency (speedup / threads) as an HSL colour; null (no point) is transparent. */
export function efficiencyColor(efficiency: number | null | undefined): string {
  if (efficiency === null || efficiency === undefined || !Number.isFinite(efficiency)) return "transparent";
  if (efficiency > 1.03) return "hsl(210 70% 45%)";
  const clamped = Math.min(1, Math.max(0, efficiency));
  // Hue 0 (red) to 130 (green); the eye reads the middle (amber) as "half".
  return `hsl(${Math.round(clamped * 130)} 65% 42%)`;
}

/** The legend's stops, low to high. */
export const efficiencyLegend = [0, 0.25, 0.5, 0.75, 1, 1.1] as const;
