// The frame around every page of the site: a bar with the course's pages
// (the index, each notebook, the cheat sheet, the glossary, the API
// reference) and the same page in the other language, the page itself, its
// previous and next notebook, and a footer that says when and on what the
// page's notebook was executed. One stylesheet (STYLE) serves every page;
// nothing is loaded from anywhere else.
import type { Lang } from "../../src/i18n/lang";
import { escapeHtml } from "../../src/util/display";

/** The frame's own words, in each language of the course. */
export const WORDS: Record<Lang, { course: string; cheatsheet: string; glossary: string; api: string; previous: string; next: string; other: string; answer: string; check: string; arc: string; pages: string; generated: string }> = {
  en: {
    course: "IPv4 multicast, live",
    cheatsheet: "Cheat sheet",
    glossary: "Glossary",
    api: "API reference",
    previous: "Previous",
    next: "Next",
    other: "한국어",
    answer: "Exercise: your answer goes in this cell",
    check: "Exercise: the check of your answer",
    arc: "The course, notebook by notebook",
    pages: "For reference",
    generated: "This site was built",
  },
  ko: {
    course: "직접 실행해 보는 IPv4 멀티캐스트",
    cheatsheet: "치트 시트",
    glossary: "용어집",
    api: "API 레퍼런스 (영어)",
    previous: "이전",
    next: "다음",
    other: "English",
    answer: "연습 문제: 이 셀에 답을 씁니다",
    check: "연습 문제: 답을 검사하는 셀",
    arc: "노트북별로 본 과정",
    pages: "참고 자료",
    generated: "이 사이트를 만든 때",
  },
};

export interface NavLink {
  href: string;
  label: string;
}

export interface PageParts {
  lang: Lang;
  title: string;
  /** From this page to the site's root: "" for a page there, "../" for one in ko/. */
  root: string;
  /** The same page in the other edition, relative to this page. */
  other: string;
  /** The notebooks, in course order, relative to this page. */
  notebooks: NavLink[];
  body: string;
  previous?: NavLink;
  next?: NavLink;
  footer: string;
}

/** Where a page's edition lives under the site's root: English at the root, another language in a folder of its name. */
export function editionFolder(lang: Lang): string {
  return lang === "en" ? "" : `${lang}/`;
}

export function page(p: PageParts): string {
  const w = WORDS[p.lang];
  const home = `${p.root}${editionFolder(p.lang)}`;
  const link = (l: NavLink, cls = "") => `<a href="${escapeHtml(l.href)}"${cls ? ` class="${cls}"` : ""}>${escapeHtml(l.label)}</a>`;
  const otherLang = p.lang === "en" ? "ko" : "en";
  return `<!doctype html>
<html lang="${p.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)} · ${escapeHtml(w.course)}</title>
<link rel="stylesheet" href="${p.root}style.css">
<link rel="icon" href="data:,">
</head>
<body>
<header class="bar">
<a class="home" href="${home}index.html">${escapeHtml(w.course)}</a>
<nav class="notebooks">${p.notebooks.map((l) => link(l)).join("\n")}</nav>
<nav class="pages">${link({ href: `${home}cheatsheet.html`, label: w.cheatsheet })}
${link({ href: `${home}glossary.html`, label: w.glossary })}
${link({ href: `${p.root}api/index.html`, label: w.api })}
<a class="lang" hreflang="${otherLang}" lang="${otherLang}" href="${escapeHtml(p.other)}">${escapeHtml(w.other)}</a></nav>
</header>
<main>
${p.body}
</main>
<nav class="steps">${p.previous ? link({ href: p.previous.href, label: `← ${w.previous}: ${p.previous.label}` }, "previous") : "<span></span>"}
${p.next ? link({ href: p.next.href, label: `${w.next}: ${p.next.label} →` }, "next") : "<span></span>"}</nav>
<footer>${p.footer}</footer>
</body>
</html>
`;
}

/** The one stylesheet: readable prose, code and outputs told apart, wide figures that scroll rather than squeeze. */
export const STYLE = `:root { --ink: #1d1d1f; --muted: #5b5b66; --line: #d8d8e0; --code: #f5f5f8; --accent: #2456a6; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", "Noto Sans KR", "NanumGothic", "Apple SD Gothic Neo", sans-serif; }
html:lang(ko) body { word-break: keep-all; }
a { color: var(--accent); }
.bar { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: baseline; padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); background: #fafafc; position: sticky; top: 0; z-index: 2; }
.bar .home { font-weight: 700; text-decoration: none; color: var(--ink); }
.bar nav { display: flex; flex-wrap: wrap; gap: .2rem .9rem; font-size: .92rem; }
.bar .lang { font-weight: 600; }
main { max-width: 980px; margin: 0 auto; padding: 1rem 1.2rem 2rem; }
h1 { font-size: 1.8rem; line-height: 1.25; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; vertical-align: top; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", "NanumGothicCoding", monospace; font-size: .88rem; }
:not(pre) > code { background: var(--code); padding: 0 .2em; border-radius: 3px; }
.cell.code { margin: 1rem 0; }
.cell.code > pre.source { background: var(--code); border-left: 3px solid var(--accent); padding: .6rem .8rem; margin: 0; overflow-x: auto; }
.cell .label { font-size: .8rem; color: var(--muted); margin: 0 0 .2rem; }
.cell.exercise > pre.source { border-left-color: #b5651d; }
.outputs { padding: .3rem 0 0 .9rem; overflow-x: auto; }
pre.output { margin: .3rem 0; white-space: pre-wrap; }
pre.output.stderr, pre.output.error { color: #8a1c1c; }
.output.html figure { margin: .4rem 0; }
.math.display { text-align: center; margin: .8rem 0; }
.steps { display: flex; justify-content: space-between; max-width: 980px; margin: 0 auto; padding: 0 1.2rem 1rem; }
footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; padding: .8rem 1.2rem 1.5rem; max-width: 980px; margin: 0 auto; }
.arc { list-style: none; padding-left: 0; }
.arc li { margin: .8rem 0; }
.arc .title { font-weight: 600; }
`;
