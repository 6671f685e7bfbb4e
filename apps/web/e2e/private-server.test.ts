/**
 * A private API (THREADBENCH_PRIVATE=true) behind the dashboard, in a real browser: every
 * page asks for a token, keeps it for the browser session only, sends it with every
 * request (server components through a same-site cookie), and never puts it in a URL.
 */
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiToken, browserAvailable, graphql, type Stack, startStack } from "./harness";

const enabled = browserAvailable();

describe.skipIf(!enabled)("dashboard on a private API", () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack({ apiEnv: { THREADBENCH_PRIVATE: "true" } });
    browser = stack.browser as Browser;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function newPage(): Promise<{ page: Page; requests: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on("request", (request: Request) => requests.push(request.url()));
    return { page, requests };
  }

  it("the API itself refuses an anonymous read", async () => {
    await expect(graphql(stack.apiUrl, "{ runs { totalCount } }")).rejects.toThrow(/"read" scope/);
    await expect(graphql(stack.apiUrl, "{ runs { totalCount } }", {}, apiToken)).resolves.toEqual({
      runs: { totalCount: 0 },
    });
  });

  it("asks for a token, keeps it for the session, and renders every page with it", async () => {
    const { page, requests } = await newPage();
    await page.goto(`${stack.webUrl}/runs`);
    const prompt = page.getByLabel("API token with the read scope");
    await prompt.waitFor();
    await expect(page.locator(".callout.error").textContent()).resolves.toMatch(/"read" scope/);

    await prompt.fill(apiToken);
    await page.getByRole("button", { name: "Use token" }).click();
    // The server components render again with the token: the runs page, no refusal.
    await page.locator(".callout.error").waitFor({ state: "detached" });
    await expect(page.getByLabel("API token with the read scope").count()).resolves.toBe(0);

    // Another page of the same session needs no prompt.
    await page.goto(`${stack.webUrl}/`);
    await page.locator("main h1").first().waitFor();
    await expect(page.locator(".callout.error").count()).resolves.toBe(0);

    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem("threadbench.apiToken"),
      local: localStorage.getItem("threadbench.apiToken"),
      cookie: document.cookie,
    }));
    expect(stored.session).toBe(apiToken);
    expect(stored.local).toBeNull();
    expect(stored.cookie).toContain(`threadbench-token=${encodeURIComponent(apiToken)}`);
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === "threadbench-token")).toMatchObject({
      sameSite: "Strict",
      expires: -1, // a session cookie
    });
    // Never in a URL: not in any request the page made, not in the address bar.
    expect(requests.filter((url) => url.includes(apiToken))).toEqual([]);
    expect(page.url()).not.toContain(apiToken);
    await page.context().close();

    // A new browser session starts without it.
    const next = await newPage();
    await next.page.goto(`${stack.webUrl}/runs`);
    await next.page.getByLabel("API token with the read scope").waitFor();
    await next.page.context().close();
  });
});
