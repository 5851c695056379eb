// Running an exercise's cases and turning the answers into a verdict. The
// same code runs in the kernel (a notebook on its own, or nbgrader) and in the
// grader's process (`npm run grade`); only the caller differs: in the kernel
// it calls the student's functions directly, in the grader it asks the
// kernel over the check channel.
import { seededRandom } from "../util/random";
import { Answer, Call, Case, CaseContext, CaseVerdict, ExerciseSpec, pointsOf, Verdict, worths } from "./case";

/** Calls one of the student's functions, with a deadline, and returns the answer as JSON data. */
export type Caller = (call: Call, timeoutMs: number) => Promise<Answer>;

export interface EvaluateOptions {
  /** Draw hidden cases from this seed; without it only the visible cases run. */
  hiddenSeed?: number;
  lab: CaseContext["lab"];
  /** Runs a case that must have the host's loopback to itself (one at a time per process). */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
}

const DEFAULT_TIMEOUT_MS = 5000;

/** Run every case of an exercise; never rejects (a case that cannot run fails). */
export async function evaluate(spec: ExerciseSpec, caller: Caller, options: EvaluateOptions): Promise<Verdict> {
  let visible: Case[];
  let hidden: Case[] = [];
  try {
    visible = spec.visible();
    if (options.hiddenSeed !== undefined) hidden = spec.hidden(seededRandom(options.hiddenSeed >>> 0));
  } catch (err) {
    return { id: spec.id, earned: 0, possible: spec.points, cases: [], hiddenRan: false, problem: `the check could not be set up: ${(err as Error).message}` };
  }
  const worth = worths(spec, visible.length, hidden.length);
  const cases: CaseVerdict[] = [];
  for (const c of visible) cases.push(await runCase(c, caller, options, false, worth.visible));
  for (const [i, c] of hidden.entries()) cases.push(await runCase({ ...c, name: `hidden case ${i + 1}` }, caller, options, true, worth.hidden));
  const hiddenRan = options.hiddenSeed !== undefined;
  return { id: spec.id, earned: pointsOf(spec, cases, hiddenRan), possible: spec.points, cases, hiddenRan };
}

async function runCase(c: Case, caller: Caller, options: EvaluateOptions, hidden: boolean, worth: number): Promise<CaseVerdict> {
  const result = c.exclusive && options.exclusive ? await options.exclusive(() => attempt(c, caller, options)) : await attempt(c, caller, options);
  const ok = result === true;
  let detail = ok ? "" : (result as string);
  if (!ok && hidden) detail = "a case you have not seen fails: check your answer on other inputs than the visible ones";
  else if (!ok && c.hint) detail += `. Hint: ${c.hint}`;
  return { name: c.name, hidden, ok, detail, worth };
}

async function attempt(c: Case, caller: Caller, options: EvaluateOptions): Promise<true | string> {
  const timeoutMs = c.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const ctx: CaseContext = { lab: options.lab, signal: controller.signal };
  const deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const answering = (async () => {
      const answers: Answer[] = [];
      for (const call of c.calls) answers.push(await caller(call, Math.max(1, deadline - Date.now())));
      return answers;
    })();
    const answered = answering.then(() => undefined, () => undefined);
    const side = c.during ? c.during(ctx, answered).catch((err: Error) => err) : Promise.resolve(undefined);
    const answers = await Promise.race([answering, outOfTime]);
    if (answers === "timeout") return `no answer within ${timeoutMs} ms`;
    const sideError = await Promise.race([side, outOfTime]);
    if (sideError === "timeout") return `the check's own work did not finish within ${timeoutMs} ms`;
    if (sideError instanceof Error) return `the check could not run: ${sideError.message}`;
    return await c.judge(answers, ctx);
  } catch (err) {
    return `the check could not run: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** A verdict as the lines a student reads: visible cases with hints, hidden ones counted, the points. */
export function verdictLines(v: Verdict): string[] {
  if (v.problem) return [`the check could not run (tell your instructor): ${v.problem}`, `points: 0 of ${v.possible}`];
  const lines: string[] = [];
  for (const c of v.cases.filter((x) => !x.hidden)) lines.push(`${c.ok ? "✔" : "✘"} ${c.name}${c.ok ? "" : `: ${c.detail}`}`);
  const hidden = v.cases.filter((x) => x.hidden);
  if (v.hiddenRan) lines.push(`hidden cases: ${hidden.filter((c) => c.ok).length} of ${hidden.length} pass`);
  else lines.push("(more cases, not shown here, count when your work is graded)");
  const failed = v.cases.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? "all checks pass" : `not yet: ${failed} of ${v.cases.length} checks fail`);
  lines.push(`points: ${v.earned} of ${v.possible}`);
  return lines;
}
