import { type AdapterName, adapterNames, describeAdapters, isAdapterName } from "@threadbench/adapters";
import type { FieldIssue } from "@threadbench/workloads";
import { z } from "zod";
import { branchRule, commitShaRule, labelsRule, projectRule } from "../db/input-bounds.js";
import { UserInputError } from "../errors.js";
import type { HarnessIngestOptions, MachineFacts } from "./prepare-runs.js";

/**
 * The options of an ingest through an adapter, checked at the edge (the CLI's flags and
 * ingestRun's `options`), each message naming what is allowed. `field` maps an option to
 * the name its caller knows it by (`--commit`, `options.commitSha`).
 */
const text = (what: string, max: number) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, { error: `expected ${what} (not empty)` })
    .max(max, { error: `expected ${what} of at most ${max} characters` });

const parameterName = text("a parameter name", 200);

const machineSchema = z.strictObject(
  {
    hostname: text("a hostname", 200).optional(),
    os: text("an OS name", 200).optional(),
    osRelease: z.string({ error: "expected a string" }).max(200).optional(),
    arch: text("an architecture", 200).optional(),
    cpuModel: text("a CPU model", 200).optional(),
    logicalCores: z
      .number({ error: "expected an integer from 1 to 65536" })
      .int({ error: "expected an integer from 1 to 65536" })
      .min(1, { error: "expected an integer from 1 to 65536" })
      .max(65_536, { error: "expected an integer from 1 to 65536" })
      .optional(),
    memoryBytes: z
      .number({ error: "expected a whole number of bytes >= 0" })
      .int({ error: "expected a whole number of bytes >= 0" })
      .min(0, { error: "expected a whole number of bytes >= 0" })
      .optional(),
  },
  {
    error:
      "expected an object of machine facts (hostname, os, osRelease, arch, cpuModel, logicalCores, memoryBytes)",
  },
);

const optionsSchema = z.strictObject({
  commitSha: commitShaRule.optional(),
  branch: branchRule.optional(),
  labels: labelsRule.optional(),
  project: projectRule.optional(),
  startedAt: z.iso
    .datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. "2026-01-31T12:00:00Z"' })
    .optional(),
  testbedName: text("a testbed (host) name", 200).optional(),
  idempotencyKey: text("an idempotency key", 180).optional(),
  threadsParam: parameterName.optional(),
  modeParam: parameterName.optional(),
  scaling: z.enum(["weak", "strong"], { error: 'expected "weak" or "strong"' }).optional(),
  runtime: text("a runtime name (e.g. cpython, go, rust, native)", 200).optional(),
  runtimeVersion: text("a runtime version", 200).optional(),
  machine: machineSchema.optional(),
});

/** The options' names as ingestRun's `options` input calls them. */
export const graphqlOptionNames = (field: string) => `options.${field}`;

/** Validates options, naming each bad one by `field(name)`. */
export function parseHarnessOptions(
  raw: Record<string, unknown>,
  field: (name: string) => string,
): HarnessIngestOptions {
  const defined = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== null),
  );
  const result = optionsSchema.safeParse(defined);
  if (result.success) return result.data as HarnessIngestOptions & { machine?: MachineFacts };
  const issues: FieldIssue[] = result.error.issues.map((issue) => {
    const [first, ...rest] = issue.path.map(String);
    const path = [first ? field(first) : "options", ...rest].join(".");
    if (issue.code === "unrecognized_keys") {
      return { path, message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}` };
    }
    return { path, message: issue.message };
  });
  throw new UserInputError(issues);
}

/** An adapter name, "auto" (detect), or a UserInputError listing every adapter. */
export function parseAdapterName(raw: string, path: string): AdapterName | null {
  const name = raw.trim();
  if (name === "auto") return null;
  if (isAdapterName(name)) return name;
  throw new UserInputError([
    {
      path,
      message: `"${raw}" is not an adapter (allowed: auto, ${adapterNames.join(", ")}):\n${describeAdapters("    ")}`,
    },
  ]);
}
