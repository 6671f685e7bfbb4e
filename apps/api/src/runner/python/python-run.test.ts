import { execFileSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import type { RunResult } from "@threadbench/core";
import { runtimeLabel } from "@threadbench/core";
import { beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/command.js";
import { main } from "../../cli/main.js";
// biome-ignore lint/style/noRestrictedImports: the test stores a CPython run and reads it back (the round trip is what it checks)
import { openDatabase } from "../../db/client.js";
// biome-ignore lint/style/noRestrictedImports: the test stores a CPython run and reads it back (the round trip is what it checks)
import { listRuns } from "../../db/run-list.js";
// biome-ignore lint/style/noRestrictedImports: the test stores a CPython run and reads it back (the round trip is what it checks)
import { getRun } from "../../db/run-reads.js";
// biome-ignore lint/style/noRestrictedImports: the test stores a CPython run and reads it back (the round trip is what it checks)
import { storeRunResult } from "../../db/run-repository.js";
import { describeEachDatabase } from "../../test/databases.js";
import { executeRun } from "../execute-run.js";
import { parseRunPlan } from "../plan.js";

/*
 * CPython runs end to end with the real python3 of this machine (a GIL build) and a
 * real store on SQLite and PostgreSQL: what the harness measured, what was stored, and
 * what happens when the interpreter is missing or crashes.
 */

const crashingPython = fileURLToPath(new URL("./test-fixtures/crashing-python", import.meta.url));
const python3Version = execFileSync("python3", ["-c", "import platform; print(platform.python_version())"], {
  encoding: "utf8",
}).trim();

/** Sum of i*i for i < n, exactly. */
function sumOfSquares(n: number): bigint {
  const big = BigInt(n);
  return ((big - 1n) * big * (2n * big - 1n)) / 6n;
}

async function cli(databaseUrl: string, ...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => {
    out += String(chunk);
  });
  stderr.on("data", (chunk) => {
    err += String(chunk);
  });
  const io: CliIo = {
    stdout,
    stderr,
    env: { DATABASE_URL: databaseUrl },
    cwd: process.cwd(),
    signal: new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, stdout: out, stderr: err };
}

let sumSquaresRun: RunResult;
let sharedCounterRun: RunResult;
beforeAll(async () => {
  sumSquaresRun = await executeRun(
    parseRunPlan({
      workload: "sum-squares",
      params: { n: 200_000 },
      threads: [1, 2],
      repetitions: 2,
      warmups: 1,
      runtime: "python3",
    }),
  );
  sharedCounterRun = await executeRun(
    parseRunPlan({
      workload: "shared-counter",
      params: { increments: 20_000 },
      threads: [2],
      repetitions: 1,
      warmups: 0,
      runtime: "python3",
    }),
  );
}, 120_000);

describe("a CPython run (real python3)", () => {
  it("runs every cell of sequential, threading and multiprocessing with matching checksums", () => {
    expect(sumSquaresRun.status).toBe("succeeded");
    expect(sumSquaresRun.plan.runtime).toEqual({ kind: "python", executable: "python3" });
    expect(sumSquaresRun.cells.map((cell) => `${cell.mode} x${cell.threads}`)).toEqual([
      "sequential x1",
      "threading x1",
      "multiprocessing x1",
      "sequential x2",
      "threading x2",
      "multiprocessing x2",
    ]);
    for (const cell of sumSquaresRun.cells) {
      expect(cell.status, `${cell.mode} x${cell.threads}: ${cell.error}`).toBe("succeeded");
      expect(cell.samples).toHaveLength(2);
      expect(cell.checksum).toBe(String(sumOfSquares(200_000) * BigInt(cell.threads)));
      expect(cell.checksumStatus).toBe(cell.mode === "sequential" ? "baseline" : "match");
      expect(cell.samples.every((sample) => sample.taskDurationsMs.length === cell.threads)).toBe(true);
      expect(cell.speedup).toBeGreaterThan(0);
      expect(cell.efficiency).toBeCloseTo((cell.speedup as number) / cell.threads, 10);
      // Only the pool's spawn is set-up; threads start inside each repetition.
      if (cell.mode === "multiprocessing") expect(cell.setupMs).toBeGreaterThan(0);
      else expect(cell.setupMs).toBeNull();
    }
  });

  it("records the interpreter: cpython, its version, a GIL build with the GIL on", () => {
    expect(sumSquaresRun.environment).toMatchObject({
      runtime: "cpython",
      runtimeVersion: python3Version,
      v8Version: null,
      gilEnabled: true,
      freeThreadedBuild: false,
      pythonGil: null,
    });
    expect(sumSquaresRun.environment.runtimeExecutable).toMatch(/python/);
  });

  it("stops promptly when cancelled: the harness is killed, finished cells kept, the run cancelled", async () => {
    const controller = new AbortController();
    let armed = false;
    const result = await executeRun(
      parseRunPlan({
        workload: "sqrt-log",
        params: { n: 100_000_000 },
        threads: [1],
        repetitions: 3,
        warmups: 0,
        runtime: "python3",
      }),
      {
        signal: controller.signal,
        onProgress: (progress) => {
          // Abort while the first (multi-second) repetition is running in Python.
          if (progress.currentCell === null || armed) return;
          armed = true;
          setTimeout(() => controller.abort(new Error("cancelled by test")), 300);
        },
      },
    );
    expect(result.status).toBe("cancelled");
    expect(result.error).toBe("cancelled by test");
    expect(result.cells.every((cell) => cell.status === "cancelled")).toBe(true);
  });

  it("shared-counter reports what each variant observed and lost", () => {
    expect(sharedCounterRun.status).toBe("succeeded");
    const threading = sharedCounterRun.cells.find((cell) => cell.mode === "threading");
    expect(threading?.checksum).toBe("atomic=40000;lock=40000");
    const reports = threading?.sharedMemory ?? [];
    expect(reports.map((report) => report.variant)).toEqual(["unsafe", "atomic", "lock"]);
    for (const report of reports) {
      expect(report.expected).toBe(40_000);
      expect(report.observed + report.lostUpdates).toBe(40_000);
      if (report.variant !== "unsafe") expect(report.lostUpdates).toBe(0);
    }
  });
});

describeEachDatabase("CPython runs in the store", ({ open, newUrl }) => {
  it("stores the cells, their checksums and a cpython testbed (GIL on, not free-threaded)", async () => {
    const database = await open();
    const { run } = await storeRunResult(database, sumSquaresRun, { branch: "main" });
    const stored = await getRun(database, run.id);
    expect(stored?.status).toBe("succeeded");
    expect(stored?.modes).toEqual(["sequential", "threading", "multiprocessing"]);
    expect(stored?.testbed).toMatchObject({
      runtime: "cpython",
      runtimeVersion: python3Version,
      v8Version: null,
      gilEnabled: true,
      freeThreadedBuild: false,
    });
    expect(runtimeLabel(stored?.testbed as NonNullable<typeof stored>["testbed"] & object)).toBe(
      `cpython ${python3Version} (GIL)`,
    );
    const cellText = (cell: {
      mode: string;
      threads: number;
      checksumStatus: string;
      checksum: string | null;
    }) => `${cell.mode} x${cell.threads} ${cell.checksumStatus} ${cell.checksum}`;
    expect(stored?.measurements.map(cellText).sort()).toEqual(sumSquaresRun.cells.map(cellText).sort());
  });

  it("keeps CPython and Node measurements of one plan in different series (the testbed differs)", async () => {
    const database = await open();
    const python = await storeRunResult(database, sumSquaresRun, { branch: "main" });
    const node = await executeRun(
      parseRunPlan({
        workload: "sum-squares",
        params: { n: 200_000 },
        threads: [1],
        modes: ["sequential"],
        repetitions: 1,
        warmups: 0,
      }),
    );
    const nodeRun = await storeRunResult(database, node, { branch: "main" });
    const pythonCells = (await getRun(database, python.run.id))?.measurements ?? [];
    const nodeCells = (await getRun(database, nodeRun.run.id))?.measurements ?? [];
    const pythonSequential = pythonCells.find((cell) => cell.mode === "sequential" && cell.threads === 1);
    expect(pythonSequential?.checksum).toBe(nodeCells[0]?.checksum);
    expect(pythonSequential?.seriesKey).not.toBe(nodeCells[0]?.seriesKey);
  });

  it("stores shared-counter's lost-updates report", async () => {
    const database = await open();
    const { run } = await storeRunResult(database, sharedCounterRun);
    const threading = (await getRun(database, run.id))?.measurements.find(
      (cell) => cell.mode === "threading",
    );
    expect(threading?.sharedMemory).toEqual(
      sharedCounterRun.cells.find((cell) => cell.mode === "threading")?.sharedMemory,
    );
    expect(threading?.samples[0]?.sharedMemory).toHaveLength(3);
  });

  it("threadbench run --runtime python3 prints the runtime line and stores the run", async () => {
    const url = await newUrl();
    const { code, stdout, stderr } = await cli(
      url,
      "run",
      "--runtime",
      "python3",
      "--workload",
      "shared-counter",
      "--param",
      "increments=1000",
      "--threads",
      "2",
      "--repetitions",
      "1",
      "--warmups",
      "0",
      "--no-progress",
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`runtime   cpython ${python3Version} (GIL) at `);
    expect(stdout).toMatch(/threading\s+2/);
    expect(stdout).toMatch(/threading\s+2\s+unsafe\s+2000\s+\d+\s+\d+/);
    expect(stdout).toContain("status    succeeded");
    const database = await openDatabase(url);
    try {
      const [run] = (await listRuns(database, {})).runs;
      expect(run?.testbed).toMatchObject({ runtime: "cpython", gilEnabled: true, freeThreadedBuild: false });
    } finally {
      await database.close();
    }
  });

  it("python missing: exit 2 naming --runtime, and nothing stored", async () => {
    const url = await newUrl();
    const { code, stdout, stderr } = await cli(url, "run", "--runtime", "python3.99", "--no-progress");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain('--runtime: runtime "python3.99" was not found (not on PATH)');
    const database = await openDatabase(url);
    try {
      expect((await listRuns(database, {})).runs).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("a harness that crashes mid-run: the run is failed with the crash's stderr, never left running", async () => {
    const url = await newUrl();
    const { code, stdout } = await cli(
      url,
      "run",
      "--runtime",
      crashingPython,
      "--workload",
      "sum-squares",
      "--param",
      "n=1000",
      "--threads",
      "1,2",
      "--repetitions",
      "1",
      "--no-progress",
    );
    expect(code).toBe(1);
    expect(stdout).toContain("status    failed: threading x1: the python harness");
    const database = await openDatabase(url);
    try {
      const [listed] = (await listRuns(database, {})).runs;
      const run = await getRun(database, listed?.id as string);
      expect(run?.status).toBe("failed");
      expect(run?.error).toMatch(
        /^threading x1: the python harness \(.*crashing-python\) exited with code 70; its stderr:\n/,
      );
      expect(run?.error).toContain("Fatal Python error: simulated crash in a threading cell");
      // A new harness served the cells after the crash: sequential and multiprocessing measured.
      const statuses = run?.measurements.map((cell) => `${cell.mode} x${cell.threads} ${cell.status}`);
      expect(statuses).toEqual([
        "sequential x1 succeeded",
        "sequential x2 succeeded",
        "threading x1 failed",
        "threading x2 failed",
        "multiprocessing x1 succeeded",
        "multiprocessing x2 succeeded",
      ]);
    } finally {
      await database.close();
    }
  });
});

describe("plans for the python runtime name what is allowed", () => {
  it("default to every mode of their runtime that can run the workload", () => {
    expect(parseRunPlan({ workload: "sum-squares", runtime: "python3" }).modes).toEqual([
      "sequential",
      "threading",
      "multiprocessing",
    ]);
    // Separate processes cannot share shared-counter's memory: left out unless named.
    expect(parseRunPlan({ workload: "shared-counter", runtime: "python3" }).modes).toEqual([
      "sequential",
      "threading",
    ]);
    expect(parseRunPlan({ workload: "shared-counter" }).modes).toEqual([
      "sequential",
      "event-loop",
      "worker-threads",
    ]);
    const node = parseRunPlan({ workload: "sum-squares" });
    expect(node.modes).toEqual(["sequential", "event-loop", "worker-threads", "child-processes"]);
    expect(node).not.toHaveProperty("runtime");
    expect(
      parseRunPlan({ workload: "sum-squares", runtime: "/opt/python3.13t/bin/python3" }).runtime,
    ).toEqual({
      kind: "python",
      executable: "/opt/python3.13t/bin/python3",
    });
  });

  it.each([
    [
      ["--runtime", "ruby"],
      '--runtime: "ruby" is not allowed (allowed: node, a Python >= 3.8 command on PATH',
    ],
    [
      ["--runtime", "python3", "--workload", "mandelbrot"],
      '--workload: "mandelbrot" has no CPython implementation (allowed with runtime python3: sum-squares, sqrt-log, image-analysis, shared-counter)',
    ],
    [
      ["--runtime", "python3", "--modes", "worker-threads"],
      '--modes: "worker-threads" is not a mode of runtime python3 (allowed: sequential, threading, multiprocessing)',
    ],
    [
      ["--modes", "threading"],
      '--modes: "threading" is not a mode of runtime node (allowed: sequential, event-loop, worker-threads, child-processes)',
    ],
    [
      ["--runtime", "python3", "--workload", "shared-counter", "--modes", "multiprocessing"],
      "--modes: shared-counter needs memory shared between its tasks, which separate processes cannot have; drop multiprocessing (allowed: sequential, threading)",
    ],
  ])("threadbench run %j", async (flags, message) => {
    const { code, stderr } = await cli("file:/nonexistent/never-opened.db", "run", ...flags);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
