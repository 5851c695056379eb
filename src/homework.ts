// Checks for exercise cells. A check runs the student's code against cases,
// prints one line per case (with a hint when it fails) and ends with the
// line the grader reads: `exercise <id>: N/M points`.
//
// A check never throws into the kernel: tslab drops every request that
// arrives within 200 ms of an error, so a throwing check would silently skip
// the cells after it. Every case has a deadline, so a student's promise that
// never settles costs that case, not the notebook.
import { isDeepStrictEqual, inspect } from "node:util";
import { ArgumentError } from "./errors";

export interface Case {
  /** What is checked, as the student would call it: `inCidr("224.0.0.0/4", "224.1.1.5")`. */
  name: string;
  /** Calls the student's code; may return a promise. */
  run: () => unknown;
  /** The right answer, compared with deep equality... */
  expect?: unknown;
  /** ...or a test of the answer: true if right, else a string saying what is wrong. */
  test?: (actual: unknown) => true | string;
  /** Shown when the case fails. */
  hint?: string;
  /** Default 1. */
  points?: number;
  /** Default 5000 ms; cases that use the network need more. */
  timeoutMs?: number;
}

export interface CaseResult {
  name: string;
  ok: boolean;
  points: number;
  earned: number;
  detail: string;
}

export interface Score {
  id: string;
  earned: number;
  possible: number;
  cases: CaseResult[];
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The score line the grader reads. */
export function scoreLine(score: Pick<Score, "id" | "earned" | "possible">): string {
  return `exercise ${score.id}: ${score.earned}/${score.possible} points`;
}

/** The grader's reading of a score line; null if the text has none for this id. */
export function parseScoreLine(text: string, id: string): { earned: number; possible: number } | null {
  let found: { earned: number; possible: number } | null = null;
  for (const line of text.split("\n")) {
    const m = /^exercise (\S+): (\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?) points$/.exec(line.trim());
    if (m && m[1] === id) found = { earned: Number(m[2]), possible: Number(m[3]) };
  }
  return found;
}

/** Run the cases without printing. Rejects only for a malformed check (a course bug). */
export async function runChecks(id: string, cases: Case[]): Promise<Score> {
  if (typeof id !== "string" || !ID.test(id)) throw new ArgumentError("id", id, "an exercise id of letters, digits, - and _");
  if (!Array.isArray(cases) || cases.length === 0) throw new ArgumentError("cases", cases, "a non-empty array of cases");
  const results: CaseResult[] = [];
  for (const [i, c] of cases.entries()) {
    if (!c || typeof c.name !== "string" || typeof c.run !== "function" || (!("expect" in c) && typeof c.test !== "function")) {
      throw new ArgumentError(`cases[${i}]`, c, "{ name, run, and expect or test }");
    }
    results.push(await runCase(c));
  }
  return {
    id,
    earned: results.reduce((sum, r) => sum + r.earned, 0),
    possible: results.reduce((sum, r) => sum + r.points, 0),
    cases: results,
  };
}

/** Run the cases and print the verdicts and the score line. Never throws. */
export async function check(id: string, cases: Case[]): Promise<void> {
  let score: Score;
  try {
    score = await runChecks(id, cases);
  } catch (err) {
    // A broken check is the course's fault; say so, and score nothing.
    console.log(`the check itself failed (tell your instructor): ${errorText(err)}`);
    console.log(scoreLine({ id: String(id), earned: 0, possible: 0 }));
    return;
  }
  for (const r of score.cases) console.log(`${r.ok ? "✔" : "✘"} ${r.name}${r.ok ? "" : `: ${r.detail}`}`);
  const failed = score.cases.filter((r) => !r.ok).length;
  console.log(failed === 0 ? "all checks pass" : `not yet: ${failed} of ${score.cases.length} checks fail`);
  console.log(scoreLine(score));
}

async function runCase(c: Case): Promise<CaseResult> {
  const points = c.points ?? 1;
  const fail = (detail: string): CaseResult => ({ name: c.name, ok: false, points, earned: 0, detail: detail + (c.hint ? `. Hint: ${c.hint}` : "") });
  const timeoutMs = c.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  let actual: unknown;
  try {
    actual = await Promise.race([
      Promise.resolve().then(() => c.run()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CaseTimeout(timeoutMs)), timeoutMs);
      }),
    ]);
  } catch (err) {
    if (err instanceof CaseTimeout) return fail(`no answer within ${timeoutMs} ms`);
    return fail(`threw ${errorText(err)}`);
  } finally {
    clearTimeout(timer);
  }
  try {
    if (c.test) {
      const verdict = c.test(actual);
      if (verdict === true) return { name: c.name, ok: true, points, earned: points, detail: "" };
      return fail(typeof verdict === "string" ? verdict : `got ${show(actual)}`);
    }
    if (isDeepStrictEqual(actual, c.expect)) return { name: c.name, ok: true, points, earned: points, detail: "" };
    return fail(`expected ${show(c.expect)}, got ${show(actual)}`);
  } catch (err) {
    return fail(`could not be checked: ${errorText(err)}`);
  }
}

class CaseTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function show(value: unknown): string {
  return inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 10, maxStringLength: 120 });
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return show(err);
}
