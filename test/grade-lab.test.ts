// `npm run grade` on the solutions of the notebooks whose checks measure:
// on loopback (02), in the grader's own lab (03's captures are made up, 04
// runs the puzzles, 05 runs capture plans, routes and fixes). Every solution
// gets every point, hidden cases included; a stub gets nothing; notebook 3's
// programs cannot lean on the module or on copied answers; and no lab
// outlives the grading.
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

const SOLVED = ["02-send-receive", "03-lab", "04-delivery", "05-interface-exercise"];
const work = mkdtempSync(join(tmpdir(), "mcast-grade-lab-"));
after(() => rmSync(work, { recursive: true, force: true }));

// Every process the grading starts, its labs included, inherits this mark:
// other test files running labs at the same time are not the grader's.
const MARK = `MCAST_GRADE_LAB_TEST=${process.pid}`;

/** The labs' supervisors that came from this test's grading (by the mark in their environment). */
function labProcesses(): string[] {
  const ps = spawnSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).stdout.split("\n");
  return ps.filter((line) => /src\/lab\/supervisor\.py/.test(line)).filter((line) => {
    try {
      return readFileSync(`/proc/${line.trim().split(/\s+/)[0]}/environ`, "utf8").split("\0").includes(MARK);
    } catch {
      return false; // gone meanwhile
    }
  });
}

let grades: SubmissionGrade[] = [];
let leftover: string[] = [];
let status: number | null = null;
let stderr = "";

before(() => {
  const files: string[] = [];
  for (const name of SOLVED) {
    const course = readNotebook(join(NOTEBOOKS, `${name}.ipynb`));
    writeNotebook(join(work, `${name}-solved.ipynb`), withAnswers(course, readSolutions(join(ROOT, "test", "solutions", `${name}.txt`))));
    files.push(join(work, `${name}-solved.ipynb`));
  }
  writeNotebook(join(work, "05-stub.ipynb"), readNotebook(join(NOTEBOOKS, "05-interface-exercise.ipynb")));
  files.push(join(work, "05-stub.ipynb"));
  writeNotebook(join(work, "03-shortcuts.ipynb"), withAnswers(readNotebook(join(NOTEBOOKS, "03-lab.ipynb")), readSolutions(join(ROOT, "test", "tampered", "03-shortcuts.txt"))));
  files.push(join(work, "03-shortcuts.ipynb"));
  const before = labProcesses();
  const run = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "grade.js"), "--out", join(work, "out"), "--jobs", "2", "--cell-timeout", "90", "--timeout", "400", ...files], {
    encoding: "utf8",
    timeout: 900_000,
    env: { ...process.env, [MARK.split("=")[0]]: MARK.split("=")[1] },
  });
  status = run.status;
  stderr = run.stderr;
  leftover = labProcesses().filter((p) => !before.includes(p));
  grades = JSON.parse(readFileSync(join(work, "out", "grades.json"), "utf8"));
});

for (const name of SOLVED) {
  test(`the solutions of ${name} get every point, hidden cases included`, () => {
    assert.equal(status, 0, stderr);
    const points = exercisesOf(readNotebook(join(NOTEBOOKS, `${name}.ipynb`))).reduce((s, e) => s + e.points, 0);
    const solved = grades.find((g) => g.submission.endsWith(`${name}-solved.ipynb`))!;
    assert.equal(solved.possible, points);
    const failed = solved.exercises.flatMap((e) => e.cases.filter((c) => !c.ok).map((c) => `${e.id} ${c.name}: ${c.detail}`));
    assert.deepEqual(failed, [], JSON.stringify(solved, null, 1).slice(0, 3000));
    assert.equal(solved.earned, points);
    assert.ok(solved.exercises.every((e) => e.cases.some((c) => c.hidden)), "hidden cases ran for every exercise");
    assert.deepEqual(solved.flags, []);
  });
}

test("the stub submission of the interface exercise gets nothing", () => {
  const stub = grades.find((g) => g.submission.endsWith("05-stub.ipynb"))!;
  assert.equal(stub.earned, 0, JSON.stringify(stub, null, 1));
});

test("notebook 3's programs: the course's own send earns nothing in a lab host, hard-coded answers only the cases they copy, the module's whoJoined nothing", () => {
  const sub = grades.find((g) => g.submission.endsWith("03-shortcuts.ipynb"))!;
  const by = Object.fromEntries(sub.exercises.map((e) => [e.id, e]));
  assert.equal(by["lab-send"].earned, 0, JSON.stringify(by["lab-send"], null, 1));
  assert.match(by["lab-send"].cases[0].detail, /mc is from another cell/);
  // Only the visible case it copied passes (0.5): a null that comes at once is no wait, and hidden messages are not "Hello, World!".
  assert.equal(by["lab-recv"].earned, 0.5, JSON.stringify(by["lab-recv"], null, 1));
  assert.ok(by["lab-recv"].cases[0].ok && by["lab-recv"].cases.filter((c) => c.hidden).every((c) => !c.ok), JSON.stringify(by["lab-recv"].cases));
  assert.equal(by["lab-joins"].earned, 0);
});

test("no lab is left running after grading", () => {
  assert.deepEqual(leftover, []);
});
