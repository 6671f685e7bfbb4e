/**
 * The dashboard for many runtimes and many series, in a real browser against the
 * production build and a real API: the series explorer, the cross-run scaling chart with
 * CPython with and without the GIL (the ingest examples), the branch review, exports
 * (downloaded and parsed), the 404s, paging, and a 390 px pass over every page.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestAll, plantedDocuments, plantedSeriesKey } from "./fixtures";
import { apiToken, browserAvailable, graphql, repoRoot, type Stack, startStack } from "./harness";
import { layoutProblems, newPage, parseCsv, settled } from "./layout";

const enabled = browserAvailable();
const commitTemplate = "https://git.example.test/acme/app/commit/{sha}";
/** A commit subject of 326 characters: as long as some real ones (the API keeps up to 500). */
const longSubject = `Rework the pool's task queue so that ${"every worker steals from its neighbours ".repeat(7)}when idle`;
const examples = join(repoRoot, "apps", "api", "ingest");

function example(name: string): unknown {
  return JSON.parse(readFileSync(join(examples, name), "utf8"));
}

/** One run each with its own parameters on another machine: 8 runs, 32 single-point series. */
function extraDocuments() {
  const [template] = plantedDocuments({ runs: 1, stepAt: 1, stepSize: 0, baseMs: 50, seed: 5 });
  return Array.from({ length: 8 }, (_, index) => ({
    ...template,
    idempotencyKey: `e2e-extra-${index}`,
    params: { n: 1000 * (index + 1) },
    testbed: { ...(template as { testbed: object }).testbed, hostname: "e2e-extra-runner" },
    startedAt: new Date(Date.parse("2026-03-01T00:00:00Z") + index * 3_600_000).toISOString(),
    finishedAt: new Date(Date.parse("2026-03-01T00:00:30Z") + index * 3_600_000).toISOString(),
  }));
}

interface TestbedInfo {
  id: string;
  hostname: string;
  runtimeVersion: string;
  runtimeLabel: string;
}

describe.skipIf(!enabled)("dashboard for many runtimes and series", () => {
  let stack: Stack;
  let browser: Browser;
  let testbeds: TestbedInfo[];
  let gilRunId: string;
  let freeRunId: string;
  let plantedRunIds: string[];
  let seriesTotal: number;

  const gil = () => testbeds.find((testbed) => testbed.runtimeVersion === "3.13.1") as TestbedInfo;
  const free = () => testbeds.find((testbed) => testbed.runtimeVersion === "3.13.1t") as TestbedInfo;

  beforeAll(async () => {
    stack = await startStack({ webEnv: { THREADBENCH_COMMIT_URL: commitTemplate } });
    browser = stack.browser as Browser;
    plantedRunIds = await ingestAll(
      stack.apiUrl,
      apiToken,
      plantedDocuments({ runs: 40, stepAt: 28, stepSize: 0.25, baseMs: 300 }),
    );
    await ingestAll(
      stack.apiUrl,
      apiToken,
      plantedDocuments({
        runs: 1,
        stepAt: 0,
        stepSize: 1,
        baseMs: 300,
        branch: "feature/slow",
        seed: 77,
        commitMessage: longSubject,
      }),
    );
    [gilRunId, freeRunId] = (await ingestAll(stack.apiUrl, apiToken, [
      example("example-cpython-3.13-gil.json"),
      example("example-cpython-3.13t-free-threaded.json"),
    ])) as [string, string];
    await ingestAll(stack.apiUrl, apiToken, extraDocuments());
    const data = await graphql<{ testbeds: TestbedInfo[]; seriesList: unknown[] }>(
      stack.apiUrl,
      "{ testbeds { id hostname runtimeVersion runtimeLabel } seriesList(first: 500) { key } }",
    );
    testbeds = data.testbeds;
    seriesTotal = data.seriesList.length;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("loads a page without asking the server for the pages its links point to, and still navigates in place", async () => {
    const page = await newPage(browser);
    const background: string[] = [];
    page.on("request", (request) => {
      const headers = request.headers();
      if (headers.rsc || headers["next-router-prefetch"] || request.url().includes("_rsc=")) {
        background.push(request.url());
      }
    });
    for (const path of ["/", "/runs", "/series"]) {
      await page.goto(`${stack.webUrl}${path}`);
      await settled(page);
    }
    // A table of 40 runs and the nav bar: Next's default was a server render per link in view.
    expect(await page.locator("a[href^='/series/']").count()).toBeGreaterThan(10);
    expect(background).toEqual([]);
    // A click is still a client-side navigation: the page's own state survives it.
    await page.evaluate(() => {
      (window as unknown as { marker: string }).marker = "kept";
    });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runs" }).click();
    await page.waitForURL(`${stack.webUrl}/runs`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/Runs/);
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("kept");
    expect(background.length).toBeGreaterThan(0);
    await page.context().close();
  });

  it("counts every series on the overview and pages through all of them in the explorer, both ways", async () => {
    expect(seriesTotal).toBe(4 + 4 + 8 + 32);
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/`);
    await expect(page.getByTestId("series-count").textContent()).resolves.toBe(
      `${seriesTotal} series tracked`,
    );
    // Its cards are what the latest runs measured, newest point first (not the first 24 by name).
    const stored = await graphql<{ seriesPage: { nodes: { series: { key: string }; latestAt: string }[] } }>(
      stack.apiUrl,
      "{ seriesPage(first: 200) { nodes { series { key } latestAt } } }",
    );
    const latestAt = new Map(
      stored.seriesPage.nodes.map((node) => [node.series.key, Date.parse(node.latestAt)]),
    );
    const shown = await page
      .getByTestId("series-card")
      .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-series-key") ?? ""));
    expect(shown).toHaveLength(24);
    const shownAt = shown.map((key) => latestAt.get(key) ?? Number.NaN);
    expect(shownAt).toEqual([...shownAt].sort((a, b) => b - a));
    expect(shownAt[0]).toBe(Math.max(...latestAt.values()));
    expect(shownAt[23]).toBeGreaterThanOrEqual([...latestAt.values()].sort((a, b) => b - a)[23] as number);
    await page.getByTestId("series-count").click();
    await page.waitForURL(/\/series$/);
    await page.goto(`${stack.webUrl}/series?size=25`);
    const range = page.getByTestId("page-range");
    await expect(range.textContent()).resolves.toMatch(new RegExp(`^Series 1–25 of ${seriesTotal}\\.`));
    expect(await page.locator("[data-testid=series-table] tbody tr").count()).toBe(25);
    await page.getByRole("link", { name: "Next →" }).click();
    await page.waitForURL(/offset=25/);
    await expect(range.textContent()).resolves.toMatch(
      new RegExp(`^Series 26–${seriesTotal} of ${seriesTotal}\\.`),
    );
    expect(await page.getByRole("link", { name: "Next →" }).count()).toBe(0);
    await page.getByRole("link", { name: "← Previous" }).click();
    await page.waitForURL((url) => !url.search.includes("offset"));
    await expect(range.textContent()).resolves.toMatch(new RegExp(`^Series 1–25 of ${seriesTotal}\\.`));
    await page.context().close();
  });

  it("filters the explorer by runtime and by words, with no empty parameters in the URL", async () => {
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/series`);
    await page.getByLabel("Runtime").selectOption(free().runtimeLabel);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/runtime=/);
    const url = new URL(page.url());
    for (const [key, value] of url.searchParams) expect(value, `parameter ${key} is empty`).not.toBe("");
    expect([...url.searchParams.keys()].sort()).toEqual(["runtime", "size", "sort"]);
    const rows = page.locator("[data-testid=series-table] tbody tr");
    expect(await rows.count()).toBe(4);
    for (const label of await page
      .locator("[data-testid=series-table] [data-testid=runtime-label]")
      .allTextContents()) {
      expect(label).toBe(free().runtimeLabel);
    }
    await page.goto(`${stack.webUrl}/series?q=threading%20ci-runner`);
    expect(await rows.count()).toBe(2);
    await page.context().close();
  });

  it("opens the scaling page on the newest succeeded run's workload and machine", async () => {
    const newest = await graphql<{
      runs: { nodes: { workloadId: string; testbed: { hostname: string } }[] };
    }>(
      stack.apiUrl,
      "{ runs(first: 1, filter: { status: [SUCCEEDED] }) { nodes { workloadId testbed { hostname } } } }",
    );
    const run = newest.runs.nodes[0] as { workloadId: string; testbed: { hostname: string } };
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/scaling`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      `${run.workloadId} on ${run.testbed.hostname}: the latest run per runtime`,
    );
    await page.getByTestId("cross-run-chart").locator("canvas").first().waitFor();
    expect(await page.locator("[data-testid=cross-run-table] tbody tr").count()).toBeGreaterThan(0);
    await expect(page.locator("#c-workload").inputValue()).resolves.toBe(run.workloadId);
    await expect(page.locator("#c-machine").inputValue()).resolves.toBe(run.testbed.hostname);
    await page.context().close();
  });

  it("draws CPython with and without the GIL on one scaling chart, each mode in a colour", async () => {
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/scaling?workload=sum-squares&machine=ci-runner-7`);
    const chart = page.getByTestId("cross-run-chart");
    await chart.locator("canvas").first().waitFor();
    const curves = ((await chart.getAttribute("data-curves")) ?? "").split("|");
    for (const testbed of [gil(), free()]) {
      expect(curves).toContain(`${testbed.runtimeLabel} · threading`);
      expect(curves).toContain(`${testbed.runtimeLabel} · multiprocessing`);
    }
    // The article's headline: threads do nothing with the GIL and scale without it.
    const threadingSpeedupAt4 = async (runtimeLabel: string) => {
      const row = page
        .locator("[data-testid=cross-run-table] tbody tr")
        .filter({ has: page.locator(`a:text-is("${runtimeLabel}")`) })
        .filter({ has: page.locator('[data-mode="threading"]') });
      return Number.parseFloat(((await row.locator("td").last().textContent()) ?? "").replace("×", ""));
    };
    expect(await threadingSpeedupAt4(gil().runtimeLabel)).toBeLessThan(1.2);
    expect(await threadingSpeedupAt4(free().runtimeLabel)).toBeGreaterThan(3);
    // Every legend entry has a visible swatch (threading and multiprocessing had none).
    const markers = await chart.locator(".u-legend .u-series").evaluateAll((rows) =>
      rows.map((row) => {
        const marker = row.querySelector(".u-marker") as HTMLElement | null;
        const style = marker ? getComputedStyle(marker) : null;
        return {
          label: row.querySelector(".u-label")?.textContent ?? "",
          color: style ? `${style.borderColor}|${style.backgroundColor}` : "none",
        };
      }),
    );
    const drawn = markers.filter((marker) => marker.label.includes(" · "));
    expect(drawn.length).toBe(4);
    for (const marker of drawn) {
      expect(marker.color, marker.label).not.toMatch(
        /^(rgba?\(0, 0, 0, 0\)|rgb\(255, 255, 255\))\|(rgba?\(0, 0, 0, 0\)|rgb\(255, 255, 255\))$/,
      );
      expect(marker.color, marker.label).not.toBe("none");
    }
    // The efficiency history of each runtime's parallel modes streams in below.
    await page.getByTestId("efficiency-strip").first().waitFor();
    expect(await page.getByTestId("efficiency-strip").count()).toBeGreaterThanOrEqual(4);
    await page.context().close();
  });

  it("charts runs picked in the runs table on the same scaling chart", async () => {
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/runs?label=cpython`);
    const boxes = page.locator("[data-testid=runs-table] tbody input[type=checkbox]");
    expect(await boxes.count()).toBe(2);
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByTestId("scaling-selected").click();
    await page.waitForURL(/\/scaling\?runs=/);
    const ids = (new URL(page.url()).searchParams.get("runs") ?? "").split(",").sort();
    expect(ids).toEqual([gilRunId, freeRunId].sort());
    const curves = (await page.getByTestId("cross-run-chart").getAttribute("data-curves")) ?? "";
    expect(curves).toContain(`${gil().runtimeLabel} · threading`);
    expect(curves).toContain(`${free().runtimeLabel} · threading`);
    await page.context().close();
  });

  it("colours ingested modes on a run's page: chart legend and table swatches", async () => {
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/runs/${encodeURIComponent(gilRunId)}`);
    await page.locator("[data-testid=scaling-chart] canvas").first().waitFor();
    await expect(page.locator("h1 + .subtitle, .subtitle").first().textContent()).resolves.toContain(
      gil().runtimeLabel,
    );
    const swatches = await page.locator("[data-testid=cells-table] .mode-name").evaluateAll((names) =>
      names.map((name) => ({
        mode: name.getAttribute("data-mode"),
        color: getComputedStyle(name.querySelector(".swatch") as Element).backgroundColor,
      })),
    );
    const colours = new Map(swatches.map((swatch) => [swatch.mode, swatch.color]));
    expect([...colours.keys()].sort()).toEqual(["multiprocessing", "sequential", "threading"]);
    expect(new Set(colours.values()).size).toBe(3);
    for (const colour of colours.values())
      expect(colour).not.toMatch(/^rgba\(0, 0, 0, 0\)$|^rgb\(255, 255, 255\)$/);
    await page.context().close();
  });

  it("reviews a branch against main with check's verdict, linking commits to the repository", async () => {
    const review = await graphql<{
      branchReview: { regressed: boolean; checks: { verdict: string; head: { commitSha: string } }[] };
    }>(
      stack.apiUrl,
      `{ branchReview(branch: "feature/slow", base: "main") { regressed checks { verdict head { commitSha } } } }`,
    );
    const page = await newPage(browser);
    const response = await page.goto(`${stack.webUrl}/branches/feature/slow?base=main`);
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId("review-verdict").textContent()).resolves.toBe(
      review.branchReview.regressed ? "regressed" : "no regression",
    );
    expect(review.branchReview.regressed).toBe(true);
    const checks = page.getByTestId("branch-check");
    expect(await checks.count()).toBe(review.branchReview.checks.length);
    await expect(checks.first().getAttribute("data-verdict")).resolves.toBe("FAIL");
    await expect(page.getByTestId("check-reasons").first().textContent()).resolves.toMatch(/slower/);
    // With the history gate (issue 13), its table is what decides: slower cells fail.
    if ((await page.getByTestId("gate-cells").count()) > 0) {
      expect(
        await page.locator('[data-testid=gate-cells] tr[data-verdict="SLOWER"]').count(),
      ).toBeGreaterThan(0);
    }
    const sha = review.branchReview.checks[0]?.head.commitSha as string;
    const link = checks.first().locator(`a.commit-link[href="${commitTemplate.replace("{sha}", sha)}"]`);
    expect(await link.count()).toBeGreaterThan(0);
    // `threadbench check` links with the branch as one encoded segment.
    await page.goto(`${stack.webUrl}/branches/${encodeURIComponent("feature/slow")}`);
    await expect(page.getByTestId("branch-check").first().getAttribute("data-verdict")).resolves.toBe("FAIL");
    await page.goto(`${stack.webUrl}/branches`);
    // Each branch's row shows its newest run (as the runs table has it), newest first,
    // with the commit linked to the repository.
    const rows = page.locator("[data-testid=branches-table] tbody tr");
    const names = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-branch") ?? ""));
    expect(names).toContain("feature/slow");
    expect(names).toContain("main");
    const newest = await Promise.all(
      names.map(async (name) => {
        const data = await graphql<{
          runs: { nodes: { id: string; createdAt: string; commitSha: string }[] };
        }>(
          stack.apiUrl,
          "query($branch: String) { runs(filter: { branch: $branch }, first: 1) { nodes { id createdAt commitSha } } }",
          { branch: name },
        );
        return data.runs.nodes[0] as { id: string; createdAt: string; commitSha: string };
      }),
    );
    const times = newest.map((run) => Date.parse(run.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const [index, run] of newest.entries()) {
      const row = rows.nth(index);
      expect(await row.locator(`a[href="/runs/${encodeURIComponent(run.id)}"]`).count()).toBe(1);
      expect(
        await row.locator(`a.commit-link[href="${commitTemplate.replace("{sha}", run.commitSha)}"]`).count(),
      ).toBe(1);
    }
    // A long subject takes two lines of its cell, the whole of it in the tooltip.
    const message = page
      .locator("[data-testid=branches-table] tr[data-branch='feature/slow']")
      .getByTestId("branch-commit-message");
    await expect(message.getAttribute("title")).resolves.toBe(longSubject);
    const box = await message.evaluate((element) => ({
      height: element.getBoundingClientRect().height,
      line: Number.parseFloat(getComputedStyle(element).lineHeight),
    }));
    expect(box.height).toBeLessThanOrEqual(2 * box.line + 1);
    await page.getByRole("link", { name: "feature/slow" }).click();
    await page.waitForURL(/\/branches\/feature\/slow\?base=main/);
    await page.context().close();
  });

  it("exports the runs view and a series history as CSV and JSON that parse", async () => {
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/runs?branch=main&label=e2e`);
    const expected = await graphql<{ runs: { totalCount: number; nodes: { id: string }[] } }>(
      stack.apiUrl,
      `{ runs(filter: { branch: "main", label: "e2e" }, first: 200) { totalCount nodes { id } } }`,
    );
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("export-runs-csv").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^threadbench-runs-.*\.csv$/);
    const csv = parseCsv(readFileSync((await download.path()) as string, "utf8"));
    expect(csv[0]?.slice(0, 4)).toEqual(["id", "createdAt", "status", "workload"]);
    expect(csv.length - 1).toBe(expected.runs.totalCount);
    expect(csv.slice(1).map((row) => row[0])).toEqual(expected.runs.nodes.map((node) => node.id));
    const jsonHref = (await page.getByTestId("export-runs-json").getAttribute("href")) as string;
    const json = (await (await page.request.get(`${stack.webUrl}${jsonHref}`)).json()) as {
      totalCount: number;
      runs: { id: string }[];
    };
    expect(json.totalCount).toBe(expected.runs.totalCount);
    expect(json.runs.map((run) => run.id)).toEqual(expected.runs.nodes.map((node) => node.id));

    const key = await plantedSeriesKey(stack.apiUrl);
    const history = await graphql<{
      series: { totalPoints: number; points: { runId: string; value: number }[] };
    }>(
      stack.apiUrl,
      `query($key: ID!) { series(key: $key, maxPoints: 5000) { totalPoints points { runId value } } }`,
      { key },
    );
    await page.goto(`${stack.webUrl}/series/${encodeURIComponent(key)}`);
    const [seriesDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("export-series-csv").click(),
    ]);
    const rows = parseCsv(readFileSync((await seriesDownload.path()) as string, "utf8"));
    expect(rows[0]).toEqual([
      "timestamp",
      "runId",
      "measurementId",
      "commitSha",
      "branch",
      "wall-median",
      "low",
      "high",
    ]);
    expect(rows.length - 1).toBe(history.series.totalPoints);
    expect(rows.slice(1).map((row) => [row[1], Number(row[5])])).toEqual(
      history.series.points.map((point) => [point.runId, point.value]),
    );
    const bad = await page.request.get(`${stack.webUrl}/series/${encodeURIComponent(key)}/export?format=xml`);
    expect(bad.status()).toBe(400);
    await expect(bad.text()).resolves.toMatch(/allowed: csv, json/);
    // The export decoded its key twice: "%" (sent as %25) threw a URIError (HTTP 500), and a
    // key's last character sent as %25 plus its hex code exported the series of another key.
    const literalPercent = await page.request.get(`${stack.webUrl}/series/%25/export`);
    expect(literalPercent.status()).toBe(404);
    await expect(literalPercent.text()).resolves.toContain('No series has the key "%"');
    const doubleEncoded = `${key.slice(0, -1)}%25${(key.at(-1) as string).charCodeAt(0).toString(16)}`;
    const notThisSeries = await page.request.get(`${stack.webUrl}/series/${doubleEncoded}/export`);
    expect(notThisSeries.status()).toBe(404);
    await page.context().close();
  });

  it("answers 404 with the styled page for a bad run id, a bad series key and an unknown path", async () => {
    const page = await newPage(browser);
    for (const path of ["/runs/no-such-run", "/series/no-such-series", "/no-such-page"]) {
      const response = await page.goto(`${stack.webUrl}${path}`);
      expect(response?.status(), path).toBe(404);
      await page.getByTestId("not-found").waitFor();
      await expect(page.locator(".site-header").isVisible(), path).resolves.toBe(true);
      await expect(page.getByRole("link", { name: "All series" }).isVisible(), path).resolves.toBe(true);
    }
    await page.context().close();
  });

  it("pages runs both ways with the range shown, lists every stored mode and keeps empty filters out of the URL", async () => {
    const total = (await graphql<{ runs: { totalCount: number } }>(stack.apiUrl, "{ runs { totalCount } }"))
      .runs.totalCount;
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/runs?size=25`);
    const range = page.getByTestId("page-range");
    await expect(range.textContent()).resolves.toMatch(new RegExp(`^Runs 1–25 of ${total} `));
    const firstPage = await page
      .locator("[data-testid=runs-table] tbody tr")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-run-id")));
    await page.getByRole("link", { name: "Next →" }).click();
    await page.waitForURL(/after=/);
    await expect(range.textContent()).resolves.toMatch(new RegExp(`^Runs 26–50 of ${total} `));
    await page.getByRole("link", { name: "← Previous" }).click();
    await page.waitForURL(/before=/);
    await expect(range.textContent()).resolves.toMatch(new RegExp(`^Runs 1–25 of ${total} `));
    expect(
      await page
        .locator("[data-testid=runs-table] tbody tr")
        .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-run-id"))),
    ).toEqual(firstPage);
    expect(await page.getByRole("link", { name: "← Previous" }).count()).toBe(0);

    const modes = await page.locator("#f-mode option").allTextContents();
    expect(modes).toEqual(["any", "sequential", "worker-threads", "threading", "multiprocessing"]);
    await page.locator("#f-branch").fill("main");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/branch=main/);
    const url = new URL(page.url());
    for (const [key, value] of url.searchParams) expect(value, `parameter ${key} is empty`).not.toBe("");
    expect(url.searchParams.has("workload")).toBe(false);
    await page.context().close();
  });

  it("gives a 1-point series a two-day axis, not years", async () => {
    const data = await graphql<{ seriesList: { key: string }[] }>(
      stack.apiUrl,
      `{ seriesList(filter: { machine: "e2e-extra-runner", mode: "worker-threads", threads: 4 }, first: 1) { key } }`,
    );
    const key = data.seriesList[0]?.key as string;
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/series/${encodeURIComponent(key)}`);
    const chart = page.locator("[data-testid=history-chart] .chart[data-render-ms]");
    await chart.waitFor();
    const span = await chart.evaluate((element) => {
      const scale = (element as HTMLElement & { uplot: { scales: { x: { min: number; max: number } } } })
        .uplot.scales.x;
      return scale.max - scale.min;
    });
    expect(span).toBeGreaterThan(0);
    expect(span).toBeLessThanOrEqual(3 * 86_400);
    await page.context().close();
  });

  it("keeps zoomed-in time ticks apart and the fits table whole at 1280 px", async () => {
    const key = await plantedSeriesKey(stack.apiUrl);
    const page = await newPage(browser, 1280, 900);
    await page.goto(`${stack.webUrl}/series/${encodeURIComponent(key)}`);
    const chart = page.locator("[data-testid=history-chart] .chart[data-render-ms]");
    await chart.waitFor();
    const gaps = async () =>
      chart.evaluate((element) => {
        const u = (
          element as HTMLElement & {
            uplot: {
              ctx: CanvasRenderingContext2D;
              axes: { font: string | [string, number]; _splits?: number[]; _values?: string[] }[];
              valToPos(value: number, scale: string): number;
            };
          }
        ).uplot;
        const axis = u.axes[0] as { font: string | [string, number]; _splits?: number[]; _values?: string[] };
        u.ctx.save();
        // uPlot keeps the font scaled by the device pixel ratio, as [css font, size].
        u.ctx.font = Array.isArray(axis.font) ? axis.font[0] : axis.font;
        const boxes = (axis._splits ?? [])
          .map((split, index) => {
            const text = axis._values?.[index] ?? "";
            const width =
              Math.max(...text.split("\n").map((line) => u.ctx.measureText(line).width)) / devicePixelRatio;
            const center = u.valToPos(split, "x");
            return { text, left: center - width / 2, right: center + width / 2 };
          })
          .filter((box) => box.text !== "");
        u.ctx.restore();
        return boxes.slice(1).map((box, index) => box.left - (boxes[index] as { right: number }).right);
      });
    expect(Math.min(...(await gaps()))).toBeGreaterThan(4);
    for (let step = 0; step < 6; step++) await page.getByRole("button", { name: "Zoom in" }).click();
    const zoomed = await gaps();
    expect(zoomed.length).toBeGreaterThan(0);
    expect(Math.min(...zoomed)).toBeGreaterThan(4);

    await page.goto(`${stack.webUrl}/runs/${encodeURIComponent(plantedRunIds.at(-1) as string)}`);
    const fits = page.getByTestId("scaling-fits");
    await fits.waitFor();
    await settled(page);
    const cut = await fits.evaluate((table) => {
      const box = table.closest(".table-wrap") as HTMLElement;
      return box.scrollWidth - box.clientWidth;
    });
    expect(cut).toBeLessThanOrEqual(1);
    await page.context().close();
  });

  it("hides no column without a scroll cue on any page at 390 px", async () => {
    const key = await plantedSeriesKey(stack.apiUrl);
    const pages = [
      "/",
      "/runs",
      `/runs/${encodeURIComponent(plantedRunIds.at(-1) as string)}`,
      `/runs/${encodeURIComponent(gilRunId)}`,
      "/runs/new",
      "/series",
      `/series/${encodeURIComponent(key)}`,
      `/series/${encodeURIComponent(key)}?metric=efficiency`,
      `/compare?a=${encodeURIComponent(plantedRunIds[0] as string)}&b=${encodeURIComponent(plantedRunIds.at(-1) as string)}`,
      "/scaling?workload=sum-squares&machine=ci-runner-7",
      "/branches",
      "/branches/feature/slow?base=main",
      "/no-such-page",
    ];
    const problems: string[] = [];
    const page: Page = await newPage(browser, 390, 844);
    for (const path of pages) {
      await page.goto(`${stack.webUrl}${path}`);
      await settled(page);
      for (const problem of await layoutProblems(page))
        problems.push(`${path}: ${problem.what}: ${problem.problem}`);
    }
    // Sanity: at 390 px the runs table does overflow, and says so.
    await page.goto(`${stack.webUrl}/runs`);
    await settled(page);
    await expect(page.getByTestId("scroll-cue").first().isVisible()).resolves.toBe(true);
    await page.context().close();
    expect(problems).toEqual([]);
  });
});
