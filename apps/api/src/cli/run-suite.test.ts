import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { listRuns } from "../db/run-list.js";
import { describeEachDatabase } from "../test/databases.js";
import { runThreadbench, writeFixture, writeMixModules } from "../test/module-fixtures.js";

// `threadbench run` without --workload runs a project file's suite: real CLI processes
// (the compiled CLI: build the API first), real files, a real git checkout, real stores.

const scratch = mkdtempSync(path.join(tmpdir(), "threadbench-suite-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A checkout of "acme/imaging" with a workload module and a two-plan project file. */
function writeProject(name: string, config: unknown): string {
  const root = path.join(scratch, name);
  execFileSync("git", ["init", "-q", root]);
  execFileSync("git", ["remote", "add", "origin", "https://github.com/acme/imaging.git"], { cwd: root });
  writeMixModules(root);
  writeFixture(root, "threadbench.config.json", JSON.stringify(config, null, 2));
  return root;
}

const tinyPlan = { modes: ["sequential", "worker-threads"], threads: [1], repetitions: 1, warmups: 0 };

describeEachDatabase("a project file's suite", (database) => {
  it("stores one run per plan in the project named by the git remote, filterable by project", async () => {
    const root = writeProject(`two-plans-${database.provider}`, {
      plans: [
        { name: "mix", workload: "./bench/mix-sum.mjs", params: { n: 500 }, ...tinyPlan, labels: ["suite"] },
        { workload: "sum-squares", params: { n: 1000 }, ...tinyPlan },
      ],
    });
    const url = await database.newUrl();
    // Run from a directory below the project file: it is found upwards.
    const outcome = await runThreadbench(["run", "--no-progress"], {
      cwd: path.join(root, "bench"),
      env: { DATABASE_URL: url },
    });
    // stderr may say it waited for another run's machine lock; a failure would show here.
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain(
      "suite     acme/imaging (../threadbench.config.json): 2 of 2 plans succeeded",
    );

    const store = await database.reopen(url);
    const { runs } = await listRuns(store, { project: "acme/imaging" });
    expect(runs).toHaveLength(2);
    const byWorkload = Object.fromEntries(runs.map((run) => [run.workloadId, run]));
    const moduleRun = byWorkload["module:bench/mix-sum"];
    expect(moduleRun?.status).toBe("succeeded");
    expect(moduleRun?.workloadModule).toBe("bench/mix-sum.mjs");
    expect(moduleRun?.workloadHash).toMatch(/^[0-9a-f]{64}$/);
    expect(moduleRun?.labels).toEqual(["suite"]);
    // A built-in in a team's suite belongs to the team's project too; no module columns.
    expect(byWorkload["sum-squares"]?.status).toBe("succeeded");
    expect(byWorkload["sum-squares"]?.workloadHash).toBeNull();
    expect((await listRuns(store, { project: "default" })).runs).toHaveLength(0);

    const series = await store.prisma.series.findMany({ select: { project: true, workloadId: true } });
    expect(series.length).toBeGreaterThan(0);
    expect(new Set(series.map((row) => row.project))).toEqual(new Set(["acme/imaging"]));

    const listed = await runThreadbench(["runs", "--project", "acme/imaging", "--json"], {
      cwd: root,
      env: { DATABASE_URL: url },
    });
    expect(listed.code).toBe(0);
    const page = JSON.parse(listed.stdout) as { runs: Array<{ project: string }> };
    expect(page.runs.map((run) => run.project)).toEqual(["acme/imaging", "acme/imaging"]);

    const shown = await runThreadbench(["show", moduleRun?.id as string], {
      cwd: root,
      env: { DATABASE_URL: url },
    });
    expect(shown.stdout).toContain("project   acme/imaging\n");
    expect(shown.stdout).toContain(`module    bench/mix-sum.mjs (sha256 ${moduleRun?.workloadHash})\n`);
  });
});

describe("suite outcomes", () => {
  it("exits 1 when a plan fails, still storing every plan; the name in the file wins over the git remote", async () => {
    const root = writeProject("one-fails", {
      project: "acme/imaging-nightly",
      plans: [
        { name: "ok", workload: "./bench/mix-sum.mjs", params: { n: 500 }, ...tinyPlan },
        { name: "pool-only-failure", workload: "./bench/main-only.mjs", params: { n: 500 }, ...tinyPlan },
      ],
    });
    writeFixture(
      root,
      "bench/main-only.mjs",
      readFileSync(path.join(root, "bench/mix-sum.mjs"), "utf8").replace(
        "const MODULUS = 1000000007;",
        'import { isMainThread } from "node:worker_threads";\nif (!isMainThread) throw new Error("needs the main thread");\nconst MODULUS = 1000000007;',
      ),
    );
    const url = `file:${path.join(root, "runs.db")}`;
    const outcome = await runThreadbench(["run", "--no-progress", "--json"], {
      cwd: root,
      env: { DATABASE_URL: url },
    });
    expect(outcome.code).toBe(1);
    const report = JSON.parse(outcome.stdout) as {
      project: string;
      plans: Array<{ name: string; status: string; id: string | null }>;
    };
    expect(report.project).toBe("acme/imaging-nightly");
    expect(report.plans.map((plan) => [plan.name, plan.status])).toEqual([
      ["ok", "succeeded"],
      ["pool-only-failure", "failed"],
    ]);
    expect(report.plans.every((plan) => plan.id !== null)).toBe(true);
  });
});

describe("bad project files", () => {
  const cases: Array<[string, unknown, string[], string]> = [
    [
      "an unknown key",
      { plans: [{ workload: "sum-squares" }], plan: [] },
      [],
      'threadbench run: threadbench.config.json: (root): Unrecognized key: "plan"',
    ],
    [
      "a plan field out of range",
      { plans: [{ workload: "sum-squares", threads: [0] }] },
      [],
      "threadbench run: threadbench.config.json: plans.0.threads.0: allowed: an integer from 1 to 256",
    ],
    [
      "a module that is not there",
      { plans: [{ workload: "./bench/missing.mjs" }] },
      [],
      "threadbench run: threadbench.config.json: plans.0.workload: ./bench/missing.mjs: not found (looked for ",
    ],
    [
      "two plans with one name",
      { plans: [{ workload: "sum-squares" }, { workload: "sum-squares" }] },
      [],
      'threadbench run: threadbench.config.json: plans.1.name: "sum-squares" is also the name of plans.0; give each plan a unique name',
    ],
    [
      "a plan flag next to a suite",
      { plans: [{ workload: "sum-squares" }] },
      ["--threads", "4"],
      "threadbench run: --threads: not allowed when running a project file's suite",
    ],
    [
      "an unknown --plan",
      { plans: [{ name: "fast", workload: "sum-squares" }] },
      ["--plan", "slow"],
      'threadbench run: --plan: "slow" is not a plan of threadbench.config.json (allowed: fast)',
    ],
  ];

  it.each(cases)(
    "%s: exit 2 with the file, the field and what is allowed",
    async (name, config, flags, message) => {
      const root = path.join(scratch, `bad-${name.replaceAll(" ", "-")}`);
      writeFixture(root, "threadbench.config.json", JSON.stringify(config));
      const outcome = await runThreadbench(["run", "--no-store", ...flags], { cwd: root });
      expect(outcome.code).toBe(2);
      expect(outcome.stderr.split("\n")[0]).toContain(message);
      expect(outcome.stdout).toBe("");
    },
  );
});

describe("the committed example (examples/suite)", () => {
  it("runs both plans and stores them under its project", async () => {
    const example = fileURLToPath(new URL("../../../../examples/suite/", import.meta.url));
    const url = `file:${path.join(scratch, "example.db")}`;
    const outcome = await runThreadbench(["run", "--no-progress", "--json"], {
      cwd: example,
      env: { DATABASE_URL: url },
    });
    // stderr may say it waited for another run's machine lock; a failure would show here.
    expect(outcome.code, outcome.stderr).toBe(0);
    const report = JSON.parse(outcome.stdout) as {
      project: string;
      plans: Array<{ name: string; status: string; plan: { workloadId: string } }>;
    };
    expect(report.project).toBe("threadbench/examples");
    expect(report.plans.map((plan) => [plan.name, plan.status, plan.plan.workloadId])).toEqual([
      ["blur-512", "succeeded", "module:bench/blur"],
      ["primes", "succeeded", "module:bench/primes"],
    ]);
  });
});
