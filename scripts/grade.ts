// `npm run grade -- submission.ipynb ...`: grade homework with the course's
// own checks, each submission in a fresh kernel with a time limit.
//
// What is run is the course's notebook with only the student's answer cells
// put in (matched by grade_id). So a check cell the student edited or deleted
// is the course's again, and nothing else the student added runs. A check
// that failed, was aborted, timed out or printed no score line scores 0. An
// answer that never returns gets the kernel killed at the limit; the
// notebook is then run again with that answer left as the stub, so the other
// exercises are still scored.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { parseScoreLine } from "../src/homework";
import { answersOf, Exercise, exercisesOf, withAnswers } from "./exercises";
import { NOTEBOOKS } from "./jupyter";
import { cellSource, Notebook, outputText, readNotebook, RunResult, runNotebook, writeNotebook } from "./notebook";

export interface GradeOptions {
  /** The folder with the course's notebooks (the trusted copies). */
  course?: string;
  cellTimeoutSec?: number;
  totalTimeoutSec?: number;
  onProgress?: (message: string) => void;
}

export interface ExerciseGrade {
  id: string;
  earned: number;
  possible: number;
  note: string;
}

export interface SubmissionGrade {
  submission: string;
  notebook: string;
  exercises: ExerciseGrade[];
  earned: number;
  possible: number;
  /** What was odd about the submission and what the grader did about it. */
  flags: string[];
}

interface CourseNotebook {
  name: string;
  path: string;
  nb: Notebook;
  exercises: Exercise[];
}

export function loadCourse(dir: string): CourseNotebook[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => {
      const nb = readNotebook(join(dir, f));
      return { name: basename(f, ".ipynb"), path: join(dir, f), nb, exercises: exercisesOf(nb, f) };
    })
    .filter((c) => c.exercises.length > 0);
}

function gradeIds(nb: Notebook): Set<string> {
  return new Set(nb.cells.map((c) => c.metadata?.nbgrader?.grade_id).filter((id): id is string => typeof id === "string"));
}

/** The course notebook a submission answers: the one sharing most grade_ids. */
function matchCourse(course: CourseNotebook[], submission: Notebook, file: string): CourseNotebook {
  const ids = gradeIds(submission);
  let best: CourseNotebook | null = null;
  let bestScore = 0;
  for (const c of course) {
    const shared = [...gradeIds(c.nb)].filter((id) => ids.has(id)).length + (basename(file).includes(c.name) ? 0.5 : 0);
    if (shared > bestScore) [best, bestScore] = [c, shared];
  }
  if (!best || bestScore < 1) {
    throw new Error(`${file}: none of its cells carries a grade_id of the course's exercises; is it one of ${course.map((c) => c.name).join(", ")}?`);
  }
  return best;
}

/** The answers to run and the flags: duplicated, unknown, missing or tampered cells. */
function inspectSubmission(course: CourseNotebook, submission: Notebook): { answers: Map<string, string>; flags: string[] } {
  const flags: string[] = [];
  const known = gradeIds(course.nb);
  const seen = new Map<string, number>();
  for (const cell of submission.cells) {
    const id = cell.metadata?.nbgrader?.grade_id;
    if (typeof id !== "string") continue;
    seen.set(id, (seen.get(id) ?? 0) + 1);
    if (!known.has(id)) flags.push(`unknown grade_id ${id}: cell ignored`);
  }
  for (const [id, n] of seen) {
    if (n > 1 && known.has(id)) flags.push(`grade_id ${id} appears ${n} times: the first is used`);
  }
  const answers = new Map<string, string>();
  const submitted = answersOf(submission);
  for (const ex of course.exercises) {
    if (submitted.has(ex.id)) answers.set(ex.id, submitted.get(ex.id)!);
    else flags.push(`answer cell ${ex.id} is missing: graded as not answered`);
    const check = submission.cells.find((c) => c.metadata?.nbgrader?.grade_id === `${ex.id}-check`);
    if (!check) flags.push(`check cell ${ex.id}-check was deleted: the course's is used`);
    else if (cellSource(check).trim() !== cellSource(course.nb.cells[ex.checkIndex]).trim()) {
      flags.push(`check cell ${ex.id}-check was edited: the course's is used`);
    }
  }
  return { answers, flags };
}

function exerciseAt(exercises: Exercise[], index: number): Exercise | undefined {
  return exercises.find((ex) => ex.answerIndex === index || ex.checkIndex === index);
}

export async function gradeSubmission(file: string, options: GradeOptions = {}): Promise<SubmissionGrade> {
  const courseDir = resolve(options.course ?? NOTEBOOKS);
  const course = matchCourse(loadCourse(courseDir), readNotebook(file), file);
  const { answers, flags } = inspectSubmission(course, readNotebook(file));
  const notes = new Map<string, string>();
  const work = mkdtempSync(join(tmpdir(), "mcast-grade-"));
  let result: RunResult | null = null;
  try {
    // Each pass that times out leaves one more answer as the stub; at most
    // one pass per exercise, plus the last.
    for (let pass = 0; pass <= course.exercises.length; pass++) {
      const graded = withAnswers(course.nb, answers);
      const path = join(work, `${course.name}.ipynb`);
      writeNotebook(path, graded);
      result = await runNotebook(path, {
        cwd: courseDir,
        cellTimeoutSec: options.cellTimeoutSec ?? 60,
        totalTimeoutSec: options.totalTimeoutSec ?? 600,
        pauseAfterErrorMs: 300,
        onCell: (cell) => options.onProgress?.(`${basename(file)}: cell ${cell.index + 1}/${graded.cells.length} ${cell.status}`),
      });
      if (result.end === "complete") break;
      const stuck = result.cells[result.cells.length - 1];
      const ex = stuck && exerciseAt(course.exercises, stuck.index);
      if (!ex || !answers.has(ex.id)) break;
      answers.delete(ex.id);
      notes.set(ex.id, `${stuck.status === "timeout" ? "timed out" : "killed the kernel"}: graded as not answered`);
      flags.push(`${ex.id}: the kernel was killed at the limit and the notebook run again without this answer`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const ran = new Map(result!.cells.map((c) => [c.index, c]));
  const exercises = course.exercises.map((ex): ExerciseGrade => {
    const base = { id: ex.id, possible: ex.points };
    if (notes.has(ex.id)) return { ...base, earned: 0, note: notes.get(ex.id)! };
    const run = ran.get(ex.checkIndex);
    if (!run) return { ...base, earned: 0, note: `the check did not run (${result!.end})` };
    if (run.status !== "ok") {
      const said = outputText(run.outputs).trim().split("\n").find((l) => /error/i.test(l)) ?? "";
      return { ...base, earned: 0, note: `the check cell ended with ${run.status}${said ? `: ${said.trim().slice(0, 160)}` : ""}` };
    }
    const score = parseScoreLine(outputText(run.outputs), ex.id);
    if (!score) return { ...base, earned: 0, note: "the check printed no score line" };
    const earned = Math.max(0, Math.min(score.earned, ex.points));
    return { ...base, earned, note: score.possible !== ex.points ? `check said ${score.earned}/${score.possible}` : "" };
  });
  return {
    submission: file,
    notebook: course.name,
    exercises,
    earned: exercises.reduce((s, e) => s + e.earned, 0),
    possible: exercises.reduce((s, e) => s + e.possible, 0),
    flags,
  };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function gradesCsv(grades: SubmissionGrade[]): string {
  const ids = [...new Set(grades.flatMap((g) => g.exercises.map((e) => e.id)))];
  const rows = [["submission", "notebook", ...ids, "total", "possible", "flags"]];
  for (const g of grades) {
    const byId = new Map(g.exercises.map((e) => [e.id, e.earned]));
    rows.push([g.submission, g.notebook, ...ids.map((id) => String(byId.get(id) ?? "")), String(g.earned), String(g.possible), g.flags.join("; ")]);
  }
  return rows.map((r) => r.map(csvField).join(",")).join("\n") + "\n";
}

function gradesText(grades: SubmissionGrade[]): string {
  const ids = [...new Set(grades.flatMap((g) => g.exercises.map((e) => e.id)))];
  const head = ["submission", ...ids, "total"];
  const rows = grades.map((g) => {
    const byId = new Map(g.exercises.map((e) => [e.id, `${e.earned}/${e.possible}`]));
    return [basename(g.submission), ...ids.map((id) => byId.get(id) ?? "-"), `${g.earned}/${g.possible}`];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const notes = grades.flatMap((g) => [
    ...g.flags.map((f) => `${basename(g.submission)}: ${f}`),
    ...g.exercises.filter((e) => e.note).map((e) => `${basename(g.submission)}: ${e.id}: ${e.note}`),
  ]);
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ...(notes.length ? ["", ...notes] : [])].join("\n");
}

function usage(): never {
  console.error(
    "usage: npm run grade -- [--course DIR] [--out DIR] [--cell-timeout SEC] [--timeout SEC] SUBMISSION.ipynb...\n" +
      "  --course        the course's notebooks, whose check cells are trusted (default: notebooks/)\n" +
      "  --out           where grades.csv and grades.json go (default: grades/)\n" +
      "  --cell-timeout  seconds one cell may take (default 60)\n" +
      "  --timeout       seconds one notebook may take (default 600)",
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files: string[] = [];
  const options: GradeOptions = {};
  let out = "grades";
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => args[++i] ?? usage();
    const seconds = (flag: string) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 3600) {
        console.error(`grade: ${flag} must be a whole number of seconds from 1 to 3600, got ${JSON.stringify(args[i])}`);
        process.exit(2);
      }
      return n;
    };
    if (a === "--course") options.course = value();
    else if (a === "--out") out = value();
    else if (a === "--cell-timeout") options.cellTimeoutSec = seconds(a);
    else if (a === "--timeout") options.totalTimeoutSec = seconds(a);
    else if (a === "--help" || a === "-h") usage();
    else if (a.startsWith("--")) {
      console.error(`grade: unknown option ${a}`);
      usage();
    } else files.push(a);
  }
  if (files.length === 0) usage();
  const grades: SubmissionGrade[] = [];
  const tty = process.stderr.isTTY;
  for (const [n, file] of files.entries()) {
    const prefix = `[${n + 1}/${files.length}] `;
    process.stderr.write(`${prefix}${file}\n`);
    try {
      grades.push(
        await gradeSubmission(file, {
          ...options,
          onProgress: (msg) => tty && process.stderr.write(`\r\x1b[K${prefix}${msg}`),
        }),
      );
      if (tty) process.stderr.write("\r\x1b[K");
    } catch (err) {
      if (tty) process.stderr.write("\r\x1b[K");
      process.stderr.write(`${prefix}${file}: not graded: ${(err as Error).message}\n`);
      grades.push({ submission: file, notebook: "?", exercises: [], earned: 0, possible: 0, flags: [`not graded: ${(err as Error).message}`] });
    }
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "grades.csv"), gradesCsv(grades));
  writeFileSync(join(out, "grades.json"), JSON.stringify(grades, null, 2) + "\n");
  console.log(gradesText(grades));
  console.log(`\nwritten: ${join(out, "grades.csv")}, ${join(out, "grades.json")}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`grade: ${(err as Error).message}`);
    process.exit(1);
  });
}

