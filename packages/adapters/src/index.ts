import { bmfAdapter } from "./bmf.js";
import { criterionAdapter } from "./criterion.js";
import { githubActionBenchmarkAdapter } from "./github-action-benchmark.js";
import { goBenchAdapter } from "./go-bench.js";
import { googleBenchmarkAdapter } from "./google-benchmark.js";
import { hyperfineAdapter } from "./hyperfine.js";
import { pyperfAdapter } from "./pyperf.js";
import { pytestBenchmarkAdapter } from "./pytest-benchmark.js";
import { threadbenchAdapter } from "./threadbench.js";
import {
  type Adapter,
  AdapterError,
  type AdapterName,
  type AdapterOptions,
  type AdaptResult,
  adapterNames,
  type HarnessInput,
  type InputFile,
} from "./types.js";

export { defaultMode, knownModes } from "./names.js";
export type {
  AdaptedCell,
  AdaptedRun,
  AdaptedSample,
  AdaptedTestbed,
  Adapter,
  AdapterIssue,
  AdapterName,
  AdapterOptions,
  AdaptResult,
  HarnessInput,
  InputFile,
  ParamValue,
} from "./types.js";
export { AdapterError, adapterNames };

/** Every adapter, by name. */
export const adapters: Readonly<Record<AdapterName, Adapter>> = {
  threadbench: threadbenchAdapter,
  "pytest-benchmark": pytestBenchmarkAdapter,
  pyperf: pyperfAdapter,
  hyperfine: hyperfineAdapter,
  "google-benchmark": googleBenchmarkAdapter,
  "go-bench": goBenchAdapter,
  criterion: criterionAdapter,
  bmf: bmfAdapter,
  "github-action-benchmark": githubActionBenchmarkAdapter,
};

/** True for the name of an adapter. */
export function isAdapterName(name: string): name is AdapterName {
  return (adapterNames as readonly string[]).includes(name);
}

/** Every adapter with what it reads, one per line (help texts, error messages). */
export function describeAdapters(indent = "  "): string {
  const width = Math.max(...adapterNames.map((name) => name.length));
  return adapterNames.map((name) => `${indent}${name.padEnd(width)}  ${adapters[name].reads}`).join("\n");
}

/**
 * The input as adapters read it: the text parsed as JSON once (undefined when it is not
 * JSON: text formats such as Go's or a CSV file).
 */
export function harnessInput(text: string, files?: readonly InputFile[]): HarnessInput {
  if (files) return { text, json: undefined, files };
  const start = text.search(/\S/);
  if (start === -1 || (text[start] !== "{" && text[start] !== "[")) return { text, json: undefined };
  try {
    return { text, json: JSON.parse(text) };
  } catch (error) {
    // go test -json is one JSON object per line: not JSON as a whole, and not an error.
    return { text, json: undefined, jsonError: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The adapter whose format the input has. Throws AdapterError listing every adapter when
 * none matches, or the candidates when several do.
 */
export function detectAdapter(input: HarnessInput): Adapter {
  const matches = adapterNames.map((name) => adapters[name]).filter((adapter) => adapter.detect(input));
  if (matches.length === 1) return matches[0] as Adapter;
  if (matches.length === 0) {
    const notJson = input.jsonError ? ` (it starts like JSON but is not: ${input.jsonError})` : "";
    throw new AdapterError(null, [
      {
        path: "--adapter",
        message: `cannot tell which harness wrote this input${notJson}; pass --adapter NAME, one of:\n${describeAdapters("    ")}`,
      },
    ]);
  }
  throw new AdapterError(null, [
    {
      path: "--adapter",
      message: `the input fits several formats (${matches.map((adapter) => adapter.name).join(", ")}); pass --adapter NAME`,
    },
  ]);
}

/** What `adapt` made of an input, and whether the adapter was detected or named. */
export interface Adapted {
  adapter: AdapterName;
  detected: boolean;
  result: AdaptResult;
}

/** Detects (unless named) the adapter, then parses the input with it. */
export function adapt(
  input: HarnessInput,
  adapter: AdapterName | null,
  options: AdapterOptions = {},
): Adapted {
  const chosen = adapter ? adapters[adapter] : detectAdapter(input);
  if (adapter && input.json === undefined && !input.files && jsonFormats.has(adapter)) {
    throw new AdapterError(adapter, [
      {
        path: "(input)",
        message: `expected JSON (${chosen.reads})${input.jsonError ? `: ${input.jsonError}` : ""}`,
      },
    ]);
  }
  return { adapter: chosen.name, detected: adapter === null, result: chosen.parse(input, options) };
}

/** Adapters whose input must be JSON. */
const jsonFormats = new Set<AdapterName>([
  "threadbench",
  "pytest-benchmark",
  "pyperf",
  "google-benchmark",
  "bmf",
  "github-action-benchmark",
]);
