// Is the build a notebook imports the build of the src/ beside it? The course
// runs dist/ everywhere (the notebook's import and every process in the lab),
// so an edit of src/ counts once it is compiled: `npm start` keeps a compiler
// watching, `npm run build` compiles once. Here: say when dist/ is older than
// src/, and when dist/ changed since the last import, drop the old modules so
// the import cell loads the new ones (Node keeps a module once required).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** dist/src: the compiled module, two folders up from this compiled file. */
const BUILT = join(__dirname, "..");
const LOADED_AT = Symbol.for("mcast-lab.loadedAt");
type Registry = { [LOADED_AT]?: number };

function files(dir: string, ending: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files(path, ending, out);
    else if (entry.name.endsWith(ending) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/**
 * The src/ files whose compiled .js is missing or older than they are, relative
 * to src/ (none when there is no src/ beside the build, as in an installed copy).
 */
export function staleSources(sourceDir: string, builtDir = BUILT): string[] {
  if (!existsSync(sourceDir)) return [];
  const stale: string[] = [];
  for (const source of files(sourceDir, ".ts")) {
    const name = relative(sourceDir, source);
    const built = join(builtDir, name.replace(/\.ts$/, ".js"));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) stale.push(name);
  }
  return stale;
}

/** How many compiled files changed after `since` (ms since the epoch). */
function rebuiltSince(since: number, builtDir = BUILT): number {
  return files(builtDir, ".js").filter((f) => statSync(f).mtimeMs > since).length;
}

/**
 * Called by the package's entry on every import: forgets the compiled modules
 * when the build changed since the last import (so this import loads the new
 * ones), and returns what the cell should say, or "" when all is current.
 */
export function freshenBuild(sourceDir: string, cache: NodeJS.Dict<NodeModule> = require.cache, registry: Registry = globalThis as Registry): string {
  const said: string[] = [];
  const last = registry[LOADED_AT];
  if (last !== undefined) {
    const changed = rebuiltSince(last);
    if (changed > 0) {
      for (const key of Object.keys(cache)) if (key.startsWith(BUILT + "/")) delete cache[key];
      said.push(`mcast-lab: loaded the new build (${changed} compiled file${changed === 1 ? "" : "s"} changed since the last import)`);
    }
  }
  registry[LOADED_AT] = Date.now();
  const stale = staleSources(sourceDir);
  if (stale.length > 0) {
    const some = stale.slice(0, 3).join(", ") + (stale.length > 3 ? `, and ${stale.length - 3} more` : "");
    said.push(`⚠ mcast-lab: the build is older than src/ (${some}): this cell runs the old code. ` +
      "Run `npm run build` in the course folder (or keep `npm start` running: it rebuilds on every save), then run this cell again.");
  }
  return said.join("\n");
}
