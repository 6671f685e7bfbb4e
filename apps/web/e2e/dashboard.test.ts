/**
 * The dashboard in a real browser against the production build and a real API on
 * a temporary SQLite database (see harness.ts).
 */
import { execFileSync } from "node:child_process";
import { hostname } from "node:os";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestAll, plantedDocuments, plantedSeriesKey } from "./fixtures";
import { apiToken, browserAvailable, graphql, repoRoot, type Stack, startStack } from "./harness";
import { markerInk } from "./layout";

const enabled = browserAvailable();

async function runCount(apiUrl: string): Promise<number> {
  const data = await graphql<{ runs: { totalCount: number } }>(apiUrl, "{ runs { totalCount } }");
  return data.runs.totalCount;
}

async function newPage(browser: Browser, width = 1280, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: "light" });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("[browser error]", error.message));
  return page;
}

async function enterToken(page: Page): Promise<void> {
  await page.getByLabel("API token").fill(apiToken);
}

describe.skipIf(!enabled)("dashboard end to end", () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    // The server lets plans name this machine's python3 (the new-run form offers it).
    stack = await startStack({ apiEnv: { THREADBENCH_PYTHON: "python3" } });
    browser = stack.browser as Browser;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("shows a new user what to do when there is no data", async () => {
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/`);
    await expect(page.getByRole("heading", { name: "No runs yet" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("link", { name: "Start a run" }).isVisible()).resolves.toBe(true);
    // The scaling page says what would put a chart there, not an empty form alone.
    await page.goto(`${stack.webUrl}/scaling`);
    await expect(page.getByRole("heading", { name: "No runs to chart yet" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("link", { name: "Start a run" }).isVisible()).resolves.toBe(true);
    await page.context().close();
  });

  it("bad form input shows field errors and submits nothing", async () => {
    const before = await runCount(stack.apiUrl);
    const page = await newPage(browser);
    const mutations: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/graphql"))
        mutations.push(request.postData() ?? "");
    });
    await page.goto(`${stack.webUrl}/runs/new`);
    await enterToken(page);
    await page.getByLabel("Workload", { exact: true }).selectOption("sum-squares");
    await page.getByLabel(/^n/).fill("0");
    await page.getByLabel("Thread counts").fill("1, two");
    await page.getByLabel("Repetitions").fill("0");
    await page.getByRole("button", { name: "Start run" }).click();

    const errors = page.locator(".field-error[role=alert]");
    await errors.first().waitFor();
    const texts = await errors.allTextContents();
    expect(
      texts.some((text) => /too small \(allowed: an integer from 1 to 67,108,864 iterations\)/.test(text)),
    ).toBe(true);
    expect(texts.some((text) => /"two" is not a valid thread count/.test(text))).toBe(true);
    expect(texts.some((text) => /from 1 to 1000/.test(text))).toBe(true);
    expect(await page.locator("[aria-invalid=true]").count()).toBeGreaterThanOrEqual(3);
    expect(new URL(page.url()).pathname).toBe("/runs/new");
    // Fixing one field clears its error inline while the others stay.
    await page.getByLabel("Repetitions").fill("2");
    await expect(page.locator(".field-error[role=alert]").count()).resolves.toBe(2);
    await page.waitForTimeout(500);
    expect(mutations.filter((body) => body.includes("startRun"))).toEqual([]);
    expect(await runCount(stack.apiUrl)).toBe(before);
    await page.context().close();
  });

  it("starts a small run from the form, follows its progress to 100% and shows it with the server's commit (form runs had none)", async () => {
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/runs/new`);
    await enterToken(page);
    await page.getByLabel("Workload", { exact: true }).selectOption("sum-squares");
    await page.getByLabel(/^n/).fill("1000");
    await page.getByLabel("Thread counts").fill("1, 2");
    await page.getByLabel("Repetitions").fill("1");
    await page.getByLabel("Warm-ups").fill("0");
    await page.getByRole("button", { name: "Start run" }).click();

    await page.waitForURL((url) => /^\/runs\/[^/]+$/.test(url.pathname) && url.pathname !== "/runs/new", {
      timeout: 30_000,
    });
    const runId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() as string);
    expect(runId).not.toBe("new");

    // The run may finish before the page has loaded; either way the page must end at
    // 100% with the results. When the progress panel is shown it must reach 100%.
    const progressSeen = await page
      .locator("[data-testid=run-progress]")
      .isVisible()
      .catch(() => false);
    if (progressSeen) {
      await page.waitForFunction(
        () => {
          const percent = document.querySelector("[data-testid=progress-percent]")?.textContent;
          return percent === "100%" || !document.querySelector("[data-testid=run-progress]");
        },
        undefined,
        { timeout: 120_000 },
      );
    }
    await page.locator('h1 [data-status="SUCCEEDED"]').waitFor({ timeout: 120_000 });
    await page.locator("[data-testid=scaling-chart] canvas").first().waitFor({ timeout: 30_000 });
    expect(await page.locator("[data-testid=cells-table] tbody tr").count()).toBe(8);
    // The pool's per-task overhead the runner measured: a duration on the pooled rows, none on the main thread.
    const overheads = await page
      .locator("[data-testid=cells-table] tbody tr")
      .evaluateAll((rows) =>
        rows.map((row) => [
          row.querySelector(".mode-name")?.getAttribute("data-mode") ?? "",
          row.querySelector("[data-testid=task-overhead]")?.textContent ?? "",
        ]),
      );
    for (const [mode, overhead] of overheads) {
      if (mode === "worker-threads" || mode === "child-processes")
        expect(overhead).toMatch(/^\d[\d.]* (µs|ms)$/);
      else expect(overhead).toBe("–");
    }
    await expect(page.locator("[data-testid=checksum-summary]").textContent()).resolves.toMatch(
      /checksums agree/,
    );
    // The API records its checkout's commit and branch, as `threadbench run` does: a
    // commit of this repository, HEAD itself unless someone committed since.
    const stored = await graphql<{
      run: { commitSha: string | null; branch: string | null; commitMessage: string | null };
    }>(stack.apiUrl, "query($id: ID!) { run(id: $id) { commitSha branch commitMessage } }", { id: runId });
    const sha = stored.run.commitSha as string;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(() =>
      execFileSync("git", ["merge-base", "--is-ancestor", sha, "HEAD"], { cwd: repoRoot, stdio: "ignore" }),
    ).not.toThrow();
    await expect(page.locator(".subtitle").first().textContent()).resolves.toContain(sha.slice(0, 7));
    // With its message's first line (at most 500 characters), shown under the heading.
    const subject = execFileSync("git", ["log", "-1", "--format=%s", sha], {
      cwd: repoRoot,
      encoding: "utf8",
    }).trim();
    const expected = subject.length > 500 ? `${subject.slice(0, 499)}…` : subject;
    expect(stored.run.commitMessage).toBe(expected);
    await expect(page.getByTestId("commit-message").textContent()).resolves.toBe(`“${expected}”`);

    await page.goto(`${stack.webUrl}/runs`);
    await page.locator(`[data-testid=runs-table] tr[data-run-id="${runId}"]`).waitFor();
    await page.context().close();
  });

  it("starts a CPython run from the form: the real python3 runs threading and multiprocessing, drawn in their colours under its runtime label", async () => {
    // The label the run must carry: this machine's interpreter, a GIL build.
    const version = execFileSync("python3", ["-c", "import platform; print(platform.python_version())"], {
      encoding: "utf8",
    }).trim();
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/runs/new`);
    await enterToken(page);
    await page.getByLabel("Runtime").selectOption("python3");
    // The harness's modes replace node's; only the article's experiments are offered.
    const modes = await page
      .locator("input[name=modes]")
      .evaluateAll((boxes) =>
        boxes.map((box) => `${(box as HTMLInputElement).value}:${(box as HTMLInputElement).checked}`),
      );
    expect(modes).toEqual(["sequential:true", "threading:true", "multiprocessing:true"]);
    const workloads = await page
      .getByLabel("Workload", { exact: true })
      .locator("option")
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(workloads.sort()).toEqual(["image-analysis", "shared-counter", "sqrt-log", "sum-squares"]);
    await page.getByLabel("Workload", { exact: true }).selectOption("sum-squares");
    await page.getByLabel(/^n/).fill("20000");
    await page.getByLabel("Thread counts").fill("1, 2");
    await page.getByLabel("Repetitions").fill("1");
    await page.getByLabel("Warm-ups").fill("0");
    await page.getByRole("button", { name: "Start run" }).click();
    await page.waitForURL((url) => /^\/runs\/[^/]+$/.test(url.pathname) && url.pathname !== "/runs/new", {
      timeout: 30_000,
    });
    const runId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() as string);
    // The page updates itself when the run ends; reload once it has, for the stored testbed.
    await page.locator('h1 [data-status="SUCCEEDED"]').waitFor({ timeout: 120_000 });
    await page.reload();
    await page.locator("[data-testid=scaling-chart] canvas").first().waitFor({ timeout: 30_000 });
    await expect(page.locator(".subtitle [data-testid=runtime-label]").first().textContent()).resolves.toBe(
      `cpython ${version} (GIL)`,
    );
    const swatches = await page.locator("[data-testid=cells-table] .mode-name").evaluateAll((names) =>
      names.map((name) => ({
        mode: name.getAttribute("data-mode"),
        color: getComputedStyle(name.querySelector(".swatch") as Element).backgroundColor,
      })),
    );
    const colours = new Map(swatches.map((swatch) => [swatch.mode, swatch.color]));
    expect([...colours.keys()]).toEqual(["sequential", "threading", "multiprocessing"]);
    expect(new Set(colours.values()).size).toBe(3);
    for (const colour of colours.values())
      expect(colour).not.toMatch(/^rgba\(0, 0, 0, 0\)$|^rgb\(255, 255, 255\)$/);
    // The chart's legend: a swatch for each mode, in the same colour as the table's.
    const legend = await page.locator("[data-testid=scaling-chart] .u-legend .u-series").evaluateAll((rows) =>
      rows.map((row) => ({
        label: row.querySelector(".u-label")?.textContent ?? "",
        color: getComputedStyle(row.querySelector(".u-marker") as Element).borderColor,
      })),
    );
    for (const mode of ["threading", "multiprocessing"]) {
      const entry = legend.find((row) => row.label === mode);
      expect(entry, `legend entry for ${mode} in ${JSON.stringify(legend)}`).toBeDefined();
      expect(entry?.color).toBe(colours.get(mode));
    }
    await expect(page.locator("[data-testid=checksum-summary]").textContent()).resolves.toMatch(
      /checksums agree/,
    );
    const stored = await graphql<{
      run: { runtime: string; testbed: { runtime: string; gilEnabled: boolean } };
    }>(stack.apiUrl, "query($id: ID!) { run(id: $id) { runtime testbed { runtime gilEnabled } } }", {
      id: runId,
    });
    expect(stored.run).toEqual({ runtime: "python3", testbed: { runtime: "cpython", gilEnabled: true } });
    // The runs table's mode filter now lists CPython's modes too, in the runner's order.
    await page.goto(`${stack.webUrl}/runs`);
    const filterModes = await page.locator("#f-mode option").allTextContents();
    expect(filterModes.slice(filterModes.indexOf("threading"))).toEqual(["threading", "multiprocessing"]);
    await page.context().close();
  });

  it("opens a series history with a planted regression, hovers and clicks through to a run", async () => {
    const documents = plantedDocuments({ runs: 120, stepAt: 80, stepSize: 0.2, baseMs: 400 });
    const ids = await ingestAll(stack.apiUrl, apiToken, documents);
    const key = await plantedSeriesKey(stack.apiUrl);

    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/series/${encodeURIComponent(key)}`);
    const chart = page.locator("[data-testid=history-chart] .u-over");
    await chart.waitFor();
    // The regression's label is drawn where it was laid out, right of its line here: it
    // was drawn right-aligned, so it sat left of the line, over the points before the step.
    await expect.poll(async () => (await markerInk(page)).length).toBeGreaterThan(0);
    for (const ink of await markerInk(page)) {
      expect(ink.labelX, ink.label).toBeGreaterThan(ink.lineX);
      expect(ink.inside, ink.label).toBeGreaterThan(30);
      expect(ink.mirrored, ink.label).toBeLessThan(ink.inside / 5);
    }
    const box = await chart.boundingBox();
    if (!box) throw new Error("chart has no box");
    // Hover the right part (after the step): the tooltip shows value, date, commit and branch.
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    const tooltip = page.locator("[data-testid=history-tooltip]");
    await tooltip.waitFor({ state: "visible" });
    await expect(tooltip.textContent()).resolves.toMatch(/main/);
    await page.mouse.click(box.x + box.width * 0.9, box.y + box.height / 2);
    await page.waitForURL(/\/runs\/[^/]+$/);
    const opened = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() as string);
    expect(ids).toContain(opened);

    // The overview's open regressions, narrowed by metric: only rows of that metric.
    await page.goto(`${stack.webUrl}/?metric=wall-time`);
    await page.locator("[data-testid=regressions] tbody tr").first().waitFor();
    const metrics = await page
      .locator("[data-testid=regressions] tbody tr[data-regression-id]")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-regression-metric")));
    expect(metrics.length).toBeGreaterThan(0);
    expect(new Set(metrics)).toEqual(new Set(["WALL_TIME"]));
    await page.goto(`${stack.webUrl}/?metric=serial-fraction`);
    await page.getByTestId("regression-metric-filter").waitFor();
    const serial = await page
      .locator("[data-testid=regressions] tbody tr[data-regression-id]")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-regression-metric")));
    expect(serial.every((metric) => metric === "SERIAL_FRACTION")).toBe(true);
    await page.context().close();
  });

  it("compares two runs ticked top to bottom with the older one as the base (the newer was the base)", async () => {
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/runs?branch=main&label=e2e`);
    const rows = page.locator("[data-testid=runs-table] tbody tr");
    await rows.first().waitFor();
    const newer = (await rows.nth(0).getAttribute("data-run-id")) as string;
    const older = (await rows.nth(5).getAttribute("data-run-id")) as string;
    const boxes = page.locator("[data-testid=runs-table] tbody input[type=checkbox]");
    await boxes.nth(0).check();
    await boxes.nth(5).check();
    await page.getByTestId("compare-selected").click();
    await page.waitForURL(/\/compare\?a=.+&b=.+/);
    const url = new URL(page.url());
    expect([url.searchParams.get("a"), url.searchParams.get("b")]).toEqual([older, newer]);
    await page.locator("[data-testid=compare-table] tbody tr").first().waitFor();
    expect(await page.locator("[data-testid=compare-table] tbody tr").count()).toBe(4);
    // The glossary's words for the two sides, as the API and the CLI say them.
    await expect(page.getByRole("region", { name: "Base run" }).textContent()).resolves.toMatch(/^Base: /);
    await expect(page.getByRole("region", { name: "Head run" }).textContent()).resolves.toMatch(/^Head: /);
    await expect(page.locator("main").textContent()).resolves.not.toMatch(/baseline|candidate/i);
    await page.context().close();
  });

  it("acknowledges the planted regression from the series history", async () => {
    const key = await plantedSeriesKey(stack.apiUrl);
    const page = await newPage(browser);
    await page.goto(`${stack.webUrl}/series/${encodeURIComponent(key)}`);
    const open = page.locator('[data-testid=regressions] tr[data-regression-status="OPEN"]').first();
    await open.waitFor();
    const id = (await open.getAttribute("data-regression-id")) as string;
    await expect(open.textContent()).resolves.toMatch(/slower \+\d+(\.\d)?%/);
    // The levels before and after the change (Regression.beforeValue / afterValue).
    await expect(open.textContent()).resolves.toMatch(/\d ms → [\d.]+ ms/);
    await enterToken(page);
    const row = page.locator(`[data-testid=regressions] tr[data-regression-id="${id}"]`);
    await row.getByLabel("Note").fill("seen in e2e");
    await row.getByRole("button", { name: "Acknowledge" }).click();
    await page.locator(`tr[data-regression-id="${id}"][data-regression-status="ACKNOWLEDGED"]`).waitFor();
    const stored = await graphql<{ regression: { status: string; statusChangedBy: string; note: string } }>(
      stack.apiUrl,
      "query($id: ID!) { regression(id: $id) { status statusChangedBy note } }",
      { id },
    );
    expect(stored.regression).toEqual({
      status: "ACKNOWLEDGED",
      statusChangedBy: "e2e",
      note: "seen in e2e",
    });

    // And a false alarm, from the same place.
    await row.getByRole("button", { name: "False alarm" }).click();
    await page.locator(`tr[data-regression-id="${id}"][data-regression-status="FALSE_ALARM"]`).waitFor();
    await page.context().close();
  });

  it("lists the local agent on the Machines page with its run, keeps a run for a label nobody has queued saying why, and names the agent on the run page", async () => {
    // The agent npm start launches (a real `threadbench agent` process, see harness.ts).
    const { agents } = await graphql<{ agents: { name: string; labels: string[]; online: boolean }[] }>(
      stack.apiUrl,
      "{ agents { name labels online } }",
    );
    const local = agents.find((agent) => agent.labels.includes("local"));
    if (!local) throw new Error(`no local agent registered: ${JSON.stringify(agents)}`);
    const startRun = `mutation($plan: RunPlanInput!, $target: RunTargetInput) {
      startRun(plan: $plan, target: $target) { id } }`;
    // Long enough to still run while the pages are read (cancelled at the end).
    const long = await graphql<{ startRun: { id: string } }>(
      stack.apiUrl,
      startRun,
      {
        plan: {
          workload: "sum-squares",
          params: { n: 20_000_000 },
          modes: ["sequential"],
          threads: [1],
          repetitions: 1000,
          warmups: 0,
        },
        target: { agentName: local.name },
      },
      apiToken,
    );
    const stranded = await graphql<{ startRun: { id: string } }>(
      stack.apiUrl,
      startRun,
      {
        plan: {
          workload: "sum-squares",
          params: { n: 1000 },
          modes: ["sequential"],
          threads: [1],
          repetitions: 1,
          warmups: 0,
        },
        target: { labels: ["e2e-no-such-machine"] },
      },
      apiToken,
    );
    try {
      for (;;) {
        const { run } = await graphql<{ run: { status: string } }>(
          stack.apiUrl,
          "query($id: ID!) { run(id: $id) { status } }",
          { id: long.startRun.id },
        );
        if (run.status === "RUNNING") break;
        if (run.status !== "QUEUED") throw new Error(`the long run ended as ${run.status}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }

      const page = await newPage(browser);
      await page.goto(`${stack.webUrl}/machines`);
      const row = page.locator(`[data-testid=machines-table] tr[data-agent="${local.name}"]`);
      await row.waitFor();
      const cells = row.locator("td");
      await expect(cells.nth(0).locator("[data-state]").getAttribute("data-state")).resolves.toBe("busy");
      // Testbed: this machine (the agent runs here), its cores and runtime.
      await expect(cells.nth(1).textContent()).resolves.toMatch(
        new RegExp(`^${hostname()}.*\\d+ cores.*node`),
      );
      await expect(cells.nth(2).textContent()).resolves.toBe("local");
      await expect(cells.nth(3).textContent()).resolves.toMatch(/^\d+ s ago$/);
      await expect(cells.nth(4).locator("a").getAttribute("href")).resolves.toBe(`/runs/${long.startRun.id}`);
      await expect(cells.nth(4).textContent()).resolves.toContain("sum-squares");
      // The run no online agent can take stays queued, and the queue says why.
      const queued = page.locator("[data-testid=queue-table] tbody tr", {
        has: page.locator(`a[href="/runs/${stranded.startRun.id}"]`),
      });
      await expect(queued.locator("[data-testid=waiting-reason]").textContent()).resolves.toBe(
        `no agent carries the labels e2e-no-such-machine (registered: ${local.name} [local])`,
      );

      // Each run's page names its agent, or why it has none yet.
      await page.goto(`${stack.webUrl}/runs/${long.startRun.id}`);
      await expect(page.getByTestId("run-agent").locator("a").textContent()).resolves.toBe(local.name);
      await page.goto(`${stack.webUrl}/runs/${stranded.startRun.id}`);
      await expect(page.getByTestId("run-agent").textContent()).resolves.toMatch(
        /^– · runs on .*e2e-no-such-machine.*Waiting: no agent carries the labels e2e-no-such-machine/,
      );
      await page.context().close();
    } finally {
      for (const id of [long.startRun.id, stranded.startRun.id]) {
        await graphql(stack.apiUrl, "mutation($id: ID!) { cancelRun(id: $id) { status } }", { id }, apiToken);
      }
    }
    const { run } = await graphql<{ run: { status: string } }>(
      stack.apiUrl,
      "query($id: ID!) { run(id: $id) { status } }",
      { id: stranded.startRun.id },
    );
    expect(run.status).toBe("CANCELLED");
  });
});
