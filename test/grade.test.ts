// `npm run grade` on a tampered set of submissions of the course's own
// notebooks: every trick an answer cell can play on the kernel it runs in
// (output rewritten, Node's modules and our module replaced, prototypes and
// globals changed, lying values, a killed or hung kernel, processes left
// behind, writes into the course, a connection of its own to the grader),
// hard-coded visible cases, calls of the module's own answers, and answers
// that do not compile. Each gets exactly what its honest answers earn.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readSolutions, withAnswers } from "../scripts/exercises";
import { SubmissionGrade } from "../scripts/grade";
import { NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { readNotebook, writeNotebook } from "../scripts/notebook";

const work = mkdtempSync(join(tmpdir(), "mcast-grade-test-"));
const subs = join(work, "submissions");
const out = join(work, "out");
after(() => rmSync(work, { recursive: true, force: true }));

const TAMPERED = join(ROOT, "test", "tampered");

function submit(name: string, course: string, answers?: Map<string, string>, edition = NOTEBOOKS): string {
  const nb = readNotebook(join(edition, `${course}.ipynb`));
  const path = join(subs, `${name}.ipynb`);
  writeNotebook(path, answers ? withAnswers(nb, answers) : nb);
  return path;
}

let grades: Map<string, SubmissionGrade>;
let cli: { status: number | null; stdout: string; stderr: string };
let sleepersBefore = 0;

const sleepers = () => spawnSync("pgrep", ["-f", "^sleep 300$"], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean).length;

function grade(files: string[], extra: string[] = []) {
  const run = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "grade.js"), "--out", out, "--cell-timeout", "20", "--timeout", "240", "--jobs", "2", ...extra, ...files], {
    encoding: "utf8",
    timeout: 900_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

before(() => {
  mkdirSync(subs, { recursive: true });
  sleepersBefore = sleepers();
  const files = [
    submit("right", "01-addresses", readSolutions(join(ROOT, "test", "solutions", "01-addresses.txt"))),
    submit("stubs", "01-addresses"),
    // Matched to its notebook by grade_ids, whatever its name says.
    submit("05-hard-codes", "01-addresses", readSolutions(join(TAMPERED, "01-hard-codes.txt"))),
    // Handed out in Korean (notebooks/ko/): graded by the same checks, its verdicts in Korean.
    submit("right-ko", "01-addresses", readSolutions(join(ROOT, "test", "solutions", "01-addresses.txt")), join(NOTEBOOKS, "ko")),
    submit("hard-codes-ko", "01-addresses", readSolutions(join(TAMPERED, "01-hard-codes.txt")), join(NOTEBOOKS, "ko")),
  ];
  for (const f of readdirSync(TAMPERED).filter((f) => f.endsWith(".txt") && f !== "01-hard-codes.txt")) {
    files.push(submit(f.replace(/\.txt$/, ""), f.slice(0, 2) === "02" ? "02-send-receive" : "01-addresses", readSolutions(join(TAMPERED, f))));
  }
  writeFileSync(join(subs, "not-json.ipynb"), "print('hello')\n");
  writeFileSync(join(subs, "empty.ipynb"), "");
  writeFileSync(join(subs, "nbformat3.ipynb"), JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [], cells: [] }));
  writeFileSync(join(subs, "other.ipynb"), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", metadata: {}, source: "1", outputs: [], execution_count: null }] }));
  files.push(...["not-json", "empty", "nbformat3", "other"].map((n) => join(subs, `${n}.ipynb`)));
  cli = grade(files);
  if (!existsSync(join(out, "grades.json"))) throw new Error(`the grader wrote no grades.json (exit ${cli.status}):\n${cli.stderr.slice(-3000)}\n${cli.stdout.slice(-2000)}`);
  const list: SubmissionGrade[] = JSON.parse(readFileSync(join(out, "grades.json"), "utf8"));
  grades = new Map(list.map((g) => [g.submission.replace(/^.*\//, "").replace(".ipynb", ""), g]));
});

const scores = (name: string) => Object.fromEntries(grades.get(name)!.exercises.map((e) => [e.id, e.earned]));
const why = (name: string) => JSON.stringify(grades.get(name), null, 1).slice(0, 4000);
const flagged = (name: string, re: RegExp) => assert.ok(grades.get(name)!.flags.some((f) => re.test(f)), `${name}: no flag like ${re}:\n${why(name)}`);

test("grading prints a table, writes CSV, JSON and one feedback page per graded submission", () => {
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /^submission\s+addr-incidr\s+addr-mac\s+addr-collide\s+sr-mreq\s+sr-who\s+total$/m);
  assert.match(cli.stdout, /^right\.ipynb\s+3\/3\s+2\/2\s+2\/2\s+-\s+-\s+7\/7$/m);
  const csv = readFileSync(join(out, "grades.csv"), "utf8").trim().split("\n");
  assert.equal(csv[0], "submission,notebook,addr-incidr,addr-mac,addr-collide,sr-mreq,sr-who,total,possible,seed,flags");
  assert.equal(csv.length, grades.size + 1);
  const page = readFileSync(join(out, "feedback", "05-hard-codes.html"), "utf8");
  assert.match(page, /^<!doctype html>/);
  assert.match(page, /Hidden cases: 0 of 4 pass/);
  assert.doesNotMatch(page, /<script|<link|https?:/, "the feedback page is self-contained");
  assert.ok(!existsSync(join(out, "feedback", "not-json.html")), "no page for a file that was not graded");
});

test("right answers get every point, the stubs none, with no flags", () => {
  assert.deepEqual(scores("right"), { "addr-incidr": 3, "addr-mac": 2, "addr-collide": 2 }, why("right"));
  assert.deepEqual(grades.get("right")!.flags, []);
  assert.deepEqual(scores("stubs"), { "addr-incidr": 0, "addr-mac": 0, "addr-collide": 0 }, why("stubs"));
});

test("a submission of the Korean edition gets the same points from the same checks, its verdicts in Korean", () => {
  assert.equal(grades.get("right-ko")!.notebook, "01-addresses");
  assert.deepEqual(scores("right-ko"), scores("right"), why("right-ko"));
  assert.deepEqual(scores("hard-codes-ko"), scores("05-hard-codes"), why("hard-codes-ko"));
  assert.deepEqual(grades.get("right-ko")!.flags, []);
  const cases = grades.get("hard-codes-ko")!.exercises.flatMap((e) => e.cases);
  const hidden = cases.filter((c) => c.hidden);
  assert.ok(hidden.length >= 8 && hidden.every((c) => /^숨겨진 검사 \d+$/.test(c.name)), why("hard-codes-ko"));
  assert.ok(cases.filter((c) => !c.ok).every((c) => /[\uac00-\ud7a3]/.test(c.detail)), `every failing case says why in Korean:\n${why("hard-codes-ko")}`);
});

test("hard-coding the visible cases earns only their half of the points, and the hidden cases stay hidden", () => {
  assert.equal(grades.get("05-hard-codes")!.notebook, "01-addresses");
  assert.deepEqual(scores("05-hard-codes"), { "addr-incidr": 1.5, "addr-mac": 1, "addr-collide": 1 }, why("05-hard-codes"));
  const hidden = grades.get("05-hard-codes")!.exercises.flatMap((e) => e.cases.filter((c) => c.hidden));
  assert.ok(hidden.length >= 8);
  for (const c of hidden) {
    assert.match(c.name, /^hidden case \d+$/);
    assert.doesNotMatch(c.detail, /\d+\.\d+\.\d+\.\d+|expected|gave/, "a hidden case's verdict names no input and no answer");
  }
});

test("rewriting the output, replacing Node's modules and changing prototypes and globals gains nothing", () => {
  assert.deepEqual(scores("01-rewrites-output"), { "addr-incidr": 0, "addr-mac": 0, "addr-collide": 0 }, why("01-rewrites-output"));
});

test("replacing the module's own checking code gains nothing, and the honest answers beside it still count", () => {
  assert.deepEqual(scores("01-forges-module"), { "addr-incidr": 3, "addr-mac": 0, "addr-collide": 2 }, why("01-forges-module"));
});

test("calling the module's own answer earns nothing: it says to write it", () => {
  assert.deepEqual(scores("01-calls-the-module"), { "addr-incidr": 0, "addr-mac": 0, "addr-collide": 0 }, why("01-calls-the-module"));
  const incidr = grades.get("01-calls-the-module")!.exercises[0].cases[0];
  assert.match(incidr.detail, /mc\.contains is the course's own answer to exercise addr-incidr: write this one yourself/);
  assert.deepEqual(scores("02-mixed"), { "sr-mreq": 0, "sr-who": 2 }, why("02-mixed"));
});

test("values whose toJSON, getters or then lie or throw score 0, not a crash", () => {
  assert.deepEqual(scores("01-lies"), { "addr-incidr": 0, "addr-mac": 0, "addr-collide": 2 }, why("01-lies"));
});

test("an answer that kills the kernel, or hangs it, scores 0 and the other exercises are still graded", () => {
  assert.deepEqual(scores("01-kills-kernel"), { "addr-incidr": 3, "addr-mac": 0, "addr-collide": 2 }, why("01-kills-kernel"));
  flagged("01-kills-kernel", /addr-mac: the kernel was lost and the notebook run again without this answer/);
  assert.deepEqual(scores("01-hangs"), { "addr-incidr": 0, "addr-mac": 2, "addr-collide": 0 }, why("01-hangs"));
  flagged("01-hangs", /addr-incidr: the kernel was stopped at the time limit/);
});

test("a process left behind, a write into the course, 50 MB of output and a connection of its own are flagged, and the answers graded", () => {
  assert.deepEqual(scores("01-escapes"), { "addr-incidr": 3, "addr-mac": 2, "addr-collide": 0 }, why("01-escapes"));
  flagged("01-escapes", /processes outlived the kernel and were stopped: sleep 300/);
  flagged("01-escapes", /wrote into the course folder .*dist\/planted\.js/);
  flagged("01-escapes", /printed 50,000,\d+ characters: cut/);
  flagged("01-escapes", /an answer opened a connection of its own to the grader/);
  assert.ok(!existsSync(join(ROOT, "dist", "planted.js")), "the course itself is untouched");
  // The namespace's teardown may finish a moment after the grader exits: allow it 5 s.
  const until = Date.now() + 5000;
  while (sleepers() > sleepersBefore && Date.now() < until) spawnSync("sleep", ["0.1"]);
  assert.equal(sleepers(), sleepersBefore, "the process it left was stopped");
});

test("answers that do not compile score 0", () => {
  assert.deepEqual(scores("01-does-not-compile"), { "addr-incidr": 0, "addr-mac": 0, "addr-collide": 0 }, why("01-does-not-compile"));
});

test("files that are not JSON, empty, not nbformat 4, or of no notebook of the course get a flagged row", () => {
  const expect: Record<string, RegExp> = { "not-json": /is not JSON/, empty: /is empty/, nbformat3: /nbformat 3, not 4/, other: /none of its cells carries a grade_id/ };
  for (const [name, re] of Object.entries(expect)) {
    assert.equal(grades.get(name)!.notebook, "?", name);
    flagged(name, re);
  }
});

test("a regrade into the same folder draws the same hidden cases and gives the same grades", () => {
  const first = grades.get("05-hard-codes")!;
  const again = grade([join(subs, "05-hard-codes.ipynb")]);
  assert.equal(again.status, 0, again.stderr);
  const second: SubmissionGrade = JSON.parse(readFileSync(join(out, "grades.json"), "utf8"))[0];
  assert.equal(second.seed, first.seed);
  assert.deepEqual(second.exercises, first.exercises);
});

test("a run that ends before any cell, not by an answer's doing, is tried once more and then flagged, never passed off as the student's zeros", () => {
  // One second for the whole notebook: the kernel cannot even answer (a machine too busy to start one looks the same).
  const early = join(work, "out-early");
  const run = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "grade.js"), "--out", early, "--timeout", "1", join(subs, "right.ipynb")], { encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  const [row] = JSON.parse(readFileSync(join(early, "grades.json"), "utf8")) as SubmissionGrade[];
  assert.equal(row.earned, 0);
  assert.ok(row.flags.some((f) => /^the run ended early \((deadline|timeout|killed)\) after 0 of \d+ code cells, not in an answer.*grade it again$/.test(f)), JSON.stringify(row, null, 1));
});
