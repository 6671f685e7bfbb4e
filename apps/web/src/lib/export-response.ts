/** What the export route handlers answer: a download, or an error the browser shows as text. */
import { ApiError } from "../graphql/execute";
import { type CsvValue, exportFileName, toCsv } from "./csv";

export type ExportFormat = "csv" | "json";

export function exportFormatOf(value: string | null): ExportFormat | null {
  return value === "csv" || value === "json" ? value : value === null ? "csv" : null;
}

export function downloadResponse(options: {
  format: ExportFormat;
  nameParts: string[];
  json: unknown;
  header: readonly string[];
  rows: readonly (readonly CsvValue[])[];
  /** Sent as X-Threadbench-Truncated: the export stopped at a row limit. */
  truncated?: boolean;
}): Response {
  const fileName = exportFileName(options.nameParts, options.format);
  const headers: Record<string, string> = {
    "content-disposition": `attachment; filename="${fileName}"`,
    "cache-control": "no-store",
  };
  if (options.truncated) headers["x-threadbench-truncated"] = "true";
  if (options.format === "json") {
    return new Response(`${JSON.stringify(options.json, null, 2)}\n`, {
      headers: { ...headers, "content-type": "application/json; charset=utf-8" },
    });
  }
  return new Response(toCsv(options.header, options.rows), {
    headers: { ...headers, "content-type": "text/csv; charset=utf-8" },
  });
}

export function exportErrorResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    const status =
      error.code === "NOT_FOUND"
        ? 404
        : error.code === "BAD_USER_INPUT"
          ? 400
          : error.code === "API_UNREACHABLE"
            ? 502
            : 500;
    const issues = error.issues.map((issue) => `\n${issue.path}: ${issue.message}`).join("");
    return new Response(`${error.message}${issues}\n`, {
      status,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  console.error("[threadbench web] export failed", error);
  return new Response("The export failed; the dashboard's server log has the details.\n", {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

export function badFormatResponse(value: string | null): Response {
  return new Response(`format "${value}" is not supported (allowed: csv, json)\n`, {
    status: 400,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
