// mc.check(id, { fn: fn }): the check cell of an exercise. Its value, the
// cell's last expression, is the points earned: a number, which the course's
// kernel shows as the cell's execute_result, where nbgrader reads partial
// credit. It prints one line per visible case and never throws.
//
// Two ways it runs:
// - In a notebook on its own (and under nbgrader) it runs the cases here, in
//   the kernel. Nothing in a kernel is safe from the code in it, so these
//   points are feedback (and nbgrader's reading), not evidence.
// - Under `npm run grade` the grader's process decides. The kernel connects
//   to it when the module is imported, before any answer cell runs, and
//   then only answers its calls: the grader picks the cases (hidden ones
//   drawn from its own seed), measures with its own sockets and lab, and
//   keeps the verdict. Whatever an answer cell does to this kernel (console,
//   prototypes, this module), it can change only the answers it gives.
import { createConnection, Socket } from "node:net";
import { requireLab } from "../lessons/interface-experiment";
import { Answer, Call, ExerciseSpec } from "./case";
import { GraderMessage, KernelMessage, MAX_LINE, readLines, writeLine } from "./channel";
import { decodeArgs } from "./encode";
import { evaluate, verdictLines } from "./evaluate";
import { say } from "../i18n/lang";
import { exerciseSpec } from "./exercises/index";
import { whileLocked } from "./lock";

/** The grader's socket, named in the kernel's environment by `npm run grade`. */
export const GRADER_ENV = "MCAST_GRADER";

/** Hidden cases for a check that runs in the kernel (nbgrader's source notebooks set them). */
const hiddenSeeds = new Map<string, number>();

/** Run the hidden cases of exercise `id`, drawn from `seed`, when its check runs in this kernel. */
export function hiddenCases(id: string, seed: number): void {
  if (!exerciseSpec(id)) throw new Error(`hiddenCases: no exercise ${JSON.stringify(id)}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`hiddenCases: seed must be an integer from 0 to 4294967295; got ${seed}`);
  hiddenSeeds.set(id, seed);
}

type Answers = Record<string, unknown>;

/** Call one of the student's functions with the module's answer to it locked, and bring the answer back as JSON data. */
async function answerCall(spec: ExerciseSpec, answers: Answers, c: Call, timeoutMs: number): Promise<Answer> {
  const fn = answers[c.fn];
  if (typeof fn !== "function") return { ok: false, error: say(`is not defined: write function ${c.fn} and run its cell`, `정의되지 않았습니다: 함수 ${c.fn}을(를) 작성하고 그 셀을 실행하세요`) };
  if (c.source) {
    // The text is whatever the kernel says it is; it then runs in a lab host, and only what it does there counts.
    try {
      const text: unknown = Function.prototype.toString.call(fn);
      if (typeof text !== "string") return { ok: false, error: "has no source text" };
      if (text.length > MAX_LINE / 2) return { ok: false, error: say(`is ${text.length} characters long, more than a check takes`, `${text.length}자로, 검사가 받을 수 있는 길이보다 깁니다`) };
      return { ok: true, value: text };
    } catch (err) {
      return { ok: false, error: say(`has no source text (${errorText(err)})`, `소스 코드를 읽을 수 없습니다 (${errorText(err)})`) };
    }
  }
  try {
    const value = await whileLocked(spec.id, spec.locks, timeoutMs, () => (fn as (...a: unknown[]) => unknown)(...decodeArgs(c.args)));
    const text = JSON.stringify(value === undefined ? null : value);
    if (text === undefined) return { ok: false, error: "returned a value that is not data (a function or a symbol)" };
    if (text.length > MAX_LINE / 2) return { ok: false, error: say(`returned ${text.length} characters of data, more than a check takes`, `${text.length}자의 데이터를 반환했습니다. 검사가 받을 수 있는 양보다 많습니다`) };
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: say(`threw ${errorText(err)}`, `예외를 던졌습니다: ${errorText(err)}`) };
  }
}

function errorText(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`;
    return String(err);
  } catch {
    return "something that cannot be shown";
  }
}

/** Check exercise `id` against the student's functions; returns the points earned. */
export async function check(id: string, answers: Answers): Promise<number> {
  const spec = exerciseSpec(id);
  if (!spec) {
    console.log(say(`the check itself failed (tell your instructor): no exercise ${JSON.stringify(id)}`, `검사 자체가 실패했습니다(담당 교수자에게 알려 주세요): 연습 문제 ${JSON.stringify(id)}이(가) 없습니다`));
    return 0;
  }
  if (answers === null || typeof answers !== "object") {
    console.log(say(`the check itself failed (tell your instructor): answers must be an object such as { ${spec.functions[0]}: ${spec.functions[0]} }`, `검사 자체가 실패했습니다(담당 교수자에게 알려 주세요): 답은 { ${spec.functions[0]}: ${spec.functions[0]} } 같은 객체여야 합니다`));
    return 0;
  }
  // Whatever the student's code writes to stderr while it runs goes to stdout:
  // nbgrader scores any stderr in a check cell 0, and a log line is no error.
  const stderrWrite = process.stderr.write;
  process.stderr.write = process.stdout.write;
  try {
    const channel = graderChannel();
    if (channel) return await channel.check(spec, answers);
    const verdict = await evaluate(spec, (c, t) => answerCall(spec, answers, c, t), {
      hiddenSeed: hiddenSeeds.get(id),
      lab: async () => requireLab(),
    });
    for (const line of verdictLines(verdict)) console.log(line);
    return verdict.earned;
  } catch (err) {
    console.log(say(`the check itself failed (tell your instructor): ${errorText(err)}`, `검사 자체가 실패했습니다(담당 교수자에게 알려 주세요): ${errorText(err)}`));
    return 0;
  } finally {
    process.stderr.write = stderrWrite;
  }
}

/** The kernel's end of the check channel. */
class GraderChannel {
  private socket: Socket;
  private current: { spec: ExerciseSpec; answers: Answers; done: (points: number) => void } | null = null;
  private closed: string | null = null;

  constructor(path: string) {
    this.socket = createConnection({ path });
    this.socket.on("error", (err) => this.close(`the grader's channel failed: ${err.message}`));
    this.socket.on("close", () => this.close("the grader closed the channel"));
    readLines(this.socket, (m) => this.onMessage(m as GraderMessage), (why) => this.close(`the grader sent ${why}`));
    writeLine(this.socket, { type: "hello", pid: process.pid } satisfies KernelMessage);
    // Never keep a kernel alive on its own.
    this.socket.unref();
  }

  private close(why: string): void {
    if (this.closed === null) this.closed = why;
    this.current?.done(0);
  }

  check(spec: ExerciseSpec, answers: Answers): Promise<number> {
    if (this.closed !== null) {
      console.log(say(`not graded: ${this.closed}`, `채점되지 않았습니다: ${this.closed}`));
      return Promise.resolve(0);
    }
    return new Promise<number>((resolve) => {
      // A check that the grader never finishes still ends (the grader's own cell limit is the real one).
      const timer = setTimeout(() => done(0), 600_000);
      const done = (points: number) => {
        clearTimeout(timer);
        this.current = null;
        resolve(points);
      };
      this.current = { spec, answers, done };
      this.socket.ref();
      writeLine(this.socket, { type: "check", id: spec.id, functions: Object.keys(answers) });
    }).finally(() => this.socket.unref());
  }

  private onMessage(m: GraderMessage): void {
    const current = this.current;
    if (m.type === "refused") {
      console.log(say(`the grader refused: ${m.why}`, `채점기가 거부했습니다: ${m.why}`));
      current?.done(0);
    } else if (m.type === "call") {
      if (!current || current.spec.id !== m.exercise) {
        writeLine(this.socket, { type: "answer", n: m.n, ok: false, error: "was called outside its check" });
        return;
      }
      void answerCall(current.spec, current.answers, { fn: m.fn, args: m.args, source: m.source === true }, m.timeoutMs).then((a) => writeLine(this.socket, { type: "answer", n: m.n, ...a } as KernelMessage));
    } else if (m.type === "verdict" && current && current.spec.id === m.id) {
      for (const line of m.lines) console.log(line);
      current.done(m.earned);
    }
  }
}

// One channel per kernel, made when the module is first loaded (the import
// cell, before any answer). A second load of the module (re-running the
// import cell) finds it here instead of opening another.
const CHANNEL = Symbol.for("mcast-lab.grader-channel");
type WithChannel = { [CHANNEL]?: GraderChannel | null };

function graderChannel(): GraderChannel | null {
  const g = globalThis as WithChannel;
  if (g[CHANNEL] === undefined) {
    const path = process.env[GRADER_ENV];
    g[CHANNEL] = path ? new GraderChannel(path) : null;
  }
  return g[CHANNEL] ?? null;
}

// Connect now, at import, before any answer cell can run.
graderChannel();
