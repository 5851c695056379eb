// A notebook's markdown as the site shows it: CommonMark with tables and
// inline HTML (what Jupyter renders), TeX between $…$ or $$…$$ typeset to SVG
// (math.ts), and links to a course page (a notebook, the cheat sheet) pointed
// at that page's HTML.
import MarkdownIt from "markdown-it";
import { typeset } from "./math";

type StateInline = MarkdownIt.StateInline;
type StateBlock = MarkdownIt.StateBlock;

/** A relative link to a notebook or a markdown page, as the site names it: x.ipynb and x.md become x.html. */
export function sitePath(href: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("/") || href.startsWith("#")) return href;
  return href.replace(/\.(ipynb|md)(?=$|#)/, ".html");
}

// Pandoc's rule for inline math: the opening $ is followed by a non-space, the
// closing one follows a non-space and is not followed by a digit, so "$5 and $6"
// stays text.
function inlineMath(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src[start] !== "$" || src[start + 1] === "$" || /\s/.test(src[start + 1] ?? " ")) return false;
  let end = start + 1;
  for (;;) {
    end = src.indexOf("$", end);
    if (end < 0) return false;
    if (src[end - 1] !== "\\" && !/\s/.test(src[end - 1]) && !/\d/.test(src[end + 1] ?? "")) break;
    end++;
  }
  if (!silent) {
    const token = state.push("math_inline", "math", 0);
    token.content = src.slice(start + 1, end);
  }
  state.pos = end + 1;
  return true;
}

// $$ on a line of its own opens display math, up to a line ending in $$.
function blockMath(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const lineText = (n: number) => state.src.slice(state.bMarks[n] + state.tShift[n], state.eMarks[n]);
  const first = lineText(startLine);
  if (!first.startsWith("$$")) return false;
  let body = first.slice(2);
  let line = startLine;
  let closed = body.trimEnd().endsWith("$$");
  if (closed) body = body.trimEnd().slice(0, -2);
  while (!closed && ++line < endLine) {
    const text = lineText(line);
    if (text.trimEnd().endsWith("$$")) {
      body += "\n" + text.trimEnd().slice(0, -2);
      closed = true;
    } else body += "\n" + text;
  }
  if (!closed) return false;
  if (silent) return true;
  const token = state.push("math_block", "math", 0);
  token.content = body.trim();
  token.map = [startLine, line + 1];
  token.block = true;
  state.line = line + 1;
  return true;
}

/** The renderer the site uses for every markdown cell and page. */
export function siteMarkdown(): MarkdownIt {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  // After "escape" (so \$ is a dollar) and before "backticks"'s position would
  // matter: a $ inside a code span is never at the start of a scan.
  md.inline.ruler.after("escape", "math_inline", inlineMath);
  md.block.ruler.before("fence", "math_block", blockMath, { alt: ["paragraph", "reference", "blockquote", "list"] });
  md.renderer.rules.math_inline = (tokens, i) => `<span class="math">${typeset(tokens[i].content, false)}</span>`;
  md.renderer.rules.math_block = (tokens, i) => `<div class="math display">${typeset(tokens[i].content, true)}</div>\n`;
  const linkOpen = md.renderer.rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
  md.renderer.rules.link_open = (tokens, i, options, env, self) => {
    const href = tokens[i].attrGet("href");
    if (href) tokens[i].attrSet("href", sitePath(href));
    return linkOpen(tokens, i, options, env, self);
  };
  return md;
}
