// The course's own folder, found from wherever this file was loaded (dist/,
// a notebook's link, a grader's private copy): the nearest folder above with
// mcast-lab's package.json. The lab runs dist/ files from there.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

/** Where the course is installed: the folder with its package.json (from dist/ or a notebook). */
export function courseRoot(): string {
  let dir = realpathSync(__dirname);
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "mcast-lab") return dir;
      } catch {
        /* not ours */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the course folder (package.json of mcast-lab) above ${__dirname}`);
    dir = up;
  }
}
