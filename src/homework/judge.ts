// The grader's end of the check channel: it decides every verdict. It runs
// in the grader's process, never in the kernel; a kernel only answers the
// calls it makes. The first connection is the kernel's own, made by the
// import cell before any answer cell ran; any later one is an answer's doing
// and is refused and flagged.
import { createServer, Server, Socket } from "node:net";
import type { Lab } from "../lab/lab";
import { seedFrom } from "../util/random";
import { Answer, Call, Verdict } from "./case";
import { GraderMessage, KernelMessage, readLines, writeLine } from "./channel";
import { evaluate, verdictLines } from "./evaluate";
import { Lang, withLang } from "../i18n/lang";
import { exerciseSpec } from "./exercises/index";

export interface JudgeOptions {
  /** The submission's seed: its hidden cases are drawn from it (the same seed, the same cases). */
  seed: number;
  /** The grader's own lab, for the cases that measure in one. */
  lab: () => Promise<Lab>;
  /** Runs a case that needs the machine's loopback or the grader's lab to itself. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The language of the verdicts (the edition the submission is run in); default English. */
  lang?: Lang;
}

/** The hidden-case seed of one exercise of a submission. */
export function exerciseSeed(seed: number, id: string): number {
  return seedFrom(`${seed}:${id}`);
}

export class Judge {
  readonly verdicts = new Map<string, Verdict>();
  readonly flags: string[] = [];
  private server: Server;
  private kernel: Socket | null = null;
  private pending = new Map<number, (a: Answer) => void>();
  private next = 1;
  private running: Promise<void> = Promise.resolve();
  private sockets = new Set<Socket>();
  /** The language the verdicts are written in. */
  private readonly lang: Lang;

  constructor(readonly path: string, private options: JudgeOptions) {
    this.lang = options.lang ?? "en";
    this.server = createServer((socket) => this.onConnection(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.path, () => resolve());
    });
  }

  /** Stop listening and drop every connection; waits for a check in progress to end. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.failPending("the kernel went away");
    await this.running;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private flag(text: string): void {
    if (!this.flags.includes(text)) this.flags.push(text);
  }

  private onConnection(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => undefined);
    if (this.kernel) {
      this.flag("an answer opened a connection of its own to the grader: refused (tampering?)");
      // Read and drop what it sends (a paused socket would never see its end), and close it.
      socket.resume();
      socket.end(JSON.stringify({ type: "refused", why: "one connection per kernel" }) + "\n", () => socket.destroy());
      return;
    }
    this.kernel = socket;
    socket.on("error", () => undefined);
    socket.on("close", () => this.failPending("the kernel went away"));
    readLines(
      socket,
      (m) => this.onMessage(m as KernelMessage),
      (why) => {
        this.flag(`the kernel sent ${why}: the channel was closed`);
        this.failPending(`sent ${why}`);
      },
    );
  }

  private failPending(why: string): void {
    for (const resolve of this.pending.values()) resolve({ ok: false, error: why });
    this.pending.clear();
  }

  private onMessage(m: KernelMessage): void {
    if (!m || typeof m !== "object") return;
    if (m.type === "answer") {
      const resolve = this.pending.get(m.n);
      this.pending.delete(m.n);
      resolve?.(m.ok ? { ok: true, value: m.value } : { ok: false, error: String(m.error) });
    } else if (m.type === "check") {
      // One check at a time, in the order the kernel asks.
      this.running = this.running.then(() => this.runCheck(String(m.id)));
    }
  }

  private async runCheck(id: string): Promise<void> {
    const socket = this.kernel!;
    const spec = exerciseSpec(id);
    if (!spec) {
      this.flag(`the kernel asked for a check of ${JSON.stringify(id).slice(0, 60)}, which the course does not have`);
      writeLine(socket, { type: "refused", why: `no exercise ${JSON.stringify(id).slice(0, 60)}` });
      return;
    }
    const earlier = this.verdicts.get(id);
    if (earlier) {
      this.flag(`the check of ${id} was asked for twice: the first verdict counts`);
      writeLine(socket, { type: "verdict", id, lines: withLang(this.lang, () => verdictLines(earlier)), earned: earlier.earned });
      return;
    }
    const caller = (c: Call, timeoutMs: number) =>
      new Promise<Answer>((resolve) => {
        if (socket.destroyed) return resolve({ ok: false, error: "could not be asked: the kernel went away" });
        const n = this.next++;
        const timer = setTimeout(() => {
          this.pending.delete(n);
          resolve({ ok: false, error: `gave no answer within ${timeoutMs} ms` });
        }, timeoutMs);
        this.pending.set(n, (a) => {
          clearTimeout(timer);
          resolve(a);
        });
        writeLine(socket, { type: "call", n, fn: c.fn, args: c.source ? [] : c.args, source: c.source === true, timeoutMs, exercise: id, locks: spec.locks } satisfies GraderMessage);
      });
    const verdict = await withLang(this.lang, () => evaluate(spec, caller, { hiddenSeed: exerciseSeed(this.options.seed, id), lab: this.options.lab, exclusive: this.options.exclusive }));
    this.verdicts.set(id, verdict);
    writeLine(socket, { type: "verdict", id, lines: withLang(this.lang, () => verdictLines(verdict)), earned: verdict.earned });
  }
}
