// Every notebook, executed headless through the real tslab kernel, the way a
// student runs it top to bottom.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { NOTEBOOKS } from "../scripts/jupyter";
import { cellSource, readNotebook, runNotebook } from "../scripts/notebook";
import { runProblems } from "../scripts/notebook-check";

const notebooks = readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb")).sort();

test("the course has its notebooks, starting with 00-start-here", () => {
  assert.ok(notebooks.includes("00-start-here.ipynb"), `notebooks/ holds ${notebooks.join(", ")}`);
});

for (const name of notebooks) {
  const path = join(NOTEBOOKS, name);

  test(`${name} is committed clean: no outputs, the TypeScript (tslab) kernel`, () => {
    const nb = readNotebook(path);
    assert.equal(nb.metadata.kernelspec?.name, "tslab", `${name}: kernelspec must be tslab`);
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      assert.deepEqual(cell.outputs ?? [], [], `${name} cell ${i + 1} carries outputs: clear them`);
      assert.equal(cell.execution_count ?? null, null, `${name} cell ${i + 1} carries an execution count`);
    }
  });

  test(`${name} runs top to bottom in a fresh kernel with no error`, async () => {
    const nb = readNotebook(path);
    const result = await runNotebook(path, { cellTimeoutSec: 90, totalTimeoutSec: 420 });
    const problems = runProblems(nb, result);
    assert.deepEqual(problems, [], `${name}:\n  ${problems.join("\n  ")}\n${result.stderr}`);
    const code = nb.cells.filter((c) => c.cell_type === "code" && cellSource(c).trim() !== "").length;
    assert.equal(result.cells.length, code, `${name}: every code cell ran`);
  });
}
