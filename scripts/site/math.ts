// TeX typeset once, when the site is built, by MathJax's own TeX input and SVG
// output (mathjax-full, on its lite DOM): the pages carry the finished SVG,
// so they need no script, no font download and no CDN to show a formula.
import { mathjax } from "mathjax-full/js/mathjax.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import { SVG } from "mathjax-full/js/output/svg.js";
import { liteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { RegisterHTMLHandler } from "mathjax-full/js/handlers/html.js";
import "mathjax-full/js/input/tex/ams/AmsConfiguration.js";

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
// fontCache "local": each formula carries the glyph paths it uses, so a page
// needs no shared <defs> block and a formula can be moved or copied alone.
const doc = mathjax.document("", { InputJax: new TeX({ packages: ["base", "ams"] }), OutputJax: new SVG({ fontCache: "local" }) });

/** TeX as an SVG element (inline or display); throws, naming the TeX, when MathJax cannot parse it. */
export function typeset(tex: string, display: boolean): string {
  const node = doc.convert(tex, { display });
  const html = adaptor.outerHTML(node);
  // MathJax answers bad TeX with an <merror> picture of the message, not an exception.
  if (html.includes('data-mml-node="merror"')) {
    const message = adaptor.textContent(node).trim();
    throw new Error(`TeX that MathJax cannot typeset: ${JSON.stringify(tex)}${message ? ` (${message})` : ""}`);
  }
  return html;
}
