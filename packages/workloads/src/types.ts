import type { z } from "zod";

/** A half-open range `[start, end)` of a workload's units of work. */
export interface UnitRange {
  start: number;
  end: number;
}

/** What a task knows about the cell it runs in. */
export interface TaskContext {
  /** Position of this task within its repetition, 0-based. */
  taskIndex: number;
  /**
   * How many tasks of the repetition run at the same time. 1 on the main thread
   * (sequential, event-loop); the thread count in the pool modes. Workloads that
   * synchronise tasks (shared-counter's start barrier) must never wait for more.
   */
  parties: number;
  /** Memory shared by all tasks of one repetition, from `createShared`. */
  shared?: SharedArrayBuffer;
}

/**
 * One task in progress. `step` does at most `maxUnits` units and keeps its running
 * state, so a task sliced into many steps computes bit-for-bit what one
 * `step(Infinity)` computes: that is what lets every mode be checked against the
 * same checksum.
 */
export interface TaskState<TPartial> {
  /** Advance by at most `maxUnits` units; returns true once the range is done. */
  step(maxUnits: number): boolean;
  /** The task's partial result; only meaningful once `step` returned true. */
  result(): TPartial;
}

/** Observed totals of a shared-memory experiment, one row per variant. */
export interface SharedMemoryReport {
  variant: string;
  expected: number;
  observed: number;
  lostUpdates: number;
}

/** Description of one parameter, derived from the zod schema for forms and help. */
export interface ParameterDescription {
  name: string;
  type: "integer" | "number" | "enum" | "boolean";
  description: string;
  default: number | string | boolean;
  minimum?: number;
  maximum?: number;
  unit?: string;
  options?: string[];
}

/** Checksum, and for shared-memory workloads what each variant observed. */
export interface CombinedResult {
  checksum: string;
  sharedMemory?: SharedMemoryReport[];
}

/**
 * A named CPU task. Pure and deterministic: the same parameters and ranges always
 * give the same partial results, on any thread or process.
 */
export interface Workload<TSchema extends z.ZodObject = z.ZodObject, TPartial = unknown> {
  id: string;
  title: string;
  /** One paragraph: what it computes and what shape of CPU work it represents. */
  description: string;
  parameters: TSchema;
  /** Name of one unit of work, plural (e.g. "iterations", "rows", "pixels"). */
  unitName: string;
  /** True when tasks must share memory (cannot run in separate processes). */
  requiresSharedMemory?: boolean;
  /** Units of work in one full-size task. */
  units(params: z.output<TSchema>): number;
  createTask(params: z.output<TSchema>, range: UnitRange, context: TaskContext): TaskState<TPartial>;
  /** Combine the partials of one repetition, in task order, into its checksum. */
  combine(params: z.output<TSchema>, partials: TPartial[], shared?: SharedArrayBuffer): CombinedResult;
  /** Memory shared by the tasks of one repetition. */
  createShared?(params: z.output<TSchema>, taskCount: number): SharedArrayBuffer;
}

/** A workload with its parameter and partial types erased, as the registry holds it. */
// biome-ignore lint/suspicious/noExplicitAny: the registry is heterogeneous by design
export type AnyWorkload = Workload<z.ZodObject, any>;
