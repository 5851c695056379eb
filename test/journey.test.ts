// A student's journey in the JupyterLab `npm run lab` serves, in headless
// Chromium: open notebook 01 from the file browser, run it cell by cell with
// Shift-Enter (figures drawn), answer an exercise wrongly and
// read "not yet", answer it rightly and read the points, save with Ctrl-S,
// restart the kernel, and grade the saved file with `npm run grade`. Then
// notebook 03: the lab comes up from the browser and is gone once its kernel
// is shut down (Kernel > Shut Down Kernel). A failing step names itself,
// and every step leaves a screenshot in test-artifacts/journey/.
import assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Browser, launchChromium, Page } from "../scripts/browser/chromium";
import { readSolutions } from "../scripts/exercises";
import { NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { CHROMIUM, ensureLabApp, PYTHON } from "../scripts/lab-frontend";

const ARTIFACTS = join(ROOT, "test-artifacts", "journey");
const CI = process.env.CI === "true";
const missing = [
  existsSync(CHROMIUM) ? "" : `Chromium (${CHROMIUM})`,
  spawnSync(PYTHON, ["-c", "import jupyterlab_server"], { timeout: 20_000 }).status === 0 ? "" : "jupyterlab_server",
].filter(Boolean);
const skip = missing.length > 0 && !CI ? `the journey needs ${missing.join(", ")}` : false;

const PANEL = "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)";
const STEP_MS = 120_000;

let work = "";
let server: ChildProcess | undefined;
let url = "";
let browser: Browser | undefined;
let page: (Page & { consoleErrors: string[] }) | undefined;
let shot = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Run one step of the journey; a failure says which step, and every step leaves a screenshot. */
async function step(name: string, fn: (p: Page) => Promise<void>): Promise<void> {
  assert.ok(page, "the browser page did not open");
  const file = join(ARTIFACTS, `${String(++shot).padStart(2, "0")}-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.png`);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(page),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`it took more than ${STEP_MS / 1000} s`)), STEP_MS))),
    ]);
  } catch (err) {
    await page.screenshot({ path: file }).catch(() => undefined);
    const console = page.consoleErrors.length ? `\nbrowser console errors (last 3):\n  ${page.consoleErrors.slice(-3).join("\n  ")}` : "";
    throw new Error(`journey step "${name}" failed: ${(err as Error).message}${console}\n(screenshot: ${file})`);
  } finally {
    clearTimeout(timer);
  }
  await page.screenshot({ path: file });
}

/** Wait until the open notebook's kernel is idle, after a moment for a new request to register. */
async function idle(p: Page): Promise<void> {
  await p.waitForTimeout(300);
  await p.locator(`${PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]`).waitFor({ state: "attached", timeout: STEP_MS });
}

/** The text of the outputs of the cell that holds `marker` in its source. */
async function outputOf(p: Page, marker: string): Promise<string> {
  return p.evaluate(([panel, m]) => {
    for (const cell of Array.from(document.querySelectorAll(`${panel} .jp-CodeCell`))) {
      const source = cell.querySelector(".jp-InputArea")?.textContent ?? "";
      if (source.includes(m)) return (cell.querySelector(".jp-OutputArea") as HTMLElement | null)?.innerText ?? "";
    }
    return `(no cell holds ${m})`;
  }, [PANEL, marker] as const);
}

/** Click into the code cell that holds `marker`, replace its text as a student would (select all, type), and leave the cursor there. */
async function retype(p: Page, marker: string, text: string): Promise<void> {
  const editor = p.locator(`${PANEL} .jp-CodeCell .cm-content`, { hasText: marker }).first();
  await editor.click();
  await p.keyboard.press("Control+A");
  await p.keyboard.insertText(text);
}

/**
 * Shift-Enter on the active cell, as a student does, and wait until it has run:
 * a code cell's prompt shows its execution number ([*] while it runs). Returns
 * the source of the cell that ran.
 */
interface Ran {
  source: string;
  /** The text of its outputs, the figures it drew, and its error outputs (read while it is still on screen: JupyterLab drops cells scrolled far away). */
  output: string;
  figures: number;
  errors: number;
}

async function shiftEnter(p: Page): Promise<Ran> {
  const active = await p.evaluate((panel) => {
    const cells = Array.from(document.querySelectorAll(`${panel} .jp-Cell`));
    const i = cells.findIndex((c) => c.classList.contains("jp-mod-active"));
    const prompt = cells[i]?.querySelector(".jp-InputPrompt")?.textContent ?? "";
    return { i, code: cells[i]?.classList.contains("jp-CodeCell") ?? false, source: cells[i]?.querySelector(".jp-InputArea")?.textContent ?? "", prompt };
  }, PANEL);
  await p.keyboard.press("Shift+Enter");
  if (active.code) {
    // A new execution number: the cell ran again (a cell run before keeps its old number until then).
    await p.waitForFunction(([panel, i, before]) => {
      const prompt = document.querySelectorAll(`${panel} .jp-Cell`)[i as number]?.querySelector(".jp-InputPrompt")?.textContent ?? "";
      return /\[\d+\]/.test(prompt) && prompt !== before;
    }, [PANEL, active.i, active.prompt] as const, { timeout: STEP_MS, polling: 100 });
  }
  const shown = await p.evaluate(([panel, i]) => {
    const cell = document.querySelectorAll(`${panel} .jp-Cell`)[i as number];
    return {
      output: (cell?.querySelector(".jp-OutputArea") as HTMLElement | null)?.innerText ?? "",
      figures: cell?.querySelectorAll(".jp-OutputArea-output svg, .jp-OutputArea-output img").length ?? 0,
      errors: cell?.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]').length ?? 0,
    };
  }, [PANEL, active.i] as const);
  return { source: active.source, ...shown };
}

/** Shift-Enter from the active cell on until the cell holding `marker` has run. */
async function runThrough(p: Page, marker: string): Promise<void> {
  for (let i = 0; i < 200; i++) if ((await shiftEnter(p)).source.includes(marker)) return;
  throw new Error(`no cell holds ${marker}`);
}

/** Open a notebook from the file browser with a double click, and wait for its kernel. */
async function openFromFileBrowser(p: Page, name: string): Promise<void> {
  // The file browser's tab toggles it: click only when it is folded away.
  if ((await p.locator(".jp-DirListing-item", { hasText: name }).count()) === 0 || !(await p.evaluate(() => !!document.querySelector(".jp-FileBrowser:not(.lm-mod-hidden)"), null))) {
    await p.locator(".jp-SideBar .lm-TabBar-tab[data-id='filebrowser']").first().click();
  }
  await p.locator(".jp-DirListing-item", { hasText: name }).first().dblclick();
  await p.locator(`${PANEL} .jp-Toolbar-kernelName`, { hasText: "TypeScript" }).waitFor({ state: "visible", timeout: STEP_MS });
  await idle(p);
}

let opened = false;
/** The first step of either test: the URL npm start printed, in a workspace of the test's own. */
async function openLab(): Promise<void> {
  if (opened) return;
  await step("JupyterLab opens with the course in its file browser", async (p) => {
    await p.goto(url.replace("/lab?", "/lab/workspaces/journey?reset&"));
    await p.locator("body[data-mcast-lab=ready]").waitFor({ state: "attached", timeout: STEP_MS });
    await p.locator(".jp-DirListing-item", { hasText: "01-addresses.ipynb" }).first().waitFor({ state: "visible" });
  });
  opened = true;
}

before(async () => {
  if (missing.length) return;
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "mcast-journey-"));
  for (const name of ["01-addresses.ipynb", "03-lab.ipynb"]) copyFileSync(join(NOTEBOOKS, name), join(work, name));
  const app = await ensureLabApp();
  const port = await freePort();
  // The same command a student types, serving a copy of the notebooks (the saves land there).
  server = spawn(process.execPath, [join(ROOT, "dist", "scripts", "start.js"), "--lab", "--no-browser", "--port", String(port), "--dir", work], {
    env: { ...process.env, JUPYTER_CONFIG_DIR: join(work, ".jupyter-config") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let said = "";
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no URL in 120 s:\n${said}`)), 120_000);
    const read = (chunk: Buffer) => {
      said += chunk.toString();
      const m = said.match(new RegExp(`http://127\\.0\\.0\\.1:${port}/lab\\?token=[0-9a-f]+`));
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    server!.stdout!.on("data", read);
    server!.stderr!.on("data", read);
    server!.once("exit", (code) => reject(new Error(`npm start exited (${code}):\n${said}`)));
  });
  browser = await launchChromium(app);
  page = await browser.newPage();
}, { timeout: 10 * 60_000 });

after(async () => {
  await page?.close().catch(() => undefined);
  await browser?.close();
  if (server && server.exitCode === null) {
    // One SIGTERM, as a Ctrl-C: the server stops and shuts its kernels down.
    server.kill("SIGTERM");
    await new Promise((r) => {
      const t = setTimeout(() => (server!.kill("SIGKILL"), r(undefined)), 20_000);
      server!.once("exit", () => (clearTimeout(t), r(undefined)));
    });
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test("a student's journey through notebook 01 in JupyterLab: run, answer wrongly, answer rightly, save, restart, graded", { skip, timeout: 15 * 60_000 }, async () => {
  await openLab();
  await step("notebook 01 opens from the file browser", (p) => openFromFileBrowser(p, "01-addresses.ipynb"));
  await step("Shift-Enter runs the cells one by one up to the first exercise, each showing its output", async (p) => {
    await p.locator(`${PANEL} .jp-Cell`).first().click();
    await p.keyboard.press("Escape");
    const ran: Ran[] = [];
    for (let i = 0; i < 200; i++) {
      const active = await p.locator(`${PANEL} .jp-Cell.jp-mod-active .jp-InputArea`).first().textContent().catch(() => "");
      if (active?.includes("function inCidr(")) break;
      ran.push(await shiftEnter(p));
    }
    const preflight = ran.find((r) => r.source.includes("mc.preflight()"));
    assert.match(preflight?.output ?? "", /Ready|virtual lab/, `the first cell shows the preflight table, got: ${preflight?.output.slice(0, 200)}`);
    const figureCells = ran.filter((r) => r.source.includes("mc.show("));
    assert.ok(figureCells.length >= 1 && figureCells.every((r) => r.figures >= 1), `every figure cell drew a figure (${figureCells.map((r) => r.figures).join(", ")})`);
    const failed = ran.filter((r) => r.errors > 0);
    assert.deepEqual(failed.map((r) => r.source.slice(0, 60)), [], "no cell printed an error");
  });
  await step("a wrong answer, then its check: not yet, 0 points", async (p) => {
    await retype(p, "function inCidr(", "function inCidr(cidr: string, address: string): boolean {\n  return true;\n}\n");
    await shiftEnter(p);
    await shiftEnter(p);
    const check = await outputOf(p, 'mc.check("addr-incidr"');
    assert.match(check, /not yet/, `the check says not yet, got: ${check.slice(0, 300)}`);
  });
  await step("the right answer, then its check: all checks pass, 3 points", async (p) => {
    const right = readSolutions(join(ROOT, "test", "solutions", "01-addresses.txt")).get("addr-incidr")!;
    await retype(p, "function inCidr(", right);
    await shiftEnter(p);
    await shiftEnter(p);
    const check = await outputOf(p, 'mc.check("addr-incidr"');
    assert.match(check, /all checks pass/, `the check passes, got: ${check.slice(0, 300)}`);
    assert.match(check, /\b3\b/, "and shows its 3 points");
  });
  await step("Ctrl-S saves the notebook", async (p) => {
    await p.keyboard.press("Control+s");
    await p.waitForFunction((panel) => !document.querySelector(`${panel}`)?.closest(".lm-DockPanel")?.querySelector(".lm-TabBar-tab.lm-mod-current.jp-mod-dirty"), PANEL, { timeout: 30_000 });
    const saved = readFileSync(join(work, "01-addresses.ipynb"), "utf8");
    assert.match(saved, /const mask = prefix === 0/, "the saved file holds the right answer");
  });
  await step("the kernel restarts from the Kernel menu", async (p) => {
    await p.locator(".lm-MenuBar-item", { hasText: /^Kernel$/ }).first().click();
    await p.locator(".lm-Menu-item", { hasText: /^Restart Kernel…/ }).first().click();
    await p.locator(".jp-Dialog .jp-mod-accept").first().click();
    await idle(p);
  });
  const out = join(work, "grades");
  const graded = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "grade.js"), "--out", out, join(work, "01-addresses.ipynb")], { encoding: "utf8", timeout: 600_000 });
  assert.equal(graded.status, 0, `npm run grade on the saved file: ${graded.stdout}\n${graded.stderr}`);
  const grades = JSON.parse(readFileSync(join(out, "grades.json"), "utf8")) as Array<{ exercises: Array<{ id: string; earned: number; possible: number }> }>;
  const incidr = grades[0].exercises.find((e) => e.id === "addr-incidr");
  assert.deepEqual([incidr?.earned, incidr?.possible], [3, 3], "npm run grade gives the saved answer its 3 points");
});

test("notebook 03 in JupyterLab: the lab comes up from the browser and is gone once its kernel is shut down", { skip, timeout: 10 * 60_000 }, async () => {
  let pid = 0;
  await openLab();
  await step("notebook 03 opens from the file browser", (p) => openFromFileBrowser(p, "03-lab.ipynb"));
  await step("Shift-Enter through the first cells brings the lab up", async (p) => {
    await p.locator(`${PANEL} .jp-Cell`).first().click();
    await p.keyboard.press("Escape");
    await runThrough(p, "const lab = await mc.up()");
    const lab = await outputOf(p, "const lab = await mc.up()");
    const m = lab.match(/up, pid (\d+)/);
    assert.ok(m, `the cell shows the lab up, got: ${lab.slice(0, 200)}`);
    pid = Number(m[1]);
    assert.ok(existsSync(`/proc/${pid}`), `the lab's process ${pid} runs`);
  });
  await step("Kernel > Shut Down Kernel stops the kernel, and the lab goes with it", async (p) => {
    await p.locator(".lm-MenuBar-item", { hasText: /^Kernel$/ }).first().click();
    await p.locator(".lm-Menu-item", { hasText: /^Shut Down Kernel/ }).first().click();
    const dialog = p.locator(".jp-Dialog .jp-mod-accept");
    if ((await dialog.count()) > 0) await dialog.first().click();
    const until = Date.now() + 30_000;
    while (existsSync(`/proc/${pid}`) && Date.now() < until) await p.waitForTimeout(250);
    assert.ok(!existsSync(`/proc/${pid}`), `the lab's process ${pid} is gone after the kernel was shut down`);
  });
});
