// What an exercise is, as data both sides of a check read: the kernel, which
// calls the student's functions, and whoever decides the verdict (the kernel
// itself in a notebook or under nbgrader, the grader's own process under
// `npm run grade`).
//
// A case names the calls to make (function name and JSON arguments) and
// judges the answers. Answers cross as JSON, on both paths alike, so an
// answer is only ever data: a getter, toString or then that lies is spent in
// the student's own realm, and the verdict is computed from plain values.
import type { Lab } from "../lab/lab";
import { isEncodedPackets } from "./encode";
import { say } from "../i18n/lang";

/** One call of a student's function: its name and its arguments (JSON, with packets encoded). */
export interface Call {
  fn: string;
  args: unknown[];
  /** Ask for the function's source text instead of calling it: the checker runs it in a lab host (Host.call). */
  source?: boolean;
}

/** What came back from one call: the answer as JSON data (ok), or why there is none (error). */
export interface Answer {
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** What a case may use to find the right answer. */
export interface CaseContext {
  /** A lab to measure in: the notebook's own in a notebook, the grader's own when grading. */
  lab(): Promise<Lab>;
  /** Aborted when the case runs out of time. */
  signal: AbortSignal;
}

export interface Case {
  /** What is checked, as the student would call it. Hidden cases are shown by number only. */
  name: string;
  calls: Call[];
  /** true when right; else what is wrong, in a sentence (never the hidden case's input or answer). */
  judge(answers: Answer[], ctx: CaseContext): true | string | Promise<true | string>;
  /** Work beside the calls (e.g. sending the datagrams a receiver waits for); `answered` settles with the calls. */
  during?(ctx: CaseContext, answered: Promise<void>): Promise<void>;
  hint?: string;
  /** It needs the machine's loopback or the checker's lab to itself (one such case at a time per grader). */
  exclusive?: boolean;
  /** For the calls and `during` together; default 5000 ms. */
  timeoutMs?: number;
}

export interface ExerciseSpec {
  id: string;
  /** The notebook it belongs to, e.g. "01-addresses". */
  notebook: string;
  /** The cell's points (nbgrader metadata `points` must say the same). */
  points: number;
  /** The functions the student writes, handed over as `mc.check(id, { name: fn })`. */
  functions: string[];
  /** The module's exports that answer it, locked while the student's code runs. */
  locks: string[];
  visible(): Case[];
  /** The cases a student never sees, drawn from `rand` (the same draw for the same seed). */
  hidden(rand: () => number): Case[];
}

/** Half an exercise's points are for the visible cases, half for the hidden ones. */
export const VISIBLE_SHARE = 0.5;

export interface CaseVerdict {
  name: string;
  hidden: boolean;
  ok: boolean;
  /** Empty when ok; for hidden cases a sentence that gives nothing away. */
  detail: string;
  worth: number;
}

export interface Verdict {
  id: string;
  earned: number;
  possible: number;
  cases: CaseVerdict[];
  /** False when only the visible cases ran (a notebook on its own): the points are then the visible share scaled up. */
  hiddenRan: boolean;
  /** Set when the check could not run at all. */
  problem?: string;
}

/** Points rounded the way the grader and nbgrader both record them. */
export function roundPoints(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The points of a set of case verdicts. */
export function pointsOf(spec: ExerciseSpec, cases: CaseVerdict[], hiddenRan: boolean): number {
  if (!hiddenRan) {
    const visible = cases.filter((c) => !c.hidden);
    return roundPoints((spec.points * visible.filter((c) => c.ok).length) / Math.max(1, visible.length));
  }
  return roundPoints(cases.filter((c) => c.ok).reduce((s, c) => s + c.worth, 0));
}

/** The worth of each case: the visible share split over the visible cases, the rest over the hidden ones. */
export function worths(spec: ExerciseSpec, visible: number, hidden: number): { visible: number; hidden: number } {
  if (hidden === 0) return { visible: spec.points / Math.max(1, visible), hidden: 0 };
  return { visible: (spec.points * VISIBLE_SHARE) / visible, hidden: (spec.points * (1 - VISIBLE_SHARE)) / hidden };
}

// ---- helpers for writing cases ----

/** How long a case of plain functions (no network, no lab) waits: ample for code that computes, short for one that hangs. */
export const COMPUTE_TIMEOUT_MS = 2000;

/** A case whose calls must each give the expected value (deep, as JSON). */
export function expectCase(name: string, calls: Call[], expected: unknown[], hint?: string): Case {
  return {
    name,
    calls,
    hint,
    timeoutMs: COMPUTE_TIMEOUT_MS,
    judge: (answers) => {
      // Every call failing the same way (a stub that throws) is said once.
      const first = answers[0];
      if (answers.length > 1 && answers.every((a) => !a.ok && a.error === first.error)) return `${calls[0].fn}(…) ${first.error}`;
      const wrong: string[] = [];
      answers.forEach((a, i) => {
        if (!a.ok) wrong.push(`${callText(calls[i])} ${a.error}`);
        else if (!sameJson(a.value, expected[i])) wrong.push(say(`${callText(calls[i])} gave ${shortJson(a.value)}, expected ${shortJson(expected[i])}`, `${callText(calls[i])}의 결과는 ${shortJson(a.value)}이지만, 기대한 값은 ${shortJson(expected[i])}입니다`));
      });
      return wrong.length === 0 || wrong.join("; ");
    },
  };
}

export const call = (fn: string, ...args: unknown[]): Call => ({ fn, args });

/**
 * The student's function itself, as source text, for a case that runs it in
 * a lab host; `args` are what it will be called with there (for the case's
 * name and its draw; the kernel only hands over the text).
 */
export const sourceOf = (fn: string, ...args: unknown[]): Call => ({ fn, args, source: true });

/** `inCidr("224.0.0.0/4", "224.1.1.5")`, as the student would write it. */
export function callText(c: Call): string {
  if (c.source) return say(`${c.fn}(${c.args.map(shortJson).join(", ")}) in a lab host`, `실습 호스트에서 실행한 ${c.fn}(${c.args.map(shortJson).join(", ")})`);
  return `${c.fn}(${c.args.map((a) => (isEncodedPackets(a) ? say(`${a.$packets.length} packets`, `패킷 ${a.$packets.length}개`) : shortJson(a))).join(", ")})`;
}

export function shortJson(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "undefined" : JSON.stringify(value) ?? String(value);
  } catch {
    text = say("a value that is not JSON", "JSON이 아닌 값");
  }
  return text.length > 120 ? text.slice(0, 117) + "..." : text;
}

/** Deep equality of two JSON values, with objects compared whatever their key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ka = Object.keys(a as object).sort();
  const kb = Object.keys(b as object).sort();
  return sameJson(ka, kb) && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
