import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { harnessDirectory } from "./python-runtime.js";

/*
 * The harness's own unittest suite (apps/api/python/tests), run by python3 as part of the
 * api tests: GIL and free-threaded-build detection with stand-in sys/sysconfig modules and
 * PYTHON_GIL (no free-threaded interpreter needed), JavaScript number printing, the
 * workloads, the process pool and the pipe protocol.
 */
describe("the CPython harness's unittest suite", () => {
  it("passes on this machine's python3", () => {
    const result = spawnSync("python3", ["-m", "unittest", "discover", "-s", "tests", "-t", "."], {
      cwd: harnessDirectory(),
      encoding: "utf8",
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
      timeout: 120_000,
    });
    expect(result.error).toBeUndefined();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Ran \d+ tests/);
    expect(result.stderr).toMatch(/\nOK\n/);
  });
});
