import { describe, expect, it } from "vitest";
import {
  atOffset,
  defaultSeriesView,
  pageRange,
  parseSeriesView,
  serializeSeriesView,
  seriesFilterOf,
} from "./series-view";

describe("series explorer view", () => {
  it("reads search, filters, order and page, and writes them back without defaults", () => {
    const view = parseSeriesView({
      q: "sum",
      mode: "threading",
      threads: "4",
      runtime: "cpython 3.13.1t (no GIL)",
      branch: "main",
      sort: "newest",
      size: "25",
      offset: "50",
    });
    expect(view).toEqual({
      filters: {
        q: "sum",
        mode: "threading",
        threads: "4",
        runtime: "cpython 3.13.1t (no GIL)",
        branch: "main",
      },
      sort: "newest",
      pageSize: 25,
      offset: 50,
    });
    expect(parseSeriesView(Object.fromEntries(new URLSearchParams(serializeSeriesView(view))))).toEqual(view);
    expect(serializeSeriesView(defaultSeriesView)).toBe("");
    // The overview links to its own order: the most recently measured series first.
    expect(parseSeriesView({ sort: "recent" }).sort).toBe("recent");
    expect(serializeSeriesView({ ...defaultSeriesView, sort: "recent" })).toBe("?sort=recent");
  });

  it("drops malformed values", () => {
    expect(parseSeriesView({ threads: "four", sort: "colour", size: "7", offset: "-3", mode: "" })).toEqual(
      defaultSeriesView,
    );
  });

  it("drops an offset no GraphQL Int holds (it came back as the API's coercion error)", () => {
    expect(parseSeriesView({ offset: "99999999999999999999" }).offset).toBe(0);
    expect(parseSeriesView({ offset: "2147483648" }).offset).toBe(0);
    expect(parseSeriesView({ offset: "2147483647" }).offset).toBe(2_147_483_647);
  });

  it("maps to the API's filter", () => {
    expect(seriesFilterOf({ q: "pool", threads: "2", branch: "(none)", machine: "ci-runner-7" })).toEqual({
      search: "pool",
      threads: 2,
      branch: "",
      machine: "ci-runner-7",
    });
  });

  it("pages both ways with the range shown", () => {
    expect(pageRange(50, 50, 432)).toEqual({ from: 51, to: 100 });
    expect(pageRange(400, 32, 432)).toEqual({ from: 401, to: 432 });
    expect(pageRange(0, 0, 0)).toEqual({ from: 0, to: 0 });
    expect(atOffset(defaultSeriesView, -50).offset).toBe(0);
  });
});
