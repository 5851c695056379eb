// Notebook 5's fixFor in a lab of the test's own: the notebook's solution
// fixes every table, visible and hidden; the one route that fixes the
// lecture's own table ("224.0.0.0/4 dev eth1") is not enough once a longer
// route sends the group elsewhere, so a fixed answer earns no more than the
// visible case it was copied from.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import ts from "typescript";
import { readSolutions } from "../scripts/exercises";
import { ROOT } from "../scripts/jupyter";
import * as mc from "../src/index";
import { Answer, Call } from "../src/homework/case";
import { decodeArgs } from "../src/homework/encode";
import { evaluate } from "../src/homework/evaluate";
import { EXERCISES } from "../src/homework/exercises/index";

let lab: mc.Lab;
before(async () => {
  lab = await mc.up();
});
after(async () => {
  await lab?.down();
});

const spec = EXERCISES.get("if-fix")!;

function caller(fn: (...a: unknown[]) => unknown) {
  return async (c: Call): Promise<Answer> => {
    try {
      return { ok: true, value: fn(...decodeArgs(c.args)) };
    } catch (err) {
      return { ok: false, error: `threw ${(err as Error).message}` };
    }
  };
}

test("fixFor: the notebook's solution fixes every table, visible and hidden, over 3 seeds", async () => {
  const code = readSolutions(join(ROOT, "test", "solutions", "05-interface-exercise.txt")).get("if-fix")!;
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const solution = new Function("mc", `${js}\nreturn fixFor;`)(mc) as (...a: unknown[]) => unknown;
  for (const seed of [1, 2, 3]) {
    const v = await evaluate(spec, caller(solution), { hiddenSeed: seed, lab: async () => lab });
    assert.deepEqual(v.cases.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`), [], `seed ${seed}`);
  }
});

test("fixFor: one fixed route for every host and table fails where a longer route holds the group", async () => {
  const v = await evaluate(spec, caller(() => "224.0.0.0/4 dev eth1"), { hiddenSeed: 1, lab: async () => lab });
  assert.deepEqual(v.cases.map((c) => c.ok), [true, false, false], JSON.stringify(v.cases));
  assert.match(v.cases[1].detail, /still got nothing/);
  assert.equal(v.earned, 0.5);
});
