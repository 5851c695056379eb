// Driving a notebook in a real front end the way a student does: open it,
// Kernel > Restart and Run All, wait until the kernel is idle, then look at
// what is on the page. The same checks for JupyterLab 4 and the classic
// Notebook; only the selectors and menu clicks differ.
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { cellSource, readNotebook } from "../notebook";
import { Page, VIEWPORT } from "./chromium";
import { JupyterServer, shutdownKernels } from "./servers";

/** The kernel the course's notebooks name, as a front end shows it. */
export const KERNEL_DISPLAY_NAME = "TypeScript";
/** A figure cell: a code cell whose source contains this. */
export const FIGURE_CALL = "mc.show(";

const OPEN_TIMEOUT_MS = 90_000;
/** No prompt or output changed for this long: the run is stuck. */
const STALL_MS = 100_000;
const RUN_BUDGET_MS = 300_000;
/** Every cell still queued, no output, kernel idle, this long after Restart and Run All. */
const NEVER_STARTED_MS = 20_000;
/** A kernel counts as settled after being idle this long. */
const SETTLE_MS = 1_000;
const POLL_MS = 250;
/** Chromium cannot capture taller pages in one piece. */
const MAX_SCREENSHOT_HEIGHT = 16_000;

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

export interface RunReport {
  notebook: string;
  seconds: number;
  screenshot: string;
  /** True when the notebook was taller than one screenshot can hold. */
  screenshotCut: boolean;
  /** Why Restart and Run All had to be done a second time, if it had. */
  retried?: string;
  /** Seconds spent opening (page and kernel), running, and checking with the screenshot. */
  phases: { open: number; run: number; check: number };
  figures: number;
  codeCells: number;
}

/** A failure that names the notebook and, when it is about one, the cell. */
export class NotebookFailure extends Error {
  override name = "NotebookFailure";
}

/** Run All queued every cell, the kernel is idle, and not one cell has started. */
class RunNeverStarted extends NotebookFailure {}

/**
 * The browser itself stopped answering (a page call that never returned),
 * as opposed to anything the notebook showed: the one failure worth a
 * second try on a fresh page.
 */
export class BrowserStuck extends NotebookFailure {}

/** A whole notebook, open to screenshot, gets this long; past it the browser is stuck. */
const NOTEBOOK_BUDGET_MS = RUN_BUDGET_MS + OPEN_TIMEOUT_MS;

/** Settle `work`, or fail after `ms` naming what it was doing; the caller closes the page. */
async function within<T>(ms: number, doing: () => string, work: Promise<T>): Promise<T> {
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

// ---------------------------------------------------------------------------
// What the page shows, read inside the page.

interface Selectors {
  /** The notebook on screen. */
  notebook: string;
  /** Its cells, in order (markdown and code). */
  cell: string;
  codeCell: string;
  prompt: string;
  output: string;
  stderr: string;
  /** The kernel status element, inside or outside the notebook. */
  status: string;
  /** Read the status from this attribute; without one, from the classic icon's class. */
  statusAttribute?: string;
}

interface Figure {
  kind: "svg" | "img";
  width: number;
  marks: number;
}

interface CellView {
  code: boolean;
  prompt: string;
  stderr: string[];
  outputs: string[];
  table: boolean;
  figures: Figure[];
}

interface PageView {
  found: boolean;
  status: string;
  cells: CellView[];
}

/** Runs in the page: no references to anything outside this function. */
function readPage(sel: Selectors): PageView {
  const SHAPES = "rect,path,circle,line,polyline,polygon,ellipse,text,image,use";
  // Observable Plot labels each mark's <g> (aria-label="bar", "dot", ...);
  // axes and grids are labelled too, but are not what a figure is about.
  const marksIn = (svg: Element): number =>
    Array.from(svg.querySelectorAll("[aria-label]")).filter((el) => {
      const label = el.getAttribute("aria-label") ?? "";
      return !/axis|grid/i.test(label) && (el.matches(SHAPES) || el.querySelector(SHAPES) !== null);
    }).length;
  const svgText = (src: string): string => {
    const comma = src.indexOf(",");
    const data = src.slice(comma + 1);
    return /;base64/.test(src.slice(0, comma)) ? atob(data) : decodeURIComponent(data);
  };
  const root = document.querySelector(sel.notebook);
  const statusEl = document.querySelector(sel.status);
  let status = "none";
  if (statusEl && sel.statusAttribute) status = statusEl.getAttribute(sel.statusAttribute) ?? "none";
  else if (statusEl) {
    const cls = statusEl.className;
    status = /kernel_idle_icon/.test(cls) ? "idle" : /kernel_busy_icon/.test(cls) ? "busy" : cls;
  }
  const cells: CellView[] = root
    ? Array.from(root.querySelectorAll(sel.cell)).map((cell) => {
        const outputs = Array.from(cell.querySelectorAll(sel.output));
        const figures: Figure[] = [];
        for (const out of outputs) {
          for (const svg of Array.from(out.querySelectorAll("svg"))) {
            if (svg.parentElement?.closest("svg")) continue;
            figures.push({ kind: "svg", width: svg.getBoundingClientRect().width, marks: marksIn(svg) });
          }
          for (const img of Array.from(out.querySelectorAll("img"))) {
            if (!img.src.startsWith("data:image/svg+xml")) continue;
            let marks = 0;
            try {
              const doc = new DOMParser().parseFromString(svgText(img.src), "image/svg+xml");
              marks = marksIn(doc.documentElement);
            } catch {
              marks = 0;
            }
            figures.push({ kind: "img", width: img.complete ? img.naturalWidth : 0, marks });
          }
        }
        return {
          code: cell.matches(sel.codeCell),
          prompt: (cell.querySelector(sel.prompt)?.textContent ?? "").replace(/\s+/g, ""),
          stderr: Array.from(cell.querySelectorAll(sel.stderr)).map((e) => (e.textContent ?? "").trim()),
          outputs: outputs.map((o) => {
            const kind = o.getAttribute("data-mime-type") ?? o.className.replace(/\s+/g, ".");
            return `${kind}: ${(o.textContent ?? "").trim().slice(0, 160)}`;
          }),
          table: outputs.some((o) => o.querySelector("table") !== null),
          figures,
        };
      })
    : [];
  return { found: root !== null, status, cells };
}

// ---------------------------------------------------------------------------
// The two front ends.

export interface FrontEnd {
  kind: "lab" | "notebook";
  /** As messages and artifact folders name it. */
  label: string;
  selectors: Selectors;
  /** Open the notebook and wait until its kernel is up; returns the kernel's display name. */
  open(page: Page, server: JupyterServer, nb: NotebookUnderTest): Promise<string>;
  restartAndRunAll(page: Page): Promise<void>;
  /** The first code cell's editor, to click into. */
  firstEditor: string;
  /** Grow the viewport so the whole notebook fits; returns the height wanted. */
  fitNotebook(page: Page): Promise<number>;
}

let workspaceCounter = 0;

export const JUPYTERLAB: FrontEnd = {
  kind: "lab",
  label: "JupyterLab",
  selectors: {
    notebook: "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)",
    cell: ".jp-Cell",
    codeCell: ".jp-CodeCell",
    prompt: ".jp-InputPrompt",
    output: ".jp-OutputArea-output",
    stderr: '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]',
    status: "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator",
    statusAttribute: "data-status",
  },
  firstEditor: "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .cm-content",
  async open(page, server, nb) {
    // A workspace of its own (and ?reset): nothing restored from an earlier page.
    const workspace = `mcast-${process.pid}-${++workspaceCounter}`;
    await page.goto(`${server.url}/lab/workspaces/${workspace}/tree/${encodePath(nb.path)}?reset&token=${server.token}`, { timeout: OPEN_TIMEOUT_MS });
    await page.locator("body[data-mcast-lab=ready]").waitFor({ state: "attached", timeout: OPEN_TIMEOUT_MS });
    const panel = "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)";
    await waitOrExplain(page, nb, `${panel} .jp-Notebook-ExecutionIndicator[data-status="idle"]`, "the notebook opened but its kernel never became idle");
    // The file browser folds away, as a student does to read a notebook.
    const sideTab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current");
    if ((await sideTab.count()) > 0) await sideTab.first().click();
    return ((await page.locator(`${panel} .jp-Toolbar-kernelName`).first().textContent()) ?? "").trim();
  },
  async restartAndRunAll(page) {
    await page.locator(".lm-MenuBar-item", { hasText: /^Kernel$/ }).first().click();
    await page.locator(".lm-Menu-item", { hasText: "Restart Kernel and Run All Cells" }).first().click();
    await page.locator(".jp-Dialog .jp-mod-accept").first().click();
  },
  async fitNotebook(page) {
    return page.evaluate((sel) => {
      const scroller = document.querySelector(`${sel} .jp-WindowedPanel-outer`);
      if (!scroller) return 0;
      scroller.scrollTop = 0;
      return document.documentElement.clientHeight - scroller.clientHeight + scroller.scrollHeight + 16;
    }, "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)");
  },
};

export const CLASSIC_NOTEBOOK: FrontEnd = {
  kind: "notebook",
  label: "Notebook",
  selectors: {
    notebook: "#notebook-container",
    cell: ".cell",
    codeCell: ".code_cell",
    prompt: ".input_prompt",
    output: ".output_subarea",
    stderr: ".output_stderr, .output_error",
    status: "#kernel_indicator_icon",
  },
  firstEditor: "#notebook-container .code_cell .CodeMirror",
  async open(page, server, nb) {
    await page.goto(`${server.url}/notebooks/${encodePath(nb.path)}?token=${server.token}`, { timeout: OPEN_TIMEOUT_MS });
    try {
      await page.waitForFunction(
        () => {
          const kernel = (window as unknown as { Jupyter?: { notebook?: { kernel?: { info_reply?: object } } } }).Jupyter?.notebook?.kernel;
          // info_reply holds the kernel's kernel_info_reply once it is ready.
          return Object.keys(kernel?.info_reply ?? {}).length > 0 && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
        },
        null,
        { timeout: OPEN_TIMEOUT_MS, polling: POLL_MS },
      );
    } catch {
      throw new NotebookFailure(`${nb.name}: the notebook opened but its kernel never became ready${await dialogText(page, ".modal-dialog")}`);
    }
    return ((await page.locator(".kernel_indicator_name").first().textContent()) ?? "").trim();
  },
  async restartAndRunAll(page) {
    await page.locator("#kernellink").click();
    await page.locator("#restart_run_all > a").click();
    await page.locator(".modal-dialog .btn-danger").click();
  },
  async fitNotebook(page) {
    return page.evaluate(() => {
      const header = document.querySelector("#header");
      const site = document.querySelector("#site");
      if (!site) return 0;
      site.scrollTop = 0;
      return (header?.getBoundingClientRect().height ?? 0) + site.scrollHeight + 16;
    }, null);
  },
};

// ---------------------------------------------------------------------------
// Running a notebook and checking what it shows.

/**
 * Open the notebook, check the TypeScript kernel started, Restart and Run
 * All, wait for idle (failing fast on the first cell that errs), then check
 * every figure cell drew a figure and the first cell its preflight table.
 * A screenshot of the whole notebook goes to `artifacts`. The notebook's
 * kernel is shut down afterwards, pass or fail.
 */
export async function runNotebook(fe: FrontEnd, page: Page, server: JupyterServer, nb: NotebookUnderTest, artifacts: string): Promise<RunReport> {
  const phase = { now: "opening the notebook" };
  try {
    return await within(NOTEBOOK_BUDGET_MS, () => phase.now, runNotebookSteps(fe, page, server, nb, artifacts, phase));
  } catch (err) {
    if (err instanceof BrowserStuck) err.message = `${nb.name} in ${fe.label}: ${err.message}`;
    throw err;
  } finally {
    await shutdownKernels(server).catch(() => undefined);
  }
}

async function runNotebookSteps(fe: FrontEnd, page: Page, server: JupyterServer, nb: NotebookUnderTest, artifacts: string, phase: { now: string }): Promise<RunReport> {
  const started = Date.now();
  mkdirSync(artifacts, { recursive: true });
  const shot = join(artifacts, nb.name.replace(/\.ipynb$/, ".png"));
  try {
    const kernel = await fe.open(page, server, nb);
    if (kernel !== KERNEL_DISPLAY_NAME) throw new NotebookFailure(`${nb.name}: the kernel shown is "${kernel}", not "${KERNEL_DISPLAY_NAME}" (is the tslab kernel spec registered?)`);
    await settle(fe, page);
    const opened = Date.now();
    let retried: string | undefined;
    const lost = server.lostReplies();
    phase.now = "running all cells";
    await fe.restartAndRunAll(page);
    let view: PageView;
    try {
      view = await waitForRun(fe, page, nb);
    } catch (err) {
      // JupyterLab 4 on jupyter_server 1.x can replace its kernel websocket
      // while the first replies are under way; the server then logs them as
      // arriving on a closed channel and every cell stays queued. That, and
      // only that, earns one more Restart and Run All.
      if (!(err instanceof RunNeverStarted) || server.lostReplies() === lost) throw err;
      retried = `${err.message.split("\n")[0]}; the server logged ${server.lostReplies() - lost} kernel replies arriving on a closed channel`;
      await settle(fe, page);
      await fe.restartAndRunAll(page);
      view = await waitForRun(fe, page, nb);
    }
    const ran = Date.now();
    const problems = checkResults(nb, view);
    phase.now = "taking the screenshot";
    const cut = await screenshot(fe, page, shot);
    const phases = { open: (opened - started) / 1000, run: (ran - opened) / 1000, check: (Date.now() - ran) / 1000 };
    if (problems.length) throw new NotebookFailure(`${nb.name} in ${fe.label}:\n  ${problems.join("\n  ")}\n(screenshot: ${shot})`);
    const figureCells = nb.cells.filter((c) => c.type === "code" && c.source.includes(FIGURE_CALL)).length;
    const codeCells = nb.cells.filter((c) => c.type === "code").length;
    return { notebook: nb.name, seconds: (Date.now() - started) / 1000, screenshot: shot, screenshotCut: cut, figures: figureCells, codeCells, retried, phases };
  } catch (caught) {
    // Anything that went wrong (a menu that never showed, too) names the notebook.
    const err = caught instanceof NotebookFailure ? caught : new NotebookFailure(`${nb.name} in ${fe.label}: ${(caught as Error).message}`);
    if (!/\(screenshot: /.test(err.message)) {
      const failed = shot.replace(/\.png$/, "-FAILED.png");
      await screenshot(fe, page, failed).catch(() => undefined);
      err.message += `\n(screenshot: ${failed})`;
    }
    const log = serverWarnings(server);
    if (log) err.message += `\nthe ${fe.label} server's last warnings:\n  ${log}`;
    throw err;
  }
}

/**
 * What a student does first: open the notebook, see the TypeScript kernel
 * start, click into the first cell and press Shift-Enter; the preflight
 * table must appear under it.
 */
export async function runFirstCellLikeAStudent(fe: FrontEnd, page: Page, server: JupyterServer, nb: NotebookUnderTest, artifacts: string): Promise<{ kernel: string; screenshot: string }> {
  mkdirSync(artifacts, { recursive: true });
  const shot = join(artifacts, nb.name.replace(/\.ipynb$/, "-first-cell.png"));
  try {
    const kernel = await fe.open(page, server, nb);
    if (kernel !== KERNEL_DISPLAY_NAME) throw new NotebookFailure(`${nb.name}: the kernel shown is "${kernel}", not "${KERNEL_DISPLAY_NAME}"`);
    await page.locator(fe.firstEditor).first().click();
    await page.keyboard.press("Shift+Enter");
    const first = firstCodeCell(nb);
    const deadline = Date.now() + OPEN_TIMEOUT_MS;
    for (;;) {
      const view = await page.evaluate(readPage, fe.selectors);
      const cell = view.cells[first];
      if (cell?.stderr.length) throw new NotebookFailure(`${cellName(nb, first)}: the first cell failed:\n${cell.stderr.join("\n").slice(0, 1500)}`);
      if (cell?.table) break;
      if (Date.now() > deadline) throw new NotebookFailure(`${cellName(nb, first)}: no preflight table under the first cell ${OPEN_TIMEOUT_MS / 1000} s after Shift-Enter (kernel ${view.status}; outputs: ${JSON.stringify(cell?.outputs ?? [])})`);
      await page.waitForTimeout(POLL_MS);
    }
    await page.waitForTimeout(300);
    await page.screenshot({ path: shot });
    return { kernel, screenshot: shot };
  } catch (caught) {
    const err = caught instanceof NotebookFailure ? caught : new NotebookFailure(`${nb.name} in ${fe.label}: ${(caught as Error).message}`);
    const failed = shot.replace(/\.png$/, "-FAILED.png");
    await page.screenshot({ path: failed }).catch(() => undefined);
    err.message += `\n(screenshot: ${failed})`;
    throw err;
  } finally {
    await shutdownKernels(server).catch(() => undefined);
  }
}

/** Wait until the kernel has been idle for SETTLE_MS on end, as a student reading the page would. */
async function settle(fe: FrontEnd, page: Page): Promise<void> {
  const deadline = Date.now() + 30_000;
  let idleSince = 0;
  while (Date.now() < deadline) {
    const { status } = await page.evaluate(readPage, fe.selectors);
    if (status !== "idle") idleSince = 0;
    else if (!idleSince) idleSince = Date.now();
    else if (Date.now() - idleSince >= SETTLE_MS) return;
    await page.waitForTimeout(POLL_MS);
  }
}

/** The server's recent warnings and errors, without the noise every page load makes. */
function serverWarnings(server: JupyterServer): string {
  return server
    .log()
    .split("\n")
    // (JupyterLab looks up every file path an error output shows: 404s on /api/contents.)
    .filter((l) => /^\[[WE] /.test(l) && !/events\/subscribe|\/api\/me\b|\/api\/contents\/|file or directory does not exist|Could not open static file ''|is not trusted/.test(l))
    .slice(-12)
    .join("\n  ");
}

async function waitForRun(fe: FrontEnd, page: Page, nb: NotebookUnderTest): Promise<PageView> {
  const started = Date.now();
  const deadline = started + RUN_BUDGET_MS;
  let idleAndQueuedSince = 0;
  let sawRun = false;
  let doneBefore = false;
  let signature = "";
  let changed = Date.now();
  for (;;) {
    const view = await page.evaluate(readPage, fe.selectors);
    if (!view.found) throw new NotebookFailure(`${nb.name}: the notebook is no longer on the page`);
    // Fail fast: the first cell that shows an error is the failure.
    const failed = view.cells.findIndex((c) => c.stderr.length > 0);
    if (failed >= 0) {
      throw new NotebookFailure(`${cellName(nb, failed)}: the cell failed in ${fe.label}:\n${view.cells[failed].stderr.join("\n").slice(0, 2000)}`);
    }
    const prompts = view.cells.filter((c) => c.code).map((c) => c.prompt);
    const queued = prompts.some((p) => p.includes("*"));
    if (queued || prompts.some((p) => /\[\d+\]/.test(p))) sawRun = true;
    const now = Date.now();
    const sig = `${view.status}|${prompts.join(",")}|${view.cells.map((c) => c.outputs.length).join(",")}`;
    if (sig !== signature) {
      signature = sig;
      changed = now;
    }
    const numbered = prompts.some((p) => /\[\d+\]/.test(p));
    const anyOutput = view.cells.some((c) => c.outputs.length > 0);
    if (queued && !numbered && !anyOutput && view.status === "idle") {
      idleAndQueuedSince ||= now;
      if (now - idleAndQueuedSince > NEVER_STARTED_MS) {
        throw new RunNeverStarted(`${nb.name}: Run All never started: every cell queued, no output, the kernel idle for ${NEVER_STARTED_MS / 1000} s`);
      }
    } else idleAndQueuedSince = 0;
    if (!sawRun && view.status === "idle" && now - started > NEVER_STARTED_MS + STALL_MS / 2) {
      throw new RunNeverStarted(`${nb.name}: Run All never started: no cell was queued and the kernel idle for ${(now - started) / 1000} s after the restart`);
    }
    const done = sawRun && view.status === "idle" && !queued;
    if (done && doneBefore) return view;
    doneBefore = done;
    const running = view.cells.findIndex((c) => c.code && c.prompt.includes("*"));
    const where = running >= 0 ? cellName(nb, running) : nb.name;
    if (now - changed > STALL_MS) throw new NotebookFailure(`${where}: nothing changed for ${STALL_MS / 1000} s (kernel ${view.status}); the cell seems stuck`);
    if (now > deadline) throw new NotebookFailure(`${where}: Run All did not finish within ${RUN_BUDGET_MS / 1000} s (kernel ${view.status})`);
    await page.waitForTimeout(POLL_MS);
  }
}

function checkResults(nb: NotebookUnderTest, view: PageView): string[] {
  const problems: string[] = [];
  if (view.cells.length !== nb.cells.length) {
    return [`the page shows ${view.cells.length} cells, the file has ${nb.cells.length}`];
  }
  nb.cells.forEach((cell, i) => {
    if (cell.type !== "code" || cell.source.trim() === "") return;
    const shown = view.cells[i];
    if (!/\[\d+\]/.test(shown.prompt)) {
      problems.push(`${cellName(nb, i)}: did not run (prompt ${shown.prompt || "empty"}; the kernel dropped it)`);
      return;
    }
    if (!cell.source.includes(FIGURE_CALL)) return;
    const outputs = shown.outputs.length ? `its output: ${JSON.stringify(shown.outputs).slice(0, 300)}` : "it has no output";
    if (shown.figures.length === 0) problems.push(`${cellName(nb, i)}: a figure cell shows no SVG (${outputs})`);
    else if (!shown.figures.some((f) => f.marks > 0)) problems.push(`${cellName(nb, i)}: a figure cell shows an SVG with no marks in it`);
    else if (!shown.figures.some((f) => f.marks > 0 && f.width > 0)) {
      problems.push(`${cellName(nb, i)}: a figure cell's SVG is not drawn (0 px wide, or an image that did not load)`);
    }
  });
  const first = firstCodeCell(nb);
  if (first >= 0 && !view.cells[first].table) problems.push(`${cellName(nb, first)}: the first code cell shows no preflight table`);
  return problems;
}

/** Screenshot of the whole notebook; true when it had to be cut. */
async function screenshot(fe: FrontEnd, page: Page, path: string): Promise<boolean> {
  const wanted = await fe.fitNotebook(page);
  const height = Math.min(Math.max(Math.ceil(wanted), VIEWPORT.height), MAX_SCREENSHOT_HEIGHT);
  await page.setViewportSize({ width: VIEWPORT.width, height });
  await page.waitForTimeout(400);
  await fe.fitNotebook(page); // back to the top, after the resize's relayout
  await page.waitForTimeout(400);
  try {
    await page.screenshot({ path, fullPage: true });
  } finally {
    await page.setViewportSize(VIEWPORT);
  }
  return wanted > MAX_SCREENSHOT_HEIGHT;
}

function firstCodeCell(nb: NotebookUnderTest): number {
  return nb.cells.findIndex((c) => c.type === "code" && c.source.trim() !== "");
}

/** `01-addresses.ipynb cell 13 (mc.show(mc.addressSpaceFigure());)`: cells count from 1, markdown included. */
export function cellName(nb: NotebookUnderTest, index: number): string {
  const line = (nb.cells[index]?.source ?? "").split("\n").find((l) => l.trim() !== "") ?? "";
  return `${nb.name} cell ${index + 1} (${line.trim().slice(0, 70)})`;
}

async function waitOrExplain(page: Page, nb: NotebookUnderTest, selector: string, what: string): Promise<void> {
  try {
    await page.locator(selector).first().waitFor({ state: "attached", timeout: OPEN_TIMEOUT_MS });
  } catch {
    throw new NotebookFailure(`${nb.name}: ${what}${await dialogText(page, ".jp-Dialog")}`);
  }
}

async function dialogText(page: Page, selector: string): Promise<string> {
  const dialog = page.locator(selector);
  if ((await dialog.count().catch(() => 0)) === 0) return "";
  const text = ((await dialog.first().textContent({ timeout: 2000 }).catch(() => "")) ?? "").replace(/\s+/g, " ").trim();
  return text ? ` (a dialog says: ${text.slice(0, 300)})` : "";
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
