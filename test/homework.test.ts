// The homework's parts on their own: the locks on the module's answers, how
// cases are scored (visible and hidden shares, hidden cases that give nothing
// away), the hidden cases of every exercise against the notebook's own
// solutions over many seeds, the grader's end of the check channel, and the
// nbgrader source that `npm run release -- --nbgrader` writes.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import ts from "typescript";
import { clearSolution, exercisesOf, readSolutions } from "../scripts/exercises";
import { NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { cellSource, readNotebook } from "../scripts/notebook";
import { nbgraderConfig, nbgraderSeed, nbgraderSource } from "../scripts/release";
import * as mc from "../src/index";
import { Answer, Call, ExerciseSpec } from "../src/homework/case";
import { readLines, writeLine } from "../src/homework/channel";
import { decodeArgs } from "../src/homework/encode";
import { evaluate } from "../src/homework/evaluate";
import { EXERCISES } from "../src/homework/exercises/index";
import { Judge } from "../src/homework/judge";
import { ExerciseLocked, whileLocked } from "../src/homework/lock";
import { seededRandom } from "../src/util/random";

const work = mkdtempSync(join(tmpdir(), "mcast-homework-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** The functions an answer cell's code defines, compiled as tslab would run them (mc and require in scope). */
function answerFunctions(code: string): Record<string, (...a: unknown[]) => unknown> {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const names = [...code.matchAll(/^(?:async )?function (\w+)/gm)].map((m) => m[1]);
  const body = `${js}\nreturn { ${names.map((n) => `${n}: ${n}`).join(", ")} };`;
  return new Function("mc", "require", "exports", body)(mc, require, {});
}

function localCaller(spec: ExerciseSpec, fns: Record<string, (...a: unknown[]) => unknown>) {
  return async (c: Call, timeoutMs: number): Promise<Answer> => {
    try {
      const v = await whileLocked(spec.id, spec.locks, timeoutMs, () => fns[c.fn](...decodeArgs(c.args)));
      return { ok: true, value: JSON.parse(JSON.stringify(v ?? null)) };
    } catch (err) {
      return { ok: false, error: `threw ${(err as Error).message}` };
    }
  };
}

test("a locked function says to write it yourself while its exercise is checked, and works again after", async () => {
  assert.equal(mc.contains("224.0.0.0/4", "224.1.1.5"), true);
  await assert.rejects(
    whileLocked("addr-incidr", ["contains"], 1000, async () => mc.contains("224.0.0.0/4", "224.1.1.5")),
    (err: Error) => err instanceof ExerciseLocked && /mc\.contains is the course's own answer to exercise addr-incidr: write this one yourself/.test(err.message),
  );
  assert.equal(mc.contains("224.0.0.0/4", "224.1.1.5"), true);
  // An answer that never settles holds the lock only until its time is up.
  void whileLocked("addr-mac", ["groupToMac"], 100, () => new Promise(() => {}));
  assert.throws(() => mc.groupToMac("224.1.1.5"), ExerciseLocked);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(mc.groupToMac("224.1.1.5"), "01:00:5e:01:01:05");
});

test("visible cases are worth half the points and hidden ones the other half; a hidden failure names no input", async () => {
  const spec = EXERCISES.get("addr-incidr")!;
  // Right on the visible cases only: a table of their answers.
  const table = new Map<string, boolean>();
  for (const c of spec.visible()) for (const call of c.calls) table.set(JSON.stringify(call.args), mc.contains(call.args[0] as string, call.args[1] as string));
  const v = await evaluate(spec, async (c) => ({ ok: true, value: table.get(JSON.stringify(c.args)) ?? false }), { hiddenSeed: 5, lab: async () => assert.fail("no lab") });
  assert.equal(v.earned, 1.5);
  assert.equal(v.possible, 3);
  for (const c of v.cases.filter((x) => x.hidden)) {
    assert.equal(c.ok, false);
    assert.match(c.name, /^hidden case \d$/);
    assert.doesNotMatch(c.detail, /\d+\.\d+\.\d+\.\d+/);
  }
  // Without hidden cases (a notebook on its own) the visible share is scaled to all the points.
  const alone = await evaluate(spec, async (c) => ({ ok: true, value: table.get(JSON.stringify(c.args)) ?? false }), { lab: async () => assert.fail("no lab") });
  assert.deepEqual([alone.earned, alone.hiddenRan], [3, false]);
});

test("an answer that never comes fails its case at the case's deadline", async () => {
  const spec = EXERCISES.get("addr-mac")!;
  const started = Date.now();
  const v = await evaluate({ ...spec, visible: () => spec.visible().slice(0, 1).map((c) => ({ ...c, timeoutMs: 200 })), hidden: () => [] }, () => new Promise(() => {}), { lab: async () => assert.fail() });
  assert.ok(Date.now() - started < 2000);
  assert.match(v.cases[0].detail, /no answer within 200 ms/);
  assert.equal(v.earned, 0);
});

// The exercises whose cases need no lab and no loopback: checked here over many seeds.
const PURE = ["addr-incidr", "addr-mac", "addr-collide", "sr-mreq", "lab-joins", "if-where"];

for (const id of PURE) {
  test(`${id}: the notebook's solution passes every hidden case over 25 seeds, and the stub none`, async () => {
    const spec = EXERCISES.get(id)!;
    const solutions = readSolutions(join(ROOT, "test", "solutions", `${spec.notebook}.txt`));
    const right = answerFunctions(solutions.get(id)!);
    const stubCode = cellSource(readNotebook(join(NOTEBOOKS, `${spec.notebook}.ipynb`)).cells.find((c) => c.metadata.nbgrader?.grade_id === id)!);
    const stub = answerFunctions(stubCode);
    for (let seed = 1; seed <= 25; seed++) {
      const v = await evaluate(spec, localCaller(spec, right), { hiddenSeed: seed, lab: async () => assert.fail() });
      assert.deepEqual(v.cases.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`), [], `seed ${seed}`);
      assert.equal(v.earned, spec.points);
    }
    const none = await evaluate(spec, localCaller(spec, stub), { hiddenSeed: 1, lab: async () => assert.fail() });
    assert.equal(none.earned, 0);
  });
}

test("if-rule's hidden route tables: the notebook's solution agrees with the reference over 25 seeds", async () => {
  const spec = EXERCISES.get("if-rule")!;
  const right = answerFunctions(readSolutions(join(ROOT, "test", "solutions", "05-interface-exercise.txt")).get("if-rule")!);
  for (let seed = 1; seed <= 25; seed++) {
    const v = await evaluate({ ...spec, visible: () => [] }, localCaller(spec, right), { hiddenSeed: seed, lab: async () => assert.fail() });
    assert.deepEqual(v.cases.filter((c) => !c.ok).map((c) => c.detail), [], `seed ${seed}`);
  }
});

test("the same seed draws the same hidden cases, another seed others", () => {
  for (const spec of EXERCISES.values()) {
    const draw = (seed: number) => JSON.stringify(spec.hidden(seededRandom(seed)).map((c) => c.calls));
    assert.equal(draw(42), draw(42), spec.id);
    assert.notEqual(draw(42), draw(43), spec.id);
  }
});

test("every notebook's check cells name their exercise's functions, and its points are the cell's", () => {
  for (const spec of EXERCISES.values()) {
    const nb = readNotebook(join(NOTEBOOKS, `${spec.notebook}.ipynb`));
    const ex = exercisesOf(nb).find((e) => e.id === spec.id);
    assert.ok(ex, `${spec.notebook} has no exercise ${spec.id}`);
    assert.equal(ex.points, spec.points, spec.id);
    const fns = spec.functions.map((f) => `${f}: ${f}`).join(", ");
    assert.equal(cellSource(nb.cells[ex.checkIndex]).trim(), `await mc.check(${JSON.stringify(spec.id)}, { ${fns} });`);
  }
});

test("the grader's end of the channel: the kernel's connection is the only one, and it decides from the answers", async () => {
  const path = join(work, "judge.sock");
  const judge = new Judge(path, { seed: 1, lab: async () => assert.fail("no lab"), exclusive: (fn) => fn() });
  await judge.listen();
  const kernel = createConnection({ path });
  await new Promise((r) => kernel.once("connect", r));
  const lines: { type: string; n?: number; args?: unknown[]; earned?: number }[] = [];
  let verdict: (v: number) => void;
  const gotVerdict = new Promise<number>((r) => (verdict = r));
  readLines(kernel, (m) => {
    const msg = m as { type: string; n: number; args: unknown[]; earned: number };
    lines.push(msg);
    // Answer every call as a correct inCidr would, and print "3 points" nowhere: only the verdict counts.
    if (msg.type === "call") writeLine(kernel, { type: "answer", n: msg.n, ok: true, value: mc.contains(msg.args[0] as string, msg.args[1] as string) });
    if (msg.type === "verdict") verdict(msg.earned);
  }, () => undefined);
  writeLine(kernel, { type: "hello", pid: 1 });
  // A second connection (an answer's own) is refused and flagged.
  const intruder = createConnection({ path });
  const refused = await new Promise<string>((resolve) => readLines(intruder, (m) => resolve((m as { type: string }).type), () => resolve("bad")));
  assert.equal(refused, "refused");
  writeLine(kernel, { type: "check", id: "addr-incidr", functions: ["inCidr"] });
  assert.equal(await gotVerdict, 3);
  assert.equal(judge.verdicts.get("addr-incidr")!.earned, 3);
  writeLine(kernel, { type: "check", id: "no-such", functions: [] });
  await new Promise((r) => setTimeout(r, 100));
  kernel.destroy();
  intruder.destroy();
  await judge.close();
  assert.ok(judge.flags.some((f) => /an answer opened a connection of its own/.test(f)));
  assert.ok(judge.flags.some((f) => /"no-such", which the course does not have/.test(f)));
});

test("the nbgrader source holds the solutions and hidden cases, and nbgrader's clearing gives the shipped notebook back", () => {
  for (const spec of new Set([...EXERCISES.values()].map((e) => e.notebook))) {
    const shipped = readNotebook(join(NOTEBOOKS, `${spec}.ipynb`));
    const source = nbgraderSource(shipped, spec, readSolutions(join(ROOT, "test", "solutions", `${spec}.txt`)));
    for (const [i, cell] of source.cells.entries()) {
      const text = cellSource(cell);
      // ClearSolutions, then ClearHiddenTests (whole lines from BEGIN to END).
      const cleared = clearSolution(text).replace(/^.*BEGIN HIDDEN TESTS[\s\S]*?END HIDDEN TESTS.*\n/m, "");
      assert.equal(cleared.trimEnd(), cellSource(shipped.cells[i]).trimEnd(), `${spec} cell ${i}`);
    }
    for (const ex of exercisesOf(source)) {
      assert.match(cellSource(source.cells[ex.answerIndex]), /\/\/ BEGIN SOLUTION[\s\S]+\/\/ END SOLUTION/);
      assert.match(cellSource(source.cells[ex.checkIndex]), new RegExp(`mc\\.hiddenCases\\("${ex.id}", ${nbgraderSeed(ex.id)}\\);`));
    }
  }
  const config = nbgraderConfig("/srv/course");
  assert.match(config, /c\.ClearSolutions\.code_stub = \{"typescript": "\/\/ YOUR CODE HERE\\nthrow new Error\(\\"not answered yet\\"\);"\}/);
  assert.match(readFileSync(join(ROOT, "README.md"), "utf8"), /npm run release -- --nbgrader/);
});

test("npm run kernel -- --user registers the course's kernel in the user's Jupyter", () => {
  const data = mkdtempSync(join(tmpdir(), "mcast-jupyter-data-"));
  try {
    const run = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "kernel.js"), "--user"], { encoding: "utf8", env: { ...process.env, JUPYTER_DATA_DIR: data } });
    assert.equal(run.status, 0, run.stderr);
    const spec = JSON.parse(readFileSync(join(data, "kernels", "tslab", "kernel.json"), "utf8"));
    assert.equal(spec.language, "typescript");
    assert.ok(spec.argv.some((a: string) => a.endsWith("scripts/tslab-kernel.cjs")), spec.argv.join(" "));
    const bad = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "kernel.js"), "--everyone"], { encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown argument --everyone/);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
