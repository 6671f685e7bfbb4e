/**
 * Performance probes shared by the e2e run (printed) and `npm run bench`. Timings
 * are reported, never asserted: this machine is shared and noisy.
 */
import type { Browser } from "playwright-core";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** First contentful paint of a fresh load (new context: cold cache), in ms. */
export async function firstContentfulPaint(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    const fcp = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const entry = performance.getEntriesByName("first-contentful-paint")[0];
          if (entry) return resolve(entry.startTime);
          new PerformanceObserver((list) => {
            const found = list.getEntriesByName("first-contentful-paint")[0];
            if (found) resolve(found.startTime);
          }).observe({ type: "paint", buffered: true });
        }),
    );
    return fcp;
  } finally {
    await context.close();
  }
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
    await chart.waitFor({ timeout: 30_000 });
    return {
      renderMs: Number(await chart.getAttribute("data-render-ms")),
      firstDrawMs: Number(await chart.getAttribute("data-first-draw-ms")),
    };
  } finally {
    await context.close();
  }
}

export interface PerformanceReport {
  overviewFcpMs: number;
  seriesFcpMs: number;
  chart10kRenderMs: number;
  chart10kFirstDrawMs: number;
  chart100RenderMs: number;
  repetitions: number;
}

/** Medians of several repetitions of each probe. */
export async function measurePerformance(
  browser: Browser,
  urls: { overview: string; series: string; chart: string },
  repetitions = 5,
): Promise<PerformanceReport> {
  const overview: number[] = [];
  const series: number[] = [];
  const chart: number[] = [];
  const chartWall: number[] = [];
  const small: number[] = [];
  // One warm-up of each: the first request to a `next start` server compiles nothing,
  // but does load route modules.
  await firstContentfulPaint(browser, urls.overview);
  await firstContentfulPaint(browser, urls.series);
  await chartRenderTimes(browser, urls.chart);
  for (let index = 0; index < repetitions; index++) {
    overview.push(await firstContentfulPaint(browser, urls.overview));
    series.push(await firstContentfulPaint(browser, urls.series));
    const large = await chartRenderTimes(browser, urls.chart);
    chart.push(large.renderMs);
    chartWall.push(large.firstDrawMs);
    small.push((await chartRenderTimes(browser, urls.chart.replace(/points=\d+/, "points=100"))).renderMs);
  }
  return {
    overviewFcpMs: median(overview),
    seriesFcpMs: median(series),
    chart10kRenderMs: median(chart),
    chart10kFirstDrawMs: median(chartWall),
    chart100RenderMs: median(small),
    repetitions,
  };
}

export function printReport(report: PerformanceReport, context: string): void {
  const line = (label: string, value: number, target?: string) =>
    `  ${label.padEnd(44)} ${value.toFixed(1).padStart(8)} ms${target ? `   (target ${target})` : ""}`;
  console.log(
    [
      `\nthreadbench dashboard performance (${context}; medians of ${report.repetitions}; not asserted)`,
      line("first contentful paint, overview", report.overviewFcpMs),
      line("first contentful paint, series history", report.seriesFcpMs),
      line("client render, 10,000-point history chart", report.chart10kRenderMs, "< 100 ms"),
      line("  same, 100 points (fixed cost, for the ratio)", report.chart100RenderMs),
      line("  wall time from mount to first draw, 10,000", report.chart10kFirstDrawMs),
      "",
    ].join("\n"),
  );
}
