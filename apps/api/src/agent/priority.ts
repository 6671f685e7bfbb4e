import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/** The `--nice` the local agent of `npm start` runs with (it shares its cores with the API). */
export const localAgentNice = 10;

/** Allowed `--nice` values: 0 (the default: a dedicated benchmark machine) to 19 (lowest). */
export const niceRange = { min: 0, max: 19 } as const;

/**
 * Lowers the OS scheduling priority of this whole process to `nice` (0 to 19; a thread
 * already at that value or lower in priority is left as it is). Called
 * before the agent starts any work, so the run's worker thread, its piscina threads and
 * its child processes inherit it.
 *
 * `os.setPriority(pid)` alone is not enough on Linux: there the nice value is a
 * per-thread attribute (setpriority(2), "BUGS"), so it changes only the main thread,
 * and threads started before it (V8's platform threads, which also do the garbage
 * collection of the run's worker threads; libuv's pool) would keep priority 0. Each
 * thread id listed in /proc/self/task is set instead. Elsewhere the call is per process.
 * Returns the number of threads changed.
 */
export function lowerProcessPriority(nice: number): number {
  if (!Number.isInteger(nice) || nice < niceRange.min || nice > niceRange.max) {
    throw new RangeError(
      `nice must be an integer from ${niceRange.min} to ${niceRange.max} (got ${String(nice)})`,
    );
  }
  let threadIds: number[] = [];
  if (process.platform === "linux") {
    try {
      threadIds = readdirSync("/proc/self/task").map(Number).filter(Number.isInteger);
    } catch {
      threadIds = [];
    }
  }
  // Only ever lowers: an agent started under `nice -n 15` keeps 15 (raising it back would
  // also need privileges).
  if (threadIds.length === 0) {
    if (getPriority() >= nice) return 0;
    setPriority(nice);
    return 1;
  }
  let changed = 0;
  for (const threadId of threadIds) {
    try {
      if (getPriority(threadId) >= nice) continue;
      setPriority(threadId, nice);
      changed++;
    } catch (error) {
      // A thread that ended between the listing and the call: nothing to lower.
      if ((error as { info?: { code?: string } }).info?.code !== "ESRCH") throw error;
    }
  }
  return changed;
}
