// `npm run release [-- --out DIR] [NOTEBOOK.ipynb...]`: write the student
// versions of the notebooks: outputs and execution counts cleared, exercise
// metadata checked, and no answer cell that still holds a solution. Without
// --out the notebooks are cleaned in place, which is what notebooks/ holds.
import { mkdirSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { exercisesOf, STUB_MARK } from "./exercises";
import { NOTEBOOKS } from "./jupyter";
import { cellSource, Notebook, readNotebook, writeNotebook } from "./notebook";

/** The student version of a notebook; throws if an answer is not the stub. */
export function studentVersion(nb: Notebook, name: string): Notebook {
  const out: Notebook = JSON.parse(JSON.stringify(nb));
  for (const ex of exercisesOf(out, name)) {
    if (!cellSource(out.cells[ex.answerIndex]).includes(STUB_MARK)) {
      throw new Error(`${name}: answer cell ${ex.id} holds no "${STUB_MARK}" stub; is a solution still in it?`);
    }
  }
  for (const cell of out.cells) {
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    // Front ends record run times and scroll state; students need none of it.
    for (const key of ["execution", "collapsed", "scrolled", "ExecuteTime"]) delete cell.metadata[key];
  }
  delete out.metadata.widgets;
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  let outDir: string | null = null;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--out") outDir = args[++i] ?? null;
    else if (args[i].startsWith("--")) {
      console.error(`release: unknown option ${args[i]}\nusage: npm run release [-- --out DIR] [NOTEBOOK.ipynb...]`);
      process.exit(2);
    } else files.push(args[i]);
  }
  if (files.length === 0) files.push(...readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(NOTEBOOKS, f)));
  if (outDir) mkdirSync(outDir, { recursive: true });
  let failed = false;
  for (const file of files) {
    try {
      const student = studentVersion(readNotebook(file), basename(file));
      const target = outDir ? join(outDir, basename(file)) : file;
      writeNotebook(target, student);
      console.log(`release: ${target}`);
    } catch (err) {
      console.error(`release: ${(err as Error).message}`);
      failed = true;
    }
  }
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
