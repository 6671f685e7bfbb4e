/**
 * The series explorer's view (search, filters, order, page) in the URL, like the runs
 * table's: forgiving to parse, defaults left out when written.
 */
import type { SearchParamsRecord } from "./url-state";

export const seriesFilterKeys = [
  "q",
  "workload",
  "mode",
  "threads",
  "runtime",
  "machine",
  "branch",
  "harness",
  "project",
] as const;
export type SeriesFilterKey = (typeof seriesFilterKeys)[number];

export const seriesSorts = ["name", "recent", "newest"] as const;
export type SeriesSort = (typeof seriesSorts)[number];

export const seriesPageSizes = [25, 50, 100] as const;

export interface SeriesView {
  filters: Partial<Record<SeriesFilterKey, string>>;
  sort: SeriesSort;
  /** 0-based index of the page's first series. */
  offset: number;
  pageSize: number;
}

export const defaultSeriesView: SeriesView = { filters: {}, sort: "name", offset: 0, pageSize: 50 };

function first(value: string | string[] | undefined): string | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
}

const maxGraphQLInt = 2_147_483_647;

export function parseSeriesView(params: SearchParamsRecord): SeriesView {
  const filters: SeriesView["filters"] = {};
  for (const key of seriesFilterKeys) {
    const value = first(params[key]);
    if (value) filters[key] = value.slice(0, 200);
  }
  if (filters.threads !== undefined && !/^[1-9]\d{0,5}$/.test(filters.threads)) delete filters.threads;
  const sortText = first(params.sort);
  const sort = (seriesSorts as readonly string[]).includes(sortText ?? "")
    ? (sortText as SeriesSort)
    : defaultSeriesView.sort;
  const size = Number(first(params.size));
  const pageSize = (seriesPageSizes as readonly number[]).includes(size) ? size : defaultSeriesView.pageSize;
  const offset = Number(first(params.offset));
  return {
    filters,
    sort,
    pageSize,
    // GraphQL's Int is 32-bit: a larger offset came back as the API's "Int cannot represent" error.
    offset: Number.isInteger(offset) && offset > 0 && offset <= maxGraphQLInt ? offset : 0,
  };
}

export function serializeSeriesView(view: SeriesView): string {
  const search = new URLSearchParams();
  for (const key of seriesFilterKeys) {
    const value = view.filters[key];
    if (value) search.set(key, value);
  }
  if (view.sort !== defaultSeriesView.sort) search.set("sort", view.sort);
  if (view.pageSize !== defaultSeriesView.pageSize) search.set("size", String(view.pageSize));
  if (view.offset > 0) search.set("offset", String(view.offset));
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** The same view at another offset (clamped at 0). */
export function atOffset(view: SeriesView, offset: number): SeriesView {
  return { ...view, offset: Math.max(0, offset) };
}

/** The API's SeriesFilter for a view ("(none)" stands for runs without a branch). */
export function seriesFilterOf(filters: SeriesView["filters"]) {
  const filter: {
    search?: string;
    workload?: string;
    mode?: string;
    threads?: number;
    runtime?: string;
    machine?: string;
    branch?: string;
    harness?: string;
    project?: string;
  } = {};
  if (filters.q) filter.search = filters.q;
  if (filters.workload) filter.workload = filters.workload;
  if (filters.mode) filter.mode = filters.mode;
  if (filters.threads) filter.threads = Number(filters.threads);
  if (filters.runtime) filter.runtime = filters.runtime;
  if (filters.machine) filter.machine = filters.machine;
  if (filters.branch) filter.branch = filters.branch === noBranch ? "" : filters.branch;
  if (filters.harness) filter.harness = filters.harness;
  if (filters.project) filter.project = filters.project;
  return filter;
}

/** How the empty branch (runs that had none) is written in the URL and the filter. */
export const noBranch = "(none)";

/** "Series 51–100 of 432" for a page. */
export function pageRange(offset: number, shown: number, total: number): { from: number; to: number } {
  if (shown === 0) return { from: 0, to: 0 };
  return { from: offset + 1, to: Math.min(total, offset + shown) };
}
