// What a folder of notebooks needs to run anywhere: `mcast-lab` (the course,
// as the package its notebooks import) and `@observablehq/plot` (imported by
// some cells directly), both in a node_modules/ of its own. The repository's
// notebooks/ has the first as a committed link; copies made elsewhere (the
// browser test's served folder, a release, nbgrader's course) get both here.
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./jupyter";

/** Give `dir` a node_modules/ in which `mcast-lab` is the course at `course` (default: this checkout). */
export function linkCourse(dir: string, course = ROOT): void {
  const modules = join(dir, "node_modules");
  mkdirSync(modules, { recursive: true });
  for (const [name, target] of [["mcast-lab", course], ["@observablehq", join(ROOT, "node_modules", "@observablehq")]]) {
    const link = join(modules, name);
    if (existsSync(link)) rmSync(link, { force: true, recursive: false });
    symlinkSync(target, link);
  }
}
