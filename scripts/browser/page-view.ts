// What the page shows, read inside the page in one evaluate(): each code
// cell's prompt, outputs, figures and errors, and the kernel's status. The
// selectors come from the front end (front-ends.ts).


export interface Selectors {
  /** The notebook on screen. */
  notebook: string;
  /** Its cells, in order (markdown and code). */
  cell: string;
  codeCell: string;
  prompt: string;
  output: string;
  stderr: string;
  /** The kernel status element, inside or outside the notebook. */
  status: string;
  /** Read the status from this attribute; without one, from the classic icon's class. */
  statusAttribute?: string;
}

interface Figure {
  kind: "svg" | "img";
  width: number;
  marks: number;
}

interface CellView {
  code: boolean;
  prompt: string;
  stderr: string[];
  outputs: string[];
  table: boolean;
  figures: Figure[];
}

export interface PageView {
  found: boolean;
  status: string;
  cells: CellView[];
}

/** Runs in the page: no references to anything outside this function. */
export function readPage(sel: Selectors): PageView {
  const SHAPES = "rect,path,circle,line,polyline,polygon,ellipse,text,image,use";
  // Observable Plot labels each mark's <g> (aria-label="bar", "dot", ...);
  // axes and grids are labelled too, but are not what a figure is about.
  const marksIn = (svg: Element): number =>
    Array.from(svg.querySelectorAll("[aria-label]")).filter((el) => {
      const label = el.getAttribute("aria-label") ?? "";
      return !/axis|grid/i.test(label) && (el.matches(SHAPES) || el.querySelector(SHAPES) !== null);
    }).length;
  const svgText = (src: string): string => {
    const comma = src.indexOf(",");
    const data = src.slice(comma + 1);
    return /;base64/.test(src.slice(0, comma)) ? atob(data) : decodeURIComponent(data);
  };
  const root = document.querySelector(sel.notebook);
  const statusEl = document.querySelector(sel.status);
  let status = "none";
  if (statusEl && sel.statusAttribute) status = statusEl.getAttribute(sel.statusAttribute) ?? "none";
  else if (statusEl) {
    const cls = statusEl.className;
    status = /kernel_idle_icon/.test(cls) ? "idle" : /kernel_busy_icon/.test(cls) ? "busy" : cls;
  }
  const cells: CellView[] = root
    ? Array.from(root.querySelectorAll(sel.cell)).map((cell) => {
        const outputs = Array.from(cell.querySelectorAll(sel.output));
        const figures: Figure[] = [];
        for (const out of outputs) {
          for (const svg of Array.from(out.querySelectorAll("svg"))) {
            if (svg.parentElement?.closest("svg")) continue;
            figures.push({ kind: "svg", width: svg.getBoundingClientRect().width, marks: marksIn(svg) });
          }
          for (const img of Array.from(out.querySelectorAll("img"))) {
            if (!img.src.startsWith("data:image/svg+xml")) continue;
            let marks = 0;
            try {
              const doc = new DOMParser().parseFromString(svgText(img.src), "image/svg+xml");
              marks = marksIn(doc.documentElement);
            } catch {
              marks = 0;
            }
            figures.push({ kind: "img", width: img.complete ? img.naturalWidth : 0, marks });
          }
        }
        return {
          code: cell.matches(sel.codeCell),
          prompt: (cell.querySelector(sel.prompt)?.textContent ?? "").replace(/\s+/g, ""),
          stderr: Array.from(cell.querySelectorAll(sel.stderr)).map((e) => (e.textContent ?? "").trim()),
          outputs: outputs.map((o) => {
            const kind = o.getAttribute("data-mime-type") ?? o.className.replace(/\s+/g, ".");
            return `${kind}: ${(o.textContent ?? "").trim().slice(0, 160)}`;
          }),
          table: outputs.some((o) => o.querySelector("table") !== null),
          figures,
        };
      })
    : [];
  return { found: root !== null, status, cells };
}
