import { describe, expect, it } from "vitest";
import { ApiError } from "../graphql/execute";
import {
  activeFilterCount,
  compareHref,
  defaultRunsView,
  orderByDate,
  pagedBackError,
  parseCompare,
  parseRunsView,
  reversedDirection,
  runFilterOf,
  scalingHref,
  serializeRunsView,
  withBefore,
  withCursor,
  withFilter,
  withoutEmptyParams,
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

  it("drops a thread count no GraphQL Int holds (it came back as the API's coercion error)", () => {
    for (const threads of ["99999999999999999999", "2147483648", "1e3", "04"]) {
      expect(parseRunsView({ threads }).filters, threads).toEqual({});
    }
    expect(parseRunsView({ threads: "999999" }).filters).toEqual({ threads: 999_999 });
  });

  it("names a bad `before` cursor as before, not as the `after` the API was asked for", () => {
    const api = new ApiError("BAD_USER_INPUT", 'after: "zzz" is not a cursor returned by a previous page', [
      { path: "after", message: '"zzz" is not a cursor returned by a previous page' },
    ]);
    const shown = pagedBackError(api);
    expect(shown.message).toBe('before: "zzz" is not a cursor returned by a previous page');
    expect(shown.issues).toEqual([
      { path: "before", message: '"zzz" is not a cursor returned by a previous page' },
    ]);
    const other = new ApiError("NOT_FOUND", "gone");
    expect(pagedBackError(other)).toBe(other);
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
  it("keeps the project filter in the URL and hands it to the API", () => {
    const view = parseRunsView({ project: "acme/imaging" });
    expect(serializeRunsView(view)).toBe("?project=acme%2Fimaging");
    expect(parseRunsView(new URLSearchParams(serializeRunsView(view)))).toEqual(view);
    expect(runFilterOf(view.filters)).toEqual({ project: "acme/imaging" });
  });

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

describe("paging both ways", () => {
  it("keeps the position of the page's first row and a cursor back", () => {
    const view = parseRunsView({ branch: "main", before: "c2", start: "51" });
    expect(view.before).toBe("c2");
    expect(view.start).toBe(51);
    expect(serializeRunsView(view)).toBe("?branch=main&before=c2&start=51");
    // after wins over before, and filters or sorting go back to the first page.
    expect(parseRunsView({ after: "a", before: "b" })).toMatchObject({ after: "a" });
    expect(parseRunsView({ after: "a", before: "b" }).before).toBeUndefined();
    expect(serializeRunsView(withFilter(view, "threads", 4))).toBe("?threads=4&branch=main");
    expect(serializeRunsView(withBefore(view, "c1", 1))).toBe("?branch=main&before=c1");
    expect(serializeRunsView(withCursor(view, "c3", 101))).toBe("?branch=main&after=c3&start=101");
    expect(reversedDirection("desc")).toBe("asc");
  });
});

describe("empty filter parameters", () => {
  it("are dropped from what a GET form submitted (they cluttered every URL)", () => {
    expect(withoutEmptyParams({ workload: "", mode: "", branch: "main", size: "50" })).toBe(
      "?branch=main&size=50",
    );
    expect(withoutEmptyParams({ workload: " ", status: "" })).toBe("");
    expect(withoutEmptyParams({ branch: "main" })).toBeNull();
    expect(withoutEmptyParams({ label: ["a", ""] })).toBe("?label=a");
  });
});

describe("compare order", () => {
  it("makes the older of two ticked runs the base, whatever the tick order (the newer was the base)", () => {
    const newer = { id: "new", createdAt: "2026-02-01T00:00:00Z" };
    const older = { id: "old", createdAt: "2026-01-01T00:00:00Z" };
    expect(orderByDate(newer, older).map((run) => run.id)).toEqual(["old", "new"]);
    expect(orderByDate(older, newer).map((run) => run.id)).toEqual(["old", "new"]);
    const unknown: { id: string; createdAt: string | null } = { id: "elsewhere", createdAt: null };
    expect(orderByDate(unknown, newer).map((run) => run.id)).toEqual(["elsewhere", "new"]);
    expect(scalingHref(["a", "b"])).toBe("/scaling?runs=a%2Cb");
  });
});
