import { executionModes, planLimits, type RunResult, scalingKinds } from "@threadbench/core";
import { z } from "zod";
import { cellSchema } from "../agent/protocol.js";
import { commitSubject } from "../db/git-info.js";
import { dateRangeMessage, isStorableDateText, projectRule } from "../db/input-bounds.js";
import { planCellIssues } from "../db/plan-cells.js";
import { storeRunResult } from "../db/run-repository.js";
import type { MutationResolvers } from "../generated/graphql.js";
import { requireScope } from "../services/auth.js";
import type { GraphQLContext } from "./context.js";
import { branchSchema, commitMessageSchema, commitShaSchema, labelsSchema, validate } from "./inputs.js";
import type { RegressionModel, RunModel } from "./models.js";

/** What `recordRun` answers (codegen mapper of RecordRunPayload). */
export interface RecordRunPayloadModel {
  run: RunModel;
  created: boolean;
  regressions: RegressionModel[];
}

/*
 * `recordRun`: a run that `threadbench run --server` executed on its own machine (the
 * benchmark machine), stored exactly as the runner produced it, through the same
 * storeRunResult the CLI uses on a local database. The ingest format v1 cannot carry what
 * makes it the same run: the runner's environment (a CPython testbed's GIL state, and so
 * its fingerprint), the project and workload module (both in the series key), the
 * runner's own speedups (medians of per-repetition ratios) and its shared-memory reports.
 * Validated here field by field: the document comes from the network.
 */

const text = (maximum: number) => z.string().max(maximum, `allowed: at most ${maximum} characters`);
const name = (maximum: number) =>
  z
    .string()
    .trim()
    .min(1, `allowed: 1 to ${maximum} characters`)
    .max(maximum, `allowed: 1 to ${maximum} characters`);
const integer = (minimum: number, maximum: number) =>
  z
    .number()
    .int(`allowed: an integer from ${minimum} to ${maximum}`)
    .min(minimum, `allowed: an integer from ${minimum} to ${maximum}`)
    .max(maximum, `allowed: an integer from ${minimum} to ${maximum}`);
const isoDate = z.iso
  .datetime({
    offset: true,
    error: 'allowed: an ISO 8601 date-time, e.g. "2026-01-31T12:00:00Z"',
  })
  // Year 0000 parses, and PostgreSQL refuses it: only dates both databases store.
  .refine(isStorableDateText, { error: dateRangeMessage });

const planSchema = z.object({
  workloadId: name(200),
  workloadModule: z
    .object({ file: text(4096).optional(), relativePath: name(1024), hash: name(128) })
    .optional(),
  runtime: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("node") }),
      z.object({ kind: z.literal("python"), executable: name(4096) }),
    ])
    .optional(),
  params: z.record(z.string().max(200), z.unknown()),
  modes: z.array(z.enum(executionModes)).min(1).max(executionModes.length),
  threads: z.array(integer(1, planLimits.maxThreads)).min(1).max(planLimits.maxThreadCounts),
  repetitions: integer(1, planLimits.maxRepetitions),
  warmups: integer(0, planLimits.maxWarmups),
  scaling: z.enum(scalingKinds),
  taskTimeoutMs: integer(planLimits.minTaskTimeoutMs, planLimits.maxTaskTimeoutMs),
  maxHeapMb: integer(planLimits.minHeapMb, planLimits.maxHeapMb),
});

const environmentSchema = z.object({
  hostname: name(256),
  os: name(64),
  osRelease: text(256),
  arch: name(64),
  cpuModel: name(256),
  logicalCores: integer(1, 65_536),
  memoryBytes: z.number().finite().min(0),
  runtime: name(64),
  runtimeVersion: name(64),
  v8Version: text(64).nullable(),
  gilEnabled: z.boolean().nullable().optional(),
  freeThreadedBuild: z.boolean().nullable().optional(),
  runtimeExecutable: text(4096).nullable().optional(),
  pythonGil: text(64).nullable().optional(),
});

/** A runner's RunResult as `threadbench run --server` sends it. */
export const recordedRunSchema = z
  .object({
    plan: planSchema,
    environment: environmentSchema,
    status: z.enum(["succeeded", "failed", "cancelled"]),
    error: text(10_000).nullable(),
    startedAt: isoDate,
    finishedAt: isoDate,
    cells: z.array(cellSchema).max(planLimits.maxThreadCounts * executionModes.length),
  })
  .superRefine((result, context) => {
    for (const issue of planCellIssues(result.plan, result.cells)) {
      context.addIssue({ code: "custom", path: ["cells", ...issue.path], message: issue.message });
    }
    if (Date.parse(result.finishedAt) < Date.parse(result.startedAt)) {
      context.addIssue({
        code: "custom",
        path: ["finishedAt"],
        message: "allowed: a date-time not before startedAt",
      });
    }
  });

const projectSchema = projectRule;
const idempotencyKeySchema = name(200);

export const recordRunMutationResolvers: Pick<MutationResolvers<GraphQLContext>, "recordRun"> = {
  recordRun: async (_parent, args, context): Promise<RecordRunPayloadModel> => {
    const requestedBy = requireScope(context, "ingest");
    const result = validate(recordedRunSchema, args.result, "result") as RunResult;
    const { run, created } = await storeRunResult(context.database, result, {
      commitSha: args.commitSha != null ? validate(commitShaSchema, args.commitSha, "commitSha") : null,
      commitMessage:
        args.commitMessage != null
          ? commitSubject(validate(commitMessageSchema, args.commitMessage, "commitMessage"))
          : null,
      branch: args.branch != null ? validate(branchSchema, args.branch, "branch") : null,
      labels: args.labels != null ? validate(labelsSchema, args.labels, "labels") : [],
      ...(args.project != null ? { project: validate(projectSchema, args.project, "project") } : {}),
      idempotencyKey:
        args.idempotencyKey != null
          ? validate(idempotencyKeySchema, args.idempotencyKey, "idempotencyKey")
          : null,
      requestedBy,
    });
    if (!created) return { run, created, regressions: [] };
    context.events.publishEvent({
      kind: run.status === "succeeded" ? "succeeded" : run.status === "failed" ? "failed" : "cancelled",
      runId: run.id,
      status: run.status,
      at: new Date(),
    });
    // The run is stored; the check never throws (a failure is logged, the run stands).
    const regressions = await context.regressionChecks.check(run.id);
    return { run, created, regressions };
  },
};
