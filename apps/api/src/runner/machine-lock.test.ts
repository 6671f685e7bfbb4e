import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireMachineLock, type LockHolder } from "./machine-lock.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), "threadbench-lock-"));
  directories.push(directory);
  return directory;
}

describe("acquireMachineLock", () => {
  it("lets one holder in at a time and the next one in after release", async () => {
    const directory = scratch();
    const first = await acquireMachineLock({ directory, description: "first" });
    const waitedFor: LockHolder[] = [];
    const order: string[] = [];
    const second = acquireMachineLock({
      directory,
      description: "second",
      pollMs: 10,
      onWait: (holder) => waitedFor.push(holder),
    }).then((lock) => {
      order.push("second acquired");
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    order.push("first released");
    first.release();
    (await second).release();
    expect(order).toEqual(["first released", "second acquired"]);
    expect(waitedFor).toEqual([expect.objectContaining({ pid: process.pid, description: "first" })]);
  });

  it("takes over a lock left by a process that no longer exists", async () => {
    const directory = scratch();
    writeFileSync(
      join(directory, "threadbench-runner.lock"),
      JSON.stringify({ pid: 2 ** 22 + 12345, description: "crashed", since: new Date().toISOString() }),
    );
    const waitedFor: LockHolder[] = [];
    const lock = await acquireMachineLock({
      directory,
      description: "after a crash",
      pollMs: 10,
      onWait: (holder) => waitedFor.push(holder),
    });
    // Taken over at once (never waited on the dead holder) and now recorded as ours.
    expect(waitedFor).toEqual([]);
    expect(JSON.parse(readFileSync(join(directory, "threadbench-runner.lock"), "utf8"))).toMatchObject({
      pid: process.pid,
      description: "after a crash",
    });
    lock.release();
    expect(existsSync(join(directory, "threadbench-runner.lock"))).toBe(false);
  });

  it("stops waiting when its signal aborts", async () => {
    const directory = scratch();
    const held = await acquireMachineLock({ directory, description: "holder" });
    const controller = new AbortController();
    const waiting = acquireMachineLock({
      directory,
      description: "waiter",
      pollMs: 10,
      signal: controller.signal,
    });
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
    held.release();
  });
});
