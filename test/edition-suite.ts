// The notebook tests of one edition of the course (notebooks.test.ts for the
// English notebooks, notebooks-ko.test.ts for the Korean ones): every notebook
// is committed clean, and notebooks with exercises run headless through the
// real tslab kernel, the way a student runs them top to bottom, with every
// check cell scored by nbgrader's own rule (an error or stderr is 0, a number
// as the cell's result is that many points): with the solutions from
// test/solutions/ put in (full points), and, for the English edition, with
// every answer cell broken so it does not compile (0), so a check that cannot
// pass, or that nbgrader would read otherwise, is caught. Every run also
// checks what the prose says beside a live result (each cell's mc.claim): no
// "this run differs" note may appear, in either language.
//
// The run of each notebook as shipped (every stub scores 0 and says not yet)
// is the site's build, checked in site.test.ts: once, not twice, since the
// site shows exactly that run.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { spawn, ChildProcess } from "node:child_process";

import { Exercise, exercisesOf, readSolutions, STUB_MARK, withAnswers } from "../scripts/exercises";
import { courseNotebooks, ROOT } from "../scripts/jupyter";
import { cellSource, Notebook, outputText, readNotebook, RunResult, runNotebook, sourceLines, writeNotebook } from "../scripts/notebook";
import { runProblems } from "../scripts/notebook-check";
import { nbgraderScore } from "../scripts/nbgrader-rule";
import { CLAIM_NOTES } from "../src/notebook/claim";
import { loopbackPorts } from "../scripts/loopback-ports";

export interface EditionSuite {
  /** The folder of the edition's notebooks (the kernel's working directory, as in JupyterLab). */
  dir: string;
  /**
   * Run the lab notebooks' solutions while two busy loops hold both cores, so
   * that a sentence that holds only on an idle machine is caught. The English
   * edition does; the Korean one runs the same code cells beside the same
   * claims, so once is enough.
   */
  busy: boolean;
  /** Run each notebook with its answers broken (the Korean edition's checks are the English ones, cell for cell). */
  broken: boolean;
}

/** Each exercise's check cell as nbgrader would score it in this run. */
export function scores(exercises: Exercise[], result: RunResult) {
  const ran = new Map(result.cells.map((c) => [c.index, c]));
  return exercises.map((ex) => {
    const outputs = ran.get(ex.checkIndex)?.outputs ?? [];
    // A check cell that never ran, or was aborted, shows nothing: nbgrader would give that full points.
    return { ex, text: outputText(outputs), ran: ran.has(ex.checkIndex), score: nbgraderScore(outputs, ex.points) };
  });
}

/** A run as a student's must be: no problem (runProblems), every code cell ran, and no claim beside a live result says the run differs. */
export function assertCleanRun(name: string, nb: Notebook, result: RunResult): void {
  const problems = runProblems(nb, result);
  assert.deepEqual(problems, [], `${name}:\n  ${problems.join("\n  ")}\n${result.stderr}`);
  const code = nb.cells.filter((c) => c.cell_type === "code" && cellSource(c).trim() !== "").length;
  assert.equal(result.cells.length, code, `${name}: every code cell ran`);
  const noted = (line: string) => CLAIM_NOTES.some((note) => line.includes(note));
  const differs = result.cells.filter((c) => outputText(c.outputs).split("\n").some(noted));
  assert.deepEqual(differs.map((c) => `cell ${c.index}: ${outputText(c.outputs).split("\n").find(noted)}`), [], `${name}: a live result differs from its text`);
}

export function editionSuite(suite: EditionSuite): void {
  const notebooks = courseNotebooks(suite.dir);
  const work = mkdtempSync(join(tmpdir(), "mcast-solved-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  // Each run in namespaces of its own (runNotebook isolate): its own loopback, so
  // that notebook 02 on its fixed ports can run beside another run of it.
  const RUN = { cellTimeoutSec: 90, totalTimeoutSec: 420, isolate: true };

  async function runClean(name: string, path: string, nb: Notebook): Promise<RunResult> {
    const result = await runNotebook(path, { ...RUN, cwd: suite.dir });
    assertCleanRun(name, nb, result);
    return result;
  }

  /** Two processes that spin on the CPU until stopped (and for at most 10 minutes): a busy 2-core machine. */
  function busyLoops(): ChildProcess[] {
    return [0, 1].map(() => spawn(process.execPath, ["-e", "const end = Date.now() + 600000; while (Date.now() < end) {}"], { stdio: "ignore" }));
  }

  test("the course has its notebooks, starting with 00-start-here", () => {
    assert.ok(notebooks.includes("00-start-here.ipynb"), `notebooks/ holds ${notebooks.join(", ")}`);
  });

  for (const name of notebooks) {
    const path = join(suite.dir, name);
    const nb = readNotebook(path);
    const exercises = exercisesOf(nb, name);
    const solutionsFile = join(ROOT, "test", "solutions", name.replace(/\.ipynb$/, ".txt"));

    test(`${name} is committed clean: no outputs, the TypeScript (tslab) kernel`, () => {
      assert.equal(nb.metadata.kernelspec?.name, "tslab", `${name}: kernelspec must be tslab`);
      for (const [i, cell] of nb.cells.entries()) {
        if (cell.cell_type !== "code") continue;
        assert.deepEqual(cell.outputs ?? [], [], `${name} cell ${i + 1} carries outputs: clear them`);
        assert.equal(cell.execution_count ?? null, null, `${name} cell ${i + 1} carries an execution count`);
      }
      for (const ex of exercises) {
        assert.ok(cellSource(nb.cells[ex.answerIndex]).includes(STUB_MARK), `${name}: answer ${ex.id} is marked ${STUB_MARK}`);
      }
      // Runs side by side take turns on the loopback ports a notebook lists (scripts/loopback-ports.ts): it must list every one it uses.
      const code = nb.cells.filter((c) => c.cell_type === "code").map(cellSource).join("\n");
      if (code.includes("127.0.0.1")) {
        const used = [...new Set([...code.matchAll(/\b(50\d\d\d)\b/g)].map((m) => Number(m[1])))].sort();
        assert.deepEqual(used.filter((p) => !loopbackPorts(nb).includes(p)), [], `${name} uses these loopback ports without listing them in its metadata (mcast_lab.loopback_ports)`);
        assert.ok(used.length > 0 || loopbackPorts(nb).length === 0);
      }
    });

    if (exercises.length === 0) continue;

    // The lab notebooks (and 02's loopback) run their solutions on a machine
    // whose two cores are busy: every check still gives full points, and every
    // claim beside a live result still holds (the as-shipped runs, site.test.ts, see a machine without the busy loops).
    const busy = suite.busy && /^0[2-5]-/.test(name);
    test(`${name} with the solutions put in: every check gives full points${busy ? ", and every claim holds, with both cores busy" : ""}`, async () => {
      assert.ok(existsSync(solutionsFile), `${solutionsFile} is missing`);
      const solutions = readSolutions(solutionsFile);
      assert.deepEqual([...solutions.keys()].sort(), exercises.map((e) => e.id).sort(), `${name}: one solution per exercise`);
      const solved = withAnswers(nb, solutions);
      const solvedPath = join(work, name);
      writeNotebook(solvedPath, solved);
      const loops = busy ? busyLoops() : [];
      let result: RunResult;
      try {
        result = await runClean(name, solvedPath, solved);
      } finally {
        for (const loop of loops) loop.kill("SIGKILL");
      }
      for (const { ex, text, score } of scores(exercises, result)) {
        assert.equal(score, ex.points, `${name}: the solution of ${ex.id} fails its check:\n${text}`);
      }
    });

    if (suite.broken) test(`${name} with every answer cell broken (it does not compile): nbgrader gives every check 0`, async () => {
      // The import, the answers and the checks: the lecture cells cannot make a check of a missing answer pass.
      const broken: Notebook = JSON.parse(JSON.stringify(nb));
      const keep = new Set([nb.cells.findIndex((c) => c.cell_type === "code"), ...exercises.flatMap((e) => [e.answerIndex, e.checkIndex])]);
      for (const ex of exercises) broken.cells[ex.answerIndex].source = sourceLines(cellSource(nb.cells[ex.answerIndex]) + '\nconst notCompiling: number = "a string";\n');
      broken.cells = broken.cells.filter((_, i) => keep.has(i));
      const path = join(work, `broken-${name}`);
      writeNotebook(path, broken);
      const result = await runNotebook(path, { ...RUN, cwd: suite.dir });
      const kept = exercisesOf(broken, name);
      for (const { ex, text, ran, score } of scores(kept, result)) {
        assert.ok(ran, `${name}: the check of ${ex.id} did not run`);
        assert.equal(score, 0, `${name}: nbgrader gives ${ex.id} ${score} points with an answer that does not compile:\n${text}`);
      }
    });
  }
}
