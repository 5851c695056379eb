// A notebook imports the course as the package mcast-lab, which is its
// compiled build: the same build the lab runs. Re-running the import cell
// after a rebuild loads the new build; a build older than src/ says so.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { copyCourse } from "../scripts/course-copy";
import { outputText, runNotebook, writeNotebook } from "../scripts/notebook";
import { textToNotebook } from "../scripts/nbtext";
import { ROOT } from "../scripts/jupyter";
import { staleSources } from "../src/notebook/freshness";

const work = mkdtempSync(join(tmpdir(), "mcast-import-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("a build newer than every source is not stale; an edited source is named", () => {
  assert.deepEqual(staleSources(join(ROOT, "src"), join(ROOT, "dist", "src")), []);
  const copy = copyCourse(join(work, "stale"));
  const later = new Date(Date.now() + 5000);
  utimesSync(join(copy.root, "src", "util", "shell.ts"), later, later);
  assert.deepEqual(staleSources(join(copy.root, "src"), join(copy.root, "dist", "src")), ["util/shell.ts"]);
});

test("in a kernel: the import cell names a stale build, and after a rebuild loads the new one", async () => {
  const copy = copyCourse(join(work, "kernel"));
  const text = [
    "//// code",
    'import * as mc from "mcast-lab";',
    "const first = mc.formatIPv4;",
    'console.log(require.resolve("mcast-lab"));',
    "//// code",
    // A rebuild: one compiled file newer than the import.
    "const rebuilt = new Date(Date.now() + 3000);",
    `require("node:fs").utimesSync(${JSON.stringify(join(copy.root, "dist", "src", "addresses", "address.js"))}, rebuilt, rebuilt);`,
    "//// code",
    'import * as again from "mcast-lab";',
    "console.log(again.formatIPv4 !== first, again.formatIPv4(0xe0010105));",
    "//// code",
    // An edit of src/ that was not compiled.
    "const edited = new Date(Date.now() + 60000);",
    `require("node:fs").utimesSync(${JSON.stringify(join(copy.root, "src", "util", "shell.ts"))}, edited, edited);`,
    "//// code",
    'import * as third from "mcast-lab";',
    "third.formatIPv4(1)",
    "",
  ].join("\n");
  const path = join(copy.notebooks, "import.ipynb");
  writeNotebook(path, textToNotebook(text, "import"));
  const result = await runNotebook(path, { cwd: copy.notebooks, cellTimeoutSec: 60, totalTimeoutSec: 120 });
  const out = result.cells.map((c) => outputText(c.outputs));
  assert.equal(result.cells.length, 5, out.join("\n---\n"));
  assert.match(out[0], new RegExp(`^${join(copy.root, "dist", "src", "course.js").replace(/[.]/g, "\\.")}`), "the package is the copy's own build");
  assert.doesNotMatch(out[0], /older than src/);
  assert.match(out[2], /loaded the new build \(1 compiled file changed since the last import\)/);
  assert.match(out[2], /true 224\.1\.1\.5/);
  assert.match(out[4], /⚠ mcast-lab: the build is older than src\/ \(util\/shell\.ts\).*npm run build/);
});
