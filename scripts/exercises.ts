// The exercises of a notebook, read from its nbgrader metadata (schema 3),
// and the solutions kept outside the student notebooks.
//
// An exercise is an answer cell (solution: true) with grade_id ID and a
// locked check cell (grade: true) with grade_id ID-check, worth the cell's
// points, that runs `mc.check("ID", ...)` (the cases are in src/homework/).
import { readFileSync } from "node:fs";
import { Cell, cellSource, NbgraderMeta, Notebook, sourceLines } from "./notebook";

export const STUB_MARK = "// YOUR CODE HERE";

export interface Exercise {
  id: string;
  answerIndex: number;
  checkIndex: number;
  points: number;
}

export function answerMeta(id: string): NbgraderMeta {
  return { grade: false, grade_id: id, locked: false, schema_version: 3, solution: true };
}

export function checkMeta(id: string, points: number): NbgraderMeta {
  return { grade: true, grade_id: `${id}-check`, locked: true, points, schema_version: 3, solution: false };
}

export function isAnswer(cell: Cell): boolean {
  return Boolean(cell.metadata.nbgrader?.solution) && !cell.metadata.nbgrader?.grade;
}

export function isCheck(cell: Cell): boolean {
  return Boolean(cell.metadata.nbgrader?.grade);
}

/** The exercises of a course notebook; throws if its metadata does not pair up. */
export function exercisesOf(nb: Notebook, name = "notebook"): Exercise[] {
  const answers = new Map<string, number>();
  const checks = new Map<string, number>();
  for (const [i, cell] of nb.cells.entries()) {
    const id = cell.metadata.nbgrader?.grade_id;
    if (!id) continue;
    const into = isCheck(cell) ? checks : isAnswer(cell) ? answers : null;
    if (!into) continue;
    if (into.has(id)) throw new Error(`${name}: grade_id ${id} is used twice`);
    into.set(id, i);
  }
  const exercises: Exercise[] = [];
  for (const [id, answerIndex] of answers) {
    const checkIndex = checks.get(`${id}-check`);
    if (checkIndex === undefined) throw new Error(`${name}: answer ${id} has no check cell ${id}-check`);
    if (checkIndex < answerIndex) throw new Error(`${name}: the check ${id}-check comes before its answer`);
    const points = nb.cells[checkIndex].metadata.nbgrader?.points;
    if (typeof points !== "number" || points <= 0) throw new Error(`${name}: ${id}-check has no points`);
    exercises.push({ id, answerIndex, checkIndex, points });
    checks.delete(`${id}-check`);
  }
  if (checks.size) throw new Error(`${name}: check cells without an answer: ${[...checks.keys()].join(", ")}`);
  return exercises;
}

/** Solutions file: `//// solution ID` lines, each followed by the answer's code. */
export function readSolutions(path: string): Map<string, string> {
  const solutions = new Map<string, string>();
  let id: string | null = null;
  let body: string[] = [];
  const flush = () => {
    if (id !== null) solutions.set(id, body.join("\n").trim() + "\n");
  };
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^\/\/\/\/ solution (\S+)\s*$/.exec(line);
    if (m) {
      flush();
      if (solutions.has(m[1])) throw new Error(`${path}: solution ${m[1]} given twice`);
      id = m[1];
      body = [];
    } else if (id !== null) {
      body.push(line);
    }
  }
  flush();
  return solutions;
}

/** A copy of the notebook with the given answer cells' code replaced. */
export function withAnswers(nb: Notebook, answers: Map<string, string>): Notebook {
  const copy: Notebook = JSON.parse(JSON.stringify(nb));
  for (const cell of copy.cells) {
    const id = cell.metadata.nbgrader?.grade_id;
    if (id && isAnswer(cell) && answers.has(id)) cell.source = sourceLines(answers.get(id)!);
  }
  return copy;
}

/** The code of each answer cell, by grade_id. */
export function answersOf(nb: Notebook): Map<string, string> {
  const out = new Map<string, string>();
  for (const cell of nb.cells) {
    const id = cell.metadata.nbgrader?.grade_id;
    if (id && isAnswer(cell) && !out.has(id)) out.set(id, cellSource(cell));
  }
  return out;
}

// nbgrader's markers, as a source notebook for nbgrader holds them.
export const BEGIN_SOLUTION = "BEGIN SOLUTION";
export const END_SOLUTION = "END SOLUTION";
export const BEGIN_HIDDEN = "BEGIN HIDDEN TESTS";
export const END_HIDDEN = "END HIDDEN TESTS";
/** What replaces a solution in the student's cell: the code stub nbgrader_config.py gives for TypeScript. */
export const CODE_STUB = `${STUB_MARK}\nthrow new Error("not answered yet");`;

/**
 * nbgrader's ClearSolutions on one cell's code: each region from a line with
 * BEGIN SOLUTION to one with END SOLUTION becomes the stub, indented as the
 * BEGIN line. (The same rule as nbgrader 0.9's, so that what we ship is what
 * generate_assignment makes.)
 */
export function clearSolution(code: string): string {
  const out: string[] = [];
  let inside = false;
  for (const line of code.split("\n")) {
    if (line.includes(BEGIN_SOLUTION)) {
      if (inside) throw new Error("a BEGIN SOLUTION inside another");
      inside = true;
      const indent = /^\s*/.exec(line)![0];
      for (const stub of CODE_STUB.split("\n")) out.push(indent + stub);
    } else if (line.includes(END_SOLUTION)) inside = false;
    else if (!inside) out.push(line);
  }
  if (inside) throw new Error("a BEGIN SOLUTION with no END SOLUTION");
  return out.join("\n");
}

/** The hidden-case lines of a check cell in an nbgrader source notebook (removed by nbgrader's ClearHiddenTests). */
export function hiddenTestLines(id: string, seed: number): string {
  return `// ${BEGIN_HIDDEN}\nmc.hiddenCases(${JSON.stringify(id)}, ${seed});\n// ${END_HIDDEN}\n`;
}
