// `npm run grade -- submission.ipynb ...`: grade homework with the course's
// own checks, each submission in a fresh kernel with a time limit.
//
// What runs is the course's notebook with only the student's answer cells put
// in (matched by grade_id), in a private copy of the course, in a PID
// namespace of its own. The verdicts are not read from the kernel's output:
// the kernel connects to this process (src/homework/judge.ts), which picks
// the cases, draws the hidden ones from the submission's seed, measures with
// its own sockets and lab, and keeps the score. An answer that never returns
// gets the kernel killed at the limit; the notebook is then run again with
// that answer left as the stub, so the other exercises are still scored.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { basename, dirname, join, resolve, sep } from "node:path";
import { CaseVerdict, roundPoints } from "../src/homework/case";
import { Judge } from "../src/homework/judge";
import type { Lab } from "../src/lab/lab";
import { seedFrom } from "../src/util/random";
import { changesIn, copyCourse } from "./course-copy";
import { answersOf, Exercise, exercisesOf, withAnswers } from "./exercises";
import { feedbackHtml } from "./feedback";
import { courseNotebooks, NOTEBOOKS } from "./jupyter";
import { isLang, Lang, LANGS } from "../src/i18n/lang";
import { cellSource, Notebook, readNotebook, RunResult, runNotebook, stopRuns, writeNotebook } from "./notebook";
import { inPool } from "./pool";

export interface GradeOptions {
  /** The folder with the course's notebooks (the trusted copies). */
  course?: string;
  cellTimeoutSec?: number;
  totalTimeoutSec?: number;
  onProgress?: (message: string) => void;
  /** Shared by the submissions graded in one process: the grader's lab and the lock for cases that need it or loopback. */
  shared?: GraderResources;
}

export interface ExerciseGrade {
  id: string;
  earned: number;
  possible: number;
  note: string;
  cases: CaseVerdict[];
}

export interface SubmissionGrade {
  submission: string;
  notebook: string;
  /** The seed its hidden cases were drawn from: grading it again with it gives the same result. */
  seed: number;
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
  /** The notebook in the language of its edition (the English one: "en"), from the course's metadata (mcast_lab.lang). */
  lang: Lang;
  /** The same notebook in the other editions' languages (notebooks/<lang>/): same cells, same checks, translated prose. */
  editions: Map<Lang, CourseNotebook>;
}

/** What the submissions graded in one process share: one lab of the grader's own, and one lock. */
export class GraderResources {
  private lab: Promise<Lab> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  labFor = (): Promise<Lab> => {
    if (!this.lab) {
      this.lab = (async () => (await import("../src/lab/up")).up())();
      this.lab.catch(() => (this.lab = null));
    }
    return this.lab;
  };

  exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  };

  async close(): Promise<void> {
    if (this.lab) await (await this.lab.catch(() => null))?.down();
  }
}

export function loadCourse(dir: string): CourseNotebook[] {
  const read = (folder: string, f: string): CourseNotebook => {
    const nb = readNotebook(join(folder, f));
    return { name: basename(f, ".ipynb"), path: join(folder, f), nb, exercises: exercisesOf(nb, f), lang: langOf(nb) ?? "en", editions: new Map() };
  };
  const course = courseNotebooks(dir)
    .map((f) => read(dir, f))
    .filter((c) => c.exercises.length > 0);
  // A submission of an edition is run in that edition, so its verdicts read in its language; the grade_ids are the English ones.
  for (const lang of LANGS) {
    const folder = join(dir, lang);
    if (lang === "en" || !existsSync(folder)) continue;
    for (const c of course) if (existsSync(join(folder, `${c.name}.ipynb`))) c.editions.set(lang, read(folder, `${c.name}.ipynb`));
  }
  return course;
}

/** The language of a notebook's edition, as npm run editions records it in its metadata (mcast_lab.lang); none in the English ones. */
function langOf(nb: Notebook): Lang | undefined {
  const lang = (nb.metadata?.mcast_lab as { lang?: unknown } | undefined)?.lang;
  return isLang(lang) ? lang : undefined;
}

/** The edition a submission was handed out in (its notebook metadata says), when the course has it; else the English one. */
function editionFor(course: CourseNotebook, submission: Notebook): CourseNotebook {
  const lang = langOf(submission);
  return (lang && course.editions.get(lang)) || course;
}

function gradeIds(nb: Notebook): Set<string> {
  return new Set(nb.cells.map((c) => c?.metadata?.nbgrader?.grade_id).filter((id): id is string => typeof id === "string"));
}

/** A submission as a notebook, or why it is not one (not JSON, not nbformat 4, empty). */
export function readSubmission(file: string): Notebook {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (text.trim() === "") throw new Error("is empty");
  let nb: Notebook;
  try {
    nb = JSON.parse(text);
  } catch {
    throw new Error("is not JSON (is it an .ipynb file?)");
  }
  if (!nb || typeof nb !== "object" || !Array.isArray(nb.cells)) throw new Error('is not a notebook (no "cells" list)');
  if (nb.nbformat !== 4) throw new Error(`is nbformat ${JSON.stringify(nb.nbformat)}, not 4 (save it again with Jupyter)`);
  if (nb.cells.length === 0) throw new Error("has no cells");
  return nb;
}

/** The course notebook a submission answers: the one sharing most grade_ids (its file name plays no part). */
function matchCourse(course: CourseNotebook[], submission: Notebook): CourseNotebook {
  const ids = gradeIds(submission);
  let best: CourseNotebook | null = null;
  let bestScore = 0;
  for (const c of course) {
    const shared = [...gradeIds(c.nb)].filter((id) => ids.has(id)).length;
    if (shared > bestScore) [best, bestScore] = [c, shared];
  }
  if (!best) throw new Error(`none of its cells carries a grade_id of the course's exercises; is it one of ${course.map((c) => c.name).join(", ")}?`);
  return best;
}

// Ways into the kernel's own machinery that no answer needs: flagged for a
// person to look at (they are how the module's locks could be pried open).
const INTERNALS = /\binspector\b|_getActiveHandles|process\.binding|\brequire\.cache\b|Module\._load|MCAST_GRADER|mcast-lab\.grader|\/homework\/(lock|check|judge)/;

/** The answers to run and the flags: duplicated, unknown, missing or tampered cells. */
function inspectSubmission(course: CourseNotebook, submission: Notebook): { answers: Map<string, string>; flags: string[] } {
  const flags: string[] = [];
  const known = gradeIds(course.nb);
  const seen = new Map<string, number>();
  for (const cell of submission.cells) {
    const id = cell?.metadata?.nbgrader?.grade_id;
    if (typeof id !== "string") continue;
    seen.set(id, (seen.get(id) ?? 0) + 1);
    if (!known.has(id)) flags.push(`unknown grade_id ${id.slice(0, 60)}: cell ignored`);
  }
  for (const [id, n] of seen) {
    if (n > 1 && known.has(id)) flags.push(`grade_id ${id} appears ${n} times: the first is used`);
  }
  const answers = new Map<string, string>();
  const submitted = answersOf(submission);
  for (const ex of course.exercises) {
    const code = submitted.get(ex.id);
    if (typeof code === "string") {
      answers.set(ex.id, code);
      const m = INTERNALS.exec(code);
      if (m) flags.push(`answer ${ex.id} reaches into the kernel's internals (${m[0]}): look at it by hand`);
    } else flags.push(`answer cell ${ex.id} is missing: graded as not answered`);
    const check = submission.cells.find((c) => c?.metadata?.nbgrader?.grade_id === `${ex.id}-check`);
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

/** A fresh seed, or the one a submission of this label was graded with before (in `previous`). */
export function seedFor(label: string, base: number | undefined, previous: Map<string, number>): number {
  if (base !== undefined) return seedFrom(`${base}:${label}`);
  return previous.get(label) ?? randomBytes(4).readUInt32BE(0);
}

/**
 * How each submission is named in the table, the notes, its feedback page and
 * its seed: its file name, or with as many of its folders as tell it apart
 * when two share one (a class's collected DIR/<student>/05-....ipynb).
 */
export function submissionLabels(files: string[]): Map<string, string> {
  const parts = new Map(files.map((f) => [f, resolve(f).split(sep).filter(Boolean)]));
  const tail = (f: string, k: number) => parts.get(f)!.slice(-k).join("/");
  const labels = new Map<string, string>();
  for (const f of files) {
    let k = 1;
    while (k < parts.get(f)!.length && files.some((g) => g !== f && resolve(g) !== resolve(f) && tail(g, k) === tail(f, k))) k++;
    labels.set(f, tail(f, k));
  }
  return labels;
}

/** Work folders of gradings in progress, removed on Ctrl-C too. */
const workFolders = new Set<string>();

async function grade(file: string, seed: number, shared: GraderResources, courses: CourseNotebook[], options: GradeOptions): Promise<SubmissionGrade> {
  const submission = readSubmission(file);
  const course = editionFor(matchCourse(courses, submission), submission);
  const { answers, flags } = inspectSubmission(course, submission);
  const flag = (text: string) => {
    if (!flags.includes(text)) flags.push(text);
  };
  const notes = new Map<string, string>();
  const work = mkdtempSync(join(tmpdir(), "mcast-grade-"));
  workFolders.add(work);
  let result: RunResult | null = null;
  let judge: Judge | null = null;
  let retried = false;
  try {
    // Each pass that times out leaves one more answer as the stub; at most
    // one pass per exercise, plus the last, plus one more try of a kernel that never answered.
    for (let pass = 0; pass <= course.exercises.length + 1; pass++) {
      const copy = copyCourse(join(work, `course-${pass}`));
      const graded = withAnswers(course.nb, answers);
      const path = join(copy.notebooks, `${course.name}.ipynb`);
      writeNotebook(path, graded);
      judge = new Judge(join(work, `grader-${pass}.sock`), { seed, lab: shared.labFor, exclusive: shared.exclusive, lang: course.lang });
      await judge.listen();
      try {
        result = await runNotebook(path, {
          cwd: copy.notebooks,
          cellTimeoutSec: options.cellTimeoutSec ?? 60,
          totalTimeoutSec: options.totalTimeoutSec ?? 600,
          env: { MCAST_GRADER: judge.path },
          isolate: true,
          onCell: (cell) => options.onProgress?.(`${basename(file)}: cell ${cell.index + 1}/${graded.cells.length} ${cell.status}`),
        });
      } finally {
        await judge.close();
      }
      judge.flags.forEach(flag);
      for (const c of result.cells) {
        if (!c.truncated) continue;
        const ex = exerciseAt(course.exercises, c.index);
        flag(`cell ${c.index + 1}${ex ? ` (${ex.id})` : ""} printed ${c.truncated.toLocaleString("en-US")} characters: cut`);
      }
      if (result.leftover.length) flag(`processes outlived the kernel and were stopped: ${result.leftover.slice(0, 3).join("; ")}${result.leftover.length > 3 ? "; ..." : ""}`);
      const written = changesIn(copy, [`${course.name}.ipynb`]);
      if (written.length) flag(`wrote into the course folder (its private copy; the course is untouched): ${written.slice(0, 5).join(", ")}${written.length > 5 ? ", ..." : ""}`);
      if (result.end === "complete") break;
      const stuck = result.cells[result.cells.length - 1];
      const ex = stuck && exerciseAt(course.exercises, stuck.index);
      if (!ex || !answers.has(ex.id)) {
        // Not an answer's doing: no cell ran (the kernel never answered), or
        // the run stopped in a lecture cell. Once more when nothing ran at all
        // (a kernel slow to start on a busy machine); then the row says so, so
        // that no one takes the zeros for the student's.
        if (result.cells.length === 0 && !retried) {
          retried = true;
          continue;
        }
        const said = result.stderr.trim().split("\n").pop()?.slice(0, 160);
        flag(`the run ended early (${result.end}) after ${result.cells.length} of ${graded.cells.filter((c) => c.cell_type === "code").length} code cells, not in an answer${said ? ` (${said})` : ""}: what did not run scored 0; grade it again`);
        break;
      }
      answers.delete(ex.id);
      notes.set(ex.id, `${stuck.status === "timeout" ? "timed out" : "killed the kernel"}: graded as not answered`);
      flags.push(`${ex.id}: the kernel was ${stuck.status === "timeout" ? "stopped at the time limit" : "lost"} and the notebook run again without this answer`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    workFolders.delete(work);
  }
  const ran = new Map(result!.cells.map((c) => [c.index, c]));
  const exercises = course.exercises.map((ex): ExerciseGrade => {
    const base = { id: ex.id, possible: ex.points, cases: [] as CaseVerdict[] };
    if (notes.has(ex.id)) return { ...base, earned: 0, note: notes.get(ex.id)! };
    const verdict = judge!.verdicts.get(ex.id);
    if (!verdict) {
      const run = ran.get(ex.checkIndex);
      const why = !run ? `the check cell did not run (${result!.end})` : run.status !== "ok" ? `the check cell ended with ${run.status} before it asked the grader` : "the check never reached the grader";
      return { ...base, earned: 0, note: why };
    }
    const note = verdict.problem ?? (verdict.possible !== ex.points ? `the check is worth ${verdict.possible}, the cell says ${ex.points}` : "");
    return { ...base, earned: Math.max(0, Math.min(verdict.earned, ex.points)), note, cases: verdict.cases };
  });
  return {
    submission: file,
    notebook: course.name,
    seed,
    exercises,
    earned: roundPoints(exercises.reduce((s, e) => s + e.earned, 0)),
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
  const rows = [["submission", "notebook", ...ids, "total", "possible", "seed", "flags"]];
  for (const g of grades) {
    const byId = new Map(g.exercises.map((e) => [e.id, e.earned]));
    rows.push([g.submission, g.notebook, ...ids.map((id) => String(byId.get(id) ?? "")), String(g.earned), String(g.possible), String(g.seed), g.flags.join("; ")]);
  }
  return rows.map((r) => r.map(csvField).join(",")).join("\n") + "\n";
}

function gradesText(grades: SubmissionGrade[]): string {
  const label = submissionLabels(grades.map((g) => g.submission));
  const ids = [...new Set(grades.flatMap((g) => g.exercises.map((e) => e.id)))];
  const head = ["submission", ...ids, "total"];
  const rows = grades.map((g) => {
    const byId = new Map(g.exercises.map((e) => [e.id, `${e.earned}/${e.possible}`]));
    return [label.get(g.submission)!, ...ids.map((id) => byId.get(id) ?? "-"), `${g.earned}/${g.possible}`];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const notes = grades.flatMap((g) => [
    ...g.flags.map((f) => `${label.get(g.submission)}: ${f}`),
    ...g.exercises.filter((e) => e.note).map((e) => `${label.get(g.submission)}: ${e.id}: ${e.note}`),
  ]);
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ...(notes.length ? ["", ...notes] : [])].join("\n");
}

function usage(): never {
  console.error(
    "usage: npm run grade -- [--course DIR] [--out DIR] [--jobs N] [--seed N] [--cell-timeout SEC] [--timeout SEC] SUBMISSION.ipynb...\n" +
      "  --course        the course's notebooks, whose check cells are trusted (default: notebooks/)\n" +
      "  --out           where grades.csv, grades.json and feedback/ go (default: grades/)\n" +
      "  --jobs          submissions graded at once (default: the number of cores)\n" +
      "  --seed          draw every submission's hidden cases from this number (default: a fresh seed\n" +
      "                  per submission, or the one it had in OUT/grades.json, so a regrade is the same)\n" +
      "  --cell-timeout  seconds one cell may take (default 60)\n" +
      "  --timeout       seconds one notebook may take (default 600)",
  );
  process.exit(2);
}

/** Grade files `jobs` at a time; results in the order of `files`. */
export async function gradeAll(
  files: string[],
  options: GradeOptions & { jobs: number; seedOf: (file: string) => number; onStart?: (i: number) => void; onDone?: (i: number, g: SubmissionGrade) => void },
): Promise<SubmissionGrade[]> {
  const shared = options.shared ?? new GraderResources();
  const courses = loadCourse(resolve(options.course ?? NOTEBOOKS));
  try {
    return await inPool(files, options.jobs, async (file, i) => {
      options.onStart?.(i);
      const seed = options.seedOf(file);
      let graded: SubmissionGrade;
      try {
        graded = await grade(file, seed, shared, courses, options);
      } catch (err) {
        graded = { submission: file, notebook: "?", seed, exercises: [], earned: 0, possible: 0, flags: [`not graded: ${(err as Error).message}`] };
      }
      options.onDone?.(i, graded);
      return graded;
    });
  } finally {
    if (!options.shared) await shared.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files: string[] = [];
  const options: GradeOptions = {};
  let out = "grades";
  let jobs = cpus().length;
  let baseSeed: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => args[++i] ?? usage();
    const whole = (flag: string, min: number, max: number, what: string) => {
      const text = value();
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < min || n > max) {
        console.error(`grade: ${flag} must be ${what} from ${min} to ${max}, got ${JSON.stringify(text)}`);
        process.exit(2);
      }
      return n;
    };
    if (a === "--course") options.course = value();
    else if (a === "--out") out = value();
    else if (a === "--cell-timeout") options.cellTimeoutSec = whole(a, 1, 3600, "a whole number of seconds");
    else if (a === "--timeout") options.totalTimeoutSec = whole(a, 1, 3600, "a whole number of seconds");
    else if (a === "--jobs") jobs = whole(a, 1, 64, "a whole number");
    else if (a === "--seed") baseSeed = whole(a, 0, 0xffffffff, "a whole number");
    else if (a === "--help" || a === "-h") usage();
    else if (a.startsWith("--")) {
      console.error(`grade: unknown option ${a}`);
      usage();
    } else files.push(a);
  }
  if (files.length === 0) usage();
  const previous = new Map<string, number>();
  try {
    const before = JSON.parse(readFileSync(join(out, "grades.json"), "utf8")) as SubmissionGrade[];
    const label = submissionLabels(before.map((g) => g.submission));
    for (const g of before) if (Number.isInteger(g.seed)) previous.set(label.get(g.submission)!, g.seed);
  } catch {
    /* no earlier grading */
  }
  const labels = submissionLabels(files);
  const tty = process.stderr.isTTY;
  let done = 0;
  const started = Date.now();
  const shared = new GraderResources();
  // Node ends a process whose event loop has nothing left to wait for, with
  // status 0, even while a promise is pending: never let that pass as a grading.
  let finished = false;
  process.on("beforeExit", () => {
    if (finished) return;
    console.error("grade: stopped with submissions still being graded (nothing was left to wait for): a bug in the grader");
    process.exit(1);
  });
  // One Ctrl-C (or a TERM) ends every kernel and lab: each kernel's runner is
  // in a namespace that dies with it, and the grader's own lab goes down here.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\ngrade: stopped by ${signal}\n`);
      stopRuns();
      for (const dir of workFolders) rmSync(dir, { recursive: true, force: true });
      void shared.close().finally(() => process.exit(130));
    });
  }
  const grades = await gradeAll(files, {
    ...options,
    shared,
    jobs,
    seedOf: (f) => seedFor(labels.get(f)!, baseSeed, previous),
    onProgress: (msg) => tty && process.stderr.write(`\r\x1b[K[${done}/${files.length} done] ${msg}`),
    onStart: (i) => process.stderr.write(`${tty ? "\r\x1b[K" : ""}[${i + 1}/${files.length}] ${files[i]}\n`),
    onDone: (i, g) => {
      done++;
      if (g.notebook === "?") process.stderr.write(`${tty ? "\r\x1b[K" : ""}[${i + 1}/${files.length}] ${files[i]}: ${g.flags[0]}\n`);
    },
  });
  await shared.close();
  if (tty) process.stderr.write("\r\x1b[K");
  mkdirSync(join(out, "feedback"), { recursive: true });
  writeFileSync(join(out, "grades.csv"), gradesCsv(grades));
  writeFileSync(join(out, "grades.json"), JSON.stringify(grades, null, 2) + "\n");
  const now = new Date();
  const names = new Set<string>();
  for (const g of grades) {
    if (g.notebook === "?") continue;
    let name = labels.get(g.submission)!.replace(/\.ipynb$/, "");
    while (names.has(name)) name += "_";
    names.add(name);
    mkdirSync(dirname(join(out, "feedback", name)), { recursive: true });
    writeFileSync(join(out, "feedback", `${name}.html`), feedbackHtml(g, now));
  }
  console.log(gradesText(grades));
  console.log(`\n${grades.length} graded in ${((Date.now() - started) / 1000).toFixed(1)} s (${jobs} at a time)`);
  console.log(`written: ${join(out, "grades.csv")}, ${join(out, "grades.json")}, ${join(out, "feedback")}/`);
  finished = true;
}

if (require.main === module) {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      console.error(`grade: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
