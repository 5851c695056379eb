// Driving a notebook in a real front end the way a student does: open it,
// Kernel > Restart and Run All, wait until the kernel is idle, then look at
// what is on the page. The same checks for JupyterLab 4 and the classic
// Notebook; only the front end (front-ends.ts) differs.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Page, VIEWPORT } from "./chromium";
import { JupyterServer, shutdownKernels } from "./servers";
import { BrowserStuck, FIGURE_CALL, KERNEL_DISPLAY_NAME, MAX_SCREENSHOT_HEIGHT, NEVER_STARTED_MS, NOTEBOOK_BUDGET_MS, NotebookFailure, NotebookUnderTest, OPEN_TIMEOUT_MS, POLL_MS, RUN_BUDGET_MS, RunNeverStarted, SETTLE_MS, STALL_MS, cellName, firstCodeCell, within } from "./notebook-page";
import { PageView, readPage } from "./page-view";
import { FrontEnd } from "./front-ends";

interface RunReport {
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
export async function settle(fe: FrontEnd, page: Page): Promise<void> {
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
    // The kernel's own last words too (tslab-kernel.cjs says why it exits), which carry no [W]/[E] prefix.
    .filter((l) => (/^\[[WE] /.test(l) || /^tslab[: ]|^\s*(\w*Error|Traceback)\b/.test(l)) && !/events\/subscribe|\/api\/me\b|\/api\/contents\/|file or directory does not exist|Could not open static file ''|is not trusted/.test(l))
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
export async function screenshot(fe: FrontEnd, page: Page, path: string): Promise<boolean> {
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
