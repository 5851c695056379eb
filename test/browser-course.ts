// The course in a real browser, for one front end: headless Chromium opens
// every notebook in JupyterLab 4 (browser-lab.test.ts) or in the classic
// Notebook (browser-notebook.test.ts), runs Kernel > Restart and Run All, and
// checks what a student would see: the TypeScript kernel, no cell showing an
// error, every figure drawn, the preflight table under the first cell. A
// screenshot of each notebook goes to test-artifacts/browser/. One file per
// front end, so that `npm test` runs the two side by side.
//
// Needs Debian's chromium, python3-jupyterlab-server (with
// python3-jupyter-server) and jupyter-notebook. The JupyterLab front end is
// built from jupyterlab/ on the first run and cached in
// ~/.cache/mcast-lab/. Without the packages the test fails under CI=true and
// is skipped, with the reason, elsewhere.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test, TestContext } from "node:test";
import { FrontEnd } from "../scripts/browser/front-ends";
import { Browser, launchChromium } from "../scripts/browser/chromium";
import { BrowserStuck, notebookUnderTest } from "../scripts/browser/notebook-page";
import { runFirstCellLikeAStudent, runNotebook } from "../scripts/browser/drive";
import { CHROMIUM, ensureLabApp, LabApp, PYTHON } from "../scripts/lab-frontend";
import { CLASSIC_JUPYTER, JupyterServer, startClassic, startLab } from "../scripts/browser/servers";
import { courseNotebooks, NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { linkCourse } from "../scripts/course-link";
import { withLoopbackPorts } from "../scripts/loopback-ports";
import { Notebook, readNotebook, sourceLines, writeNotebook } from "../scripts/notebook";

const ARTIFACTS = join(ROOT, "test-artifacts", "browser");
const CI = /^(1|true|yes)$/i.test(process.env.CI ?? "");
const notebooks = courseNotebooks();

/** What this machine lacks for the browser test, each with its fix. */
function missingPieces(): string[] {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install chromium)`);
  const lab = spawnSync(PYTHON, ["-c", "import jupyterlab_server, jupyter_server"], { timeout: 30_000 });
  if (lab.status !== 0) missing.push("jupyterlab_server for /usr/bin/python3 (apt-get install python3-jupyterlab-server python3-jupyter-server)");
  const classic = spawnSync(CLASSIC_JUPYTER, ["notebook", "--version"], { timeout: 30_000 });
  if (classic.status !== 0) missing.push("the classic Notebook, `jupyter notebook` (apt-get install jupyter-notebook)");
  const npm = spawnSync("npm", ["--version"], { timeout: 30_000 });
  if (npm.status !== 0 && !process.env.npm_execpath) missing.push("npm, to build the JupyterLab front end");
  return missing;
}

const missing = missingPieces();
const why = `the browser test needs ${missing.join("; ")}`;
/** Skipped with the reason on a machine without the pieces; under CI=true they fail instead. */
export const skip = missing.length > 0 && !CI ? why : false;
export function needPieces(): void {
  if (missing.length > 0) assert.fail(`${why}. (bash scripts/setup.sh --dev installs them.)`);
}

// The served folder: a copy of notebooks/ (so nothing a front end saves
// lands in the repository), with the links a notebook needs beside it, and
// a folder of deliberately broken notebooks.
let course = "";

let labApp: Promise<LabApp> | undefined;
export function theLabApp(t?: TestContext): Promise<LabApp> {
  labApp ??= ensureLabApp((line) => (t ? t.diagnostic(line) : console.log(`# ${line}`)));
  return labApp;
}

function prepareCourse(artifacts: string): void {
  if (missing.length) return;
  rmSync(artifacts, { recursive: true, force: true });
  course = mkdtempSync(join(tmpdir(), "mcast-browser-course-"));
  for (const name of notebooks) copyFileSync(join(NOTEBOOKS, name), join(course, name));
  linkCourse(course);
  const broken = join(course, "broken");
  mkdirSync(broken);
  linkCourse(broken);
  for (const [name, nb] of brokenNotebooks()) writeNotebook(join(broken, name), nb);
}

/** Two notebooks that must fail: a cell that throws; figure cells that draw nothing. */
function brokenNotebooks(): Array<[string, Notebook]> {
  const start = readNotebook(join(NOTEBOOKS, "00-start-here.ipynb"));
  const code = (source: string) => ({ cell_type: "code" as const, metadata: {}, source: sourceLines(source), outputs: [], execution_count: null });
  const notebook = (...sources: string[]): Notebook => ({ ...start, cells: sources.map(code) });
  const preflight = 'import * as mc from "mcast-lab";\nmc.preflight();\n';
  return [
    ["broken-cell.ipynb", notebook(preflight, 'throw new Error("deliberately broken: this cell throws");\n', "mc.show({ marks: [] });\n")],
    [
      "broken-figure.ipynb",
      notebook(
        preflight,
        '// The figure went missing: mc.show( is never reached.\nif (Date.now() < 0) mc.show({ marks: [] });\nconsole.log("no figure here");\n',
        "mc.show({ marks: [] });\n",
      ),
    ],
  ];
}

/** The suite's name for one front end. */
export const suiteName = (fe: FrontEnd) => `the course in ${fe.label}, in headless Chromium`;

/**
 * Every notebook of the course in one front end, with its own served copy of
 * the course, its own server and browser. Called inside the test file's own
 * describe(suiteName(fe), { skip }, ...), so that the suite is that file's.
 */
export function courseInBrowser(fe: FrontEnd): void {
  const artifacts = join(ARTIFACTS, fe.kind === "lab" ? "jupyterlab" : "notebook");
  before(() => prepareCourse(artifacts));
  after(() => {
    if (course) rmSync(course, { recursive: true, force: true });
  });
  {
    let server: JupyterServer | undefined;
    let browser: Browser | undefined;

    before(async () => {
      if (missing.length) return;
      const app = await theLabApp();
      server = fe.kind === "lab" ? await startLab(app, course) : await startClassic(course);
      browser = await launchChromium(app);
    }, { timeout: 20 * 60_000 });

    after(async () => {
      // Every path, pass or fail: the browser, then the server and its kernels.
      await browser?.close();
      await server?.stop();
    });

    async function withPage<T>(fn: (page: Awaited<ReturnType<Browser["newPage"]>>) => Promise<T>): Promise<T> {
      needPieces();
      assert.ok(server && browser, `the ${fe.label} server or the browser did not start`);
      const page = await browser.newPage();
      try {
        return await fn(page);
      } catch (err) {
        if (page.consoleErrors.length) (err as Error).message += `\nbrowser console errors (last 5):\n  ${page.consoleErrors.slice(-5).join("\n  ")}`;
        throw err;
      } finally {
        await page.close().catch(() => undefined);
      }
    }

    test(`a student opening 00-start-here sees the TypeScript kernel start, and Shift-Enter on the first cell shows the preflight table`, { timeout: 5 * 60_000 }, async (t) => {
      await withPage(async (page) => {
        const nb = notebookUnderTest(course, "00-start-here.ipynb");
        const seen = await runFirstCellLikeAStudent(fe, page, server!, nb, artifacts);
        t.diagnostic(`kernel "${seen.kernel}"; screenshot ${seen.screenshot}`);
      });
    });

    for (const name of notebooks) {
      test(`${name}: Restart and Run All shows no error, draws every figure, and the preflight table`, { timeout: 14 * 60_000 }, async (t) => {
        // A browser that stops answering (not the notebook: its failures are
        // never retried) gets one more try on a fresh page, said out loud.
        const run = () => withPage((page) => runNotebook(fe, page, server!, notebookUnderTest(course, name), artifacts));
        const attempt = () => withLoopbackPorts(readNotebook(join(course, name)), run, (line) => t.diagnostic(line));
        await (async () => {
          let report;
          try {
            report = await attempt();
          } catch (err) {
            if (!(err instanceof BrowserStuck)) throw err;
            t.diagnostic(`retried on a fresh page: ${err.message.split("\n")[0]}`);
            report = await attempt();
          }
          const { open, run, check } = report.phases;
          t.diagnostic(`${report.seconds.toFixed(1)} s (open ${open.toFixed(1)}, run ${run.toFixed(1)}, check ${check.toFixed(1)}), ${report.codeCells} code cells, ${report.figures} figure cells; screenshot ${report.screenshot}${report.screenshotCut ? " (cut at the screenshot height limit)" : ""}`);
          if (report.retried) t.diagnostic(`Restart and Run All was done twice: ${report.retried}`);
        })();
      });
    }

    test("a cell that throws, or a figure cell that draws nothing, fails the run and names the notebook and the cell", { timeout: 5 * 60_000 }, async (t) => {
      const brokenArtifacts = join(artifacts, "broken");
      // What the failure said, without the stack frames.
      const said = (err: Error) => {
        const lines = err.message.split("\n(screenshot")[0].split("\n");
        for (const line of lines.filter((l) => l.trim() && !/^\s+at |^\s*\^\s*$/.test(l))) t.diagnostic(`failed as expected: ${line.trim()}`);
      };
      await withPage(async (page) => {
        const started = Date.now();
        await assert.rejects(runNotebook(fe, page, server!, notebookUnderTest(course, "broken/broken-cell.ipynb"), brokenArtifacts), (err: Error) => {
          assert.match(err.message, /broken-cell\.ipynb cell 2 \(throw new Error/);
          assert.match(err.message, /the cell failed/);
          assert.match(err.message, /deliberately broken: this cell throws/);
          said(err);
          return true;
        });
        // Fail fast: well before the run's time limit.
        assert.ok(Date.now() - started < 90_000, `the failure took ${(Date.now() - started) / 1000} s to report`);
      });
      await withPage(async (page) => {
        await assert.rejects(runNotebook(fe, page, server!, notebookUnderTest(course, "broken/broken-figure.ipynb"), brokenArtifacts), (err: Error) => {
          assert.match(err.message, /broken-figure\.ipynb cell 2 \(\/\/ The figure went missing.*\): a figure cell shows no SVG/);
          assert.match(err.message, /broken-figure\.ipynb cell 3 \(mc\.show\(\{ marks: \[\] \}\);\): a figure cell shows an SVG with no marks/);
          said(err);
          return true;
        });
      });
    });
  }
}
