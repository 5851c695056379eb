// The module's own answers to the exercises, locked while a student's answer
// runs under a check. A lecture cell may call mc.contains freely; an answer
// to "write inCidr" that calls it gets an error saying to write it, so no
// exercise is passed by calling the course's reference code.
//
// The lock is set by the check itself (in the kernel) from just before it
// calls the student's function until that call has settled or timed out, and
// it covers every caller in the kernel in that window, timers included.

import { say } from "../i18n/lang";

/** The error a locked function throws. */
export class ExerciseLocked extends Error {
  constructor(readonly fn: string, readonly exercise: string) {
    super(say(`mc.${fn} is the course's own answer to exercise ${exercise}: write this one yourself`, `mc.${fn}는 연습 문제 ${exercise}의 모범 답안입니다: 직접 작성하세요`));
    this.name = "ExerciseLocked";
  }
}

// Function name -> the exercise whose check has it locked now.
const locked = new Map<string, string>();

/** `fn`, unless an exercise that it answers is being checked. */
export function lockable<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  const guarded = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    const exercise = locked.get(name);
    if (exercise !== undefined) throw new ExerciseLocked(name, exercise);
    return fn.apply(this, args) as ReturnType<F>;
  };
  Object.defineProperty(guarded, "name", { value: fn.name });
  return guarded as unknown as F;
}

/** Run `call` with the named functions locked for `exercise`; they open again when it settles or `timeoutMs` passes. */
export function whileLocked<T>(exercise: string, names: readonly string[], timeoutMs: number, call: () => T): Promise<Awaited<T>> {
  for (const n of names) locked.set(n, exercise);
  let timer: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(timer);
    for (const n of names) if (locked.get(n) === exercise) locked.delete(n);
  };
  let running: Promise<Awaited<T>>;
  try {
    running = Promise.resolve(call()) as Promise<Awaited<T>>;
  } catch (err) {
    release();
    return Promise.reject(err);
  }
  timer = setTimeout(release, timeoutMs);
  return running.finally(release);
}
