/**
 * The runs table's view (filters, sort, page) kept in the URL so a view can be
 * shared and survives reloads. Parsing is forgiving (unknown or malformed values are
 * dropped, never an error page); serialising leaves defaults out so URLs stay short.
 */

import type { RunStatus as ApiRunStatus } from "../generated/graphql";
import { ApiError } from "../graphql/execute";
import { runStatusLabels, valueOfLabel } from "./labels";

export const runStatuses = ["queued", "running", "succeeded", "failed", "cancelled", "interrupted"] as const;
export type RunStatus = (typeof runStatuses)[number];

/** The API orders runs by creation time only (RunOrder); more fields would need the API. */
export const runSortFields = ["createdAt", "workload", "status"] as const;
export type RunSortField = (typeof runSortFields)[number];
export type SortDirection = "asc" | "desc";

export interface RunFilters {
  workload?: string;
  mode?: string;
  threads?: number;
  branch?: string;
  testbed?: string;
  status?: RunStatus;
  label?: string;
  /** The project the runs belong to (e.g. acme/imaging; built-in runs: default). */
  project?: string;
  /** Inclusive day, YYYY-MM-DD (UTC). */
  from?: string;
  /** Inclusive day, YYYY-MM-DD (UTC). */
  to?: string;
}

export interface RunsView {
  filters: RunFilters;
  sort: RunSortField;
  direction: SortDirection;
  /** Opaque cursor: the page starts after this row (the previous page's last). */
  after?: string;
  /** Opaque cursor: the page ends before this row (the next page's first): paging back. */
  before?: string;
  /** 1-based position of the page's first row, for "51–100 of 1,234"; 1 when absent. */
  start?: number;
  pageSize: number;
}

export const defaultRunsView: RunsView = {
  filters: {},
  sort: "createdAt",
  direction: "desc",
  pageSize: 50,
};

/** The API caps `first` at 100. */
export const pageSizes = [25, 50, 100] as const;

/** What Next.js hands a page as `searchParams`. */
export type SearchParamsRecord = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(value: string | undefined): string | undefined {
  if (!value || !DAY.test(value)) return undefined;
  return Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? undefined : value;
}

/** Reads the view from search params; anything malformed falls back to the default. */
export function parseRunsView(params: SearchParamsRecord | URLSearchParams): RunsView {
  const get = (key: string) =>
    params instanceof URLSearchParams ? (params.get(key) ?? undefined) : first(params[key]);
  const filters: RunFilters = {};
  for (const key of ["workload", "mode", "branch", "testbed", "label", "project"] as const) {
    const value = get(key);
    if (value) filters[key] = value.slice(0, 200);
  }
  // At most six digits, as in the series view: a larger count is no thread count, and
  // one past GraphQL's 32-bit Int came back as the API's "Int cannot represent" error.
  const threadsText = get("threads");
  if (threadsText && /^[1-9]\d{0,5}$/.test(threadsText)) filters.threads = Number(threadsText);
  const status = get("status");
  if (status && (runStatuses as readonly string[]).includes(status)) {
    filters.status = status as RunStatus;
  }
  const from = day(get("from"));
  if (from) filters.from = from;
  const to = day(get("to"));
  if (to) filters.to = to;

  const sortText = get("sort");
  const sort = (runSortFields as readonly string[]).includes(sortText ?? "")
    ? (sortText as RunSortField)
    : defaultRunsView.sort;
  const directionText = get("dir");
  const direction: SortDirection =
    directionText === "asc" || directionText === "desc" ? directionText : defaultRunsView.direction;
  const size = Number(get("size"));
  const pageSize = (pageSizes as readonly number[]).includes(size) ? size : defaultRunsView.pageSize;
  const after = get("after");
  const before = after ? undefined : get("before");
  const start = Number(get("start"));
  return {
    filters,
    sort,
    direction,
    pageSize,
    ...(after ? { after } : {}),
    ...(before ? { before } : {}),
    ...(Number.isInteger(start) && start > 1 ? { start } : {}),
  };
}

/** The view as a query string ("" for the default view), keys in a stable order. */
export function serializeRunsView(view: RunsView): string {
  const search = new URLSearchParams();
  const { filters } = view;
  for (const key of [
    "workload",
    "mode",
    "threads",
    "branch",
    "testbed",
    "status",
    "label",
    "project",
    "from",
    "to",
  ] as const) {
    const value = filters[key];
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  if (view.sort !== defaultRunsView.sort) search.set("sort", view.sort);
  if (view.direction !== defaultRunsView.direction) search.set("dir", view.direction);
  if (view.pageSize !== defaultRunsView.pageSize) search.set("size", String(view.pageSize));
  if (view.after) search.set("after", view.after);
  else if (view.before) search.set("before", view.before);
  if (view.start !== undefined && view.start > 1) search.set("start", String(view.start));
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** A new view with one filter changed; the page resets, since the old cursor no longer applies. */
export function withFilter<K extends keyof RunFilters>(
  view: RunsView,
  key: K,
  value: RunFilters[K] | undefined,
): RunsView {
  const filters = { ...view.filters };
  if (value === undefined || value === "") delete filters[key];
  else filters[key] = value;
  return { ...firstPage(view), filters };
}

/** The same view from its first page. */
function firstPage(view: RunsView): RunsView {
  const { after: _after, before: _before, start: _start, ...rest } = view;
  return rest;
}

/** Clicking a column: same column flips direction, a new column starts descending. */
export function withSort(view: RunsView, field: RunSortField): RunsView {
  const direction: SortDirection =
    view.sort === field ? (view.direction === "desc" ? "asc" : "desc") : "desc";
  return { ...firstPage(view), sort: field, direction };
}

/** The next page, after the given cursor (the current page's last row); no cursor: the first page. */
export function withCursor(view: RunsView, after: string | undefined, start?: number): RunsView {
  const rest = firstPage(view);
  if (!after) return rest;
  return { ...rest, after, ...(start !== undefined && start > 1 ? { start } : {}) };
}

/** The previous page, before the given cursor (the current page's first row). */
export function withBefore(view: RunsView, before: string, start: number): RunsView {
  return { ...firstPage(view), before, ...(start > 1 ? { start } : {}) };
}

/** The opposite direction: a page "before" a cursor is read as the page after it, reversed. */
export function reversedDirection(direction: SortDirection): SortDirection {
  return direction === "desc" ? "asc" : "desc";
}

/**
 * The search params without the empty ones a plain GET form submits ("?workload=&mode="),
 * as a query string; null when there were none (nothing to clean).
 */
export function withoutEmptyParams(params: SearchParamsRecord): string | null {
  const search = new URLSearchParams();
  let dropped = false;
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item.trim() === "") dropped = true;
      else search.append(key, item);
    }
  }
  if (!dropped) return null;
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** How many filters are set: for the "clear filters" affordance. */
export function activeFilterCount(view: RunsView): number {
  return Object.values(view.filters).filter((value) => value !== undefined && value !== "").length;
}

/** The two run ids of a comparison from `?a=...&b=...`. */
export function parseCompare(params: SearchParamsRecord): { a?: string; b?: string } {
  const a = first(params.a);
  const b = first(params.b);
  return { ...(a ? { a } : {}), ...(b ? { b } : {}) };
}

/**
 * Two runs ordered oldest first (base, then head). A run whose date is unknown (ticked
 * on another page) keeps the order the runs were ticked in.
 */
export function orderByDate<T extends { createdAt: string | null }>(first: T, second: T): [T, T] {
  if (first.createdAt === null || second.createdAt === null) return [first, second];
  return Date.parse(first.createdAt) <= Date.parse(second.createdAt) ? [first, second] : [second, first];
}

/** The scaling page's URL for chosen runs. */
export function scalingHref(runIds: readonly string[]): string {
  return `/scaling?${new URLSearchParams({ runs: runIds.join(",") }).toString()}`;
}

/** The compare page's URL for two runs. */
export function compareHref(baseRunId: string, headRunId: string): string {
  const search = new URLSearchParams({ a: baseRunId, b: headRunId });
  return `/compare?${search.toString()}`;
}

/** The API's RunFilter for a view (days are UTC; `to` is inclusive, the API's bound exclusive). */
export function runFilterOf(filters: RunFilters) {
  const filter: {
    workload?: string;
    status?: ApiRunStatus[];
    mode?: string;
    threads?: number;
    branch?: string;
    testbedId?: string;
    label?: string;
    project?: string;
    createdFrom?: string;
    createdTo?: string;
  } = {};
  if (filters.workload) filter.workload = filters.workload;
  const status = filters.status ? valueOfLabel(runStatusLabels, filters.status) : undefined;
  if (status) filter.status = [status];
  if (filters.mode) filter.mode = filters.mode;
  if (filters.threads) filter.threads = filters.threads;
  if (filters.branch) filter.branch = filters.branch;
  if (filters.testbed) filter.testbedId = filters.testbed;
  if (filters.label) filter.label = filters.label;
  if (filters.project) filter.project = filters.project;
  if (filters.from) filter.createdFrom = `${filters.from}T00:00:00.000Z`;
  if (filters.to) {
    const next = new Date(`${filters.to}T00:00:00.000Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    filter.createdTo = next.toISOString();
  }
  return filter;
}

/** The API's RunOrder for a view's sort column and direction. */
export function runOrderOf(view: Pick<RunsView, "sort" | "direction">): RunOrderValue {
  const column = view.sort === "workload" ? "WORKLOAD" : view.sort === "status" ? "STATUS" : "CREATED_AT";
  return `${column}_${view.direction === "asc" ? "ASC" : "DESC"}`;
}
export type RunOrderValue = `${"CREATED_AT" | "WORKLOAD" | "STATUS"}_${"ASC" | "DESC"}`;

/**
 * The API's error for a page read backwards: a page before a cursor is asked as the page
 * after it (see reversedDirection), so a bad `before` came back named `after`, a
 * parameter the URL did not have.
 */
export function pagedBackError(error: ApiError): ApiError {
  if (error.code !== "BAD_USER_INPUT" || !error.issues.some((issue) => issue.path === "after")) return error;
  return new ApiError(
    error.code,
    error.message.replace(/^after:/, "before:"),
    error.issues.map((issue) => (issue.path === "after" ? { ...issue, path: "before" } : issue)),
  );
}
