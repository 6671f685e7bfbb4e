/**
 * Layout checks run in the page: what a narrow screen hides, and whether it says so.
 */
import type { Browser, Page } from "playwright-core";

export async function newPage(browser: Browser, width = 1280, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: "light" });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("[browser error]", error.message));
  return page;
}

/** One table or tab strip that hides something without a word. */
export interface LayoutProblem {
  what: string;
  problem: string;
}

/**
 * Every table whose columns reach past its box must show a visible scroll cue, no
 * column may be hidden outright, the page itself must not scroll sideways, and a tab
 * strip must stay on one line with every tab inside the viewport.
 */
export async function layoutProblems(page: Page): Promise<LayoutProblem[]> {
  return page.evaluate(() => {
    const problems: { what: string; problem: string }[] = [];
    const viewport = document.documentElement.clientWidth;
    const visible = (element: Element | null) => {
      if (!element) return false;
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return (
        box.width > 0 &&
        box.height > 0 &&
        style.visibility !== "hidden" &&
        style.display !== "none" &&
        box.right > 0 &&
        box.left < viewport
      );
    };
    const name = (element: Element) =>
      element.getAttribute("data-testid") ??
      element.querySelector("caption")?.textContent ??
      element.closest("section")?.querySelector("h2")?.textContent ??
      element.className;
    if (document.documentElement.scrollWidth > viewport + 1) {
      problems.push({
        what: "page",
        problem: `scrolls sideways: ${document.documentElement.scrollWidth}px wide in a ${viewport}px viewport`,
      });
    }
    for (const table of document.querySelectorAll("table")) {
      if (!visible(table) && !table.closest("details:not([open])")) continue;
      for (const cell of table.querySelectorAll("th")) {
        if (getComputedStyle(cell).display === "none") {
          problems.push({ what: String(name(table)), problem: `column "${cell.textContent}" is hidden` });
        }
      }
      const box = table.closest(".table-wrap") ?? table.parentElement;
      if (!box) continue;
      const overflowing = box.scrollWidth > box.clientWidth + 1;
      if (!overflowing) continue;
      const cue = box.parentElement?.querySelector("[data-testid=scroll-cue]") ?? null;
      if (!visible(cue)) {
        problems.push({
          what: String(name(table)),
          problem: `${box.scrollWidth - box.clientWidth}px of columns are cut off without a visible scroll cue`,
        });
      }
    }
    for (const strip of document.querySelectorAll(".tabs-scroll")) {
      const tabs = [...strip.children];
      const tops = new Set(tabs.map((tab) => Math.round(tab.getBoundingClientRect().top)));
      if (tops.size > 1)
        problems.push({ what: String(name(strip)), problem: "tabs wrap onto several lines" });
      for (const tab of tabs) {
        const box = tab.getBoundingClientRect();
        if (box.right > viewport + 1 || box.left < -1) {
          problems.push({
            what: String(name(strip)),
            problem: `tab "${tab.textContent}" is cut at the edge`,
          });
        }
      }
    }
    return problems;
  });
}

/** Waits until the client components have hydrated (scroll cues are set after hydration). */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  // Two animation frames: ResizeObserver callbacks and the state they set have rendered.
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

/** A small CSV parser (RFC 4180: quoted fields, doubled quotes, CRLF) for checking downloads. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
