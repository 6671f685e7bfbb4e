import { expect, it } from "vitest";
import type { Database } from "../db/client.js";
import { storeRunResult } from "../db/run-repository.js";
import { describeEachDatabase } from "../test/databases.js";
import { makeRunResult } from "../test/run-factories.js";
import { checkRunAgainstHistory } from "./check-run.js";

const dayMs = 24 * 3600 * 1000;
const origin = Date.UTC(2026, 0, 1);
const hashA = "a".repeat(64);
const hashB = "b".repeat(64);

/**
 * A module workload's history: 30 runs at 10 ms per task, then 10 at 13 ms (a 30% step),
 * with the module's content hash of each run. Returns the run ids, oldest first.
 */
async function plantModuleHistory(database: Database, hashes: (index: number) => string): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < 40; index++) {
    const result = makeRunResult({
      seed: 1 + index * 7919,
      taskMs: index < 30 ? 10 : 13,
      startedAt: new Date(origin + index * dayMs).toISOString(),
      plan: {
        workloadId: "module:bench/resize",
        workloadModule: {
          file: "/repo/bench/resize.ts",
          relativePath: "bench/resize.ts",
          hash: hashes(index),
        },
        threads: [1, 2],
        repetitions: 5,
      },
    });
    const { run } = await storeRunResult(database, result, { branch: "main", project: "acme/imaging" });
    ids.push(run.id);
  }
  return ids;
}

describeEachDatabase("regression checks across a changed workload module", ({ open }) => {
  it("store no regression where the module's hash changed (the benchmark changed, not the code)", async () => {
    const database = await open();
    const ids = await plantModuleHistory(database, (index) => (index < 30 ? hashA : hashB));
    const result = await checkRunAgainstHistory(database, ids.at(-1) as string);
    expect(result.stored).toEqual([]);
    expect(await database.prisma.regression.count()).toBe(0);
  });

  it("still find the same step when the module did not change", async () => {
    const database = await open();
    const ids = await plantModuleHistory(database, () => hashA);
    const result = await checkRunAgainstHistory(database, ids.at(-1) as string);
    const wallTime = result.stored.filter((regression) => regression.kind === "regression");
    expect(wallTime.length).toBeGreaterThan(0);
    expect(new Set(wallTime.map((regression) => regression.runId))).toEqual(new Set([ids[30]]));
  });
});
