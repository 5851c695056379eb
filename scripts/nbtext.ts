// A notebook as plain text and back, for editing and reviewing notebooks in a
// text editor or a diff. The .ipynb in notebooks/ stays the source of truth.
//
//   npm run nbtext -- notebooks/01-addresses.ipynb > /tmp/01.txt   (to text)
//   npm run nbtext -- /tmp/01.txt notebooks/01-addresses.ipynb      (back)
//
// Each cell starts with a line `//// markdown` or `//// code`, optionally
// followed by the cell's metadata as JSON on the same line.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Cell, cellSource, Notebook, readNotebook, sourceLines, writeNotebook } from "./notebook";

const MARK = /^\/\/\/\/ (markdown|code|raw)(?: (\{.*\}))?$/;

export function notebookToText(nb: Notebook): string {
  return nb.cells
    .map((cell) => {
      const meta = Object.keys(cell.metadata ?? {}).length ? " " + JSON.stringify(cell.metadata) : "";
      return `//// ${cell.cell_type}${meta}\n${cellSource(cell).replace(/\n?$/, "\n")}`;
    })
    .join("\n");
}

export function textToNotebook(text: string, name: string): Notebook {
  const cells: Cell[] = [];
  let current: Cell | null = null;
  let body: string[] = [];
  const flush = () => {
    if (!current) return;
    while (body.length && body[body.length - 1].trim() === "") body.pop();
    current.source = sourceLines(body.join("\n"));
    cells.push(current);
  };
  for (const line of text.split("\n")) {
    const m = MARK.exec(line);
    if (m) {
      flush();
      const type = m[1] as Cell["cell_type"];
      current = { cell_type: type, id: `${name}-${cells.length}`, metadata: m[2] ? JSON.parse(m[2]) : {}, source: [] };
      if (type === "code") Object.assign(current, { execution_count: null, outputs: [] });
      body = [];
    } else if (current) {
      body.push(line);
    } else if (line.trim() !== "") {
      throw new Error(`text before the first "//// markdown" or "//// code" line: ${JSON.stringify(line)}`);
    }
  }
  flush();
  return {
    cells,
    metadata: {
      kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function main(): void {
  const [from, to] = process.argv.slice(2);
  if (!from) {
    console.error("usage: nbtext NOTEBOOK.ipynb            (prints it as text)\n       nbtext TEXT NOTEBOOK.ipynb       (writes the notebook)");
    process.exit(1);
  }
  if (from.endsWith(".ipynb")) {
    process.stdout.write(notebookToText(readNotebook(from)));
  } else {
    if (!to) throw new Error("nbtext: name the .ipynb to write");
    const name = basename(to, ".ipynb").replace(/[^A-Za-z0-9-]/g, "");
    writeNotebook(to, textToNotebook(readFileSync(from, "utf8"), name));
  }
}

if (require.main === module) main();
