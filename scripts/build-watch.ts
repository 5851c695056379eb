// While the course is open, a compiler watches src/ and rewrites dist/ on
// every save: the notebooks and the lab both run dist/, so an edit reaches
// them once compiled, and the import cell says when it has not been yet.
// One line per compile, not tsc's screenful.
import { ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ROOT } from "./jupyter";

/** Start `tsc --watch` on the course; `say` gets one line per finished compile and every error. */
export function watchBuild(say: (line: string) => void): ChildProcess {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const child = spawn(process.execPath, [tsc, "-p", ROOT, "--watch", "--preserveWatchOutput"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let first = true;
  const lines = createInterface({ input: child.stdout! });
  lines.on("line", (line) => {
    if (/error TS\d+/.test(line)) say(`build: ${line.trim()}`);
    const found = line.match(/Found (\d+) errors?/);
    if (!found) return;
    const errors = Number(found[1]);
    if (!first || errors > 0) say(errors === 0 ? "build: dist/ is up to date with src/ (re-run a notebook's import cell to load it)" : `build: ${errors} error${errors === 1 ? "" : "s"}; dist/ keeps the last good files`);
    first = false;
  });
  child.on("error", (err) => say(`build: the compiler did not start (${err.message}); run \`npm run build\` after editing src/`));
  return child;
}
