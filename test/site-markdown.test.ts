// The site's markdown (scripts/site/markdown.ts): TeX typeset where Jupyter
// would typeset it and nowhere else, and links to course pages pointed at
// their HTML.
import assert from "node:assert/strict";
import { test } from "node:test";
import { siteMarkdown, sitePath } from "../scripts/site/markdown";

const md = siteMarkdown();

test("$…$ and $$…$$ become SVG; the text around them stays", () => {
  const inline = md.render("That is $2^{28}$ groups.");
  assert.match(inline, /That is <span class="math"><mjx-container[^>]*><svg[\s\S]*<\/svg><\/mjx-container><\/span> groups\./);
  assert.ok(!inline.includes("2^{28}"), "no TeX left in the page");
  const display = md.render("$$\n2^{32} - 2^{28}\n$$\n");
  assert.match(display, /^<div class="math display"><mjx-container[^>]*display="true"/);
});

test("dollars that are not math stay dollars: prices, code spans, code blocks, an escaped $", () => {
  assert.equal(md.render("It costs $5 and $6 a month."), "<p>It costs $5 and $6 a month.</p>\n");
  assert.equal(md.render("Run `echo $HOME $PATH` now."), "<p>Run <code>echo $HOME $PATH</code> now.</p>\n");
  assert.equal(md.render("```sh\necho $a$\n```\n"), '<pre><code class="language-sh">echo $a$\n</code></pre>\n');
  assert.equal(md.render("A \\$x$ here."), "<p>A $x$ here.</p>\n");
});

test("TeX that MathJax cannot read stops the build, naming the TeX", () => {
  assert.throws(() => md.render("Broken: $\\frac{1}{$ here."), /TeX that MathJax cannot typeset: "\\\\frac\{1\}\{"/);
});

test("links to a notebook or a markdown page lead to its HTML; other links are left alone", () => {
  assert.equal(sitePath("glossary.md"), "glossary.html");
  assert.equal(sitePath("03-lab.ipynb#the-lab"), "03-lab.html#the-lab");
  assert.equal(sitePath("https://example.org/notes.md"), "https://example.org/notes.md");
  assert.equal(sitePath("#cell-3"), "#cell-3");
  assert.match(md.render("See [the glossary](glossary.md)."), /href="glossary.html"/);
});
