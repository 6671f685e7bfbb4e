/**
 * Formats shared by the CLI and the dashboard, so a duration reads the same in a
 * terminal table and on a page.
 */

/** Rounds to `digits` significant digits without switching to exponent notation. */
export function toSignificant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toFixed(Math.min(decimals, 6));
}

/**
 * A duration given in milliseconds, to 3 significant digits (benchmark noise is rarely
 * below 0.1%): "850 µs", "12.3 ms", "3.84 s", "2 min 5 s", "1 h 2 min"; "–" when there
 * is none.
 */
export function formatDuration(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined || !Number.isFinite(milliseconds)) {
    return "–";
  }
  const absolute = Math.abs(milliseconds);
  if (absolute === 0) return "0 ms";
  if (absolute < 1) return `${toSignificant(milliseconds * 1000)} µs`;
  if (absolute < 1000) return `${toSignificant(milliseconds)} ms`;
  if (absolute < 60_000) return `${toSignificant(milliseconds / 1000)} s`;
  const totalSeconds = Math.round(absolute / 1000);
  const sign = milliseconds < 0 ? "-" : "";
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${sign}${hours} h ${minutes} min`;
  return `${sign}${minutes} min ${seconds} s`;
}
