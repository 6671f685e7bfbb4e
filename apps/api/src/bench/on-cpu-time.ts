import { readFileSync } from "node:fs";

/**
 * This thread's time on a CPU, in ms: the first field (ns) of Linux's
 * /proc/thread-self/schedstat. Throws where there is no such file (not Linux).
 */
export function onCpuMs(): number {
  return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
}
