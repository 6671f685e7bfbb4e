import { describe, expect, it } from "vitest";
import {
  activeFilterCount,
  compareHref,
  defaultRunsView,
  parseCompare,
  parseRunsView,
  runFilterOf,
  serializeRunsView,
  withCursor,
  withFilter,
  withSort,
} from "./url-state";

describe("parseRunsView", () => {
  it("reads filters, sort and cursor", () => {
    const view = parseRunsView({
      workload: "sum-squares",
      threads: "4",
      status: "failed",
      from: "2025-01-01",
      sort: "createdAt",
      dir: "asc",
      size: "100",
      after: "cursor-1",
    });
    expect(view).toEqual({
      filters: { workload: "sum-squares", threads: 4, status: "failed", from: "2025-01-01" },
      sort: "createdAt",
      direction: "asc",
      pageSize: 100,
      after: "cursor-1",
    });
  });

  it("drops malformed values instead of failing", () => {
    const view = parseRunsView({
      threads: "-2",
      status: "exploded",
      from: "yesterday",
      sort: "colour",
      dir: "sideways",
      size: "7",
      workload: ["a", "b"],
    });
    expect(view).toEqual({ ...defaultRunsView, filters: { workload: "a" } });
  });

  it("accepts URLSearchParams too", () => {
    expect(parseRunsView(new URLSearchParams("branch=main")).filters).toEqual({ branch: "main" });
  });
});

describe("serializeRunsView", () => {
  it("leaves defaults out and round-trips", () => {
    expect(serializeRunsView(defaultRunsView)).toBe("");
    const view = parseRunsView({ branch: "main", label: "seeded", dir: "asc", after: "x" });
    const text = serializeRunsView(view);
    expect(text).toBe("?branch=main&label=seeded&dir=asc&after=x");
    expect(parseRunsView(new URLSearchParams(text))).toEqual(view);
  });
});

describe("view changes", () => {
  const paged = { ...defaultRunsView, after: "cursor" };
  it("resets the page when a filter changes", () => {
    const view = withFilter(paged, "status", "running");
    expect(view.after).toBeUndefined();
    expect(view.filters.status).toBe("running");
    expect(withFilter(view, "status", undefined).filters).toEqual({});
  });
  it("flips the direction on the same column and resets the page", () => {
    expect(withSort(paged, "createdAt")).toMatchObject({ sort: "createdAt", direction: "asc" });
    expect(withSort(paged, "createdAt").after).toBeUndefined();
  });
  it("moves the cursor", () => {
    expect(withCursor(defaultRunsView, "c2").after).toBe("c2");
    expect(withCursor(paged, undefined).after).toBeUndefined();
  });
  it("counts active filters", () => {
    expect(activeFilterCount(withFilter(defaultRunsView, "branch", "main"))).toBe(1);
  });
});

describe("compare URLs", () => {
  it("round-trips two run ids", () => {
    const href = compareHref("run a", "run-b");
    expect(href).toBe("/compare?a=run+a&b=run-b");
    const search = new URLSearchParams(href.split("?")[1]);
    expect(parseCompare(Object.fromEntries(search))).toEqual({ a: "run a", b: "run-b" });
  });
});

describe("runFilterOf", () => {
  it("maps URL words onto the API's filter, with an inclusive end day", () => {
    const view = parseRunsView({
      mode: "worker-threads",
      status: "running",
      testbed: "tb1",
      from: "2025-01-31",
      to: "2025-01-31",
    });
    expect(runFilterOf(view.filters)).toEqual({
      mode: "worker-threads",
      status: ["RUNNING"],
      testbedId: "tb1",
      createdFrom: "2025-01-31T00:00:00.000Z",
      createdTo: "2025-02-01T00:00:00.000Z",
    });
  });
});

describe("run order", () => {
  it("keeps the sort column in the URL and maps it to the API's RunOrder", async () => {
    const { parseRunsView, serializeRunsView, runOrderOf } = await import("./url-state");
    const view = parseRunsView({ sort: "workload", dir: "asc" });
    expect(view.sort).toBe("workload");
    expect(runOrderOf(view)).toBe("WORKLOAD_ASC");
    expect(parseRunsView(Object.fromEntries(new URLSearchParams(serializeRunsView(view))))).toMatchObject({
      sort: "workload",
      direction: "asc",
    });
    expect(runOrderOf(parseRunsView({ sort: "status" }))).toBe("STATUS_DESC");
    expect(runOrderOf(parseRunsView({ sort: "bogus" }))).toBe("CREATED_AT_DESC");
  });
});
