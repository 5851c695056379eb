// `npm run grade` on a set of tampered submissions of a small homework
// notebook: every trick gets the score it deserves, and the other
// exercises are still scored.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { answerMeta, checkMeta, exercisesOf, withAnswers } from "../scripts/exercises";
import { SubmissionGrade } from "../scripts/grade";
import { ROOT } from "../scripts/jupyter";
import { Notebook, sourceLines, writeNotebook } from "../scripts/notebook";
import { textToNotebook } from "../scripts/nbtext";

const work = mkdtempSync(join(tmpdir(), "mcast-grade-test-"));
const courseDir = join(work, "course");
const subs = join(work, "submissions");
after(() => rmSync(work, { recursive: true, force: true }));

const meta = (m: object) => JSON.stringify(m);
const COURSE = `//// markdown
# Homework fixture
//// code {"tags": ["quiet"]}
import * as mc from "./mcast/homework";
//// code ${meta({ nbgrader: answerMeta("fx-double") })}
function double(n: number): number {
  // YOUR CODE HERE
  return 0;
}
//// code ${meta({ nbgrader: checkMeta("fx-double", 2) })}
await mc.check("fx-double", [
  { name: "double(2)", run: () => double(2), expect: 4 },
  { name: "double(-3)", run: () => double(-3), expect: -6, hint: "negative numbers double too" },
]);
//// code ${meta({ nbgrader: answerMeta("fx-later") })}
async function later(text: string): Promise<string> {
  // YOUR CODE HERE
  return "";
}
//// code ${meta({ nbgrader: checkMeta("fx-later", 1) })}
await mc.check("fx-later", [{ name: 'later("hi")', run: () => later("hi"), expect: "hi", timeoutMs: 2000 }]);
//// code ${meta({ nbgrader: answerMeta("fx-words") })}
function words(s: string): string[] {
  // YOUR CODE HERE
  return [];
}
//// code ${meta({ nbgrader: checkMeta("fx-words", 2) })}
await mc.check("fx-words", [
  { name: 'words("a b")', run: () => words("a b"), expect: ["a", "b"] },
  { name: 'words(" x  y ")', run: () => words(" x  y "), expect: ["x", "y"], hint: "split on runs of spaces" },
]);
`;

const RIGHT = new Map([
  ["fx-double", "function double(n: number): number {\n  return 2 * n;\n}\n"],
  ["fx-later", "async function later(text: string): Promise<string> {\n  await new Promise((r) => setTimeout(r, 10));\n  return text;\n}\n"],
  ["fx-words", "function words(s: string): string[] {\n  return s.split(/ +/).filter((w) => w !== \"\");\n}\n"],
]);

let course: Notebook;
function submission(name: string, change: (nb: Notebook) => void): string {
  const nb: Notebook = JSON.parse(JSON.stringify(course));
  change(nb);
  const path = join(subs, `${name}.ipynb`);
  writeNotebook(path, nb);
  return path;
}
const cellOf = (nb: Notebook, id: string) => nb.cells.findIndex((c) => c.metadata.nbgrader?.grade_id === id);

let grades: Map<string, SubmissionGrade>;
let cli: { status: number | null; stdout: string; stderr: string; seconds: number };

before(() => {
  mkdirSync(courseDir, { recursive: true });
  mkdirSync(subs, { recursive: true });
  // The course folder outside the repo needs what notebooks/ has: the link
  // to the module, and node_modules for the module's own imports.
  symlinkSync(join(ROOT, "src"), join(courseDir, "mcast"));
  symlinkSync(join(ROOT, "node_modules"), join(courseDir, "node_modules"));
  course = textToNotebook(COURSE, "fixture");
  exercisesOf(course);
  writeNotebook(join(courseDir, "homework.ipynb"), course);
  const files = [
    submission("right", (nb) => Object.assign(nb, withAnswers(nb, RIGHT))),
    submission("stubs", () => {}),
    submission("check-edited", (nb) => {
      nb.cells[cellOf(nb, "fx-double-check")].source = sourceLines('console.log("exercise fx-double: 2/2 points");\n');
    }),
    submission("check-deleted", (nb) => {
      Object.assign(nb, withAnswers(nb, RIGHT));
      nb.cells.splice(cellOf(nb, "fx-words-check"), 1);
    }),
    submission("duplicated", (nb) => {
      Object.assign(nb, withAnswers(nb, RIGHT));
      const copy = JSON.parse(JSON.stringify(nb.cells[cellOf(nb, "fx-double")]));
      copy.source = sourceLines("function double(n: number): number {\n  return 4;\n}\n");
      nb.cells.splice(cellOf(nb, "fx-double") + 1, 0, copy);
    }),
    submission("throws", (nb) => {
      Object.assign(nb, withAnswers(nb, new Map([...RIGHT, ["fx-double", 'function double(n: number): number {\n  throw new Error("not today");\n}\n']])));
    }),
    submission("never-returns", (nb) => {
      Object.assign(nb, withAnswers(nb, new Map([...RIGHT, ["fx-double", "function double(n: number): number {\n  for (;;) {}\n}\n"]])));
    }),
  ];
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [join(ROOT, "dist", "scripts", "grade.js"), "--course", courseDir, "--out", join(work, "out"), "--cell-timeout", "10", "--timeout", "90", ...files],
    { encoding: "utf8", timeout: 400_000 },
  );
  cli = { status: run.status, stdout: run.stdout, stderr: run.stderr, seconds: (Date.now() - started) / 1000 };
  const list: SubmissionGrade[] = JSON.parse(readFileSync(join(work, "out", "grades.json"), "utf8"));
  grades = new Map(list.map((g) => [g.submission.replace(/^.*\//, "").replace(".ipynb", ""), g]));
});

const scores = (name: string) => Object.fromEntries(grades.get(name)!.exercises.map((e) => [e.id, e.earned]));
const why = (name: string) => JSON.stringify(grades.get(name), null, 1);

test("grading prints a table and writes CSV and JSON", () => {
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /^submission\s+fx-double\s+fx-later\s+fx-words\s+total$/m);
  assert.match(cli.stdout, /^right\.ipynb\s+2\/2\s+1\/1\s+2\/2\s+5\/5$/m);
  const csv = readFileSync(join(work, "out", "grades.csv"), "utf8").split("\n");
  assert.equal(csv[0], "submission,notebook,fx-double,fx-later,fx-words,total,possible,flags");
  assert.equal(csv.length, 7 + 2);
});

test("correct answers get full points", () => {
  assert.deepEqual(scores("right"), { "fx-double": 2, "fx-later": 1, "fx-words": 2 }, why("right"));
  assert.deepEqual(grades.get("right")!.flags, []);
});

test("the shipped stubs get nothing", () => {
  assert.deepEqual(scores("stubs"), { "fx-double": 0, "fx-later": 0, "fx-words": 0 }, why("stubs"));
});

test("a check cell edited to always pass is put back and gains nothing", () => {
  assert.equal(scores("check-edited")["fx-double"], 0, why("check-edited"));
  assert.ok(grades.get("check-edited")!.flags.some((f) => /fx-double-check was edited/.test(f)));
});

test("a deleted check cell is put back, and the right answer still scores", () => {
  assert.deepEqual(scores("check-deleted"), { "fx-double": 2, "fx-later": 1, "fx-words": 2 }, why("check-deleted"));
  assert.ok(grades.get("check-deleted")!.flags.some((f) => /fx-words-check was deleted/.test(f)));
});

test("a duplicated answer cell is flagged and the first one is graded", () => {
  assert.equal(scores("duplicated")["fx-double"], 2, why("duplicated"));
  assert.ok(grades.get("duplicated")!.flags.some((f) => /fx-double appears 2 times/.test(f)));
});

test("an answer that throws scores 0 and the other exercises are still scored", () => {
  assert.deepEqual(scores("throws"), { "fx-double": 0, "fx-later": 1, "fx-words": 2 }, why("throws"));
});

test("an answer that never returns is killed at the limit and the others are still scored", () => {
  assert.deepEqual(scores("never-returns"), { "fx-double": 0, "fx-later": 1, "fx-words": 2 }, why("never-returns"));
  const g = grades.get("never-returns")!;
  assert.match(g.exercises.find((e) => e.id === "fx-double")!.note, /timed out/);
  assert.ok(cli.seconds < 300, `grading took ${cli.seconds} s`);
});

test("release clears outputs and refuses an answer cell that still holds a solution", async () => {
  const { studentVersion } = await import("../scripts/release");
  const ran: Notebook = JSON.parse(JSON.stringify(course));
  ran.cells[1].outputs = [{ output_type: "stream", name: "stdout", text: "hi" }];
  ran.cells[1].execution_count = 3;
  const clean = studentVersion(ran, "homework.ipynb");
  assert.deepEqual(clean.cells[1].outputs, []);
  assert.equal(clean.cells[1].execution_count, null);
  assert.throws(() => studentVersion(withAnswers(course, RIGHT), "homework.ipynb"), /answer cell fx-double holds no "\/\/ YOUR CODE HERE" stub/);
});
