import { describe, expect, it } from "vitest";
import { toRunRow } from "./run-rows";

describe("toRunRow", () => {
  it("keeps what the runs table reads and drops the rest of the query's node", () => {
    const node = {
      id: "r1",
      workloadId: "sum-squares",
      params: { n: 1000 },
      modes: ["sequential", "worker-threads"],
      threads: [1, 2],
      repetitions: 5,
      scaling: "WEAK",
      status: "SUCCEEDED" as const,
      error: null,
      source: "RUNNER",
      commitSha: "abc1234",
      commitMessage: "faster pool",
      branch: "main",
      labels: ["nightly"],
      seeded: false,
      createdAt: "2026-12-01T10:00:00.000Z",
      startedAt: "2026-12-01T10:00:01.000Z",
      finishedAt: "2026-12-01T10:00:09.000Z",
      durationMs: 8000,
      queuePosition: null,
      testbed: {
        id: "t1",
        hostname: "ci-runner-7",
        cpuModel: "EPYC",
        logicalCores: 2,
        runtime: "node",
        runtimeVersion: "20.20.0",
        runtimeLabel: "node 20",
      },
    };
    expect(toRunRow(node)).toEqual({
      id: "r1",
      workloadId: "sum-squares",
      params: { n: 1000 },
      threads: [1, 2],
      modes: ["sequential", "worker-threads"],
      status: "SUCCEEDED",
      commitSha: "abc1234",
      commitMessage: "faster pool",
      branch: "main",
      labels: ["nightly"],
      seeded: false,
      createdAt: "2026-12-01T10:00:00.000Z",
      durationMs: 8000,
      testbed: {
        hostname: "ci-runner-7",
        runtime: "node",
        runtimeVersion: "20.20.0",
        runtimeLabel: "node 20",
      },
    });
    expect(toRunRow({ ...node, testbed: null }).testbed).toBeNull();
  });
});
