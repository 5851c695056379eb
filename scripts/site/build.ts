// `npm run site`: every notebook of both editions executed top to bottom in a
// fresh tslab kernel, as shipped (the exercise cells hold their stubs, never a
// solution), and written with its outputs as a static site: an index per
// language, one page per notebook, the cheat sheet, the glossary and the API
// reference, with one stylesheet and nothing from a CDN. A run with a problem
// (an error, a cell that never ran) writes nothing: the site is built in a
// folder beside `out` and takes its place only once every page is written.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { release, machine } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Lang } from "../../src/i18n/lang";
import { escapeHtml } from "../../src/util/display";
import { writeDocsIfMissing, API_INDEX } from "../docs";
import { EDITION_PAGES, EDITIONS } from "../editions";
import { isAnswer, isCheck } from "../exercises";
import { courseNotebooks, NOTEBOOKS, ROOT } from "../jupyter";
import { Cell, cellSource, isolatedCommand, Notebook, readNotebook, RunResult, runNotebook } from "../notebook";
import { runProblems } from "../notebook-check";
import { inPool } from "../pool";
import { editionFolder, NavLink, page, STYLE, WORDS } from "./layout";
import { siteMarkdown } from "./markdown";
import { renderOutputs } from "./outputs";

export interface SiteOptions {
  /** The folder to write (replaced whole). */
  out: string;
  /** Notebooks executed at once (each in namespaces of its own). */
  concurrency?: number;
  log?: (line: string) => void;
}

/** One page of the site, as the browser check visits it. */
export interface SitePage {
  /** Relative to the site's root, with "/" separators. */
  path: string;
  lang: Lang;
  kind: "index" | "notebook" | "page";
  /** Plot figures among its outputs (a notebook page). */
  figures: number;
}

/** One notebook's run, as the site shows it (kept for whoever builds the site in-process: the tests check these very runs). */
export interface SiteRun {
  lang: Lang;
  dir: string;
  name: string;
  nb: Notebook;
  result: RunResult;
}

export interface SiteReport {
  out: string;
  pages: SitePage[];
  runs: SiteRun[];
  /** Each notebook's run: "ko/03-lab.ipynb" → seconds. */
  seconds: Record<string, number>;
  wallSeconds: number;
}

interface Edition {
  lang: Lang;
  dir: string;
}

const SITE_EDITIONS: Edition[] = [{ lang: "en", dir: NOTEBOOKS }, ...EDITIONS.map((e) => ({ lang: e.lang, dir: e.notebooks }))];
const RUN = { cellTimeoutSec: 90, totalTimeoutSec: 420 };
const DOCS_DEADLINE_MS = 180_000;

interface Executed {
  edition: Edition;
  name: string;
  nb: Notebook;
  result: RunResult;
  started: Date;
  seconds: number;
}

/** What every page's footer says it ran on. */
interface Machine {
  tslab: string;
  node: string;
  os: string;
  commit: string;
}

function machineInfo(): Machine {
  const git = (args: string[]) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8", timeout: 10_000 });
  const head = git(["rev-parse", "--short=10", "HEAD"]);
  const dirty = git(["status", "--porcelain", "--", "src", "notebooks", "i18n", "scripts"]);
  const commit = head.status === 0 ? head.stdout.trim() + (dirty.stdout.trim() ? "+local-changes" : "") : "not a git checkout";
  const tslab = (JSON.parse(readFileSync(join(ROOT, "node_modules", "tslab", "package.json"), "utf8")) as { version: string }).version;
  return { tslab, node: process.version, os: `Linux ${release()} ${machine()}`, commit };
}

function when(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC");
}

function ranOn(lang: Lang, m: Machine, started: Date, seconds: number): string {
  return lang === "ko"
    ? `${when(started)}에 새 tslab ${m.tslab} 커널(Node ${m.node})에서 처음부터 끝까지 실행했습니다(${seconds.toFixed(1)}초). 실행한 곳: ${m.os}, mcast-lab 커밋 ${m.commit}.`
    : `Executed ${when(started)}, top to bottom in a fresh tslab ${m.tslab} kernel (Node ${m.node}), in ${seconds.toFixed(1)} s, on ${m.os}, from mcast-lab commit ${m.commit}.`;
}

function builtOn(lang: Lang, m: Machine, at: Date): string {
  return lang === "ko"
    ? `${WORDS.ko.generated}: ${when(at)}, ${m.os}, tslab ${m.tslab}, Node ${m.node}, mcast-lab 커밋 ${m.commit}. 각 노트북 페이지 아래에 그 노트북을 실행한 때가 있습니다.`
    : `${WORDS.en.generated} ${when(at)} on ${m.os} (tslab ${m.tslab}, Node ${m.node}) from mcast-lab commit ${m.commit}. Each notebook's page says when it was executed.`;
}

/** The text of a markdown document's first top-level heading ("" when it has none). */
function firstHeading(markdown: string): string {
  return markdown.match(/^#\s+(.+)$/m)?.[1].trim() ?? "";
}

/** A notebook's title (its first heading) and the paragraph after it, for the index. */
function heading(nb: Notebook): { title: string; short: string; lead: string } {
  const first = nb.cells.find((c) => c.cell_type === "markdown");
  const text = first ? cellSource(first) : "";
  const title = firstHeading(text);
  const after = text.slice(text.indexOf(title) + title.length).trim();
  const lead = after.split(/\n\s*\n/)[0] ?? "";
  return { title, short: title.split(/:\s/)[0], lead };
}

/** The API reference (docs/api), written first when it is missing, so that the notebooks' preflight links to it. */
async function ensureApiDocs(log: (line: string) => void): Promise<void> {
  const child = writeDocsIfMissing(log);
  if (!child) return;
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(() => {
      log(`docs: TypeDoc took more than ${DOCS_DEADLINE_MS / 1000} s; stopped`);
      child.kill("SIGKILL");
    }, DOCS_DEADLINE_MS);
    child.once("exit", () => {
      clearTimeout(deadline);
      resolve();
    });
    child.once("error", () => {
      clearTimeout(deadline);
      resolve();
    });
  });
}

function cellHtml(md: ReturnType<typeof siteMarkdown>, lang: Lang, cell: Cell, index: number, result: RunResult): string {
  const source = cellSource(cell);
  if (cell.cell_type === "markdown") return `<section class="cell markdown" id="cell-${index + 1}">\n${md.render(source)}</section>`;
  if (cell.cell_type !== "code" || source.trim() === "") return "";
  const ran = result.cells.find((c) => c.index === index);
  const id = cell.metadata.nbgrader?.grade_id;
  const label = isAnswer(cell) ? WORDS[lang].answer : isCheck(cell) ? WORDS[lang].check : "";
  return [
    `<div class="cell code${label ? " exercise" : ""}" id="cell-${index + 1}">`,
    label ? `<p class="label">${escapeHtml(label)} (<code>${escapeHtml(id ?? "")}</code>)</p>` : "",
    `<pre class="source"><code class="language-typescript">${escapeHtml(source)}</code></pre>`,
    ran && ran.outputs.length ? `<div class="outputs">\n${renderOutputs(ran.outputs)}\n</div>` : "",
    `</div>`,
  ].filter(Boolean).join("\n");
}

export async function buildSite(options: SiteOptions): Promise<SiteReport> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  await ensureApiDocs(log);

  // Isolated runs have loopbacks of their own, so two editions of notebook 02
  // can use its fixed ports at once; without namespaces, one at a time.
  const isolate = isolatedCommand(["true"]) !== null;
  const concurrency = isolate ? options.concurrency ?? 3 : 1;
  const jobs = SITE_EDITIONS.flatMap((edition) => courseNotebooks(edition.dir).map((name) => ({ edition, name })));
  log(`site: executing ${jobs.length} notebooks, ${concurrency} at a time${isolate ? "" : " (no namespaces here for side-by-side runs)"}`);
  const executed: Executed[] = await inPool(jobs, concurrency, async ({ edition, name }) => {
    const path = join(edition.dir, name);
    const nb = readNotebook(path);
    const begun = new Date();
    const result = await runNotebook(path, { ...RUN, cwd: edition.dir, isolate });
    const seconds = (Date.now() - begun.getTime()) / 1000;
    log(`site: ${editionFolder(edition.lang)}${name} ${result.end} in ${seconds.toFixed(1)} s`);
    return { edition, name, nb, result, started: begun, seconds };
  });
  const problems = executed.flatMap((x) => runProblems(x.nb, x.result).map((p) => `${editionFolder(x.edition.lang)}${x.name}: ${p}`));
  if (problems.length) throw new Error(`the site was not written: ${problems.length} problem(s) in the runs:\n  ${problems.join("\n  ")}`);

  const m = machineInfo();
  const builtAt = new Date();
  const md = siteMarkdown();
  const work = `${options.out}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const pages: SitePage[] = [];
  const write = (path: string, html: string, entry: Omit<SitePage, "path">) => {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), html);
    pages.push({ path, ...entry });
  };
  try {
    for (const edition of SITE_EDITIONS) {
      const { lang } = edition;
      const folder = editionFolder(lang);
      const root = folder ? "../" : "";
      // The same page in the other edition: English ↔ Korean (the course has these two).
      const other = (file: string) => (lang === "en" ? `${editionFolder("ko")}${file}` : `../${file}`);
      const mine = executed.filter((x) => x.edition === edition);
      const heads = mine.map((x) => heading(x.nb));
      const nav: NavLink[] = mine.map((x, i) => ({ href: x.name.replace(/\.ipynb$/, ".html"), label: heads[i].short }));

      mine.forEach((x, i) => {
        const file = nav[i].href;
        const body = x.nb.cells.map((cell, index) => cellHtml(md, lang, cell, index, x.result)).filter(Boolean).join("\n");
        const figures = (body.match(/<figure\b/g) ?? []).length;
        write(`${folder}${file}`, page({ lang, title: heads[i].title, root, other: other(file), notebooks: nav, body, previous: nav[i - 1], next: nav[i + 1], footer: escapeHtml(ranOn(lang, m, x.started, x.seconds)) }), { lang, kind: "notebook", figures });
      });

      const w = WORDS[lang];
      const arc = mine.map((x, i) => `<li><a class="title" href="${nav[i].href}">${escapeHtml(heads[i].title)}</a>\n${md.render(heads[i].lead)}</li>`).join("\n");
      const beside = [["cheatsheet.html", w.cheatsheet], ["glossary.html", w.glossary], [`${root}api/index.html`, w.api]].map(([href, label]) => `<li><a href="${href}">${escapeHtml(label)}</a></li>`).join("\n");
      const index = `<h1>${escapeHtml(w.course)}</h1>\n<h2>${escapeHtml(w.arc)}</h2>\n<ul class="arc">\n${arc}\n</ul>\n<h2>${escapeHtml(w.pages)}</h2>\n<ul>\n${beside}\n</ul>`;
      write(`${folder}index.html`, page({ lang, title: w.course, root, other: other("index.html"), notebooks: nav, body: index, footer: escapeHtml(builtOn(lang, m, builtAt)) }), { lang, kind: "index", figures: 0 });

      for (const name of EDITION_PAGES) {
        const text = readFileSync(join(edition.dir, name), "utf8");
        const file = name.replace(/\.md$/, ".html");
        const title = firstHeading(text) || basename(name, ".md");
        write(`${folder}${file}`, page({ lang, title, root, other: other(file), notebooks: nav, body: md.render(text), footer: escapeHtml(builtOn(lang, m, builtAt)) }), { lang, kind: "page", figures: 0 });
      }
    }
    writeFileSync(join(work, "style.css"), STYLE);
    if (existsSync(API_INDEX)) cpSync(dirname(API_INDEX), join(work, "api"), { recursive: true });
    else log("site: docs/api is missing (TypeDoc failed?): the API reference link will be broken");
    const runs = executed.map((x) => ({ lang: x.edition.lang, dir: x.edition.dir, name: x.name, nb: x.nb, result: x.result }));
    const seconds = Object.fromEntries(executed.map((x) => [`${editionFolder(x.edition.lang)}${x.name}`, x.seconds]));
    const report: SiteReport = { out: options.out, pages, runs, seconds, wallSeconds: (Date.now() - started) / 1000 };
    writeFileSync(join(work, "site.json"), JSON.stringify({ builtAt: builtAt.toISOString(), machine: m, ...report, out: undefined, runs: undefined }, null, 1) + "\n");
    rmSync(options.out, { recursive: true, force: true });
    renameSync(work, options.out);
    return report;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
