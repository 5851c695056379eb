// The two front ends the course is tested in, JupyterLab 4 and the classic
// Notebook: their selectors, how each opens a notebook and waits for its
// kernel, Restart and Run All, and fitting the whole notebook in a screenshot.
import { Page } from "./chromium";
import { JupyterServer } from "./servers";
import { NotebookFailure, NotebookUnderTest, OPEN_TIMEOUT_MS, POLL_MS, dialogText, encodePath, waitOrExplain } from "./notebook-page";
import { Selectors } from "./page-view";

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
    // The indicator can say idle before the session has its kernel (the
    // toolbar then still says "No Kernel"): on a busy machine, for seconds.
    // Wait for the kernel too; a notebook that never gets one fails below.
    const kernelName = async () => ((await page.locator(`${panel} .jp-Toolbar-kernelName`).first().textContent()) ?? "").trim();
    const idle = page.locator(`${panel} .jp-Notebook-ExecutionIndicator[data-status="idle"]`);
    const deadline = Date.now() + OPEN_TIMEOUT_MS;
    let name = await kernelName();
    while ((name === "" || name === "No Kernel" || (await idle.count()) === 0) && Date.now() < deadline) {
      await page.waitForTimeout(POLL_MS);
      name = await kernelName();
    }
    return name;
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
