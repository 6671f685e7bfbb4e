import { seededLabel } from "@threadbench/core";
import { expect, it } from "vitest";
import { describeEachDatabase } from "../test/databases.js";
import { listRuns } from "./run-list.js";
import { getRun } from "./run-reads.js";
import { seedDatabase } from "./seed.js";
import { readSeriesHistory } from "./series-repository.js";

describeEachDatabase("seed", ({ open }) => {
  it("writes a marked synthetic history that the repository reads like any other", async () => {
    const database = await open();
    const until = new Date("2026-06-01T00:00:00.000Z");
    const report = await seedDatabase(database, { runs: 300, seed: 4, until });
    expect(report.runs).toBe(300);
    expect(report.samples).toBeGreaterThan(300 * 4 * 3 * 0.9);
    expect(await database.prisma.run.count({ where: { seeded: true } })).toBe(300);
    expect(await database.prisma.runLabel.count({ where: { label: seededLabel } })).toBe(300);

    const page = await listRuns(
      database,
      { seeded: true, branch: "main", status: "succeeded" },
      { limit: 5 },
    );
    expect(page.runs).toHaveLength(5);
    const newest = page.runs[0];
    expect(newest?.labels).toEqual([seededLabel]);
    expect(newest?.seeded).toBe(true);
    expect(newest?.createdAt.getTime()).toBeLessThanOrEqual(until.getTime() + 60_000);
    expect(newest?.createdAt.getTime()).toBeGreaterThan(until.getTime() - 300 * 10 * 60_000);
    expect(newest?.testbed?.runtime).toBe("node");

    const detail = await getRun(database, newest?.id as string);
    expect(detail?.params).toEqual(expect.any(Object));
    expect(detail?.measurements.length).toBeGreaterThanOrEqual(4);
    const sample = detail?.measurements[0]?.samples[0];
    expect(sample?.taskDurationsMs.length).toBeGreaterThan(0);
    expect(sample?.wallMs).toBeGreaterThan(0);

    const key = detail?.measurements[0]?.seriesKey as string;
    expect(report.seriesKeys).toContain(key);
    const points = await readSeriesHistory(database, key, { last: 1000 });
    expect(points.length).toBeGreaterThan(1);
    expect(points.at(-1)?.runId).toBe(newest?.id);
    for (let index = 1; index < points.length; index++) {
      expect(points[index]?.recordedAt.getTime()).toBeGreaterThanOrEqual(
        points[index - 1]?.recordedAt.getTime() as number,
      );
    }
    expect(await database.prisma.series.count()).toBe(report.seriesKeys.length);
  });
});
