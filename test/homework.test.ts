import assert from "node:assert/strict";
import { test } from "node:test";
import { check, parseScoreLine, runChecks, scoreLine } from "../src/homework";

test("a check scores each case and totals the points", async () => {
  const score = await runChecks("ex-demo", [
    { name: "right", run: () => 2 + 2, expect: 4, points: 2 },
    { name: "wrong", run: () => 5, expect: 4, hint: "add, do not guess" },
    { name: "tested", run: () => [1, 2], test: (a) => (Array.isArray(a) && a.length === 2) || "two items" },
  ]);
  assert.equal(scoreLine(score), "exercise ex-demo: 3/4 points");
  assert.equal(score.cases[1].detail, "expected 4, got 5. Hint: add, do not guess");
});

test("an answer that throws or never settles fails its case, not the check", async () => {
  const started = Date.now();
  const score = await runChecks("ex-bad", [
    { name: "throws", run: () => { throw new RangeError("nope"); }, expect: 1 },
    { name: "hangs", run: () => new Promise(() => {}), expect: 1, timeoutMs: 200 },
    { name: "rejects", run: () => Promise.reject(new Error("late no")), expect: 1 },
  ]);
  assert.ok(Date.now() - started < 2000);
  assert.deepEqual(score.cases.map((c) => c.detail), ["threw RangeError: nope", "no answer within 200 ms", "threw Error: late no"]);
  assert.equal(score.earned, 0);
});

test("check() prints the verdicts and ends with the score line, and never throws", async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    await check("ex-print", [{ name: "f(1)", run: () => 1, expect: 2 }]);
    await check("bad id!", [{ name: "x", run: () => 1, expect: 1 }]);
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines.slice(0, 3), ["✘ f(1): expected 2, got 1", "not yet: 1 of 1 checks fail", "exercise ex-print: 0/1 points"]);
  assert.match(lines[3], /the check itself failed/);
});

test("the grader reads only the score line of the exercise it asked for, the last one printed", () => {
  const text = "exercise other: 5/5 points\nexercise ex-a: 1/3 points\nexercise ex-a: 2/3 points\n";
  assert.deepEqual(parseScoreLine(text, "ex-a"), { earned: 2, possible: 3 });
  assert.equal(parseScoreLine("exercise ex-a: 2/3 pts", "ex-a"), null);
  assert.equal(parseScoreLine(text, "ex-b"), null);
});
