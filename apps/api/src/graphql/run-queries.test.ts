import { expect, it } from "vitest";
import { createQueuedRun, finishRunWithoutResult } from "../db/run-repository.js";
import { UserInputError } from "../errors.js";
import { describeEachDatabase } from "../test/databases.js";
import { makePlan } from "../test/run-factories.js";
import {
  encodeRunCursor,
  listRunPage,
  type RunOrderDirection,
  type RunSortField,
  runOrder,
} from "./run-queries.js";

describeEachDatabase("runs pages in every order", ({ open }) => {
  it("pages through runs sorted by workload, status or date without losing or repeating one", async () => {
    const database = await open();
    const workloadIds = [
      "sqrt-log",
      "sum-squares",
      "image-analysis",
      "sum-squares",
      "sqrt-log",
      "mandelbrot",
      "sum-squares",
    ];
    for (const [index, workloadId] of workloadIds.entries()) {
      const { run } = await createQueuedRun(database, { plan: makePlan({ workloadId }) });
      if (index % 3 === 1)
        await finishRunWithoutResult(database, run.id, { status: "cancelled", error: "test" });
      if (index % 3 === 2)
        await finishRunWithoutResult(database, run.id, { status: "failed", error: "test" });
    }
    const orders: Array<[RunSortField, RunOrderDirection]> = [
      ["workloadId", "asc"],
      ["workloadId", "desc"],
      ["status", "asc"],
      ["status", "desc"],
      ["createdAt", "asc"],
    ];
    for (const [field, direction] of orders) {
      const all = await listRunPage(database, { filter: {}, field, direction, first: 100, after: null });
      const paged: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await listRunPage(database, { filter: {}, field, direction, first: 2, after });
        paged.push(...page.runs.map((run) => run.id));
        const last = page.runs.at(-1);
        if (!page.hasNextPage || !last) break;
        after = encodeRunCursor(last, field);
      }
      expect(paged).toEqual(all.runs.map((run) => run.id));
      const values = all.runs.map((run) => (field === "createdAt" ? run.createdAt.getTime() : run[field]));
      const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(values).toEqual(direction === "asc" ? sorted : sorted.reverse());
    }
  });

  it("rejects a cursor of another order at `after`", async () => {
    const database = await open();
    const { run } = await createQueuedRun(database, { plan: makePlan() });
    const dateCursor = encodeRunCursor(run, "createdAt");
    await expect(
      listRunPage(database, {
        filter: {},
        field: "workloadId",
        direction: "asc",
        first: 2,
        after: dateCursor,
      }),
    ).rejects.toThrow(UserInputError);
  });
});

it("reads GraphQL RunOrder values as a column and a direction", () => {
  expect(runOrder("WORKLOAD_ASC")).toEqual({ field: "workloadId", direction: "asc" });
  expect(runOrder("STATUS_DESC")).toEqual({ field: "status", direction: "desc" });
  expect(runOrder(undefined)).toEqual({ field: "createdAt", direction: "desc" });
});
