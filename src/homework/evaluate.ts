// Running an exercise's cases and turning the answers into a verdict. The
// same code runs in the kernel (a notebook on its own, or nbgrader) and in the
// grader's process (`npm run grade`); only the caller differs: in the kernel
// it calls the student's functions directly, in the grader it asks the
// kernel over the check channel.
import { say } from "../i18n/lang";
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
    return { id: spec.id, earned: 0, possible: spec.points, cases: [], hiddenRan: false, problem: say(`the check could not be set up: ${(err as Error).message}`, `검사를 준비하지 못했습니다: ${(err as Error).message}`) };
  }
  const worth = worths(spec, visible.length, hidden.length);
  const cases: CaseVerdict[] = [];
  for (const c of visible) cases.push(await runCase(c, caller, options, false, worth.visible));
  for (const [i, c] of hidden.entries()) cases.push(await runCase({ ...c, name: say(`hidden case ${i + 1}`, `숨겨진 검사 ${i + 1}`) }, caller, options, true, worth.hidden));
  const hiddenRan = options.hiddenSeed !== undefined;
  return { id: spec.id, earned: pointsOf(spec, cases, hiddenRan), possible: spec.points, cases, hiddenRan };
}

async function runCase(c: Case, caller: Caller, options: EvaluateOptions, hidden: boolean, worth: number): Promise<CaseVerdict> {
  const result = c.exclusive && options.exclusive ? await options.exclusive(() => attempt(c, caller, options)) : await attempt(c, caller, options);
  const ok = result === true;
  let detail = ok ? "" : (result as string);
  if (!ok && hidden) detail = say("a case you have not seen fails: check your answer on other inputs than the visible ones", "보이지 않는 검사 하나가 통과하지 못했습니다: 보이는 입력 말고 다른 입력에서도 답이 맞는지 확인하세요");
  else if (!ok && c.hint) detail += say(`. Hint: ${c.hint}`, `. 힌트: ${c.hint}`);
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
    if (answers === "timeout") return say(`no answer within ${timeoutMs} ms`, `${timeoutMs} ms 안에 답이 없습니다`);
    const sideError = await Promise.race([side, outOfTime]);
    if (sideError === "timeout") return say(`the check's own work did not finish within ${timeoutMs} ms`, `검사 자체의 작업이 ${timeoutMs} ms 안에 끝나지 않았습니다`);
    if (sideError instanceof Error) return say(`the check could not run: ${sideError.message}`, `검사를 실행하지 못했습니다: ${sideError.message}`);
    return await c.judge(answers, ctx);
  } catch (err) {
    return say(`the check could not run: ${(err as Error).message}`, `검사를 실행하지 못했습니다: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** A verdict as the lines a student reads: visible cases with hints, hidden ones counted, the points. */
export function verdictLines(v: Verdict): string[] {
  if (v.problem) return [say(`the check could not run (tell your instructor): ${v.problem}`, `검사를 실행하지 못했습니다(담당 교수자에게 알려 주세요): ${v.problem}`), say(`points: 0 of ${v.possible}`, `점수: ${v.possible}점 중 0점`)];
  const lines: string[] = [];
  for (const c of v.cases.filter((x) => !x.hidden)) lines.push(`${c.ok ? "✔" : "✘"} ${c.name}${c.ok ? "" : `: ${c.detail}`}`);
  const hidden = v.cases.filter((x) => x.hidden);
  const passed = hidden.filter((c) => c.ok).length;
  if (v.hiddenRan) lines.push(say(`hidden cases: ${passed} of ${hidden.length} pass`, `숨겨진 검사: ${hidden.length}개 중 ${passed}개 통과`));
  else lines.push(say("(more cases, not shown here, count when your work is graded)", "(여기 보이지 않는 검사가 더 있으며, 채점할 때 함께 반영됩니다)"));
  const failed = v.cases.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? say("all checks pass", "모든 검사를 통과했습니다") : say(`not yet: ${failed} of ${v.cases.length} checks fail`, `아직입니다: 검사 ${v.cases.length}개 중 ${failed}개가 통과하지 못했습니다`));
  lines.push(say(`points: ${v.earned} of ${v.possible}`, `점수: ${v.possible}점 중 ${v.earned}점`));
  return lines;
}
