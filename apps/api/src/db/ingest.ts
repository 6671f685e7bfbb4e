import type { ChecksumStatus } from "@threadbench/core";
import type { FieldIssue } from "@threadbench/workloads";
import { z } from "zod";
import { summarize } from "../analysis/summary.js";
import { issueMessage, UserInputError } from "../errors.js";
import type { Database } from "./client.js";
import { commitSubject } from "./git-info.js";
import {
  assertStorableJson,
  branchRule,
  commitShaRule,
  isStorableDateText,
  labelsRule,
  maxTimingMs,
  timingRangeMessage,
} from "./input-bounds.js";
import { storeFinishedRun } from "./run-repository.js";
import { parametersKey, type StorableCell, type StoredRun } from "./run-rows.js";
import type { TestbedInput } from "./testbed.js";

/**
 * The ingest format, version 1: results produced elsewhere (CPython with and without
 * the GIL, another runtime, another harness) stored next to threadbench's own runs.
 * The committed JSON Schema (apps/api/ingest/threadbench-ingest-v1.schema.json) is
 * generated from this zod schema (`ingestJsonSchema()`) and a test keeps them equal.
 * Cross-field rules (unique cells, dates in order) live in `superRefine` below and
 * in the schema's descriptions.
 */
export const ingestFormatVersion = 1;

const name = (what: string) =>
  z
    .string({ error: `expected ${what} (a string)` })
    .trim()
    .min(1, { error: `expected ${what} (a non-empty string)` })
    .max(200, { error: `${what} is too long (at most 200 characters)` });

// Timings, milliseconds. zod 4 numbers reject NaN and Infinity by themselves; the maximum
// keeps statistics of the samples finite (see maxTimingMs).
const positiveNumber = z
  .number({ error: "expected a positive number" })
  .positive({ error: "expected a positive number" })
  .max(maxTimingMs, { error: `expected a positive number of milliseconds (${timingRangeMessage})` });

const nonNegativeNumber = z
  .number({ error: "expected a number >= 0" })
  .min(0, { error: "expected a number >= 0" })
  .max(maxTimingMs, { error: `expected a number of milliseconds >= 0 (${timingRangeMessage})` });

const integer = (min: number, max: number) =>
  z
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}` });

const timestamp = z.iso
  .datetime({
    offset: true,
    error: 'expected an ISO 8601 date-time, e.g. "2026-01-31T12:00:00Z"',
  })
  // Year 0000 parses, and PostgreSQL refuses it: only dates both databases store.
  .refine(isStorableDateText, { error: `expected a date-time from 0001-01-01 to 9999-12-31` });

const outcome = z.enum(["succeeded", "failed", "cancelled"], {
  error: 'expected one of "succeeded", "failed", "cancelled"',
});

const sampleSchema = z
  .strictObject(
    {
      wallMs: positiveNumber.describe("Wall time of the whole repetition, milliseconds."),
      cpuMs: nonNegativeNumber
        .nullable()
        .optional()
        .describe("CPU time (user + system) of the repetition, milliseconds; null if unknown."),
      taskDurationsMs: z
        .array(nonNegativeNumber, { error: "expected an array of numbers >= 0" })
        .max(100_000)
        .optional()
        .describe(
          "Wall time of each task of the repetition, in task order, milliseconds: one entry per task (tasks, default threads).",
        ),
      checksum: z.string({ error: "expected a string" }).max(200).nullable().optional(),
    },
    { error: "expected an object" },
  )
  .describe("One timed repetition (warm-ups excluded).");

const measurementSchema = z
  .strictObject(
    {
      mode: z
        .string({ error: "expected a mode name (a string)" })
        .regex(/^[a-z][a-z0-9-]{0,63}$/, {
          error:
            'expected a mode name in kebab-case, e.g. "sequential", "worker-threads", "threading", "multiprocessing"',
        })
        .describe(
          'How the tasks ran. threadbench\'s own modes are "sequential", "event-loop", "worker-threads" and "child-processes"; other tools may name their own ("threading", "multiprocessing"). "sequential" is the baseline of speedups.',
        ),
      threads: integer(1, 4096).describe("Threads (or processes) used."),
      tasks: integer(1, 1_000_000).optional().describe("Tasks per repetition; default: threads."),
      status: outcome.optional().describe("Default succeeded."),
      error: z.string({ error: "expected a string" }).max(10_000).nullable().optional(),
      checksum: z
        .string({ error: "expected a string" })
        .max(200)
        .nullable()
        .optional()
        .describe("The computed answer's checksum: compared with the sequential cell's."),
      setupMs: nonNegativeNumber.nullable().optional().describe("Start-up cost kept out of the timings."),
      taskOverheadMs: nonNegativeNumber
        .nullable()
        .optional()
        .describe("Fixed cost of handing one task to the pool and back, kept out of the timings."),
      samples: z
        .array(sampleSchema, { error: "expected an array of samples" })
        .max(100_000)
        .describe("Repetition samples; at least one unless the measurement failed or was cancelled."),
    },
    { error: "expected an object" },
  )
  .describe("One (mode, threads) cell. Each (mode, threads) pair appears once.");

const testbedSchema = z
  .strictObject(
    {
      hostname: name("a hostname"),
      os: name("an OS name").describe('e.g. "linux", "darwin", "win32".'),
      osRelease: z.string({ error: "expected a string" }).max(200).optional(),
      arch: name("an architecture").describe('e.g. "x64", "arm64".'),
      cpuModel: name("a CPU model"),
      logicalCores: integer(1, 65_536),
      memoryBytes: z
        .number({ error: "expected a number of bytes" })
        .int({ error: "expected a whole number of bytes" })
        .min(0, { error: "expected a number of bytes >= 0" }),
      runtime: name("a runtime name").describe('e.g. "node", "cpython", "pypy".'),
      runtimeVersion: name("a runtime version").describe(
        'e.g. "20.20.2", "3.13.1", "3.13.1t" (free-threaded).',
      ),
    },
    { error: "expected an object" },
  )
  .describe("The machine and runtime the results come from.");

export const ingestPayloadSchema = z
  .strictObject(
    {
      $schema: z.string().optional(),
      formatVersion: z.literal(ingestFormatVersion, { error: "expected 1 (the only format version)" }),
      idempotencyKey: z
        .string({ error: "expected a string" })
        .trim()
        .min(1, { error: "expected a non-empty string" })
        .max(200, { error: "at most 200 characters" })
        .optional()
        .describe("Re-ingesting with the same key stores nothing twice and returns the first run."),
      workload: z
        .string({ error: "expected a workload or benchmark name (a string)" })
        .regex(/^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}$/, {
          error:
            'expected a workload or benchmark name: letters, digits and . _ : / + - (e.g. "sum-squares", "pyperformance/nbody")',
        })
        .describe("A threadbench workload id or any benchmark name."),
      params: z
        .record(z.string(), z.unknown(), { error: "expected an object of parameters" })
        .optional()
        .describe("Benchmark parameters; part of the series key."),
      scaling: z
        .enum(["weak", "strong"], { error: 'expected "weak" or "strong"' })
        .optional()
        .describe("weak (default): N tasks of full size on N threads; strong: one job split into N."),
      warmups: integer(0, 1_000_000).optional(),
      status: outcome.optional().describe("Default succeeded."),
      error: z.string({ error: "expected a string" }).max(10_000).nullable().optional(),
      commitSha: commitShaRule.nullable().optional(),
      commitMessage: z
        .string({ error: "expected a string" })
        .max(10_000)
        .nullable()
        .optional()
        .describe("The commit's message; its first line is kept (at most 500 characters)."),
      branch: branchRule.nullable().optional(),
      labels: labelsRule.optional(),
      startedAt: timestamp,
      finishedAt: timestamp.optional().describe("Default: startedAt. Never before startedAt."),
      testbed: testbedSchema,
      measurements: z
        .array(measurementSchema, { error: "expected an array of measurements" })
        .min(1, { error: "expected at least one measurement" })
        .max(10_000),
    },
    { error: "expected a JSON object" },
  )
  .superRefine((payload, context) => {
    const seen = new Map<string, number>();
    payload.measurements.forEach((measurement, index) => {
      const key = `${measurement.mode}/${measurement.threads}`;
      const first = seen.get(key);
      if (first !== undefined) {
        context.addIssue({
          code: "custom",
          path: ["measurements", index],
          message: `duplicate cell: mode "${measurement.mode}" with ${measurement.threads} threads is already measurements[${first}]`,
        });
      } else {
        seen.set(key, index);
      }
      const tasks = measurement.tasks ?? measurement.threads;
      measurement.samples.forEach((sample, sampleIndex) => {
        if (sample.taskDurationsMs === undefined || sample.taskDurationsMs.length === tasks) return;
        context.addIssue({
          code: "custom",
          path: ["measurements", index, "samples", sampleIndex, "taskDurationsMs"],
          message: `expected one entry per task (${tasks}: the measurement's tasks, default threads), got ${sample.taskDurationsMs.length}`,
        });
      });
      if ((measurement.status ?? "succeeded") === "succeeded" && measurement.samples.length === 0) {
        context.addIssue({
          code: "custom",
          path: ["measurements", index, "samples"],
          message: "expected at least one sample for a succeeded measurement",
        });
      }
    });
    if (payload.finishedAt && Date.parse(payload.finishedAt) < Date.parse(payload.startedAt)) {
      context.addIssue({
        code: "custom",
        path: ["finishedAt"],
        message: "expected a date-time not before startedAt",
      });
    }
  })
  .describe("threadbench ingest format v1: one run of results produced outside threadbench.");

export type IngestPayload = z.output<typeof ingestPayloadSchema>;

/** The JSON Schema of the format (what apps/api/ingest/threadbench-ingest-v1.schema.json holds). */
export function ingestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ingestPayloadSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://threadbench.dev/schemas/threadbench-ingest-v1.schema.json",
    title: "threadbench ingest format v1",
    ...schema,
  };
}

/** `measurements[2].samples[0].wallMs` from zod's ["measurements", 2, "samples", 0, "wallMs"]. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text || "(root)";
}

/**
 * Validates a payload and lists EVERY problem by JSON path. Throws UserInputError
 * (nothing is stored); returns the parsed payload otherwise.
 */
export function parseIngestPayload(raw: unknown): IngestPayload {
  // Bounded nesting and storable text first: deeper parameters would fail series keys,
  // NUL characters PostgreSQL.
  assertStorableJson(raw, "");
  const result = ingestPayloadSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return {
        path: jsonPath(issue.path),
        message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`,
      };
    }
    return { path: jsonPath(issue.path), message: issueMessage(issue) };
  });
  throw new UserInputError(
    issues,
    `invalid ingest payload (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${issues
      .map((issue) => `  ${issue.path}: ${issue.message}`)
      .join("\n")}`,
  );
}

/** What an ingest carries beyond the format v1 document: set by adapters and the CLI's flags. */
export interface IngestContext {
  /** The harness that produced the figures (Run.harness, part of the series key); default "threadbench". */
  harness?: string;
  /** The project the run belongs to (part of the series key); default "default". */
  project?: string;
  /** Testbed facts the format v1 has no field for (CPython's GIL state). */
  testbed?: Pick<TestbedInput, "gilEnabled" | "freeThreadedBuild">;
  /** Kept in Run.environment.harness: what the harness said about its figures (units, loops, names). */
  harnessDetails?: Record<string, unknown>;
}

/**
 * Stores a run produced elsewhere. Validates everything first (nothing is stored when
 * anything is wrong), computes summaries, speedups against the sequential baseline and
 * checksum statuses, and stores it all in one transaction. Idempotent by
 * `idempotencyKey`: concurrent or repeated submissions end with exactly one run (the
 * unique constraint decides; the loser gets the winner's run, `created: false`).
 */
export async function ingestRun(
  database: Database,
  raw: unknown,
  context: IngestContext = {},
): Promise<{ run: StoredRun; created: boolean }> {
  const payload = parseIngestPayload(raw);
  const params = payload.params ?? {};
  const scaling = payload.scaling ?? "weak";
  const cells = ingestCells(payload, scaling);
  const testbed = { ...payload.testbed, ...context.testbed };
  // A cell failed by its checksum fails the run, as a native run with a failed cell does.
  const checksumFailures = cells.filter(
    (cell, index) =>
      cell.status === "failed" && (payload.measurements[index]?.status ?? "succeeded") === "succeeded",
  );
  const status = payload.status ?? (checksumFailures.length > 0 ? "failed" : "succeeded");
  const error =
    payload.error ??
    (checksumFailures.length > 0 && status === "failed"
      ? checksumFailures.map((cell) => `${cell.mode} x${cell.threads}: ${cell.error}`).join("; ")
      : null);
  const startedAt = new Date(payload.startedAt);
  const finishedAt = new Date(payload.finishedAt ?? payload.startedAt);
  const modes = [...new Set(payload.measurements.map((measurement) => measurement.mode))];
  const threads = [...new Set(payload.measurements.map((measurement) => measurement.threads))].sort(
    (a, b) => a - b,
  );
  return storeFinishedRun(database, {
    plan: {
      workloadId: payload.workload,
      params: params as never,
      paramsKey: parametersKey(payload.workload, params),
      modes,
      threads,
      repetitions: Math.max(0, ...payload.measurements.map((measurement) => measurement.samples.length)),
      warmups: payload.warmups ?? 0,
      scaling,
      taskTimeoutMs: null,
      maxHeapMb: null,
    },
    status,
    error,
    source: "ingested",
    ...(context.harness ? { harness: context.harness } : {}),
    ...(context.project ? { project: context.project } : {}),
    commitSha: payload.commitSha?.toLowerCase() ?? null,
    commitMessage: commitSubject(payload.commitMessage),
    branch: payload.branch ?? null,
    labels: [...new Set((payload.labels ?? []).map((label) => label.trim()))].sort(),
    idempotencyKey: payload.idempotencyKey ?? null,
    seeded: false,
    requestedBy: null,
    environment: {
      ...testbed,
      osRelease: testbed.osRelease ?? "",
      v8Version: "",
      ...(context.harnessDetails ? { harness: context.harnessDetails } : {}),
    },
    testbed,
    startedAt,
    finishedAt,
    cells,
  });
}

function ingestCells(payload: IngestPayload, scaling: "weak" | "strong"): StorableCell[] {
  const summarized = payload.measurements.map((measurement) => {
    const wallValues = measurement.samples.map((sample) => sample.wallMs);
    const cpuValues = measurement.samples.map((sample) => sample.cpuMs);
    return {
      measurement,
      tasks: measurement.tasks ?? measurement.threads,
      wall: summarize(wallValues),
      cpu: cpuValues.every((value) => typeof value === "number") ? summarize(cpuValues as number[]) : null,
    };
  });
  const succeeded = summarized.filter((cell) => (cell.measurement.status ?? "succeeded") === "succeeded");
  const sequential = succeeded.filter((cell) => cell.measurement.mode === "sequential");
  return summarized.map(({ measurement, tasks, wall, cpu }) => {
    // Baseline: the sequential cell with the same task count; else the single-task
    // sequential cell scaled to this cell's work (weak scaling does `tasks` times more).
    // Harnesses that only vary a thread count (Go's -cpu, Google Benchmark's Threads) have
    // no sequential mode: there the cell's own mode at one thread is the baseline.
    const same = sequential.find((cell) => cell.tasks === tasks);
    const single =
      sequential.length > 0
        ? sequential.find((cell) => cell.tasks === 1)
        : succeeded.find((cell) => cell.measurement.mode === measurement.mode && cell.tasks === 1);
    const baselineMs =
      same?.wall?.median ??
      (single?.wall ? single.wall.median * (scaling === "weak" ? tasks : 1) : undefined);
    const speedup = baselineMs !== undefined && wall && wall.median > 0 ? baselineMs / wall.median : null;
    const expectedChecksum = measurement.mode === "sequential" ? null : (same?.measurement.checksum ?? null);
    const sampleChecksums = [
      ...new Set(measurement.samples.flatMap((sample) => (sample.checksum ? [sample.checksum] : []))),
    ];
    const checksum =
      measurement.checksum ?? (sampleChecksums.length === 1 ? (sampleChecksums[0] as string) : null);
    let checksumStatus: ChecksumStatus = "unchecked";
    let status = measurement.status ?? "succeeded";
    let error = measurement.error ?? null;
    // As for native runs (runner/cell-result.ts): an answer that differs from the baseline's,
    // or between repetitions, fails the cell.
    const differing =
      sampleChecksums.length > 1 ||
      (checksum !== null && sampleChecksums.some((value) => value !== checksum));
    if (differing) {
      checksumStatus = "mismatch";
      if (status === "succeeded") {
        status = "failed";
        error = `checksum differs between repetitions: ${[...new Set([checksum, ...sampleChecksums].filter(Boolean))].join(" vs ")}`;
      }
    } else if (measurement.mode === "sequential" && checksum) checksumStatus = "baseline";
    else if (checksum && expectedChecksum) {
      checksumStatus = checksum === expectedChecksum ? "match" : "mismatch";
      if (checksumStatus === "mismatch" && status === "succeeded") {
        status = "failed";
        error = `checksum ${checksum} differs from the sequential baseline ${expectedChecksum}`;
      }
    }
    return {
      mode: measurement.mode,
      threads: measurement.threads,
      tasks,
      status,
      error,
      samples: measurement.samples.map((sample, index) => ({
        index,
        wallMs: sample.wallMs,
        cpuMs: sample.cpuMs ?? null,
        taskDurationsMs: sample.taskDurationsMs ?? [],
        checksum: sample.checksum ?? "",
      })),
      wall,
      cpu,
      setupMs: measurement.setupMs ?? null,
      taskOverheadMs: measurement.taskOverheadMs ?? null,
      speedup,
      efficiency: speedup === null ? null : speedup / measurement.threads,
      checksum,
      expectedChecksum,
      checksumStatus,
      sharedMemory: null,
    };
  });
}
