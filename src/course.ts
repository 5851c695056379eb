// The package's entry ("main" in package.json): what a notebook's
// `import * as mc from "mcast-lab"` loads. It runs again on every import (it
// takes itself out of Node's module cache), so that re-running the import cell
// after a rebuild loads the new build, and a stale build is said, not hidden.
// The API itself is index.ts.
import { join } from "node:path";
import { freshenBuild } from "./notebook/freshness";
import { courseRoot } from "./util/course-root";

delete require.cache[__filename];
const note = freshenBuild(join(courseRoot(), "src"));
if (note) console.log(note);

export * from "./index";
