/**
 * Performance probes of `npm run bench` (e2e/bench.ts): first contentful paint of every
 * page in Chromium, time to first byte of every page next to the time of the page's own
 * GraphQL queries against the API, and the client render time of the history chart.
 * Timings are reported, never asserted: this machine is shared and noisy.
 */
import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import { median } from "@threadbench/core";
import type { Browser, BrowserContext } from "playwright-core";
import { executeOperation } from "../src/graphql/execute";

/**
 * First contentful paint of a first visit from a running browser, and the browser's own
 * time to the response's first byte, in ms. A new tab of one long-lived context with the
 * HTTP cache disabled: every resource is fetched as on a first visit, but the figure does
 * not include starting a browser context (a fresh profile, network context and renderer
 * process cost 100-500 ms here, which a user of a running browser never waits for).
 */
export async function firstContentfulPaint(
  context: BrowserContext,
  url: string,
): Promise<{ fcpMs: number; firstByteMs: number }> {
  const page = await context.newPage();
  try {
    const session = await context.newCDPSession(page);
    await session.send("Network.enable");
    await session.send("Network.setCacheDisabled", { cacheDisabled: true });
    await page.goto(url, { waitUntil: "load" });
    // A string, not a function: the bench runs under tsx, whose helpers do not exist in the page.
    const [fcpMs, firstByteMs] = await page.evaluate<[number, number]>(`new Promise((resolve) => {
      const navigation = performance.getEntriesByType("navigation")[0];
      const done = (entry) => resolve([entry.startTime, navigation.responseStart]);
      const entry = performance.getEntriesByName("first-contentful-paint")[0];
      if (entry) return done(entry);
      new PerformanceObserver((list) => {
        const found = list.getEntriesByName("first-contentful-paint")[0];
        if (found) done(found);
      }).observe({ type: "paint", buffered: true });
    })`);
    return { fcpMs, firstByteMs };
  } finally {
    await page.close();
  }
}

/**
 * A server render's time to its response headers (`next start` sends them with the first
 * flush: the whole page, or its shell when parts stream behind Suspense) and to the last
 * byte (every streamed part), in ms.
 */
export async function serverRenderTimes(url: string): Promise<{ firstByteMs: number; lastByteMs: number }> {
  const started = performance.now();
  const response = await fetch(url, { redirect: "manual" });
  const firstByteMs = performance.now() - started;
  await response.arrayBuffer();
  const lastByteMs = performance.now() - started;
  if (response.status >= 400) throw new Error(`${url} answered HTTP ${response.status}`);
  return { firstByteMs, lastByteMs };
}

/** One GraphQL operation as the page sends it, straight to the API. */
export interface PageQuery {
  // biome-ignore lint/suspicious/noExplicitAny: any typed document of the dashboard's
  document: DocumentTypeDecoration<any, any> & { toString(): string };
  variables: Record<string, unknown>;
}

/** The page's own queries, one after the other as the page awaits them, in ms. */
export async function queriesTime(apiUrl: string, queries: readonly PageQuery[]): Promise<number> {
  const started = performance.now();
  for (const query of queries) await executeOperation(apiUrl, query.document, query.variables);
  return performance.now() - started;
}

/**
 * Client-side render time of the history chart at `url`: the chart's own work
 * (options, construction, first draw) and the wall time until its first draw, in ms.
 */
export async function chartRenderTimes(
  browser: Browser,
  url: string,
): Promise<{ renderMs: number; firstDrawMs: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    const chart = page.locator("[data-testid=history-chart] .chart[data-render-ms]");
    await chart.waitFor({ timeout: 60_000 });
    return {
      renderMs: Number(await chart.getAttribute("data-render-ms")),
      firstDrawMs: Number(await chart.getAttribute("data-first-draw-ms")),
    };
  } finally {
    await context.close();
  }
}

/**
 * A page of the dashboard: the queries its server render awaits before the first byte,
 * and those of its parts that stream in behind Suspense.
 */
export interface BenchPage {
  name: string;
  path: string;
  queries: PageQuery[];
  streamed?: PageQuery[];
  /** The empty page that queries nothing: the server's own cost of any page (see printReport). */
  floor?: boolean;
}

export interface PageReport {
  name: string;
  path: string;
  fcpMs: number;
  /** First contentful paint after the first byte as the browser saw it: the client's part. */
  paintAfterByteMs: number;
  ttfbMs: number;
  queriesMs: number;
  /** The whole response (streamed parts included), and every query of the page one after the other. */
  lastByteMs: number;
  allQueriesMs: number;
  /** Parts stream in behind Suspense (so the first byte is the shell's). */
  streamed: boolean;
  floor: boolean;
}

export interface PerformanceReport {
  pages: PageReport[];
  chart: { points: number; renderMs: number; firstDrawMs: number }[];
  repetitions: number;
}

interface PageSamples {
  fcp: number[];
  paint: number[];
  ttfb: number[];
  queries: number[];
  last: number[];
  all: number[];
}

/**
 * Server probes take a few ms each and swing with the VM's speed, so they get three times
 * the browser's repetitions (at least 15).
 */
export function serverRepetitions(repetitions: number): number {
  return Math.max(15, repetitions * 3);
}

/** Medians of several repetitions of each probe, pages interleaved so drift hits all alike. */
export async function measurePerformance(options: {
  browser: Browser;
  webUrl: string;
  apiUrl: string;
  pages: readonly BenchPage[];
  chartPoints: readonly number[];
  repetitions: number;
}): Promise<PerformanceReport> {
  const samples = new Map<string, PageSamples>(
    options.pages.map((page) => [
      page.name,
      { fcp: [], paint: [], ttfb: [], queries: [], last: [], all: [] },
    ]),
  );
  const charts = new Map(
    options.chartPoints.map((points) => [points, { render: [] as number[], draw: [] as number[] }]),
  );
  const context = await options.browser.newContext({ viewport: { width: 1280, height: 900 } });
  // One warm-up of each: route modules load on their first request to `next start`, and
  // the browser starts its renderer and network processes once.
  for (const page of options.pages) {
    await serverRenderTimes(`${options.webUrl}${page.path}`);
    await queriesTime(options.apiUrl, [...page.queries, ...(page.streamed ?? [])]);
  }
  await firstContentfulPaint(context, `${options.webUrl}${options.pages[0]?.path ?? "/"}`);
  // The server's figures first, with the browser idle: on two cores a page the browser is
  // still rendering (or tearing down) would slow the server render measured beside it.
  for (let repetition = 0; repetition < serverRepetitions(options.repetitions); repetition++) {
    for (const page of options.pages) {
      const entry = samples.get(page.name) as PageSamples;
      const blocking = page.queries.length > 0 ? await queriesTime(options.apiUrl, page.queries) : 0;
      entry.queries.push(blocking);
      entry.all.push(blocking + (page.streamed ? await queriesTime(options.apiUrl, page.streamed) : 0));
      const render = await serverRenderTimes(`${options.webUrl}${page.path}`);
      entry.ttfb.push(render.firstByteMs);
      entry.last.push(render.lastByteMs);
    }
  }
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    for (const page of options.pages) {
      const entry = samples.get(page.name) as PageSamples;
      const paint = await firstContentfulPaint(context, `${options.webUrl}${page.path}`);
      entry.fcp.push(paint.fcpMs);
      entry.paint.push(paint.fcpMs - paint.firstByteMs);
    }
    for (const points of options.chartPoints) {
      const times = await chartRenderTimes(
        options.browser,
        `${options.webUrl}/bench/history-chart?points=${points}`,
      );
      const entry = charts.get(points) as { render: number[]; draw: number[] };
      entry.render.push(times.renderMs);
      entry.draw.push(times.firstDrawMs);
    }
  }
  await context.close();
  return {
    repetitions: options.repetitions,
    pages: options.pages.map((page) => {
      const entry = samples.get(page.name) as PageSamples;
      return {
        name: page.name,
        path: page.path,
        fcpMs: median(entry.fcp),
        paintAfterByteMs: median(entry.paint),
        ttfbMs: median(entry.ttfb),
        queriesMs: median(entry.queries),
        lastByteMs: median(entry.last),
        allQueriesMs: median(entry.all),
        streamed: (page.streamed?.length ?? 0) > 0,
        floor: page.floor ?? false,
      };
    }),
    chart: options.chartPoints.map((points) => {
      const entry = charts.get(points) as { render: number[]; draw: number[] };
      return { points, renderMs: median(entry.render), firstDrawMs: median(entry.draw) };
    }),
  };
}

export function printReport(report: PerformanceReport, context: string): void {
  const number = (value: number) => value.toFixed(1).padStart(8);
  // A page whose first byte waits for no query has no ratio to show: the floor page, or a
  // shell whose data all streams in behind it (then "last/q" is the figure).
  const ratio = (value: number, over: number, page: PageReport) =>
    (over > 0 ? (value / over).toFixed(2) : page.streamed ? "shell" : "-").padStart(7);
  const floor = report.pages.find((page) => page.floor);
  const lines = [
    `\nthreadbench dashboard performance (${context}; medians of ${report.repetitions} page loads and of ${serverRepetitions(report.repetitions)} server requests; not asserted)`,
    `  ${"page".padEnd(16)} ${"FCP ms".padStart(8)} ${"after B".padStart(8)} ${"TTFB ms".padStart(8)} ${"queries".padStart(8)} ${"TTFB/q".padStart(7)} ${"TTFB-q".padStart(8)} ${"last B".padStart(8)} ${"all q".padStart(8)} ${"last/q".padStart(7)}`,
    ...report.pages.map(
      (page) =>
        `  ${page.name.padEnd(16)} ${number(page.fcpMs)} ${number(page.paintAfterByteMs)} ${number(page.ttfbMs)} ${number(page.queriesMs)} ${ratio(page.ttfbMs, page.queriesMs, page)} ${number(page.ttfbMs - page.queriesMs)} ${number(page.lastByteMs)} ${number(page.allQueriesMs)} ${ratio(page.lastByteMs, page.allQueriesMs, page)}`,
    ),
    "  targets: FCP < 300 ms; TTFB/q (server render over the page's own queries before its first byte) < 1.5.",
    "  FCP: a first visit (cold cache) in a new tab of a running browser; after B: FCP after the first",
    "  byte as the browser saw it (the client's part). queries: the page's GraphQL requests sent straight",
    "  to the API; TTFB-q: the server's own part of the first byte; last B / all q: the whole response,",
    "  streamed parts included, against all of the page's requests one after the other.",
    ...(floor
      ? [
          `  floor: ${floor.ttfbMs.toFixed(1)} ms to the first byte of an empty page rendered per request (routing,`,
          "  layout, RSC payload, HTML): every page pays it on top of its queries, so a page whose queries take",
          `  less than twice the floor (${(2 * floor.ttfbMs).toFixed(1)} ms) cannot render within 1.5x of them.`,
        ]
      : []),
    "",
    `  ${"history chart".padEnd(16)} ${"render".padStart(8)} ${"to draw".padStart(8)}   (target: 100,000 points < 100 ms)`,
    ...report.chart.map(
      (chart) =>
        `  ${`${chart.points.toLocaleString("en-US")} points`.padEnd(16)} ${number(chart.renderMs)} ${number(chart.firstDrawMs)}`,
    ),
    "",
  ];
  console.log(lines.join("\n"));
}
