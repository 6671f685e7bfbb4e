import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Who holds the lock: written into the lock file. */
export interface LockHolder {
  pid: number;
  description: string;
  since: string;
}

export interface MachineLock {
  release(): void;
}

export interface AcquireOptions {
  /** What the holder is doing, shown to whoever waits (e.g. "threadbench run sum-squares"). */
  description: string;
  /** Called once when the lock is busy and this process starts waiting. */
  onWait?: (holder: LockHolder) => void;
  signal?: AbortSignal;
  /** Directory of the lock file; default the OS temp directory (one lock per machine). */
  directory?: string;
  pollMs?: number;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockHolder;
  } catch {
    return null;
  }
}

/**
 * One benchmark at a time per machine: two runs sharing cores measure nothing. The
 * CLI and the API's queue both take this lock (an exclusively created file holding the
 * owner's pid) around executing a run. A lock left by a process that died is taken
 * over; the same process may hold it only once.
 */
export async function acquireMachineLock(options: AcquireOptions): Promise<MachineLock> {
  const path = join(options.directory ?? tmpdir(), "threadbench-runner.lock");
  let waiting = false;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const descriptor = openSync(path, "wx", 0o644);
      const holder: LockHolder = {
        pid: process.pid,
        description: options.description,
        since: new Date().toISOString(),
      };
      writeSync(descriptor, JSON.stringify(holder));
      closeSync(descriptor);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (readHolder(path)?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readHolder(path);
    if (!holder || !processIsAlive(holder.pid)) {
      // Left by a crashed process (or half-written by one): take it over.
      try {
        unlinkSync(path);
      } catch {
        // someone else took it over first; try again
      }
      continue;
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(holder);
    }
    try {
      await sleep(options.pollMs ?? 250, undefined, options.signal ? { signal: options.signal } : {});
    } catch (error) {
      // timers/promises rejects with a generic AbortError; callers want their reason.
      throw options.signal?.reason ?? error;
    }
  }
}
