// npm run site, built once (every notebook of both editions executed) and then
// read two ways: as files (every page is there, the exercises show their
// stubs and the checks' "not yet", no line of a solution anywhere, each page
// says when and on what it ran) and in headless Chromium over HTTP on
// 127.0.0.1, as a reader of the published site sees it: every page of both
// editions opens, every link inside the site leads to a page (and anchor)
// that exists, every figure is drawn, nothing is fetched from elsewhere, no
// TeX is left raw, and every prose section of a Korean page is in Hangul.
// A screenshot of each page goes to test-artifacts/site/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Browser, launchChromium } from "../scripts/browser/chromium";
import { exercisesOf, readSolutions, BEGIN_SOLUTION, END_SOLUTION } from "../scripts/exercises";
import { courseNotebooks, NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { CHROMIUM, ensureLabApp } from "../scripts/lab-frontend";
import { cellSource, readNotebook } from "../scripts/notebook";
import { buildSite, SiteReport } from "../scripts/site/build";
import { serveSite, SiteServer } from "../scripts/site/serve";
import { editionFolder } from "../scripts/site/layout";
import { escapeHtml } from "../src/util/display";
import { exerciseSpec } from "../src/homework/exercises/index";
import { assertCleanRun, scores } from "./edition-suite";

const ARTIFACTS = join(ROOT, "test-artifacts", "site");
const CI = /^(1|true|yes)$/i.test(process.env.CI ?? "");
const browserSkip = !existsSync(CHROMIUM) && !CI ? `the site's browser check needs ${CHROMIUM} (apt-get install chromium)` : false;
const EDITIONS = [
  { lang: "en", dir: NOTEBOOKS, folder: "", notYet: /not yet/ },
  { lang: "ko", dir: join(NOTEBOOKS, "ko"), folder: "ko/", notYet: /아직입니다/ },
];

const out = join(mkdtempSync(join(tmpdir(), "mcast-site-")), "site");
let site: SiteReport;
after(() => rmSync(join(out, ".."), { recursive: true, force: true }));

before(async () => {
  // Two at a time: the suite runs other files beside this one on two cores.
  site = await buildSite({ out, concurrency: 2 });
}, { timeout: 15 * 60_000 });

const html = (path: string) => readFileSync(join(out, path), "utf8");

test("npm run site writes an index, every notebook, the cheat sheet and the glossary in both editions, the API reference and one stylesheet", () => {
  const expected = EDITIONS.flatMap((e) => ["index.html", "cheatsheet.html", "glossary.html", ...courseNotebooks(e.dir).map((n) => n.replace(/\.ipynb$/, ".html"))].map((f) => e.folder + f)).sort();
  assert.deepEqual(site.pages.map((p) => p.path).sort(), expected);
  for (const path of [...expected, "style.css", "api/index.html", "site.json"]) assert.ok(existsSync(join(out, path)), `${path} is in the site`);
  assert.ok(Object.keys(site.seconds).length === expected.filter((p) => !/index|cheatsheet|glossary/.test(p)).length, "every notebook was executed");
});

// The site's runs are the notebooks as shipped, the ones the edition suites
// (edition-suite.ts) do not repeat: the page a reader sees is the run checked here.
test("every notebook of both editions ran top to bottom as shipped: every code cell, no claim that differs, every stub scored 0 by nbgrader's rule and told not yet", () => {
  assert.equal(site.runs.length, EDITIONS.reduce((n, e) => n + courseNotebooks(e.dir).length, 0));
  for (const run of site.runs) {
    const where = `${editionFolder(run.lang)}${run.name}`;
    assertCleanRun(where, run.nb, run.result);
    const notYet = EDITIONS.find((e) => e.lang === run.lang)!.notYet;
    for (const { ex, text, score } of scores(exercisesOf(run.nb, run.name), run.result)) {
      assert.equal(score, 0, `${where}: nbgrader gives the stub of ${ex.id} ${score} points:\n${text}`);
      assert.match(text, notYet, `${where}: the check of ${ex.id} does not say ${notYet} to the stub:\n${text}`);
      assert.equal(exerciseSpec(ex.id)?.points, ex.points, `${where}: ${ex.id} is worth ${exerciseSpec(ex.id)?.points} in src/homework, ${ex.points} in the cell`);
    }
  }
});

test("each notebook page says when it was executed, top to bottom, on which kernel, Node, system and commit", () => {
  for (const p of site.pages.filter((p) => p.kind === "notebook")) {
    const footer = html(p.path).match(/<footer>([\s\S]*?)<\/footer>/)?.[1] ?? "";
    const said = p.lang === "ko" ? /\d{4}-\d\d-\d\d \d\d:\d\d UTC에 새 tslab [\d.]+ 커널\(Node v[\d.]+\)에서 처음부터 끝까지 실행했습니다\([\d.]+초\)\. 실행한 곳: Linux \S+ \S+, mcast-lab 커밋 \S+\./ : /Executed \d{4}-\d\d-\d\d \d\d:\d\d UTC, top to bottom in a fresh tslab [\d.]+ kernel \(Node v[\d.]+\), in [\d.]+ s, on Linux \S+ \S+, from mcast-lab commit \S+\./;
    assert.match(footer, said, `${p.path}: its footer`);
  }
});

test("the exercise cells show their stubs and every check says not yet, in the page's language", () => {
  for (const e of EDITIONS) {
    for (const name of courseNotebooks(e.dir)) {
      const nb = readNotebook(join(e.dir, name));
      const page = html(e.folder + name.replace(/\.ipynb$/, ".html"));
      for (const ex of exercisesOf(nb, name)) {
        const cell = page.match(new RegExp(`<div class="cell code exercise" id="cell-${ex.checkIndex + 1}">([\\s\\S]*?)\\n</div>\\n(?:<section|<div class="cell|$)`))?.[1] ?? "";
        assert.ok(cell, `${e.folder}${name}: the check of ${ex.id} is on the page`);
        assert.match(cell, e.notYet, `${e.folder}${name}: the check of ${ex.id} shows its verdict on the stub`);
        assert.ok(page.includes(escapeHtml(cellSource(nb.cells[ex.answerIndex]))), `${e.folder}${name}: the answer cell of ${ex.id} is shown as shipped`);
      }
    }
  }
});

test("no line of any solution (test/solutions/) is anywhere in the site", () => {
  const shipped = EDITIONS.flatMap((e) => courseNotebooks(e.dir).map((n) => readFileSync(join(e.dir, n), "utf8"))).join("\n");
  const lines: string[] = [];
  for (const file of readdirSync(join(ROOT, "test", "solutions"))) {
    for (const body of readSolutions(join(ROOT, "test", "solutions", file)).values()) {
      const inside = body.slice(body.indexOf(BEGIN_SOLUTION), body.lastIndexOf(END_SOLUTION)).split("\n").slice(1);
      // A line the notebooks themselves carry (a closing brace, a lecture cell's own code) proves nothing.
      lines.push(...inside.map((l) => l.trim()).filter((l) => l.length >= 16 && !shipped.includes(JSON.stringify(l).slice(1, -1))));
    }
  }
  assert.ok(lines.length >= 20, `the solutions give ${lines.length} distinctive lines to look for`);
  const pages = site.pages.map((p) => [p.path, html(p.path)] as const);
  const found = lines.flatMap((l) => pages.filter(([, text]) => text.includes(escapeHtml(l))).map(([path]) => `${path}: ${l}`));
  assert.deepEqual(found, [], "solution lines on the site");
});

test("the language switch leads from each page to the same page in the other edition", async () => {
  for (const p of site.pages) {
    const switchTo = html(p.path).match(/<a class="lang" hreflang="(\w+)" lang="\w+" href="([^"]+)"/);
    assert.ok(switchTo, `${p.path} has a language switch`);
    const target = new URL(switchTo[2], `http://x/${p.path}`).pathname.slice(1);
    const counterpart = p.lang === "en" ? `ko/${p.path}` : p.path.replace(/^ko\//, "");
    assert.equal(target, counterpart, `${p.path}: the switch`);
    assert.ok(site.pages.some((q) => q.path === target && q.lang === switchTo[1]), `${p.path}: ${target} is a ${switchTo[1]} page`);
  }
});

describe("the site in headless Chromium, over HTTP on 127.0.0.1", { skip: browserSkip }, () => {
  let browser: Browser | undefined;
  let server: SiteServer | undefined;
  before(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(join(ARTIFACTS, "ko"), { recursive: true });
    server = await serveSite(out);
    browser = await launchChromium(await ensureLabApp());
  }, { timeout: 20 * 60_000 });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("every page of both editions opens with no broken link, no missing figure, nothing off-site, no raw TeX, and Hangul in every Korean prose section", { timeout: 10 * 60_000 }, async () => {
    const problems: string[] = [];
    const targets = new Map<string, string>(); // page#anchor → the page that links to it
    const anchors = new Map<string, Set<string>>();
    for (const p of site.pages) {
      const page = await browser!.newPage();
      const offSite: string[] = [];
      page.on("request", (r) => {
        const url = r.url();
        if (!url.startsWith(server!.url) && !url.startsWith("data:")) offSite.push(url);
      });
      try {
        await page.goto(server!.url + p.path, { waitUntil: "load", timeout: 60_000 });
        const seen = await page.evaluate((lang: string) => {
          const main = document.querySelector("main")!;
          const text = (el: Element) => {
            const copy = el.cloneNode(true) as Element;
            copy.querySelectorAll("pre, code, svg, style").forEach((n) => n.remove());
            return copy.textContent ?? "";
          };
          const figures = [...main.querySelectorAll("figure")];
          const drawn = figures.filter((f) => [...f.querySelectorAll("svg")].some((s) => s.getBoundingClientRect().width > 50 && s.getBoundingClientRect().height > 20 && s.querySelector("path, rect, circle, line, text")));
          const prose = [...main.querySelectorAll("section.markdown")];
          return {
            links: [...document.querySelectorAll("a[href]")].map((a) => (a as HTMLAnchorElement).href),
            ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
            figures: figures.length,
            drawn: drawn.length,
            brokenImages: [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src.slice(0, 60)),
            maths: main.querySelectorAll(".math").length,
            typeset: main.querySelectorAll(".math svg").length,
            rawTex: (text(main).match(/\$[^$\s][^$\n]*\$|\\\(|\\\[|\\(frac|mathrm|times|cdot|left|right)\b|\^\{/g) ?? []).slice(0, 3),
            hangul: /[\uac00-\ud7a3]/.test(text(main)),
            untranslated: lang === "ko" ? prose.filter((s) => !/[\uac00-\ud7a3]/.test(text(s))).map((s) => `${s.id}: ${text(s).trim().slice(0, 60)}`) : [],
            title: document.title,
          };
        }, p.lang);
        const where = p.path;
        anchors.set(where, new Set(seen.ids));
        for (const link of seen.links) {
          if (!link.startsWith(server!.url)) continue; // the web beyond the site (the lecture's sources): not ours to check offline
          const target = link.slice(server!.url.length);
          if (!target.startsWith("api/")) targets.set(target, where);
          else if (!existsSync(join(out, target.split("#")[0]))) problems.push(`${where}: links to ${target}, which is not in the site`);
        }
        if (seen.figures !== p.figures) problems.push(`${where}: shows ${seen.figures} figures, its notebook's run drew ${p.figures}`);
        if (seen.drawn !== seen.figures) problems.push(`${where}: ${seen.figures - seen.drawn} of ${seen.figures} figures are not drawn`);
        if (seen.brokenImages.length) problems.push(`${where}: images that did not load: ${seen.brokenImages.join(", ")}`);
        if (seen.typeset !== seen.maths) problems.push(`${where}: ${seen.maths - seen.typeset} formulas are not typeset`);
        if (seen.rawTex.length) problems.push(`${where}: raw TeX in the text: ${seen.rawTex.join(" | ")}`);
        if (p.lang === "ko" && !seen.hangul) problems.push(`${where}: no Hangul on a Korean page`);
        for (const s of seen.untranslated) problems.push(`${where}: a prose section without Hangul: ${s}`);
        if (offSite.length) problems.push(`${where}: fetched from off the site: ${offSite.slice(0, 3).join(", ")}`);
        if (page.failedRequests.length) problems.push(`${where}: failed requests: ${page.failedRequests.join(", ")}`);
        if (page.consoleErrors.length) problems.push(`${where}: console errors: ${page.consoleErrors.join(" | ")}`);
        await page.screenshot({ path: join(ARTIFACTS, p.path.replace(/\.html$/, ".png")), fullPage: true });
      } finally {
        await page.close();
      }
    }
    // Every link inside the site leads to one of its pages, and to an anchor that page has.
    for (const [target, from] of targets) {
      const [file, anchor] = target.split("#");
      const path = file === "" || file.endsWith("/") ? `${file}index.html` : file;
      if (!anchors.has(path)) problems.push(`${from}: links to ${target}, which is not a page of the site`);
      else if (anchor && !anchors.get(path)!.has(decodeURIComponent(anchor))) problems.push(`${from}: links to ${target}, which has no #${anchor}`);
    }
    assert.deepEqual(problems, []);
    assert.ok(site.pages.filter((p) => p.kind === "notebook").reduce((n, p) => n + p.figures, 0) >= 10, "the notebooks draw their figures");
  });

});
