// The course in JupyterLab 4, in headless Chromium (see browser-course.ts),
// and first the pieces the browser tests need and the JupyterLab build.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { JUPYTERLAB } from "../scripts/browser/front-ends";
import { courseInBrowser, needPieces, skip, suiteName, theLabApp } from "./browser-course";

test("the browser test has what it needs: Chromium, jupyterlab_server, the classic Notebook", { skip }, () => {
  needPieces();
});

test("the JupyterLab 4 front end builds from jupyterlab/ (once, then from the cache)", { skip, timeout: 20 * 60_000 }, async (t) => {
  needPieces();
  const app = await theLabApp(t);
  t.diagnostic(`${app.built ? "built" : "from the cache"} in ${app.seconds.toFixed(1)} s: ${app.dir}`);
  assert.ok(existsSync(join(app.dir, "build", "bundle.js")));
});

describe(suiteName(JUPYTERLAB), { skip }, () => courseInBrowser(JUPYTERLAB));
