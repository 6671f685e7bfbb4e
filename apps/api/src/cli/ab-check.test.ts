import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runThreadbench, writeFixture } from "../test/module-fixtures.js";
import type { AbCheck } from "./ab-check.js";

const root = mkdtempSync(path.join(tmpdir(), "threadbench-ab-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A CPU loop doing `factor` times the work per unit: base is 1, the planted head 2. At the
 * tests' n = 1,000,000 a repetition takes 33-34 ms here: long enough that a slice lost to
 * the suite's other files (two cores) is a small part of it, where a 7 ms one could double.
 */
function moduleSource(factor: number): string {
  return `import { defineWorkload, rangeTask, z } from "@threadbench/workloads";

export default defineWorkload({
  id: "ab-loop",
  title: "A/B loop",
  description: "A modular sum, ${factor} passes per unit.",
  parameters: z.object({ n: z.number().int().min(1).max(10000000).default(100000).meta({ description: "Units", unit: "units" }) }),
  unitName: "units",
  units: (params) => params.n,
  createTask(_params, range) {
    let total = 0;
    return rangeTask(
      range,
      (from, to) => {
        for (let pass = 0; pass < ${factor}; pass++)
          for (let i = from; i < to; i++) total = (total + ((i * 2654435761) % 1000003)) % 1000000007;
      },
      () => ({ total }),
    );
  },
  combine(_params, partials) {
    return { checksum: String(partials.reduce((sum, partial) => (sum + partial.total) % 1000000007, 0)) };
  },
});
`;
}

const base = writeFixture(root, "base/bench/loop.mjs", moduleSource(1));
const same = writeFixture(root, "same/bench/loop.mjs", moduleSource(1));
const slower = writeFixture(root, "head/bench/loop.mjs", moduleSource(2));

async function ab(
  head: string,
  extra: string[] = [],
): Promise<{ code: number | null; check: AbCheck; stdout: string }> {
  const args = [
    "check",
    "--ab",
    base,
    head,
    "--param",
    "n=1000000",
    "--threads",
    "1",
    "--repetitions",
    "10",
    ...extra,
  ];
  const text = await runThreadbench(args, { cwd: root });
  const json = await runThreadbench([...args, "--format", "json"], { cwd: root });
  expect(json.code).toBe(text.code);
  return { code: text.code, check: JSON.parse(json.stdout) as AbCheck, stdout: text.stdout };
}

describe("threadbench check --ab", () => {
  it("measures two module files with their repetitions alternating and fails when the head is slower", async () => {
    const { code, check, stdout } = await ab(slower);
    expect(code).toBe(1);
    expect(check.pairs).toBe(10);
    expect(check.cells.map((cell) => `${cell.mode} x${cell.threads}`).sort()).toEqual([
      "sequential x1",
      "worker-threads x1",
    ]);
    for (const cell of check.cells) {
      expect(cell.kind).toBe("compared");
      if (cell.kind !== "compared") continue;
      expect(cell.base).toHaveLength(10);
      expect(cell.head).toHaveLength(10);
      expect(cell.comparison.verdict).toBe("slower");
    }
    expect(stdout).toContain("interleaved: 10 pairs of repetitions per cell");
    expect(stdout).toMatch(/REGRESSION: head is slower than base in (sequential x1|worker-threads x1)/);
  }, 120_000);

  it("passes two copies of the same module", async () => {
    // Identical code is "slower" only by chance: the signed-rank test's alpha (0.01) per
    // cell, two cells, two invocations (text and JSON). The suite runs this beside other
    // CPU-bound files on two cores, where a short repetition can lose a slice to them in
    // most pairs (7 ms ones did, on Node 24 in CI on 2026-12-04: the text run said slower).
    // So the effect that counts here is 25%; the planted 2x slowdown above is what shows
    // the check can fail.
    const { code, check } = await ab(same, ["--min-effect", "25"]);
    expect(code).toBe(0);
    expect(check.regressed).toBe(false);
  }, 120_000);
});
