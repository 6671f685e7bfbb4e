/**
 * Number and date formatting for the dashboard. Every number leaves here with its
 * unit and a precision that matches what the measurement can support (3 significant
 * digits for timings: benchmark noise is rarely below 0.1%).
 */

import { formatDuration } from "@threadbench/core";

const NARROW_NBSP = "\u202f";

/** Speedup against the sequential baseline: "3.66×". */
export function formatSpeedup(speedup: number | null | undefined): string {
  if (speedup === null || speedup === undefined || !Number.isFinite(speedup)) return "–";
  return `${speedup.toFixed(speedup >= 100 ? 0 : 2)}×`;
}

/** A ratio in 0..1 (efficiency, confidence) as a percentage: "91%". */
export function formatRatioPercent(ratio: number | null | undefined, decimals = 0): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "–";
  return `${(ratio * 100).toFixed(decimals)}%`;
}

/** A relative change (+0.08 = 8% slower) with its sign: "+8.0%", "−3.2%". */
export function formatChange(change: number | null | undefined): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return "–";
  const percent = change * 100;
  const digits = Math.abs(percent) >= 100 ? 0 : 1;
  const rounded = percent.toFixed(digits);
  if (Number(rounded) === 0) return `±${(0).toFixed(digits)}%`;
  return percent > 0 ? `+${rounded}%` : `\u2212${rounded.slice(1)}%`;
}

/** An integer count with thousands separators: "100,000". */
export function formatCount(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count)) return "–";
  return Math.round(count).toLocaleString("en-US");
}

/** A quantity with its unit, compacted for large values: "5M iterations". */
export function formatQuantity(value: number, unit?: string): string {
  const compact =
    Math.abs(value) >= 10_000
      ? new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 3 }).format(value)
      : value.toLocaleString("en-US");
  return unit ? `${compact} ${unit}` : compact;
}

/** Bytes in binary units: "24.0 GiB". */
export function formatBytes(bytes: number | string | null | undefined): string {
  if (bytes === null || bytes === undefined) return "–";
  const value = typeof bytes === "string" ? Number(bytes) : bytes;
  if (!Number.isFinite(value)) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let scaled = value;
  let index = 0;
  while (Math.abs(scaled) >= 1024 && index < units.length - 1) {
    scaled /= 1024;
    index++;
  }
  return `${index === 0 ? scaled : scaled.toFixed(1)}${NARROW_NBSP}${units[index]}`;
}

/**
 * A timestamp in UTC with seconds, "2025-06-01 14:03:59 UTC". UTC on purpose and
 * everywhere (tables, tooltips, chart axes): the same text on the server and in the
 * browser (no hydration mismatch) and across a distributed team. Seconds, because runs
 * of one CI job are minutes apart and rows of one minute must stay distinguishable.
 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "–";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * A tick of a time axis (seconds since the epoch, UTC) with only the precision the
 * tick spacing needs: the day alone, or the time of day over the day on two lines,
 * so a label is never wider than "2026-01-15" (the axis spaces ticks for that).
 */
export function formatTimeTick(seconds: number, incrementSeconds: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  const day = iso.slice(0, 10);
  if (incrementSeconds >= 86_400) return day;
  const time = incrementSeconds >= 60 ? iso.slice(11, 16) : iso.slice(11, 19);
  return `${time}\n${day}`;
}

/** Just the day, "2025-06-01". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "–" : date.toISOString().slice(0, 10);
}

/** Time since `iso` relative to `now`: "3 min ago", "2 d ago". */
export function formatAge(iso: string | null | undefined, now: number): string {
  if (!iso) return "–";
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return "–";
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** The first 7 characters of a commit, as git shows it. */
export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : "–";
}

/** Workload parameters as "n=1,000 · seed=7". */
export function formatParams(params: unknown): string {
  if (!params || typeof params !== "object") return "";
  return Object.entries(params as Record<string, unknown>)
    .map(([key, value]) => `${key}=${typeof value === "number" ? formatCount(value) : String(value)}`)
    .join(" · ");
}

/** What a series metric measures, which decides its unit. */
export type MetricKind = "duration" | "speedup" | "efficiency";

/** A series metric's value with its unit. */
export function formatMetric(kind: MetricKind, value: number | null | undefined): string {
  switch (kind) {
    case "duration":
      return formatDuration(value);
    case "speedup":
      return formatSpeedup(value);
    case "efficiency":
      return formatRatioPercent(value, 1);
    default: {
      const exhaustive: never = kind;
      return String(exhaustive);
    }
  }
}

/**
 * An axis tick: like formatMetric, but with as many decimals as the tick spacing
 * needs, so neighbouring ticks never print the same text.
 */
export function formatMetricTick(kind: MetricKind, value: number, increment: number): string {
  if (kind !== "duration" || !(increment > 0)) return formatMetric(kind, value);
  const absolute = Math.abs(value);
  const [scale, unit] =
    absolute >= 1000 ? [1000, "s"] : absolute >= 1 || absolute === 0 ? [1, "ms"] : [0.001, "µs"];
  // As many decimals as the spacing itself has: ticks 2.5 ms apart print 77.5, not 78.
  const step = increment / scale;
  let decimals = 0;
  while (decimals < 4) {
    const scaled = step * 10 ** decimals;
    if (Math.abs(scaled - Math.round(scaled)) <= 1e-6 * Math.max(1, scaled)) break;
    decimals++;
  }
  return `${(value / scale).toFixed(decimals)} ${unit}`;
}
