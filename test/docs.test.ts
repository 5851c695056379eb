// The API reference is generated from the exports of src/index.ts; TypeDoc
// fails (treatWarningsAsErrors) on an export without a doc comment, so a new
// undocumented function breaks this test rather than the reference.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ROOT } from "../scripts/jupyter";

const out = mkdtempSync(join(tmpdir(), "mcast-docs-"));
after(() => rmSync(out, { recursive: true, force: true }));

test("npm run docs documents every export of the course, Layer and the lab's classes included", () => {
  const run = spawnSync(process.execPath, [join(ROOT, "node_modules", "typedoc", "bin", "typedoc"), "--out", out], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  for (const page of ["functions/receive.html", "functions/up.html", "classes/Lab.html", "classes/Host.html", "classes/Layer.html", "interfaces/SendOptions.html"]) {
    assert.ok(existsSync(join(out, page)), `${page} is in the reference`);
  }
  assert.match(readFileSync(join(out, "functions/receive.html"), "utf8"), /Join a group on an interface and wait for one datagram/);
  // Internals stay out: the door checks and the display plumbing are not API.
  for (const internal of ["checkInteger", "figureDocument", "isTslabProcess", "shellQuote", "courseRoot"]) {
    assert.ok(!existsSync(join(out, "functions", `${internal}.html`)), `${internal} is not exported`);
  }
});
