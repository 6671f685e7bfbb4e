import { type ChildProcess, fork } from "node:child_process";
import { runnerEntryPoint } from "./entry-points.js";
import type { ProbePayload, TaskOutcome, TaskPayload } from "./task.js";
import type { WorkloadModuleRef } from "./workload-module.js";
import { youngGenerationFlags } from "./young-generation.js";

interface Pending {
  resolve: (outcome: TaskOutcome) => void;
  reject: (error: Error) => void;
  member: Member;
}

interface Member {
  child: ChildProcess;
  busy: boolean;
}

type ChildMessage =
  | { ready: true }
  | { ready: false; error: string }
  | { id: number; ok: true; outcome: TaskOutcome }
  | { id: number; ok: false; error: string };

export interface ProcessPoolOptions {
  size: number;
  /** V8 old-space limit of each child, in MiB. */
  maxHeapMb: number;
  /** A workload module every child loads before it reports ready (module runs only). */
  workloadModule?: WorkloadModuleRef;
  /** Semi-space size of every child, in MiB (see young-generation.ts). */
  semiSpaceMb?: number;
}

/**
 * A fixed-size pool of Node processes: the multiprocessing row of the experiment.
 * One task per process at a time. A process that dies fails its task with the
 * exit code or signal and poisons the pool: the caller closes it and, for the next
 * cell, starts a new one.
 */
export class ProcessPool {
  private readonly members: Member[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: Array<() => void> = [];
  private nextId = 1;
  private closed = false;
  private failure: Error | null = null;

  private constructor() {}

  /** Spawns the processes and resolves once every one has loaded the workloads. */
  static async start(options: ProcessPoolOptions, signal?: AbortSignal): Promise<ProcessPool> {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new TypeError("options.size must be a positive integer");
    }
    const pool = new ProcessPool();
    const entry = runnerEntryPoint("child");
    const ready = Array.from({ length: options.size }, () => {
      const child = fork(entry, options.workloadModule ? [JSON.stringify(options.workloadModule)] : [], {
        serialization: "advanced",
        execArgv: [
          `--max-old-space-size=${options.maxHeapMb}`,
          ...(options.semiSpaceMb === undefined ? [] : youngGenerationFlags(options.semiSpaceMb)),
        ],
        // stderr is piped (and passed on) so that a child dying, e.g. at load, can say why.
        stdio: ["ignore", "inherit", "pipe", "ipc"],
      });
      const stderr = keepStderrTail(child);
      const member: Member = { child, busy: true };
      pool.members.push(member);
      return new Promise<void>((resolve, reject) => {
        child.on("message", (message: ChildMessage) => {
          if ("ready" in message) {
            if (!message.ready) return reject(new Error(message.error));
            member.busy = false;
            resolve();
            return;
          }
          pool.settle(message);
        });
        child.on("error", (error) => reject(error));
        // "close", not "exit": by then everything the child wrote to stderr has arrived.
        child.on("close", (code, exitSignal) => {
          const cause = stderr.cause();
          const error = new Error(
            `child process ${child.pid} exited (${exitSignal ? `signal ${exitSignal}` : `code ${code}`})${cause ? `: ${cause}` : ""}`,
          );
          reject(error);
          pool.memberDied(member, error);
        });
      });
    });
    const onAbort = () => pool.close();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await Promise.all(ready);
    } catch (error) {
      pool.close();
      throw error;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    if (signal?.aborted) throw signal.reason;
    return pool;
  }

  get size(): number {
    return this.members.length;
  }

  /** Runs a payload on the next idle process. Rejects if the process dies or the signal aborts. */
  async run(payload: TaskPayload | ProbePayload, signal?: AbortSignal): Promise<TaskOutcome> {
    const member = await this.acquire();
    const id = this.nextId++;
    return new Promise<TaskOutcome>((resolve, reject) => {
      const onAbort = () => {
        // A child cannot be interrupted mid-loop: kill it. The pool is spent.
        this.fail(signal?.reason instanceof Error ? signal.reason : new Error("task aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const release = () => {
        signal?.removeEventListener("abort", onAbort);
        member.busy = false;
        this.waiting.shift()?.();
      };
      this.pending.set(id, {
        member,
        resolve: (outcome) => {
          release();
          resolve(outcome);
        },
        reject: (error) => {
          release();
          reject(error);
        },
      });
      if (signal?.aborted) return onAbort();
      member.child.send({ id, payload }, (error) => {
        if (!error) return;
        // A child that died after its last answer (EPIPE, channel closed): its "close"
        // handler rejects this task with why it died (exit code, stderr), where the bare
        // "write EPIPE" said nothing. Any other failure to send is this task's.
        const gone =
          !member.child.connected ||
          member.child.exitCode !== null ||
          member.child.signalCode !== null ||
          ["EPIPE", "ECONNRESET", "ERR_IPC_CHANNEL_CLOSED"].includes(
            (error as NodeJS.ErrnoException).code ?? "",
          );
        if (!gone) {
          this.pending.get(id)?.reject(error);
          return;
        }
        // Should its "close" never come, the task still ends.
        setTimeout(() => this.pending.get(id)?.reject(error), 5_000).unref();
      });
    });
  }

  /** Kills every process; pending tasks reject. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error("process pool closed"));
  }

  private async acquire(): Promise<Member> {
    for (;;) {
      if (this.failure) throw this.failure;
      const idle = this.members.find((member) => !member.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private settle(message: Exclude<ChildMessage, { ready: boolean }>): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.outcome);
    else pending.reject(new Error(message.error));
  }

  private memberDied(member: Member, error: Error): void {
    for (const [id, pending] of this.pending) {
      if (pending.member === member) {
        this.pending.delete(id);
        pending.reject(error);
      }
    }
    if (!this.closed) this.fail(error);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const member of this.members) {
      if (member.child.exitCode === null && member.child.signalCode === null) member.child.kill("SIGKILL");
    }
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(error);
    }
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/** Characters of a child's stderr kept to explain its death. */
const stderrTailCharacters = 8_192;

/**
 * Passes a child's stderr on to ours and keeps its end. `cause()` is what explains an
 * exit: the last lines that are not stack frames, the source excerpt or Node's version
 * banner (e.g. "Error: Cannot find module ..." or V8's "FATAL ERROR: ... heap limit").
 */
function keepStderrTail(child: ChildProcess): { cause(): string } {
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    tail = (tail + chunk.toString("utf8")).slice(-stderrTailCharacters);
  });
  return {
    cause() {
      const lines = tail
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line && !/^at\s/.test(line) && !/^\^+$/.test(line) && !/^Node\.js v\d/.test(line));
      return lines.slice(-4).join(" / ").slice(-1_000);
    },
  };
}
