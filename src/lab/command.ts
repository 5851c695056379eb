// A command running in a lab host, seen from the notebook: its output as it
// comes (lines), all of it so far (stdout, stderr), how it ended (exited),
// and a way to stop it (kill). Every command has a deadline.
import { inspect } from "node:util";
import { ArgumentError, checkSignal, checkTimeout } from "../util/errors";

export const DEFAULT_RUN_TIMEOUT_MS = 10_000;
/** Between the deadline's SIGINT (a Ctrl-C) and the SIGKILL that follows. */
export const GRACE_MS = 500;

/** A command's deadline and AbortSignal. */
export interface RunOptions {
  /** Killed at this deadline (SIGINT, then SIGKILL); default 10 s. */
  timeoutMs?: number;
  /** Aborting it stops the command the same way. */
  signal?: AbortSignal;
  /** Written to the command's stdin (otherwise stdin is /dev/null). */
  input?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working directory; default the owner's (the notebook's folder). */
  cwd?: string;
}

/** How a command ended: exit code or signal, its output, whether the deadline killed it. */
export interface RunResult {
  host: string;
  command: string;
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  signal: string | null;
  /** True when the deadline stopped it. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** From the request to the end, in milliseconds. */
  ms: number;
  /** Why it could not run or finish (the lab went down, the program was not found...). */
  error?: string;
}

export type KillSignal = "SIGINT" | "SIGTERM" | "SIGKILL";

/** What a Run needs from its lab. */
export interface RunLink {
  kill(id: number, signal: KillSignal): void;
}

/** A command running in a lab host: its lines as they come, its output so far, how it ended, and kill(). */
export class Run {
  readonly started = Date.now();
  /** Output in the order it came, for transcripts. */
  readonly chunks: Array<{ fd: 1 | 2; data: string }> = [];
  readonly exited: Promise<RunResult>;
  private readonly lineList: string[] = [];
  private partial = "";
  private wake: Array<() => void> = [];
  private finished?: RunResult;
  private sentInterrupt = false;
  private resolveExit!: (result: RunResult) => void;

  constructor(
    readonly id: number,
    /** The host (or namespace) it runs in. */
    readonly host: string,
    readonly command: string,
    /** The prompt's user, for transcripts. */
    readonly user: string,
    private readonly link: RunLink,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  get running(): boolean {
    return this.finished === undefined;
  }

  /** The result, once it has exited. */
  get result(): RunResult | undefined {
    return this.finished;
  }

  get stdout(): string {
    return this.chunks.filter((c) => c.fd === 1).map((c) => c.data).join("");
  }

  get stderr(): string {
    return this.chunks.filter((c) => c.fd === 2).map((c) => c.data).join("");
  }

  /**
   * Stdout line by line as the lines come; each loop starts from the first
   * line and ends when the command exits: `for await (const line of run.lines)`.
   */
  get lines(): AsyncIterable<string> {
    const self = this;
    return {
      [Symbol.asyncIterator](): AsyncIterator<string> {
        let next = 0;
        return {
          async next(): Promise<IteratorResult<string>> {
            while (next >= self.lineList.length && self.running) await new Promise<void>((r) => self.wake.push(r));
            if (next < self.lineList.length) return { value: self.lineList[next++], done: false };
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  /** What a notebook cell shows for a run: the prompt line and how it stands. */
  [inspect.custom](): string {
    const r = this.finished;
    const state = !r ? "running" : r.timedOut ? "stopped at its deadline" : r.error ? r.error : r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
    return `Run ${this.user}@${this.host}:~$ ${this.command}  (${state})`;
  }

  /** Stop it (and everything it started). SIGTERM unless told otherwise. */
  kill(signal: KillSignal = "SIGTERM"): void {
    if (!["SIGINT", "SIGTERM", "SIGKILL"].includes(signal)) {
      throw new ArgumentError("signal", signal, '"SIGINT", "SIGTERM" or "SIGKILL"');
    }
    if (!this.running) return;
    if (signal === "SIGINT") this.sentInterrupt = true;
    this.link.kill(this.id, signal);
  }

  /**
   * True once kill("SIGINT") was sent while it ran: a Ctrl-C, which a
   * terminal shows as ^C however the program then ends (mcastrecv, for one,
   * exits with code 130 rather than dying of the signal).
   */
  get interrupted(): boolean {
    return this.sentInterrupt;
  }

  /** @internal Output, as the supervisor reports it. */
  feed(fd: 1 | 2, data: string): void {
    this.chunks.push({ fd, data });
    if (fd !== 1) return;
    const parts = (this.partial + data).split("\n");
    this.partial = parts.pop()!;
    if (parts.length > 0) {
      this.lineList.push(...parts);
      this.wakeAll();
    }
  }

  /** @internal The end, from the supervisor (or from the lab going down). */
  finish(code: number | null, signal: string | null, timedOut: boolean, error?: string): void {
    if (this.finished) return;
    if (this.partial !== "") {
      this.lineList.push(this.partial);
      this.partial = "";
    }
    this.finished = {
      host: this.host,
      command: this.command,
      code,
      signal,
      timedOut,
      stdout: this.stdout,
      stderr: this.stderr,
      ms: Date.now() - this.started,
      ...(error ? { error } : {}),
    };
    this.resolveExit(this.finished);
    this.wakeAll();
  }

  private wakeAll(): void {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }
}

/** The options checked at the door; returns the deadline and the signal. */
export function checkRunOptions(options: RunOptions, argument = "options"): { timeoutMs: number; signal?: AbortSignal } {
  if (typeof options !== "object" || options === null) throw new ArgumentError(argument, options, "an options object (or left out)");
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_RUN_TIMEOUT_MS : checkTimeout(`${argument}.timeoutMs`, options.timeoutMs);
  const signal = checkSignal(`${argument}.signal`, options.signal);
  if (options.input !== undefined && typeof options.input !== "string") throw new ArgumentError(`${argument}.input`, options.input, "a string (or left out)");
  if (options.cwd !== undefined && (typeof options.cwd !== "string" || !options.cwd.startsWith("/"))) {
    throw new ArgumentError(`${argument}.cwd`, options.cwd, "an absolute path (or left out)");
  }
  if (options.env !== undefined) {
    if (typeof options.env !== "object" || options.env === null) throw new ArgumentError(`${argument}.env`, options.env, "an object of names and string values");
    for (const [k, v] of Object.entries(options.env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || typeof v !== "string") {
        throw new ArgumentError(`${argument}.env`, { [k]: v }, "names of letters, digits and _ with string values");
      }
    }
  }
  return { timeoutMs, signal };
}
