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

/** Ink of one history-chart marker label: in the box it was laid out in, and in the same box mirrored across its left end. */
export interface MarkerInk {
  label: string;
  lineX: number;
  labelX: number;
  inside: number;
  mirrored: number;
}

/**
 * Reads the history chart's canvas: for each marker label, how many pixels near the
 * label's colour lie where the layout put the label, and how many in the same-sized box
 * just left of that spot (the dashed line's own column left out). A label drawn where it
 * was laid out has its ink inside; one drawn right-aligned (uPlot's axis alignment left
 * on the context) has it in the mirrored box.
 */
export async function markerInk(page: Page): Promise<MarkerInk[]> {
  return page.evaluate(() => {
    const root = document.querySelector("[data-testid=history-chart] .uplot") as HTMLElement | null;
    const canvas = root?.querySelector("canvas");
    if (!root || !canvas) return [];
    const context = canvas.getContext("2d") as CanvasRenderingContext2D;
    const ratio = canvas.width / canvas.getBoundingClientRect().width;
    const labels = JSON.parse(root.dataset.markerLabels ?? "[]") as {
      label: string;
      color: string;
      lineX: number;
      labelX: number;
      labelY: number;
      width: number;
    }[];
    const probe = document.createElement("canvas").getContext("2d") as CanvasRenderingContext2D;
    const rgbOf = (color: string) => {
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = color;
      probe.fillRect(0, 0, 1, 1);
      return [...probe.getImageData(0, 0, 1, 1).data].slice(0, 3);
    };
    const count = (x0: number, x1: number, y: number, rgb: number[], lineX: number) => {
      const left = Math.max(0, Math.round(x0 * ratio));
      const right = Math.min(canvas.width, Math.round(x1 * ratio));
      if (right <= left) return 0;
      const top = Math.round((y - 10) * ratio);
      const height = Math.round(12 * ratio);
      const data = context.getImageData(left, top, right - left, height).data;
      let inked = 0;
      for (let index = 0; index < data.length; index += 4) {
        const x = left + ((index / 4) % (right - left));
        if (Math.abs(x - lineX * ratio) <= 3 * ratio) continue;
        const distance =
          Math.abs((data[index] ?? 0) - (rgb[0] ?? 0)) +
          Math.abs((data[index + 1] ?? 0) - (rgb[1] ?? 0)) +
          Math.abs((data[index + 2] ?? 0) - (rgb[2] ?? 0));
        if ((data[index + 3] ?? 0) > 128 && distance < 90) inked++;
      }
      return inked;
    };
    return labels.map((label) => {
      const rgb = rgbOf(label.color);
      return {
        label: label.label,
        lineX: label.lineX,
        labelX: label.labelX,
        inside: count(label.labelX, label.labelX + label.width, label.labelY, rgb, label.lineX),
        mirrored: count(label.labelX - label.width, label.labelX, label.labelY, rgb, label.lineX),
      };
    });
  });
}
