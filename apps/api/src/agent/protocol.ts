import { hostname } from "node:os";
import { executionModes, planLimits } from "@threadbench/core";
import { z } from "zod";
import { maxTimingMs, timingRangeMessage } from "../db/input-bounds.js";

// The agents' protocol: the GraphQL operations an agent sends over its one WebSocket
// (graphql-ws), and the shapes of the JSON it delivers. The server validates every
// payload with these schemas (an agent token is input like any other); the agent builds
// them from the runner's own types.

export const agentProtocolVersion = 1;

export const registerAgentMutation = `mutation RegisterAgent($input: AgentRegistrationInput!) {
  registerAgent(input: $input) { agent { id name labels testbed { fingerprint } } leaseSeconds heartbeatIntervalMs }
}`;

export const claimRunMutation = `mutation ClaimRun($sessionId: ID!) {
  claimRun(sessionId: $sessionId) { run { id workloadId } plan }
}`;

export const agentHeartbeatMutation = `mutation AgentHeartbeat($sessionId: ID!, $runId: ID, $progress: JSON) {
  agentHeartbeat(sessionId: $sessionId, runId: $runId, progress: $progress) { cancelRequested claimLost }
}`;

export const storeAgentCellMutation = `mutation StoreAgentCell($sessionId: ID!, $runId: ID!, $cell: JSON!) {
  storeAgentCell(sessionId: $sessionId, runId: $runId, cell: $cell) { created }
}`;

export const finishAgentRunMutation = `mutation FinishAgentRun($sessionId: ID!, $runId: ID!, $result: JSON!) {
  finishAgentRun(sessionId: $sessionId, runId: $runId, result: $result) { created run { id status } }
}`;

export const disconnectAgentMutation = `mutation DisconnectAgent($sessionId: ID!) {
  disconnectAgent(sessionId: $sessionId)
}`;

export const agentSignalsSubscription = `subscription AgentSignals($sessionId: ID!) {
  agentSignals(sessionId: $sessionId) { kind runId }
}`;

export interface RegisterAgentData {
  registerAgent: {
    agent: { id: string; name: string; labels: string[]; testbed: { fingerprint: string } | null };
    leaseSeconds: number;
    heartbeatIntervalMs: number;
  };
}
export interface ClaimRunData {
  claimRun: { run: { id: string; workloadId: string }; plan: unknown } | null;
}
export interface AgentHeartbeatData {
  agentHeartbeat: { cancelRequested: boolean; claimLost: string | null };
}
export interface StoreAgentCellData {
  storeAgentCell: { created: boolean };
}
export interface FinishAgentRunData {
  finishAgentRun: { created: boolean; run: { id: string; status: string } };
}
export interface AgentSignalsData {
  agentSignals: { kind: "WORK_AVAILABLE" | "CANCEL_RUN"; runId: string | null };
}

// ---- payload schemas ----------------------------------------------------------------

const text = (maximum: number) => z.string().max(maximum, `allowed: at most ${maximum} characters`);
/** A timing of a cell, in ms: at most maxTimingMs, the bound of every other edge that stores one. */
const duration = z.number().finite().min(0).max(maxTimingMs, timingRangeMessage);
const nullableNumber = z.number().finite().nullable();
const nullableTiming = z.number().finite().max(maxTimingMs, timingRangeMessage).nullable();

/** Agent names: what the Machines page shows and `--name` takes. */
export const agentNameSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    "allowed: 1 to 64 of A-Z a-z 0-9 . _ - (starting with a letter or digit)",
  );

/** The agent's default name: the hostname, reduced to the characters names allow. */
export function defaultAgentName(): string {
  const name = hostname()
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 64);
  return name || "agent";
}

export const sessionIdSchema = z.string().uuid("allowed: a UUID (random per agent process)");

export const environmentSchema = z.object({
  hostname: text(256),
  os: text(64),
  osRelease: text(256),
  arch: text(64),
  cpuModel: text(256),
  logicalCores: z.number().int().min(1).max(65_536),
  memoryBytes: z.number().finite().min(0),
  runtime: text(64),
  runtimeVersion: text(64),
  // null on CPython runs; the four below are what the CPython harness reports.
  v8Version: text(64).nullable(),
  gilEnabled: z.boolean().nullable().optional(),
  freeThreadedBuild: z.boolean().nullable().optional(),
  runtimeExecutable: text(4096).nullable().optional(),
  pythonGil: text(64).nullable().optional(),
});

const summarySchema = z.object({
  count: z.number().int().min(0),
  min: z.number().finite(),
  max: z.number().finite(),
  median: z.number().finite(),
  mean: z.number().finite(),
  stddev: z.number().finite(),
  cv: z.number().finite(),
});

const sharedMemorySchema = z
  .array(
    z.object({
      variant: text(64),
      expected: z.number().finite(),
      observed: z.number().finite(),
      lostUpdates: z.number().finite(),
    }),
  )
  .max(16);

/** One finished cell, as the runner's CellResult. */
export const cellSchema = z.object({
  mode: z.enum(executionModes, { message: `allowed: ${executionModes.join(", ")}` }),
  threads: z.number().int().min(1).max(planLimits.maxThreads),
  tasks: z.number().int().min(1).max(planLimits.maxThreads),
  status: z.enum(["succeeded", "failed", "cancelled"]),
  error: text(10_000).nullable(),
  samples: z
    .array(
      z.object({
        index: z.number().int().min(0).max(planLimits.maxRepetitions),
        wallMs: duration,
        cpuMs: nullableTiming,
        taskDurationsMs: z.array(duration).max(planLimits.maxThreads),
        checksum: text(256),
        sharedMemory: sharedMemorySchema.optional(),
      }),
    )
    .max(planLimits.maxRepetitions),
  wall: summarySchema.nullable(),
  cpu: summarySchema.nullable(),
  setupMs: nullableTiming,
  // Agents older than the per-task probe do not send it.
  taskOverheadMs: nullableTiming.default(null),
  speedup: nullableNumber,
  efficiency: nullableNumber,
  checksum: text(256).nullable(),
  expectedChecksum: text(256).nullable(),
  checksumStatus: z.enum(["baseline", "match", "mismatch", "unchecked"]),
  sharedMemory: sharedMemorySchema.nullable(),
});
export type AgentCell = z.output<typeof cellSchema>;

/** Progress of the run an agent executes (the runner's RunProgress). */
export const progressSchema = z.object({
  cellsDone: z.number().int().min(0),
  cellsTotal: z.number().int().min(0),
  stepsDone: z.number().int().min(0),
  stepsTotal: z.number().int().min(0),
  currentCell: z
    .object({ mode: z.enum(executionModes), threads: z.number().int().min(1).max(planLimits.maxThreads) })
    .nullable(),
  elapsedMs: duration,
  etaMs: duration.nullable(),
});

/** The end of a claimed run: its outcome, the environment it ran in, and every cell. */
export const resultSchema = z.object({
  status: z.enum(["succeeded", "failed", "cancelled"]),
  error: text(10_000).nullable(),
  environment: environmentSchema,
  cells: z.array(cellSchema).max(planLimits.maxThreadCounts * executionModes.length),
});
export type AgentResult = z.output<typeof resultSchema>;
