/// <reference lib="dom" />
// Showing things in a notebook cell: Observable Plot figures rendered
// server-side with jsdom, and small tables. Outside a kernel (tests, the
// command line) the same calls return their markup and print plain text, so
// nothing here needs Jupyter to be tested.
import type * as PlotTypes from "@observablehq/plot";
import type { JSDOM as JSDOMClass } from "jsdom";
import { Plot } from "./plot-library";
import { showValue } from "./errors";

const SVG_NS = "http://www.w3.org/2000/svg";
const XLINK_NS = "http://www.w3.org/1999/xlink";

let sharedDocument: Document | undefined;

/** The jsdom document every figure is drawn into (Plot needs a DOM). */
export function figureDocument(): Document {
  // Required here, not on import: jsdom takes ~0.7 s to load.
  const { JSDOM } = require("jsdom") as { JSDOM: typeof JSDOMClass };
  sharedDocument ??= new JSDOM("<!DOCTYPE html><body></body>").window.document;
  return sharedDocument;
}

/** Plot.plot with the server-side document filled in. */
export function plot(options: PlotTypes.PlotOptions): SVGSVGElement | HTMLElement {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`plot(options): options must be an Observable Plot options object, got ${showValue(options)}`);
  }
  return Plot.plot({ ...options, document: figureDocument() });
}

/** A figure serialized for a cell: its MIME type and markup. */
export interface Shown {
  /** "image/svg+xml" for a bare <svg>, "text/html" for a <figure> with legend or title. */
  mime: "image/svg+xml" | "text/html";
  markup: string;
}

/**
 * Serialize an Observable Plot figure (or options for one) for a cell. Every
 * <svg> in it gets its xmlns, without which JupyterLab (which shows SVG as an
 * image) and exported HTML show nothing.
 */
export function render(figure: Element | PlotTypes.PlotOptions): Shown {
  const element = isElement(figure) ? figure : plot(figure);
  const tag = element.tagName.toLowerCase();
  if (tag !== "svg" && tag !== "figure") {
    throw new TypeError(`show(figure): figure must be an <svg> or <figure> from Plot.plot, got <${tag}>`);
  }
  const svgs = tag === "svg" ? [element] : Array.from(element.querySelectorAll("svg"));
  for (const svg of svgs) {
    svg.setAttribute("xmlns", SVG_NS);
    if (svg.querySelector("[href]")) svg.setAttribute("xmlns:xlink", XLINK_NS);
  }
  const shown: Shown = tag === "svg"
    ? { mime: "image/svg+xml", markup: element.outerHTML }
    : { mime: "text/html", markup: element.outerHTML };
  return shown;
}

/** Show a figure in the cell: `show(Plot.plot(...))` or `show({ marks: [...] })`. */
export function show(figure: Element | PlotTypes.PlotOptions): void {
  const shown = render(figure);
  emit(shown.mime, shown.markup, `[figure: ${shown.markup.length} bytes of ${shown.mime}]`);
}

/** Any object's own fields become the columns (interfaces have no index signature, so not Record). */
export type Row = object;

/** A table's caption, and whether its cells are monospace. */
export interface TableOptions {
  caption?: string;
  /** Columns shown in a fixed-width font, so bits and bytes line up. */
  mono?: string[];
}

/** Rows as an HTML table. */
export function htmlTable(rows: ReadonlyArray<Row>, options: TableOptions = {}): string {
  if (!Array.isArray(rows)) {
    throw new TypeError(`table(rows): rows must be an array of objects, got ${showValue(rows)}`);
  }
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const mono = new Set(options.mono ?? []);
  const head = columns.map((c) => `<th style="text-align:left">${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map((row) => `<tr>${columns.map((c) => `<td style="text-align:left${mono.has(c) ? ";font-family:monospace;white-space:pre" : ""}">${escapeHtml(cellText(field(row, c)))}</td>`).join("")}</tr>`)
    .join("");
  const caption = options.caption ? `<caption style="text-align:left">${escapeHtml(options.caption)}</caption>` : "";
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Show rows as a table in the cell (as aligned text outside a kernel). */
export function table(rows: ReadonlyArray<Row>, options: TableOptions = {}): void {
  const html = htmlTable(rows, options);
  emit("text/html", html, textTable(rows, [...new Set(rows.flatMap((row) => Object.keys(row)))], options.caption));
}

/** Show a line of HTML in the cell, or its text outside a kernel. */
export function html(markup: string, text: string): void {
  emit("text/html", markup, text);
}

/** Show preformatted text (a hexdump, a transcript) in a fixed-width block. */
export function pre(text: string): void {
  emit("text/html", `<pre>${escapeHtml(text)}</pre>`, text);
}

export function textTable(rows: ReadonlyArray<Row>, columns: string[], caption?: string): string {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cellText(field(r, c)).length)));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(widths[i])).join("  ").trimEnd();
  const out = [line(columns), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(columns.map((c) => cellText(field(r, c)))))];
  return (caption ? caption + "\n" : "") + out.join("\n");
}

function field(row: Row, column: string): unknown {
  return (row as Record<string, unknown>)[column];
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, "0")).join(" ");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

function isElement(value: unknown): value is Element {
  return typeof value === "object" && value !== null && typeof (value as Element).tagName === "string" && "outerHTML" in value;
}

// In a tslab kernel `require("tslab")` is the running kernel's own module;
// elsewhere its display throws "Not ready" and we print the text instead.
type TslabDisplay = { raw(contentType: string, data: string): void };
let kernelDisplay: TslabDisplay | null | undefined;

/** Is this process a tslab kernel? (Its command line: tslab ... kernel --config-path ...) */
export function isTslabProcess(argv: readonly string[] = process.argv): boolean {
  return argv.includes("kernel") && argv.some((a) => /tslab/.test(a));
}

export function inKernel(): boolean {
  if (kernelDisplay === undefined) {
    kernelDisplay = null;
    if (isTslabProcess()) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        kernelDisplay = (require("tslab") as { display: TslabDisplay }).display;
      } catch {
        kernelDisplay = null;
      }
    }
  }
  return kernelDisplay !== null;
}

function emit(mime: string, data: string, text: string): void {
  if (inKernel()) kernelDisplay!.raw(mime, data);
  else if (process.env.MCAST_QUIET !== "1") console.log(text);
}
