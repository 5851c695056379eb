// Every notebook, executed headless through the real tslab kernel, the way a
// student runs it top to bottom. Notebooks with exercises run twice: as
// shipped (every check says "not yet") and with the solutions from
// test/solutions/ put in (every check gives full points), so a check that
// cannot fail, or cannot pass, is caught.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseScoreLine } from "../src/homework";
import { Exercise, exercisesOf, readSolutions, STUB_MARK, withAnswers } from "../scripts/exercises";
import { NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { cellSource, Notebook, outputText, readNotebook, RunResult, runNotebook, writeNotebook } from "../scripts/notebook";
import { runProblems } from "../scripts/notebook-check";

const notebooks = readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb")).sort();
const work = mkdtempSync(join(tmpdir(), "mcast-solved-"));
after(() => rmSync(work, { recursive: true, force: true }));

const RUN = { cellTimeoutSec: 90, totalTimeoutSec: 420 };

function scores(exercises: Exercise[], result: RunResult) {
  const ran = new Map(result.cells.map((c) => [c.index, c]));
  return exercises.map((ex) => {
    const text = outputText(ran.get(ex.checkIndex)?.outputs ?? []);
    return { ex, text, score: parseScoreLine(text, ex.id) };
  });
}

async function runClean(name: string, path: string, nb: Notebook): Promise<RunResult> {
  const result = await runNotebook(path, { ...RUN, cwd: NOTEBOOKS });
  const problems = runProblems(nb, result);
  assert.deepEqual(problems, [], `${name}:\n  ${problems.join("\n  ")}\n${result.stderr}`);
  const code = nb.cells.filter((c) => c.cell_type === "code" && cellSource(c).trim() !== "").length;
  assert.equal(result.cells.length, code, `${name}: every code cell ran`);
  return result;
}

test("the course has its notebooks, starting with 00-start-here", () => {
  assert.ok(notebooks.includes("00-start-here.ipynb"), `notebooks/ holds ${notebooks.join(", ")}`);
});

for (const name of notebooks) {
  const path = join(NOTEBOOKS, name);
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
  });

  test(`${name} runs top to bottom in a fresh kernel with no error${exercises.length ? ", every check saying not yet" : ""}`, async () => {
    const result = await runClean(name, path, nb);
    for (const { ex, text, score } of scores(exercises, result)) {
      assert.ok(score, `${name}: check ${ex.id} printed no score line:\n${text}`);
      assert.equal(score.possible, ex.points, `${name}: ${ex.id} checks ${score.possible} points, the cell says ${ex.points}`);
      assert.ok(score.earned < score.possible && /not yet/.test(text), `${name}: the stub of ${ex.id} passes its check:\n${text}`);
    }
  });

  if (exercises.length === 0) continue;

  test(`${name} with the solutions put in: every check gives full points`, async () => {
    assert.ok(existsSync(solutionsFile), `${solutionsFile} is missing`);
    const solutions = readSolutions(solutionsFile);
    assert.deepEqual([...solutions.keys()].sort(), exercises.map((e) => e.id).sort(), `${name}: one solution per exercise`);
    const solved = withAnswers(nb, solutions);
    const solvedPath = join(work, name);
    writeNotebook(solvedPath, solved);
    const result = await runClean(name, solvedPath, solved);
    for (const { ex, text, score } of scores(exercises, result)) {
      assert.deepEqual(score, { earned: ex.points, possible: ex.points }, `${name}: the solution of ${ex.id} fails its check:\n${text}`);
    }
  });
}
