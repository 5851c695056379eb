// A code cell's outputs as the site shows them: what JupyterLab would pick
// for each (the richest type it has: HTML, SVG, an image, then text), inline,
// so a page is one file that works offline.
import type { Output } from "../notebook";
import { escapeHtml } from "../../src/util/display";

// A terminal's colour and cursor codes (tslab colours its error traces).
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** The one rendering of a rich output, in JupyterLab's order of preference. */
function richOutput(data: Record<string, string>): string {
  if (data["text/html"] !== undefined) return `<div class="output html">${data["text/html"]}</div>`;
  if (data["image/svg+xml"] !== undefined) return `<div class="output svg">${data["image/svg+xml"]}</div>`;
  for (const type of ["image/png", "image/jpeg", "image/gif"]) {
    if (data[type] !== undefined) return `<div class="output image"><img alt="a figure the cell drew" src="data:${type};base64,${data[type].replace(/\s+/g, "")}"></div>`;
  }
  if (data["text/plain"] !== undefined) return `<pre class="output text">${escapeHtml(stripAnsi(data["text/plain"]))}</pre>`;
  return `<pre class="output text">(an output of type ${escapeHtml(Object.keys(data).join(", "))}, which a page cannot show)</pre>`;
}

/** Every output of one cell, in order; consecutive stream chunks of one stream are joined, as a notebook shows them. */
export function renderOutputs(outputs: Output[]): string {
  const parts: string[] = [];
  let stream: { name: string; text: string } | null = null;
  const flush = () => {
    if (stream) parts.push(`<pre class="output stream ${stream.name}">${escapeHtml(stripAnsi(stream.text))}</pre>`);
    stream = null;
  };
  for (const out of outputs) {
    if (out.type === "stream") {
      const name = out.name ?? "stdout";
      if (stream && stream.name === name) stream.text += out.text ?? "";
      else {
        flush();
        stream = { name, text: out.text ?? "" };
      }
      continue;
    }
    flush();
    if (out.type === "error") {
      const trace = out.traceback?.length ? out.traceback.join("\n") : `${out.ename}: ${out.evalue}`;
      parts.push(`<pre class="output error">${escapeHtml(stripAnsi(trace))}</pre>`);
    } else if (out.data) parts.push(richOutput(out.data));
  }
  flush();
  return parts.join("\n");
}
