// `npm run release [-- --out DIR] [NOTEBOOK.ipynb...]`: write the student
// versions of the notebooks: outputs and execution counts cleared, exercise
// metadata checked, and no answer cell that still holds a solution. Without
// --out the notebooks are cleaned in place, which is what notebooks/ holds.
//
// `npm run release -- --nbgrader DIR`: write an nbgrader course instead:
// DIR/source/<notebook>/<notebook>.ipynb with each answer cell holding its
// solution between BEGIN SOLUTION and END SOLUTION (from test/solutions/),
// each check cell its hidden cases between BEGIN HIDDEN TESTS and END HIDDEN
// TESTS, and DIR/nbgrader_config.py with the TypeScript code stub. nbgrader's
// generate_assignment then makes exactly the notebooks in notebooks/.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { BEGIN_HIDDEN, BEGIN_SOLUTION, clearSolution, CODE_STUB, END_HIDDEN, END_SOLUTION, exercisesOf, hiddenTestLines, readSolutions, STUB_MARK } from "./exercises";
import { seedFrom } from "../src/util/random";
import { courseNotebooks, NOTEBOOKS, ROOT } from "./jupyter";
import { linkCourse } from "./course-link";
import { cellSource, Notebook, readNotebook, sourceLines, writeNotebook } from "./notebook";

/** The student version of a notebook; throws if an answer is not the stub. */
export function studentVersion(nb: Notebook, name: string): Notebook {
  const out: Notebook = JSON.parse(JSON.stringify(nb));
  for (const ex of exercisesOf(out, name)) {
    if (!cellSource(out.cells[ex.answerIndex]).includes(STUB_MARK)) {
      throw new Error(`${name}: answer cell ${ex.id} holds no "${STUB_MARK}" stub; is a solution still in it?`);
    }
  }
  for (const cell of out.cells) {
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    // Front ends record run times and scroll state; students need none of it.
    for (const key of ["execution", "collapsed", "scrolled", "ExecuteTime"]) delete cell.metadata[key];
  }
  delete out.metadata.widgets;
  return out;
}

/** The seed of an exercise's hidden cases in the nbgrader source: fixed, so nbgrader's regrades agree. */
export function nbgraderSeed(id: string): number {
  return seedFrom(`nbgrader:${id}`);
}

/**
 * The nbgrader source of a student notebook: solutions in, hidden cases in.
 * Throws unless clearing it again gives the student notebook back.
 */
export function nbgraderSource(student: Notebook, name: string, solutions: Map<string, string>): Notebook {
  const out: Notebook = JSON.parse(JSON.stringify(student));
  for (const ex of exercisesOf(out, name)) {
    const solution = solutions.get(ex.id);
    if (solution === undefined) throw new Error(`${name}: no solution for ${ex.id} in test/solutions/`);
    const shipped = cellSource(out.cells[ex.answerIndex]).replace(/\n$/, "");
    const cleared = clearSolution(solution.replace(/\n$/, ""));
    if (!solution.includes(BEGIN_SOLUTION) || cleared !== shipped) {
      throw new Error(`${name}: the solution of ${ex.id}, with its BEGIN/END SOLUTION region cleared, is not the shipped answer cell`);
    }
    out.cells[ex.answerIndex].source = sourceLines(solution);
    const check = out.cells[ex.checkIndex];
    check.source = sourceLines(hiddenTestLines(ex.id, nbgraderSeed(ex.id)) + cellSource(check));
  }
  return out;
}

export function nbgraderConfig(root: string): string {
  return `# nbgrader configuration for the mcast-lab course (written by \`npm run release -- --nbgrader\`).
# The notebooks are TypeScript (kernel "tslab": register the course's kernel with
# \`npm run kernel -- --user\` in the course folder first).
c = get_config()
c.CourseDirectory.root = ${JSON.stringify(root)}
c.ClearSolutions.code_stub = {"typescript": ${JSON.stringify(CODE_STUB)}}
c.ClearSolutions.begin_solution_delimeter = ${JSON.stringify(BEGIN_SOLUTION)}
c.ClearSolutions.end_solution_delimeter = ${JSON.stringify(END_SOLUTION)}
c.ClearHiddenTests.begin_test_delimeter = ${JSON.stringify(BEGIN_HIDDEN)}
c.ClearHiddenTests.end_test_delimeter = ${JSON.stringify(END_HIDDEN)}
# The lab notebooks build a virtual lab and run experiments: give cells time.
c.ExecutePreprocessor.timeout = 180
`;
}

function writeNbgraderCourse(dir: string, files: string[]): void {
  const root = resolve(dir);
  mkdirSync(join(root, "source"), { recursive: true });
  for (const file of files) {
    const name = basename(file, ".ipynb");
    const student = studentVersion(readNotebook(file), basename(file));
    if (exercisesOf(student, name).length === 0) continue;
    const solutions = readSolutions(join(ROOT, "test", "solutions", `${name}.txt`));
    const assignment = join(root, "source", name);
    mkdirSync(assignment, { recursive: true });
    writeNotebook(join(assignment, `${name}.ipynb`), nbgraderSource(student, name, solutions));
    // The notebooks import the course as the package mcast-lab.
    linkCourse(assignment);
    console.log(`release: ${join(assignment, `${name}.ipynb`)}`);
  }
  writeFileSync(join(root, "nbgrader_config.py"), nbgraderConfig(root));
  console.log(`release: ${join(root, "nbgrader_config.py")}`);
}

function main(): void {
  const args = process.argv.slice(2);
  let outDir: string | null = null;
  let nbgraderDir: string | null = null;
  const files: string[] = [];
  const usage = "usage: npm run release [-- --out DIR | --nbgrader DIR] [NOTEBOOK.ipynb...]";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--out") outDir = args[++i] ?? null;
    else if (args[i] === "--nbgrader") nbgraderDir = args[++i] ?? null;
    else if (args[i].startsWith("--")) {
      console.error(`release: unknown option ${args[i]}\n${usage}`);
      process.exit(2);
    } else files.push(args[i]);
  }
  if ((args.includes("--out") && !outDir) || (args.includes("--nbgrader") && !nbgraderDir)) {
    console.error(`release: a folder must follow --out or --nbgrader\n${usage}`);
    process.exit(2);
  }
  if (files.length === 0) files.push(...courseNotebooks().map((f) => join(NOTEBOOKS, f)));
  try {
    if (nbgraderDir) return writeNbgraderCourse(nbgraderDir, files);
  } catch (err) {
    console.error(`release: ${(err as Error).message}`);
    process.exit(1);
  }
  if (outDir) mkdirSync(outDir, { recursive: true });
  let failed = false;
  for (const file of files) {
    try {
      const student = studentVersion(readNotebook(file), basename(file));
      const target = outDir ? join(outDir, basename(file)) : file;
      writeNotebook(target, student);
      console.log(`release: ${target}`);
    } catch (err) {
      console.error(`release: ${(err as Error).message}`);
      failed = true;
    }
  }
  // The pages notebook 0 links to go with the notebooks.
  if (outDir) {
    linkCourse(outDir);
    for (const page of COURSE_PAGES) {
      copyFileSync(join(NOTEBOOKS, page), join(outDir, page));
      console.log(`release: ${join(outDir, page)}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

/** The course's pages beside the notebooks (linked from notebook 0). */
export const COURSE_PAGES = ["cheatsheet.md", "glossary.md"];

if (require.main === module) main();
