import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { lowerProcessPriority } from "./priority.js";

// In a child process of its own (compiled dist/: `npm run build` first): lowering the test
// runner's priority would slow every test after it.
const priorityModule = fileURLToPath(new URL("../../dist/agent/priority.js", import.meta.url));

function inChild(command: string[], calls: number[]): { changed: number[]; threads: number[] } {
  const script = `
    import { readdirSync } from "node:fs";
    import { getPriority } from "node:os";
    const { lowerProcessPriority } = await import(${JSON.stringify(priorityModule)});
    const changed = ${JSON.stringify(calls)}.map((nice) => lowerProcessPriority(nice));
    const threads = readdirSync("/proc/self/task").map((id) => getPriority(Number(id)));
    process.stdout.write(JSON.stringify({ changed, threads }));`;
  const result = spawnSync(command[0] as string, [...command.slice(1), "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as { changed: number[]; threads: number[] };
}

describe.runIf(process.platform === "linux")("lowerProcessPriority", () => {
  it("lowers every thread of the process, not only the main thread", () => {
    const { changed, threads } = inChild([process.execPath], [7]);
    expect(changed[0]).toBeGreaterThan(1);
    expect(threads.length).toBeGreaterThan(1);
    expect(new Set(threads)).toEqual(new Set([7]));
  });

  it("never raises a priority: an agent started under nice -n 15 keeps 15, and can go lower still", () => {
    const { changed, threads } = inChild(["nice", "-n", "15", process.execPath], [10, 19]);
    expect(changed[0]).toBe(0);
    expect(new Set(threads)).toEqual(new Set([19]));
  });

  it("names the allowed range for a bad value", () => {
    expect(() => lowerProcessPriority(20)).toThrow(/nice must be an integer from 0 to 19 \(got 20\)/);
    expect(() => lowerProcessPriority(-1)).toThrow(RangeError);
  });
});
