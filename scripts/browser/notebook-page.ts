// A notebook under test in a browser page: which file it is, how a failure
// reads (naming the notebook and the cell), and the bounded waits every step uses.
import { basename, join } from "node:path";
import { cellSource, readNotebook } from "../notebook";
import { Page } from "./chromium";

/** The kernel the course's notebooks name, as a front end shows it. */
export const KERNEL_DISPLAY_NAME = "TypeScript";

/** A figure cell: a code cell whose source contains this. */
export const FIGURE_CALL = "mc.show(";

export const OPEN_TIMEOUT_MS = 90_000;

/** No prompt or output changed for this long: the run is stuck. */
export const STALL_MS = 100_000;

export const RUN_BUDGET_MS = 300_000;

/** Every cell still queued, no output, kernel idle, this long after Restart and Run All. */
export const NEVER_STARTED_MS = 20_000;

/** A kernel counts as settled after being idle this long. */
export const SETTLE_MS = 1_000;

export const POLL_MS = 250;

/** Chromium cannot capture taller pages in one piece. */
export const MAX_SCREENSHOT_HEIGHT = 16_000;

export interface NotebookUnderTest {
  /** File name, as messages name it: "01-addresses.ipynb". */
  name: string;
  /** Path below the server's root, with "/" separators. */
  path: string;
  /** Each cell's type and source, from the file. */
  cells: Array<{ type: string; source: string }>;
}

export function notebookUnderTest(root: string, path: string): NotebookUnderTest {
  const nb = readNotebook(join(root, path));
  return { name: basename(path), path, cells: nb.cells.map((c) => ({ type: c.cell_type, source: cellSource(c) })) };
}

/** A failure that names the notebook and, when it is about one, the cell. */
export class NotebookFailure extends Error {
  override name = "NotebookFailure";
}

/** Run All queued every cell, the kernel is idle, and not one cell has started. */
export class RunNeverStarted extends NotebookFailure {}

/**
 * The browser itself stopped answering (a page call that never returned),
 * as opposed to anything the notebook showed: the one failure worth a
 * second try on a fresh page.
 */
export class BrowserStuck extends NotebookFailure {}

/** A whole notebook, open to screenshot, gets this long; past it the browser is stuck. */
export const NOTEBOOK_BUDGET_MS = RUN_BUDGET_MS + OPEN_TIMEOUT_MS;

/** Settle `work`, or fail after `ms` naming what it was doing; the caller closes the page. */
export async function within<T>(ms: number, doing: () => string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BrowserStuck(`the browser stopped answering after ${ms / 1000} s, while ${doing()}`)), ms);
  });
  try {
    return await Promise.race([work, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

export function firstCodeCell(nb: NotebookUnderTest): number {
  return nb.cells.findIndex((c) => c.type === "code" && c.source.trim() !== "");
}

/** `01-addresses.ipynb cell 13 (mc.show(mc.addressSpaceFigure());)`: cells count from 1, markdown included. */
export function cellName(nb: NotebookUnderTest, index: number): string {
  const line = (nb.cells[index]?.source ?? "").split("\n").find((l) => l.trim() !== "") ?? "";
  return `${nb.name} cell ${index + 1} (${line.trim().slice(0, 70)})`;
}

export async function waitOrExplain(page: Page, nb: NotebookUnderTest, selector: string, what: string): Promise<void> {
  try {
    await page.locator(selector).first().waitFor({ state: "attached", timeout: OPEN_TIMEOUT_MS });
  } catch {
    throw new NotebookFailure(`${nb.name}: ${what}${await dialogText(page, ".jp-Dialog")}`);
  }
}

export async function dialogText(page: Page, selector: string): Promise<string> {
  const dialog = page.locator(selector);
  if ((await dialog.count().catch(() => 0)) === 0) return "";
  const text = ((await dialog.first().textContent({ timeout: 2000 }).catch(() => "")) ?? "").replace(/\s+/g, " ").trim();
  return text ? ` (a dialog says: ${text.slice(0, 300)})` : "";
}

export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
