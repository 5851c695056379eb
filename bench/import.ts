// The first cell of every notebook (the course's import and mc.preflight()),
// timed in fresh tslab kernels: importing the package `mcast-lab` (its compiled
// build and .d.ts) against the way the notebooks imported the course before,
// `./mcast/index` through a link to src/, which tslab compiles whole in the
// kernel. Median of N fresh kernels per notebook and way, interleaved.
// Run after `npm run build`: node dist/bench/import.js [N]
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { linkCourse } from "../scripts/course-link";
import { courseNotebooks, NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { median } from "./median";
import { cellSource, Notebook, readNotebook, runNotebook, writeNotebook } from "../scripts/notebook";

const N = Number(process.argv[2] ?? 5);
const PACKAGE = 'from "mcast-lab"';
const LINKED = 'from "./mcast/index"';

/** The notebook cut to its first code cell, importing the course one way or the other. */
function firstCell(nb: Notebook, linked: boolean): Notebook {
  const cell = nb.cells.find((c) => c.cell_type === "code")!;
  const source = cellSource(cell);
  if (!source.includes(PACKAGE)) throw new Error(`the first code cell does not import ${PACKAGE}`);
  return { ...nb, cells: [{ ...cell, source: linked ? source.replace(PACKAGE, LINKED) : source }] };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "mcast-import-bench-"));
  // The package way as a release lays it out; the linked way as the notebooks
  // folder was: `mcast` a link to src/, node_modules the course's own.
  const dirs = { package: join(work, "package"), linked: join(work, "linked") };
  try {
    mkdirSync(dirs.package);
    linkCourse(dirs.package);
    mkdirSync(dirs.linked);
    symlinkSync(join(ROOT, "src"), join(dirs.linked, "mcast"));
    symlinkSync(join(ROOT, "node_modules"), join(dirs.linked, "node_modules"));
    console.log(`first cell (import + preflight) in a fresh kernel, median of ${N}; wall = kernel start + cell + shutdown`);
    console.log("notebook                 package   linked src/   ratio   (wall: package, linked)");
    for (const file of courseNotebooks()) {
      const nb = readNotebook(join(NOTEBOOKS, file));
      const times: Record<"package" | "linked", number[]> = { package: [], linked: [] };
      const walls: Record<"package" | "linked", number[]> = { package: [], linked: [] };
      for (let i = 0; i < N; i++) {
        for (const way of ["package", "linked"] as const) {
          const path = join(dirs[way], file);
          writeNotebook(path, firstCell(nb, way === "linked"));
          const started = Date.now();
          const result = await runNotebook(path, { cwd: dirs[way], cellTimeoutSec: 60, totalTimeoutSec: 120 });
          const cell = result.cells[0];
          if (!cell || cell.status !== "ok") throw new Error(`${way} ${file}: the first cell ended ${cell?.status ?? result.end}\n${result.stderr}`);
          times[way].push(cell.seconds);
          walls[way].push((Date.now() - started) / 1000);
        }
      }
      const p = median(times.package), l = median(times.linked);
      const row = `${file.replace(".ipynb", "").padEnd(24)} ${p.toFixed(2).padStart(6)} s  ${l.toFixed(2).padStart(8)} s   ${(l / p).toFixed(1).padStart(5)}x  (${median(walls.package).toFixed(1)} s, ${median(walls.linked).toFixed(1)} s)`;
      console.log(row);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
