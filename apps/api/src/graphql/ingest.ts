import { z } from "zod";
import type { Database } from "../db/client.js";
import { parametersKey, type StoredRun, storeFinishedRun } from "../db/run-repository.js";
import { fieldIssues, UserInputError } from "../errors.js";
import { scalingKinds } from "../runner/index.js";

/*
 * Adapter for ingestion: until the storage layer's ingest lands, the document is the
 * runner's RunResult (what `threadbench run --json` prints) plus optional run metadata,
 * validated here and stored with the repository's storeFinishedRun (one transaction,
 * idempotent by key).
 */

const finite = z.number().refine(Number.isFinite, "allowed: a finite number");
const summary = z
  .object({ count: z.number().int().min(0), min: finite, max: finite, median: finite, mean: finite, stddev: finite, cv: finite })
  .nullable();
const name = (what: string) => z.string().trim().min(1, `allowed: a non-empty ${what} of at most 100 characters`).max(100);

export const ingestDocumentSchema = z
  .object({
    idempotencyKey: z.string().trim().min(1).max(200).optional(),
    commitSha: z.string().regex(/^[0-9a-fA-F]{4,64}$/, "allowed: a hexadecimal commit SHA of 4 to 64 characters").optional(),
    branch: z.string().trim().min(1).max(200).optional(),
    labels: z.array(z.string().trim().min(1).max(64)).max(32).optional(),
    plan: z.object({
      workloadId: name("workload id"),
      params: z.record(z.string(), z.unknown()).default({}),
      modes: z.array(name("mode")).min(1).max(16),
      threads: z.array(z.number().int().min(1).max(100_000)).min(1).max(64),
      repetitions: z.number().int().min(1).max(100_000),
      warmups: z.number().int().min(0).max(100_000),
      scaling: z.enum(scalingKinds, { message: `allowed: ${scalingKinds.join(", ")}` }),
      taskTimeoutMs: z.number().int().positive().nullable().optional(),
      maxHeapMb: z.number().int().positive().nullable().optional(),
    }),
    environment: z.object({
      hostname: name("hostname"),
      os: name("os"),
      osRelease: z.string().max(200).default(""),
      arch: name("arch"),
      cpuModel: z.string().trim().min(1).max(300),
      logicalCores: z.number().int().min(1).max(100_000),
      memoryBytes: z.number().int().min(0),
      runtime: name("runtime"),
      runtimeVersion: name("runtime version"),
      v8Version: z.string().max(100).default(""),
    }),
    status: z.enum(["succeeded", "failed", "cancelled"], { message: "allowed: succeeded, failed, cancelled" }),
    error: z.string().max(10_000).nullable().default(null),
    startedAt: z.iso.datetime({ offset: true, message: "allowed: an ISO 8601 date-time" }),
    finishedAt: z.iso.datetime({ offset: true, message: "allowed: an ISO 8601 date-time" }),
    cells: z
      .array(
        z.object({
          mode: name("mode"),
          threads: z.number().int().min(1).max(100_000),
          tasks: z.number().int().min(1).max(10_000_000),
          status: z.enum(["succeeded", "failed", "cancelled"], { message: "allowed: succeeded, failed, cancelled" }),
          error: z.string().max(10_000).nullable().default(null),
          samples: z
            .array(
              z.object({
                index: z.number().int().min(0),
                wallMs: finite.min(0),
                cpuMs: finite.min(0).nullable().default(null),
                taskDurationsMs: z.array(finite).max(100_000).default([]),
                checksum: z.string().max(200).default(""),
              }),
            )
            .max(100_000),
          wall: summary,
          cpu: summary.default(null),
          setupMs: finite.nullable().default(null),
          speedup: finite.nullable().default(null),
          efficiency: finite.nullable().default(null),
          checksum: z.string().max(200).nullable().default(null),
          expectedChecksum: z.string().max(200).nullable().default(null),
          checksumStatus: z
            .enum(["baseline", "match", "mismatch", "unchecked"], { message: "allowed: baseline, match, mismatch, unchecked" })
            .default("unchecked"),
        }),
      )
      .max(1_000),
  })
  .superRefine((document, context) => {
    if (Date.parse(document.finishedAt) < Date.parse(document.startedAt)) {
      context.addIssue({ code: "custom", path: ["finishedAt"], message: "must not be before startedAt" });
    }
    const seen = new Set<string>();
    document.cells.forEach((cell, index) => {
      const key = `${cell.mode}/${cell.threads}`;
      if (seen.has(key)) context.addIssue({ code: "custom", path: ["cells", index], message: `a second cell for ${key} (allowed: one cell per mode and thread count)` });
      seen.add(key);
    });
  });

/** Validates an ingest document (every problem with its path) and stores it. */
export async function ingestRunDocument(
  database: Database,
  input: unknown,
  requestedBy: string,
): Promise<{ run: StoredRun; created: boolean }> {
  const parsed = ingestDocumentSchema.safeParse(input);
  if (!parsed.success) throw new UserInputError(fieldIssues(parsed.error.issues, "input"));
  const document = parsed.data;
  const plan = document.plan;
  return storeFinishedRun(database, {
    plan: {
      workloadId: plan.workloadId,
      params: plan.params as never,
      paramsKey: parametersKey(plan.workloadId, plan.params),
      modes: plan.modes,
      threads: plan.threads,
      repetitions: plan.repetitions,
      warmups: plan.warmups,
      scaling: plan.scaling,
      taskTimeoutMs: plan.taskTimeoutMs ?? null,
      maxHeapMb: plan.maxHeapMb ?? null,
    },
    status: document.status,
    error: document.error,
    source: "ingested",
    commitSha: document.commitSha?.toLowerCase() ?? null,
    branch: document.branch ?? null,
    labels: [...new Set(document.labels ?? [])].sort(),
    idempotencyKey: document.idempotencyKey ?? null,
    seeded: false,
    requestedBy,
    environment: document.environment,
    testbed: document.environment,
    startedAt: new Date(document.startedAt),
    finishedAt: new Date(document.finishedAt),
    cells: document.cells.map((cell) => ({ ...cell, setupMs: cell.setupMs, sharedMemory: null, samples: cell.samples })),
  });
}
