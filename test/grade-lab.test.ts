// `npm run grade` on the lab exercise of notebook 5: a solved and a stub
// submission get the right scores, and no lab outlives its grading kernel.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { exercisesOf, readSolutions, withAnswers } from "../scripts/exercises";
import { SubmissionGrade } from "../scripts/grade";
import { NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { readNotebook, writeNotebook } from "../scripts/notebook";

const NAME = "05-interface-exercise";
const work = mkdtempSync(join(tmpdir(), "mcast-grade-lab-"));
after(() => rmSync(work, { recursive: true, force: true }));

function labProcesses(): string[] {
  const ps = spawnSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).stdout.split("\n");
  // Only labs of this checkout: another checkout's tests may run beside us.
  return ps.filter((line) => line.includes(join(ROOT, "dist", "src", "lab", "supervisor.js")));
}

let grades: SubmissionGrade[] = [];
let leftover: string[] = [];
let status: number | null = null;
let stderr = "";

before(() => {
  const course = readNotebook(join(NOTEBOOKS, `${NAME}.ipynb`));
  const solved = withAnswers(course, readSolutions(join(ROOT, "test", "solutions", `${NAME}.txt`)));
  writeNotebook(join(work, "solved.ipynb"), solved);
  writeNotebook(join(work, "stub.ipynb"), course);
  const before = labProcesses();
  const run = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "grade.js"), "--out", join(work, "out"), "--cell-timeout", "60", "--timeout", "300", join(work, "solved.ipynb"), join(work, "stub.ipynb")], {
    encoding: "utf8",
    timeout: 700_000,
  });
  status = run.status;
  stderr = run.stderr;
  leftover = labProcesses().filter((p) => !before.includes(p));
  grades = JSON.parse(readFileSync(join(work, "out", "grades.json"), "utf8"));
});

test("the solved submission of the interface exercise gets every point", () => {
  assert.equal(status, 0, stderr);
  const points = exercisesOf(readNotebook(join(NOTEBOOKS, `${NAME}.ipynb`))).reduce((s, e) => s + e.points, 0);
  const solved = grades.find((g) => g.submission.endsWith("solved.ipynb"))!;
  assert.equal(solved.possible, points);
  assert.equal(solved.earned, points, JSON.stringify(solved, null, 1));
});

test("the stub submission of the interface exercise gets nothing", () => {
  const stub = grades.find((g) => g.submission.endsWith("stub.ipynb"))!;
  assert.equal(stub.earned, 0, JSON.stringify(stub, null, 1));
});

test("no lab is left running after grading", () => {
  assert.deepEqual(leftover, []);
});
