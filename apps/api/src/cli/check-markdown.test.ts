import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../db/client.js";
import { storeRunResult } from "../db/run-repository.js";
import { type BranchCheck, checkBranch, type GateCell } from "../regressions/check-branch.js";
import { makeRunResult } from "../test/run-factories.js";
import { dashboardBase, formatCheckMarkdown } from "./check-markdown.js";

const scratch = mkdtempSync(join(tmpdir(), "threadbench-check-markdown-"));
let database: Database;
const ids: Record<string, string> = {};
const branch = "feat/x|y";

beforeAll(async () => {
  database = await openDatabase(`file:${join(scratch, "check.db")}`);
  const plan = { threads: [1, 2], repetitions: 10 };
  // Six runs of history on main (the last is "base"), then the head.
  const runs: ReadonlyArray<readonly [string, string, number]> = [
    ...Array.from({ length: 5 }, (_, index) => [`main-${index}`, "main", 10] as const),
    ["base", "main", 10],
    ["head", branch, 12],
  ];
  for (const [index, [name, onBranch, taskMs]] of runs.entries()) {
    const result = makeRunResult({
      seed: index + 1,
      taskMs,
      plan,
      startedAt: new Date(Date.UTC(2026, 1, 1, index)).toISOString(),
    });
    ids[name] = (
      await storeRunResult(database, result, { branch: onBranch, commitSha: "ab".repeat(20) })
    ).run.id;
  }
});
afterAll(async () => {
  await database?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const describeReason = (reason: BranchCheck["reasons"][number]) =>
  reason.kind === "slower-cell"
    ? `${reason.cell.mode} x${reason.cell.threads} slower`
    : `${reason.mode} scales worse`;
const describeCell = (cell: GateCell) => ({
  name: `${cell.mode} x${cell.threads} ${cell.metric}`,
  base: "b",
  head: "h",
  change: "c",
  failsBeyond: "f",
  threshold: "t|z",
});

describe("check --format markdown", () => {
  it("leads with the verdict, tabulates every cell and says why it failed", async () => {
    const check = await checkBranch(database, { base: "main", branch });
    const markdown = formatCheckMarkdown(check, {
      base: "main",
      branch,
      dashboardUrl: null,
      describeReason,
      describeCell,
    });
    const lines = markdown.split("\n");
    expect(lines[0]).toBe("### ❌ threadbench: regression on `feat/x|y` against `main`");
    expect(markdown).toContain(
      "- base: the 6 most recent runs on `main` (per-run value: the min of the repetitions)",
    );
    expect(markdown).toContain(
      "| cell | base runs | base | head | change | fails beyond | threshold | verdict |",
    );
    const rows = lines.filter((line) => /^\| (sequential|worker-threads) x\d wall_time \|/.test(line));
    expect(rows).toHaveLength(4);
    // Cells are the describer's; pipes in them are escaped.
    for (const row of rows)
      expect(row).toMatch(/^\| .* \| 6 \| b \| h \| c \| f \| t\\\|z \| \*\*slower\*\* \|$/);
    expect(markdown).toMatch(/\| worker-threads x2 efficiency \| 6 \| .* \| pass \|/);
    expect(markdown).toContain("**Why it fails:**");
    expect(markdown).toContain("- sequential x1 slower");
    // Without a dashboard URL there are no links at all.
    expect(markdown).not.toContain("](");
  });

  it("links the branch view, the head run and the two runs side by side, escaping the branch", async () => {
    const check = await checkBranch(database, { base: "main", branch });
    const dashboardUrl = dashboardBase(" https://dash.example.com/ ");
    expect(dashboardUrl).toBe("https://dash.example.com");
    const markdown = formatCheckMarkdown(check, {
      base: "main",
      branch,
      dashboardUrl,
      describeReason,
      describeCell,
    });
    expect(markdown).toContain(
      `[${branch} on the dashboard](https://dash.example.com/branches/feat%2Fx%7Cy)`,
    );
    expect(markdown).toContain(`[head run](https://dash.example.com/runs/${ids.head})`);
    expect(markdown).toContain(
      `[the two runs side by side](https://dash.example.com/compare?a=${ids.base}&b=${ids.head})`,
    );
    expect(markdown).toContain(
      `- head: run [\`${ids.head?.slice(0, 8)}\`](https://dash.example.com/runs/${ids.head})`,
    );
  });

  it("says there is nothing to compare against, with a passing verdict", async () => {
    const check = await checkBranch(database, { base: "release", branch });
    const markdown = formatCheckMarkdown(check, {
      base: "release",
      branch,
      dashboardUrl: null,
      describeReason,
      describeCell,
    });
    expect(markdown.split("\n")[0]).toBe("### ✅ threadbench: no regression on `feat/x|y` against `release`");
    expect(markdown).toContain("- base: none: no comparable succeeded run on `release`");
    expect(markdown).not.toContain("| cell |");
  });

  it("ignores a dashboard URL that is not http(s)", () => {
    expect(dashboardBase(undefined)).toBeNull();
    expect(dashboardBase("javascript:alert(1)")).toBeNull();
    expect(dashboardBase("not a url")).toBeNull();
  });
});
