/**
 * `npm run screenshots -w @threadbench/web`: refreshes the README screenshots in
 * docs/screenshots/ from a real API and the production build. A script of its own, so
 * `npm test` never rewrites tracked files. It runs a real benchmark on this machine (the
 * run page shows its figures) and ingests the CPython examples and a planted history.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { ingestAll, plantedDocuments, plantedSeriesKey } from "./fixtures";
import { apiToken, browserAvailable, graphql, repoRoot, startStack } from "./harness";

const directory = join(repoRoot, "docs", "screenshots");

async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(directory, name), fullPage });
  console.log(`[screenshots] ${join("docs", "screenshots", name)}`);
}

async function main(): Promise<void> {
  if (!browserAvailable()) {
    process.exitCode = 1;
    return;
  }
  mkdirSync(directory, { recursive: true });
  const stack = await startStack();
  try {
    const browser = stack.browser as Browser;
    await ingestAll(
      stack.apiUrl,
      apiToken,
      plantedDocuments({ runs: 120, stepAt: 80, stepSize: 0.2, baseMs: 400 }),
    );
    await ingestAll(
      stack.apiUrl,
      apiToken,
      plantedDocuments({
        runs: 1,
        stepAt: 0,
        stepSize: 0.3,
        baseMs: 400,
        branch: "feature/pool-tuning",
        seed: 7,
      }),
    );
    const examples = join(repoRoot, "apps", "api", "ingest");
    await ingestAll(
      stack.apiUrl,
      apiToken,
      ["example-cpython-3.13-gil.json", "example-cpython-3.13t-free-threaded.json"].map((name) =>
        JSON.parse(readFileSync(join(examples, name), "utf8")),
      ),
    );
    // A run with a telling shape: real timings from this machine, tasks of ~100 ms.
    const started = await graphql<{ startRun: { id: string } }>(
      stack.apiUrl,
      `mutation($plan: RunPlanInput!) { startRun(plan: $plan, labels: ["screenshot"]) { id } }`,
      {
        plan: {
          workload: "sum-squares",
          params: { n: 10_000_000 },
          modes: ["sequential", "event-loop", "worker-threads", "child-processes"],
          threads: [1, 2, 4],
          repetitions: 5,
          warmups: 3,
        },
      },
      apiToken,
    );
    const runId = started.startRun.id;

    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" })
    ).newPage();
    await page.goto(`${stack.webUrl}/runs/${encodeURIComponent(runId)}`);
    await page.locator('h1 [data-status="SUCCEEDED"]').waitFor({ timeout: 600_000 });
    await page.locator("[data-testid=scaling-chart] canvas").first().waitFor();
    await shot(page, "run.png");

    const key = await plantedSeriesKey(stack.apiUrl, "sequential", 1);
    await page.goto(`${stack.webUrl}/series/${encodeURIComponent(key)}`);
    const chart = page.locator("[data-testid=history-chart] .u-over");
    await chart.waitFor();
    const box = await chart.boundingBox();
    if (box) await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.3);
    await shot(page, "series-history.png");

    await page.goto(`${stack.webUrl}/series`);
    await shot(page, "series-explorer.png");

    await page.goto(`${stack.webUrl}/scaling?workload=sum-squares&machine=ci-runner-7`);
    await page.getByTestId("cross-run-chart").locator("canvas").first().waitFor();
    await shot(page, "scaling-gil-vs-free-threaded.png");

    await page.goto(`${stack.webUrl}/branches/feature/pool-tuning?base=main`);
    await shot(page, "branch-review.png");

    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${stack.webUrl}/`);
    await shot(page, "overview-dark.png");
    await page.context().close();

    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await phone.goto(`${stack.webUrl}/runs/${encodeURIComponent(runId)}`);
    await phone.locator("[data-testid=scaling-chart] canvas").first().waitFor();
    await shot(phone, "run-phone.png", false);
    await phone.context().close();
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
