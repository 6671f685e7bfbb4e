import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonHarness, PythonRuntimeError } from "./harness-process.js";
import { harnessDirectory } from "./python-runtime.js";

const crashingPython = fileURLToPath(new URL("./test-fixtures/crashing-python", import.meta.url));
const chattyPython = fileURLToPath(new URL("./test-fixtures/chatty-python", import.meta.url));

/** A Python older than 3.8 if this machine has one (pyenv keeps several here); else null. */
function oldPython(): string | null {
  const candidates = ["3.7", "3.6", "2.7"].flatMap((prefix) => {
    const root = path.join(homedir(), ".pyenv", "versions");
    try {
      return execFileSync("ls", [root], { encoding: "utf8" })
        .split("\n")
        .filter((name) => name.startsWith(`${prefix}.`))
        .map((name) => path.join(root, name, "bin", "python"));
    } catch {
      return [];
    }
  });
  return [...candidates, "/usr/bin/python2"].find((candidate) => existsSync(candidate)) ?? null;
}

describe("the CPython harness over its pipe (real python3)", () => {
  let harness: PythonHarness;
  beforeAll(async () => {
    harness = await PythonHarness.start({ executable: "python3" });
  });
  afterAll(async () => {
    await harness.close();
  });

  it("says hello with the interpreter it really is", () => {
    const expected = JSON.parse(
      execFileSync(
        "python3",
        [
          "-c",
          "import json, platform, sys, sysconfig; print(json.dumps([platform.python_version(), sys.executable, bool(sysconfig.get_config_var('Py_GIL_DISABLED'))]))",
        ],
        { encoding: "utf8" },
      ),
    ) as [string, string, boolean];
    expect(harness.runtime).toMatchObject({
      protocolVersion: 1,
      implementation: "cpython",
      version: expected[0],
      executable: expected[1],
      freeThreadedBuild: expected[2],
    });
    // This machine's python3 is a GIL build; a free-threaded one would report false.
    expect(harness.runtime.gilEnabled).toBe(!expected[2]);
  });

  it("answers a repetition with its timings and checksum", async () => {
    const repetition = await harness.repeat({
      workload: "sum-squares",
      params: { n: 1000 },
      mode: "threading",
      ranges: [
        [0, 1000],
        [0, 1000],
      ],
    });
    expect(repetition.checksum).toBe(String(2 * 332_833_500));
    expect(repetition.taskDurationsMs).toHaveLength(2);
    expect(repetition.wallMs).toBeGreaterThan(0);
  });

  it("reports a bad request with the field and keeps serving", async () => {
    await expect(
      harness.repeat({ workload: "sum-squares", params: { n: 0 }, mode: "sequential", ranges: [[0, 1]] }),
    ).rejects.toThrow("params.n: 0 is out of range (allowed: an integer from 1 to 67108864 iterations)");
    expect(harness.alive).toBe(true);
    const again = await harness.repeat({
      workload: "sum-squares",
      params: { n: 3 },
      mode: "sequential",
      ranges: [[0, 3]],
    });
    expect(again.checksum).toBe("5");
  });

  it("finds the harness beside the api package", () => {
    expect(existsSync(path.join(harnessDirectory(), "threadbench_harness", "server.py"))).toBe(true);
  });
});

/** A GIL build of CPython 3.13+ (where PYTHON_GIL exists) if this machine has one; else null. */
function python313OrNewer(): string | null {
  const root = path.join(homedir(), ".pyenv", "versions");
  try {
    const found = execFileSync("ls", [root], { encoding: "utf8" })
      .split("\n")
      .filter((name) => /^3\.(1[3-9]|[2-9]\d)\.\d+$/.test(name))
      .map((name) => path.join(root, name, "bin", "python3"))
      .find((candidate) => existsSync(candidate));
    return found ?? null;
  } catch {
    return null;
  }
}

const python313 = python313OrNewer();
describe.skipIf(python313 === null)(
  `PYTHON_GIL on a real CPython 3.13+ (${python313 ?? "none here"})`,
  () => {
    it("PYTHON_GIL=1 is recorded and the GIL reported on", async () => {
      const harness = await PythonHarness.start({
        executable: python313 as string,
        env: { ...process.env, PYTHON_GIL: "1" },
      });
      try {
        expect(harness.runtime.pythonGil).toBe("1");
        expect(harness.runtime.gilEnabled).toBe(true);
      } finally {
        await harness.close();
      }
    });

    it("PYTHON_GIL=0 on a GIL build: the interpreter refuses to start and says why", async () => {
      const start = PythonHarness.start({
        executable: python313 as string,
        env: { ...process.env, PYTHON_GIL: "0" },
      });
      // A free-threaded build would start with the GIL off instead.
      await expect(start).rejects.toThrow(
        /Disabling the GIL is not supported by this build|the python harness/,
      );
      await expect(start).rejects.toThrow(/its stderr:\n.*config_read_gil/);
    });
  },
);

describe("an interpreter that cannot serve", () => {
  it("python missing: says it was not found and what is allowed", async () => {
    const start = PythonHarness.start({ executable: "python3-threadbench-missing" });
    await expect(start).rejects.toBeInstanceOf(PythonRuntimeError);
    await expect(start).rejects.toThrow(
      'runtime "python3-threadbench-missing" was not found (not on PATH); install Python >= 3.8',
    );
    await expect(PythonHarness.start({ executable: "/nonexistent/bin/python3" })).rejects.toThrow(
      'runtime "/nonexistent/bin/python3" was not found (no such file)',
    );
  });

  it("a file that is not executable is named as such", async () => {
    const notExecutable = fileURLToPath(import.meta.url);
    await expect(PythonHarness.start({ executable: notExecutable })).rejects.toThrow("is not executable");
  });

  const old = oldPython();
  it.skipIf(old === null)(
    `python too old: says which version and what is allowed (${old ?? "none here"})`,
    async () => {
      await expect(PythonHarness.start({ executable: old as string })).rejects.toThrow(
        /runtime ".*" is too old: threadbench harness: Python [23]\.\d+\.\d+ is too old \(allowed: Python >= 3\.8\)/,
      );
    },
  );

  it("a harness that dies mid-request fails the request with its stderr, never hangs", async () => {
    const harness = await PythonHarness.start({ executable: crashingPython });
    try {
      const ok = await harness.repeat({
        workload: "sum-squares",
        params: { n: 10 },
        mode: "sequential",
        ranges: [[0, 10]],
      });
      expect(ok.checksum).toBe("285");
      const crash = harness.repeat({
        workload: "sum-squares",
        params: { n: 10 },
        mode: "threading",
        ranges: [[0, 10]],
      });
      await expect(crash).rejects.toBeInstanceOf(PythonRuntimeError);
      await expect(crash).rejects.toThrow(
        /exited with code 70; its stderr:\nFatal Python error: simulated crash in a threading cell/,
      );
      expect(harness.alive).toBe(false);
      await expect(harness.request("hello", {})).rejects.toThrow("exited with code 70");
    } finally {
      await harness.close();
    }
  });

  it("a wrapper that prints `null` to the protocol's stdout (it threw a TypeError that killed the process): the line is kept as stdout, the harness serves", async () => {
    const harness = await PythonHarness.start({ executable: chattyPython });
    try {
      const repetition = await harness.repeat({
        workload: "sum-squares",
        params: { n: 10 },
        mode: "sequential",
        ranges: [[0, 10]],
      });
      expect(repetition.checksum).toBe("285");
      expect(harness.stderrTail()).toContain("(stdout) null\n(stdout) 42\n(stdout) [1, 2]");
    } finally {
      await harness.close();
    }
  });

  it("a request past its deadline kills the harness and says so", async () => {
    const harness = await PythonHarness.start({ executable: "python3" });
    try {
      const slow = harness.repeat(
        { workload: "sum-squares", params: { n: 67_108_864 }, mode: "threading", ranges: [[0, 67_108_864]] },
        { timeoutMs: 200 },
      );
      await expect(slow).rejects.toThrow("repeat did not finish within 200 ms; the harness was stopped");
      await expect.poll(() => harness.alive).toBe(false);
    } finally {
      await harness.close();
    }
  });

  it("aborting a request stops the harness with the abort's reason", async () => {
    const harness = await PythonHarness.start({ executable: "python3" });
    const controller = new AbortController();
    try {
      const running = harness.repeat(
        { workload: "sqrt-log", params: { n: 100_000_000 }, mode: "sequential", ranges: [[0, 99_999_999]] },
        { signal: controller.signal },
      );
      controller.abort(new Error("cancelled by test"));
      await expect(running).rejects.toThrow("cancelled by test");
      await expect.poll(() => harness.alive).toBe(false);
    } finally {
      await harness.close();
    }
  });
});
