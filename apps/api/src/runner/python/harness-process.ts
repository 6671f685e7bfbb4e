import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { SharedMemoryReport } from "@threadbench/workloads";
import { allowedRuntimesText, harnessDirectory, minimumPythonVersion } from "./python-runtime.js";

/** The harness protocol this driver speaks (PROTOCOL_VERSION in threadbench_harness). */
const protocolVersion = 1;
/** Exit status of the harness on an interpreter older than the minimum (EX_CONFIG). */
const tooOldExitCode = 78;
/** Last bytes of the harness's stderr kept for error messages. */
const stderrTailBytes = 8 * 1024;
/** After an exit, how long stderr may still deliver the cause before the error is raised. */
const stderrGraceMs = 250;
/** An interpreter that has not answered `hello` by then is not going to. */
const defaultStartTimeoutMs = 30_000;

/** The interpreter, as the harness describes it (runtime_info.py). */
export interface PythonRuntimeInfo {
  protocolVersion: number;
  /** "cpython" (or "pypy", ...): platform.python_implementation(), lower case. */
  implementation: string;
  /** platform.python_version(), e.g. "3.13.1". */
  version: string;
  gilEnabled: boolean;
  freeThreadedBuild: boolean;
  /** sys.executable: the interpreter that really ran, whatever name it was started by. */
  executable: string;
  /** PYTHON_GIL as the harness saw it, or null. */
  pythonGil: string | null;
  switchIntervalMs: number;
  cpuCount: number | null;
  pid: number;
}

/** One repetition as the harness measured it. */
export interface PythonRepetition {
  wallMs: number;
  cpuMs: number | null;
  taskDurationsMs: number[];
  checksum: string;
  sharedMemory: SharedMemoryReport[] | null;
  gilEnabled: boolean;
}

/** The interpreter cannot be used: missing, not executable, too old, or died. */
export class PythonRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PythonRuntimeError";
  }
}

/** A request outlived its deadline; the harness was killed to stop it. */
export class PythonTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TimeoutError";
  }
}

interface Pending {
  resolve: (body: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

export interface StartHarnessOptions {
  /** `python3`, `python3.13t` (looked up on PATH) or a path. */
  executable: string;
  signal?: AbortSignal;
  /** Environment of the interpreter; default this process's. PYTHONPATH is prefixed. */
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

/**
 * One long-lived `python -m threadbench_harness` process spoken to over its stdin and
 * stdout, one JSON object per line. Started in its own process group so that killing it
 * also kills its multiprocessing pool. Every way it can fail becomes an error that says
 * which interpreter and why, with the tail of its stderr.
 */
export class PythonHarness {
  #runtime: PythonRuntimeInfo | null = null;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #executable: string;
  readonly #pending = new Map<number, Pending>();
  #stderr = "";
  #nextId = 1;
  #exit: Error | null = null;
  readonly #exited: Promise<void>;

  private constructor(child: ChildProcessWithoutNullStreams, executable: string) {
    this.#child = child;
    this.#executable = executable;
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /** Spawns the interpreter and waits for its `hello`. */
  static async start(options: StartHarnessOptions): Promise<PythonHarness> {
    options.signal?.throwIfAborted();
    const directory = harnessDirectory();
    const env = { ...(options.env ?? process.env) };
    env.PYTHONPATH = env.PYTHONPATH ? `${directory}${path.delimiter}${env.PYTHONPATH}` : directory;
    // Line-buffered protocol either way; unbuffered stderr keeps a crash's last words.
    env.PYTHONUNBUFFERED = "1";
    const child = spawn(options.executable, ["-m", "threadbench_harness"], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    const harness = new PythonHarness(child, options.executable);
    harness.#wire();
    const spawned = new Promise<void>((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", (error: NodeJS.ErrnoException) => reject(harness.#spawnError(error)));
    });
    const onAbort = () => harness.kill();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await spawned;
      const hello = await harness.request(
        "hello",
        {},
        { timeoutMs: options.startTimeoutMs ?? defaultStartTimeoutMs },
      );
      const runtime = hello.runtime as PythonRuntimeInfo;
      if (runtime?.protocolVersion !== protocolVersion) {
        throw new PythonRuntimeError(
          `${options.executable}: the harness speaks protocol ${String(runtime?.protocolVersion)}, this threadbench speaks ${protocolVersion}`,
        );
      }
      harness.#runtime = runtime;
      return harness;
    } catch (error) {
      harness.kill();
      if (options.signal?.aborted) throw options.signal.reason;
      throw error;
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The interpreter, as it described itself when it started. */
  get runtime(): PythonRuntimeInfo {
    if (!this.#runtime) throw new Error("the python harness has not said hello yet");
    return this.#runtime;
  }

  /** False once the process exited or was killed. */
  get alive(): boolean {
    return this.#exit === null;
  }

  /**
   * Sends one request and resolves with the response's fields. Rejects with the
   * harness's own error message (`ok: false`), a PythonRuntimeError when the process
   * dies, a PythonTimeoutError after `timeoutMs` or the signal's reason on abort; in the
   * last two cases the process is killed (a Python thread cannot be interrupted).
   */
  request(
    op: string,
    body: Record<string, unknown>,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<Record<string, unknown>> {
    if (this.#exit) return Promise.reject(this.#exit);
    const id = this.#nextId++;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        settle.reject(options.signal?.reason instanceof Error ? options.signal.reason : new Error("aborted"));
        this.kill();
      };
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        this.#pending.delete(id);
      };
      const settle: Pending = {
        resolve: (response) => {
          cleanup();
          resolve(response);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      this.#pending.set(id, settle);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          settle.reject(
            new PythonTimeoutError(
              `${op} did not finish within ${options.timeoutMs} ms; the harness was stopped`,
            ),
          );
          this.kill();
        }, options.timeoutMs);
      }
      this.#child.stdin.write(`${JSON.stringify({ id, op, ...body })}\n`);
    });
  }

  /** One repetition of one cell. */
  async repeat(
    body: {
      workload: string;
      params: Record<string, unknown>;
      mode: string;
      ranges: Array<[number, number]>;
    },
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<PythonRepetition> {
    return (await this.request("repeat", body, options)) as unknown as PythonRepetition;
  }

  /** Kills the interpreter and everything it started (its process group). */
  kill(): void {
    const pid = this.#child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone: nothing to kill.
    }
  }

  /** Ends the conversation: stdin closes, the harness stops its pool and exits; killed after a grace period. */
  async close(graceMs = 3_000): Promise<void> {
    if (this.#exit) {
      this.kill();
      return;
    }
    this.#child.stdin.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.#exited;
    clearTimeout(timer);
    // Pool processes that outlived the harness (they exit on their own at EOF).
    this.kill();
  }

  /** The last lines the interpreter wrote to stderr. */
  stderrTail(): string {
    return this.#stderr.trim();
  }

  #wire(): void {
    const child = this.#child;
    child.stdin.on("error", () => {
      // EPIPE when the interpreter died: the exit handler reports why.
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-stderrTailBytes);
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => this.#onLine(line));
    child.once("exit", (code, signal) => {
      const stderrDone = new Promise<void>((resolve) => {
        if (child.stderr.readableEnded) resolve();
        child.stderr.once("end", () => resolve());
        setTimeout(resolve, stderrGraceMs).unref();
      });
      void stderrDone.then(() => {
        this.#exit = this.#exitError(code, signal);
        for (const pending of [...this.#pending.values()]) pending.reject(this.#exit);
        // Pool processes of a harness that crashed are orphans of its group.
        this.kill();
      });
    });
  }

  #onLine(line: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    // Anything but a JSON object (text, or `null` or `42` printed by a wrapper script
    // before it execs python) is not the harness speaking: kept for the error message.
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      this.#stderr = `${this.#stderr}\n(stdout) ${line}`.slice(-stderrTailBytes);
      return;
    }
    const message = parsed as { id?: number; ok?: boolean; error?: string; traceback?: string } & Record<
      string,
      unknown
    >;
    const pending = typeof message.id === "number" ? this.#pending.get(message.id) : undefined;
    if (!pending) return;
    if (message.ok) {
      const { id: _id, ok: _ok, ...body } = message;
      pending.resolve(body);
    } else {
      const detail = message.traceback ? `\n${message.traceback.trim()}` : "";
      pending.reject(new Error(`${message.error ?? "the harness reported an unknown error"}${detail}`));
    }
  }

  #spawnError(error: NodeJS.ErrnoException): PythonRuntimeError {
    const name = this.#executable;
    if (error.code === "ENOENT") {
      return new PythonRuntimeError(
        `runtime "${name}" was not found (${name.includes("/") ? "no such file" : "not on PATH"}); install Python >= ${minimumPythonVersion} or name another (allowed: ${allowedRuntimesText})`,
      );
    }
    if (error.code === "EACCES") {
      return new PythonRuntimeError(`runtime "${name}" is not executable (${error.message})`);
    }
    return new PythonRuntimeError(`runtime "${name}" could not be started: ${error.message}`);
  }

  #exitError(code: number | null, signal: NodeJS.Signals | null): PythonRuntimeError {
    const name = this.#executable;
    const stderr = this.stderrTail();
    if (code === tooOldExitCode) {
      return new PythonRuntimeError(
        `runtime "${name}" is too old: ${stderr || `threadbench's harness needs Python >= ${minimumPythonVersion}`}`,
      );
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    return new PythonRuntimeError(
      `the python harness (${name}) ${how}${stderr ? `; its stderr:\n${stderr}` : " and wrote nothing to stderr"}`,
    );
  }
}
