// The notebook tests must fail, fast and by name, when a cell breaks: a type
// error, a throw, or a promise that never settles.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { NOTEBOOKS } from "../scripts/jupyter";
import { runNotebook, writeNotebook } from "../scripts/notebook";
import { runProblems } from "../scripts/notebook-check";
import { textToNotebook } from "../scripts/nbtext";

const dir = mkdtempSync(join(tmpdir(), "mcast-nb-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function problemsOf(text: string, cellTimeoutSec = 20) {
  const nb = textToNotebook(text, "broken");
  const path = join(dir, `broken-${Math.random().toString(36).slice(2)}.ipynb`);
  writeNotebook(path, nb);
  const started = Date.now();
  const result = await runNotebook(path, { cwd: NOTEBOOKS, cellTimeoutSec, totalTimeoutSec: 60 });
  return { problems: runProblems(nb, result), seconds: (Date.now() - started) / 1000, result };
}

test("a cell with a type error is reported with its number and first line", async () => {
  const { problems } = await problemsOf(`//// code\nconst ok = 1;\nok\n//// code\nconst n: number = "not a number";\nn\n`);
  assert.ok(problems.some((p) => p.startsWith("cell 2 (`const n: number") && /not assignable/.test(p)), problems.join("\n"));
});

test("a cell that throws fails the run, and the cell after it is not silently empty", async () => {
  const { problems } = await problemsOf(`//// code\nthrow new Error("broken on purpose");\n//// code\nconsole.log("after");\n`);
  assert.ok(problems.some((p) => p.startsWith("cell 1") && /broken on purpose/.test(p)), problems.join("\n"));
  assert.ok(problems.some((p) => p.startsWith("cell 2")), `the aborted cell 2 is named too:\n${problems.join("\n")}`);
});

test("a cell that never resolves fails within its time limit, named", async () => {
  const { problems, seconds } = await problemsOf(`//// code\nconsole.log("before");\n//// code\nawait new Promise(() => {});\n//// code\nconsole.log("never reached");\n`, 5);
  assert.ok(seconds < 40, `took ${seconds} s`);
  assert.ok(problems.some((p) => p.startsWith("cell 2") && /time limit/.test(p)), problems.join("\n"));
  assert.ok(problems.some((p) => p.startsWith("cell 3") && /never ran/.test(p)), problems.join("\n"));
});

test("a lecture cell that prints nothing is caught, unless tagged quiet", async () => {
  const { problems } = await problemsOf(`//// code\nconst a = 1;\n//// code {"tags": ["quiet"]}\nconst b = 2;\n//// code\nconsole.log(a + b);\n`);
  assert.deepEqual(problems.map((p) => p.slice(0, 6)), ["cell 1"], problems.join("\n"));
});
