import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../db/client.js";
import { storeRunResult } from "../db/run-repository.js";
import { type BranchCheck, checkBranch } from "../regressions/check-branch.js";
import { makeRunResult } from "../test/run-factories.js";
import { dashboardBase, formatCheckMarkdown } from "./check-markdown.js";

const scratch = mkdtempSync(join(tmpdir(), "threadbench-check-markdown-"));
let database: Database;
const ids: Record<string, string> = {};
const branch = "feat/x|y";

beforeAll(async () => {
  database = await openDatabase(`file:${join(scratch, "check.db")}`);
  const plan = { threads: [1, 2], repetitions: 10 };
  for (const [index, [name, onBranch, taskMs]] of (
    [
      ["base", "main", 10],
      ["head", branch, 12],
    ] as const
  ).entries()) {
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

describe("check --format markdown", () => {
  it("leads with the verdict, tabulates every cell and says why it failed", async () => {
    const check = await checkBranch(database, { base: "main", branch });
    const markdown = formatCheckMarkdown(check, { base: "main", branch, dashboardUrl: null, describeReason });
    const lines = markdown.split("\n");
    expect(lines[0]).toBe("### ❌ threadbench: regression on `feat/x|y` against `main`");
    expect(markdown).toContain("| mode | threads | base | head | change | 95% interval | p | verdict |");
    const rows = lines.filter((line) => /^\| (sequential|worker-threads) \|/.test(line));
    expect(rows).toHaveLength(4);
    for (const row of rows)
      expect(row).toMatch(/\| \+\d+\.\d% \| \+\d+\.\d% \.\. \+\d+\.\d% \| .* \| \*\*slower\*\* \|$/);
    expect(markdown).toContain("**Why it fails:**");
    expect(markdown).toContain("- sequential x1 slower");
    // Without a dashboard URL there are no links at all.
    expect(markdown).not.toContain("](");
  });

  it("links the branch view, the head run and the two runs side by side, escaping the branch", async () => {
    const check = await checkBranch(database, { base: "main", branch });
    const dashboardUrl = dashboardBase(" https://dash.example.com/ ");
    expect(dashboardUrl).toBe("https://dash.example.com");
    const markdown = formatCheckMarkdown(check, { base: "main", branch, dashboardUrl, describeReason });
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
    });
    expect(markdown.split("\n")[0]).toBe("### ✅ threadbench: no regression on `feat/x|y` against `release`");
    expect(markdown).toContain("- base: none: no comparable succeeded run on `release`");
    expect(markdown).not.toContain("| mode |");
  });

  it("ignores a dashboard URL that is not http(s)", () => {
    expect(dashboardBase(undefined)).toBeNull();
    expect(dashboardBase("javascript:alert(1)")).toBeNull();
    expect(dashboardBase("not a url")).toBeNull();
  });
});
