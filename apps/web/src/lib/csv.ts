/**
 * CSV as RFC 4180 has it (quoted where needed, CRLF line ends), with text cells that a
 * spreadsheet would run as a formula (=, +, -, @ first) prefixed by an apostrophe: run
 * labels and commit messages come from anyone who can push.
 */

export type CsvValue = string | number | boolean | null | undefined;

/** One cell: numbers as JavaScript prints them, null/undefined as empty. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** A header row and the rows under it. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** A file name from parts: safe characters only. */
export function exportFileName(parts: readonly string[], extension: "csv" | "json"): string {
  const stem = parts
    .join("-")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 120);
  return `${stem || "threadbench"}.${extension}`;
}
