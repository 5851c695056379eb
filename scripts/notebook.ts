// Notebooks as data (nbformat 4) and their headless execution through the
// real tslab kernel, via Debian's nbclient (scripts/nbrun.py).
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { findNbclientPython, installKernelSpec, jupyterEnv, ROOT } from "./jupyter";
import { findProgram } from "../src/util/programs";
import { shellQuote } from "../src/util/shell";

export interface NbgraderMeta {
  grade_id: string;
  solution: boolean;
  grade: boolean;
  locked: boolean;
  points?: number;
  schema_version: 3;
}

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  metadata: { nbgrader?: NbgraderMeta; tags?: string[]; [key: string]: unknown };
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}

export interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name: string; display_name: string; language?: string }; [key: string]: unknown };
  nbformat: number;
  nbformat_minor: number;
}

export function readNotebook(path: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(readFileSync(path, "utf8")) as Notebook;
  } catch (err) {
    throw new Error(`${path}: not a readable notebook (${(err as Error).message})`);
  }
  if (!Array.isArray(nb.cells)) throw new Error(`${path}: not a notebook (no "cells" list)`);
  return nb;
}

export function writeNotebook(path: string, nb: Notebook): void {
  writeFileSync(path, JSON.stringify(nb, null, 1) + "\n");
}

export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** nbformat's list-of-lines form, each line keeping its newline. */
export function sourceLines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line !== "");
}

// tslab answers "abort" (not the protocol's "aborted") for requests it dropped.
export type CellStatus = "ok" | "error" | "abort" | "aborted" | "timeout" | "dead" | "unknown";

export interface Output {
  type: "stream" | "error" | "display_data" | "execute_result" | "update_display_data";
  name?: "stdout" | "stderr";
  text?: string;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  data?: Record<string, string>;
}

export interface CellResult {
  index: number;
  status: CellStatus;
  seconds: number;
  outputs: Output[];
  /** Set when the cell printed more than the runner keeps: how many characters it printed. */
  truncated?: number;
}

export interface RunResult {
  notebook: string;
  /** "complete", or why the run stopped early. */
  end: "complete" | "timeout" | "dead" | "deadline" | "killed";
  cells: CellResult[];
  stderr: string;
  /** Processes still alive once the kernel was gone (isolated runs only); the namespace ended them. */
  leftover: string[];
  /** How long the kernel took to start and answer, before the first cell; 0 if it never did. */
  kernelSeconds: number;
}

export interface RunOptions {
  cellTimeoutSec?: number;
  totalTimeoutSec?: number;
  /** The folder the kernel runs in (the notebook's own by default). */
  cwd?: string;
  /** More environment for the kernel. */
  env?: Record<string, string>;
  /**
   * Run the kernel in PID, mount and network namespaces of its own, so
   * that no process it starts outlives the run (those still alive are
   * reported in `leftover`) and nothing it sends on 127.0.0.1 reaches
   * another run (or this machine).
   */
  isolate?: boolean;
  onCell?: (result: CellResult) => void;
}

/** The command that runs `argv` as PID 1 of a new PID namespace (with its own /proc) and network namespace (a loopback, up), or null where that is not possible. */
export function isolatedCommand(argv: string[]): string[] | null {
  const base = ["unshare", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "--net"];
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const cmd = root ? base : [base[0], "--user", "--map-current-user", ...base.slice(1)];
  const probe = spawnSync(cmd[0], [...cmd.slice(1), "true"], { timeout: 10_000 });
  // The new network namespace has only a loopback, down: bring it up (the
  // runner and its kernel talk over 127.0.0.1, and notebook 02 multicasts on it).
  const up = ["sh", "-c", `${shellQuote(findProgram("ip") ?? "ip")} link set dev lo up && exec "$0" "$@"`];
  return probe.status === 0 ? [...cmd, ...up, ...argv] : null;
}

// Runners in progress, so that a caller stopped by a signal can end them (and
// with them their kernels) before it exits.
const running = new Set<ChildProcess>();

/** End every notebook run in progress (each runner shuts its kernel down; an isolated one takes its whole namespace). */
export function stopRuns(): void {
  for (const child of running) child.kill("SIGTERM");
}

/** Execute a notebook in a fresh tslab kernel; never rejects for cell errors. */
export async function runNotebook(path: string, options: RunOptions = {}): Promise<RunResult> {
  const python = findNbclientPython();
  if (!python) {
    throw new Error("no Python with nbclient found: sudo apt-get install python3-nbclient");
  }
  installKernelSpec();
  const total = options.totalTimeoutSec ?? 600;
  const args = [
    join(ROOT, "scripts", "nbrun.py"),
    path,
    "--cwd", options.cwd ?? dirname(path),
    "--cell-timeout", String(options.cellTimeoutSec ?? 60),
    "--total-timeout", String(total),
  ];
  let argv = [python, ...args];
  if (options.isolate) {
    const wrapped = isolatedCommand(argv);
    if (!wrapped) throw new Error("cannot make a PID namespace here (unshare --pid failed): run as root, or allow unprivileged user namespaces");
    argv = wrapped;
  }
  const child = spawn(argv[0], argv.slice(1), { env: { ...jupyterEnv(), ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.once("exit", () => running.delete(child));
  const result: RunResult = { notebook: path, end: "killed", cells: [], stderr: "", leftover: [], kernelSeconds: 0 };
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    if (result.stderr.length < 20_000) result.stderr += chunk;
  });
  // The runner keeps its own deadline; this one is the backstop for a runner
  // that itself stops answering. SIGTERM lets it shut the kernel down first.
  const backstop = setTimeout(() => {
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  }, (total + 90) * 1000);
  try {
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) {
      let event: { event: string; status?: string; processes?: string[] } & CellResult;
      try {
        event = JSON.parse(line);
      } catch {
        result.stderr += `runner said: ${line}\n`;
        continue;
      }
      if (event.event === "cell") {
        const cell: CellResult = { index: event.index, status: event.status, seconds: event.seconds, outputs: event.outputs };
        if (event.truncated) cell.truncated = event.truncated;
        result.cells.push(cell);
        options.onCell?.(cell);
      } else if (event.event === "kernel") {
        result.kernelSeconds = event.seconds;
      } else if (event.event === "leftover") {
        result.leftover = event.processes ?? [];
      } else if (event.event === "end") {
        result.end = event.status as RunResult["end"];
      }
    }
    await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  } finally {
    clearTimeout(backstop);
    if (child.exitCode === null) child.kill("SIGTERM");
  }
  return result;
}

/** All the text a cell printed (streams, errors, plain-text results). */
export function outputText(outputs: Output[]): string {
  return outputs
    .map((o) => {
      if (o.type === "stream") return o.text ?? "";
      if (o.type === "error") return `${o.ename}: ${o.evalue}\n`;
      return o.data?.["text/plain"] ?? "";
    })
    .join("");
}
