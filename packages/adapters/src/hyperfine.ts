import { z } from "zod";
import { type BenchmarkEntry, groupEntries } from "./group.js";
import { parseParamText } from "./names.js";
import { type Adapter, AdapterError, type HarnessInput, type ParamValue } from "./types.js";
import { isObject, validate } from "./validate.js";

const seconds = z.number({ error: "expected a time in seconds (a number)" }).positive({
  error: "expected a time in seconds > 0",
});

const jsonSchema = z.looseObject(
  {
    results: z
      .array(
        z.looseObject({
          command: z.string({ error: "expected the command (a string)" }).min(1),
          median: seconds.optional(),
          times: z.array(seconds, {
            error: "expected the time of every run (times: an array of seconds; hyperfine >= 1.2 writes it)",
          }),
          exit_codes: z.array(z.number().int().nullable()).optional(),
          parameters: z
            .record(z.string(), z.union([z.string(), z.number()]), {
              error: "expected an object of parameter values",
            })
            .optional(),
        }),
        { error: "expected an array of results" },
      )
      .min(1, { error: "expected at least one result" }),
  },
  { error: "expected a JSON object" },
);

const csvHeader = ["command", "mean", "stddev", "median", "user", "system", "min", "max"];

/**
 * hyperfine's `--export-json` (every run's wall time in `times`, seconds, one process
 * start-up included in each) and `--export-csv` (summaries only: the median is stored as
 * the one sample). Parameters of `-L`/`-P` scans are the benchmark's parameters, so
 * `-L threads 1,2,4 -L mode sequential,threading` gives thread counts and modes.
 */
export const hyperfineAdapter: Adapter = {
  name: "hyperfine",
  reads: "hyperfine --export-json and --export-csv files",
  detect(input: HarnessInput): boolean {
    const json = input.json;
    if (isObject(json)) {
      return (
        Array.isArray(json.results) &&
        json.results.length > 0 &&
        json.results.every((result) => isObject(result) && typeof result.command === "string")
      );
    }
    if (json !== undefined) return false;
    const header = firstLine(input.text);
    return header.startsWith(`${csvHeader.join(",")}`);
  },
  parse(input, options) {
    const entries = isObject(input.json) ? jsonEntries(input.json) : csvEntries(input.text);
    return {
      kind: "runs",
      adapter: "hyperfine",
      runs: groupEntries("hyperfine", entries, options).map((run) => ({
        ...run,
        testbed: {},
        details: {
          harness: "hyperfine",
          sample: isObject(input.json)
            ? "wall time of one run of the command (times), process start-up included, as milliseconds"
            : "median wall time of the command's runs (an --export-csv file has no raw times), as milliseconds",
        },
      })),
    };
  },
};

function jsonEntries(json: unknown): BenchmarkEntry[] {
  const file = validate("hyperfine", jsonSchema, json);
  return file.results.map((result, index) => {
    const parameters = result.parameters ?? {};
    const failures = (result.exit_codes ?? []).filter((code) => code !== 0);
    return {
      name: result.command,
      at: `results[${index}]`,
      workload: commandTemplate(result.command, parameters),
      params: parseParameters(parameters),
      samples: result.times.map((time, run) => ({
        wallMs: time * 1000,
        at: `results[${index}].times[${run}]`,
      })),
      status: failures.length > 0 ? "failed" : "succeeded",
      error:
        failures.length > 0
          ? `exit code ${failures[0]} in ${failures.length} of ${result.times.length} runs (hyperfine --ignore-failure)`
          : null,
      details: { command: result.command },
    };
  });
}

function csvEntries(text: string): BenchmarkEntry[] {
  const rows = parseCsv(text);
  const [header = [], ...records] = rows;
  if (csvHeader.some((column, index) => header[index] !== column)) {
    throw new AdapterError("hyperfine", [
      { path: "line 1", message: `expected the CSV header "${csvHeader.join(",")},parameter_..."` },
    ]);
  }
  const parameterColumns = header
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => column.startsWith("parameter_"));
  const issues: { path: string; message: string }[] = [];
  const entries: BenchmarkEntry[] = [];
  records.forEach((record, index) => {
    if (record.length === 1 && record[0] === "") return;
    const line = `line ${index + 2}`;
    const command = record[0] ?? "";
    const median = Number(record[3]);
    if (!command) issues.push({ path: `${line}: command`, message: "expected the command" });
    if (!(median > 0)) {
      issues.push({
        path: `${line}: median`,
        message: `expected a time in seconds > 0, got "${record[3] ?? ""}"`,
      });
    }
    if (!command || !(median > 0)) return;
    const parameters: Record<string, string> = {};
    for (const { column, index: at } of parameterColumns) {
      parameters[column.slice("parameter_".length)] = record[at] ?? "";
    }
    entries.push({
      name: command,
      at: line,
      workload: commandTemplate(command, parameters),
      params: parseParameters(parameters),
      samples: [{ wallMs: median * 1000, at: `${line}: median` }],
      status: "succeeded",
      details: { command, summaryOnly: true },
    });
  });
  if (issues.length > 0) throw new AdapterError("hyperfine", issues);
  return entries;
}

function parseParameters(parameters: Record<string, string | number>): Record<string, ParamValue> {
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => [
      name,
      typeof value === "number" ? value : parseParamText(value),
    ]),
  );
}

/**
 * The command with each parameter's value put back as hyperfine's `{name}` placeholder,
 * so runs of one scan share a workload: "python3 sumsq.py sequential 2" with
 * { mode: "sequential", threads: "2" } -> "python3 sumsq.py {mode} {threads}". Values are
 * replaced where they stand alone (not inside a longer word or number), longest first.
 */
export function commandTemplate(command: string, parameters: Record<string, string | number>): string {
  let template = command;
  const byLength = Object.entries(parameters)
    .map(([name, value]) => [name, String(value)] as const)
    .filter(([, value]) => value !== "")
    .sort((a, b) => b[1].length - a[1].length);
  for (const [name, value] of byLength) {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    template = template.replace(
      new RegExp(`(?<![A-Za-z0-9._{-])${escaped}(?![A-Za-z0-9._}-])`, "g"),
      `{${name}}`,
    );
  }
  return template;
}

function firstLine(text: string): string {
  const end = text.indexOf("\n");
  return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, "");
}

/**
 * RFC 4180 CSV (quoted fields, doubled quotes, CRLF). Hand-written: hyperfine's export is
 * the only CSV read here and this is smaller than a dependency.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += char;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
