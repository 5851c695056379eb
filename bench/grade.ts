// Grading throughput: 40 submissions (8 for each notebook with exercises:
// right twice, wrong twice, one that hangs, two that tamper with the kernel,
// one that does not compile), graded by `npm run grade` with --jobs 1 and then
// --jobs 2, the same seed for both. Prints submissions per minute, the ratio
// (goal: at least 1.7x on 2 cores) and whether both runs gave the same grades.
// Run after `npm run build`: node dist/bench/grade.js [--cell-timeout S]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exercisesOf, readSolutions, withAnswers } from "../scripts/exercises";
import type { SubmissionGrade } from "../scripts/grade";
import { NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { cellSource, Notebook, readNotebook, writeNotebook } from "../scripts/notebook";

const TAMPER = `console.log = () => undefined;
process.stdout.write = (() => true) as typeof process.stdout.write;
require("node:util").isDeepStrictEqual = () => true;
Array.prototype.reduce = function () { return 999; } as typeof Array.prototype.reduce;
`;

function kinds(nb: Notebook, name: string): Record<string, Notebook> {
  const solutions = readSolutions(join(ROOT, "test", "solutions", `${name}.txt`));
  const exercises = exercisesOf(nb, name);
  const answers = (f: (id: string, stub: string, solution: string, i: number) => string) =>
    new Map(exercises.map((e, i) => [e.id, f(e.id, cellSource(nb.cells[e.answerIndex]), solutions.get(e.id)!, i)]));
  const right = withAnswers(nb, solutions);
  const wrong = withAnswers(nb, answers((_, stub) => stub.replace(/throw new Error\("not answered yet"\);/, "return undefined as never;")));
  const hung = withAnswers(nb, answers((_, __, sol, i) => (i === 0 ? `while (Date.now() > 0) {}\n${sol}` : sol)));
  const tampered = withAnswers(nb, answers((_, stub, __, i) => (i === 0 ? TAMPER + stub : stub)));
  const broken = withAnswers(nb, answers((_, __, sol) => `${sol}\nconst notCompiling: number = "a string";\n`));
  return { right, right2: right, wrong, wrong2: wrong, hung, tampered, tampered2: tampered, broken };
}

function grade(files: string[], jobs: number, out: string, cellTimeout: string): { seconds: number; grades: SubmissionGrade[] } {
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "grade.js"), "--jobs", String(jobs), "--seed", "20261201", "--cell-timeout", cellTimeout, "--out", out, ...files], {
    encoding: "utf8",
    timeout: 3 * 3600 * 1000,
  });
  if (run.status !== 0) throw new Error(`grade --jobs ${jobs} failed (${run.status}): ${run.stderr.slice(-2000)}`);
  return { seconds: (performance.now() - started) / 1000, grades: JSON.parse(readFileSync(join(out, "grades.json"), "utf8")) };
}

function main(): void {
  const at = process.argv.indexOf("--cell-timeout");
  const cellTimeout = at > 0 ? process.argv[at + 1] : "40";
  const work = mkdtempSync(join(tmpdir(), "mcast-bench-grade-"));
  try {
    const files: string[] = [];
    for (const f of ["01-addresses", "02-send-receive", "03-lab", "04-delivery", "05-interface-exercise"]) {
      const nb = readNotebook(join(NOTEBOOKS, `${f}.ipynb`));
      for (const [kind, sub] of Object.entries(kinds(nb, f))) {
        const path = join(work, "submissions", `${f}-${kind}.ipynb`);
        mkdirSync(join(work, "submissions"), { recursive: true });
        writeNotebook(path, sub);
        files.push(path);
      }
    }
    console.log(`grading ${files.length} submissions, --jobs 1 then --jobs 2 (cell timeout ${cellTimeout} s)`);
    const one = grade(files, 1, join(work, "out1"), cellTimeout);
    console.log(`--jobs 1: ${one.seconds.toFixed(1)} s, ${((files.length * 60) / one.seconds).toFixed(2)} submissions/min`);
    const two = grade(files, 2, join(work, "out2"), cellTimeout);
    console.log(`--jobs 2: ${two.seconds.toFixed(1)} s, ${((files.length * 60) / two.seconds).toFixed(2)} submissions/min`);
    console.log(`ratio (jobs 2 / jobs 1): ${(one.seconds / two.seconds).toFixed(2)}x (goal >= 1.7x)`);
    const key = (g: SubmissionGrade) => JSON.stringify([g.submission.replace(/^.*\//, ""), g.exercises.map((e) => [e.id, e.earned])]);
    const differ = one.grades.filter((g, i) => key(g) !== key(two.grades[i]));
    console.log(differ.length === 0 ? "grades identical in both runs" : `grades differ for ${differ.map((g) => g.submission.replace(/^.*\//, "")).join(", ")}`);
    const table = new Map<string, number[]>();
    for (const g of one.grades) {
      const kind = g.submission.replace(/^.*\/\d\d-[a-z-]+?-(right2?|wrong2?|hung|tampered2?|broken)\.ipynb$/, "$1").replace(/2$/, "");
      table.set(kind, [...(table.get(kind) ?? []), g.earned / Math.max(1, g.possible)]);
    }
    for (const [kind, xs] of table) console.log(`  ${kind.padEnd(9)} mean share of points ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2)} over ${xs.length}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
