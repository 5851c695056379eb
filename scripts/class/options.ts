// `npm run class -- ...`: the commands and options, checked at the door.
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_STATE, Limits } from "./settings";

export const USAGE = `usage:
  npm run class -- [--port P] [--ip ADDRESS] [--students FILE] [--admin NAME]...
                   [--idle-timeout 1h] [--cpus 1] [--memory 2048] [--processes 512] [--labs 2]
                   [--test-login [--password PW]] [--state DIR]
  npm run class -- list [--state DIR]
  npm run class -- stop STUDENT... [--state DIR]
  npm run class -- collect --out DIR [--state DIR]`;

export interface StartOptions {
  command: "start";
  state: string;
  port: number;
  ip: string;
  students: string[];
  studentsFile?: string;
  admins: string[];
  testLogin: boolean;
  password?: string;
  idleTimeoutS: number;
  activityIntervalS: number;
  limits: Limits;
  uidBase: number;
}
export interface ListOptions { command: "list"; state: string }
export interface StopOptions { command: "stop"; state: string; students: string[] }
export interface CollectOptions { command: "collect"; state: string; out: string }
export type ClassOptions = StartOptions | ListOptions | StopOptions | CollectOptions;

/** A student's name: what a Unix account may be called (and a safe folder name). */
export const STUDENT_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(`${message}\n${USAGE}`);
}

function whole(name: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) fail(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** "90s", "30m", "2h" or "0" (off) as seconds. */
export function parseDuration(name: string, v: string): number {
  if (v === "0") return 0;
  const m = /^(\d+)(s|m|h)$/.exec(v);
  if (!m || Number(m[1]) === 0) fail(`${name} must be a duration such as 90s, 30m or 2h (or 0 for never), got ${JSON.stringify(v)}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
}

/** The students file: one name a line; blank lines and # comments ignored. */
export function readStudents(file: string): string[] {
  if (!existsSync(file) || !statSync(file).isFile()) fail(`--students must be a file of student names, one a line; ${JSON.stringify(file)} is not a file`);
  const names: string[] = [];
  readFileSync(file, "utf8").split("\n").forEach((raw, i) => {
    const name = raw.replace(/#.*/, "").trim();
    if (!name) return;
    if (!STUDENT_NAME.test(name)) fail(`${file}, line ${i + 1}: ${JSON.stringify(name)} is not a student name (a lowercase letter or _, then up to 31 of a-z, 0-9, _ and -: what a Unix account may be called)`);
    if (names.includes(name)) fail(`${file}, line ${i + 1}: ${name} is listed twice`);
    names.push(name);
  });
  if (names.length === 0) fail(`${file} lists no students`);
  return names;
}

export function parseClassArgs(args: string[]): ClassOptions {
  const command = args[0] && !args[0].startsWith("-") ? args[0] : "start";
  const rest = command === "start" && args[0] !== "start" ? args : args.slice(1);
  if (!["start", "list", "stop", "collect"].includes(command)) fail(`unknown command ${JSON.stringify(command)}: start (the default), list, stop or collect`);
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  const takesValue = new Set(["--state", "--port", "--ip", "--students", "--admin", "--password", "--idle-timeout", "--cpus", "--memory", "--processes", "--labs", "--out", "--uid-base", "--activity-every"]);
  const allowed: Record<string, string[]> = {
    start: ["--state", "--port", "--ip", "--students", "--admin", "--password", "--idle-timeout", "--cpus", "--memory", "--processes", "--labs", "--test-login", "--uid-base", "--activity-every"],
    list: ["--state"],
    stop: ["--state"],
    collect: ["--state", "--out"],
  };
  for (let i = 0; i < rest.length; i++) {
    const [name, inline] = rest[i].split(/=(.*)/s, 2);
    if (!name.startsWith("--")) {
      positional.push(rest[i]);
      continue;
    }
    if (!allowed[command].includes(name)) fail(`${command}: unknown option ${JSON.stringify(name)}`);
    let value = "";
    if (takesValue.has(name)) {
      value = inline ?? rest[++i];
      if (value === undefined || value === "") fail(`${name} needs a value`);
    } else if (inline !== undefined) fail(`${name} takes no value`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  const one = (name: string): string | undefined => {
    const v = flags.get(name);
    if (v && v.length > 1 && name !== "--admin") fail(`${name} is given ${v.length} times; give it once`);
    return v?.[0];
  };
  const state = resolve(one("--state") ?? DEFAULT_STATE);

  if (command === "list") {
    if (positional.length) fail(`list takes no ${JSON.stringify(positional[0])}`);
    return { command, state };
  }
  if (command === "stop") {
    if (positional.length === 0) fail("stop: name the students whose servers to stop");
    for (const p of positional) if (!STUDENT_NAME.test(p)) fail(`stop: ${JSON.stringify(p)} is not a student name`);
    return { command, state, students: positional };
  }
  if (command === "collect") {
    if (positional.length) fail(`collect takes no ${JSON.stringify(positional[0])}`);
    const out = one("--out");
    if (!out) fail("collect: --out DIR is required (each student's notebooks go into DIR/<student>/)");
    return { command, state, out: resolve(out) };
  }

  if (positional.length) fail(`unexpected ${JSON.stringify(positional[0])}`);
  const testLogin = flags.has("--test-login");
  const ip = one("--ip") ?? (testLogin ? "127.0.0.1" : "0.0.0.0");
  if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(ip) || ip.split(".").some((o) => Number(o) > 255)) fail(`--ip must be an IPv4 address such as 127.0.0.1 or 0.0.0.0, got ${JSON.stringify(ip)}`);
  // Anyone who can reach a test-login hub logs in as any student: never off this machine.
  if (testLogin && ip !== "127.0.0.1") fail(`--test-login lets anyone in with one password, so it listens on 127.0.0.1 only, not ${ip}`);
  if (flags.has("--password") && !testLogin) fail("--password is for --test-login; with PAM, students log in with their own account's password");
  const studentsFile = one("--students");
  const students = studentsFile ? readStudents(resolve(studentsFile)) : [];
  if (testLogin && !studentsFile) fail("--test-login needs --students FILE: its students have no accounts, so the file is who they are");
  const admins = flags.get("--admin") ?? [];
  for (const a of admins) if (!STUDENT_NAME.test(a)) fail(`--admin: ${JSON.stringify(a)} is not a user name`);
  // A test-login user is a line of the students file (that is their uid).
  for (const a of admins) if (testLogin && !students.includes(a)) fail(`--admin ${a}: with --test-login an admin must be in the students file, which is who has a uid`);
  const cpus = one("--cpus") ?? "1";
  if (!/^\d+(\.\d+)?$/.test(cpus) || Number(cpus) > 1024) fail(`--cpus must be a number of CPUs such as 1 or 0.5 (0 for no cap), got ${JSON.stringify(cpus)}`);
  return {
    command: "start",
    state,
    port: whole("--port", one("--port") ?? "8000", 1, 65535),
    ip,
    students,
    studentsFile: studentsFile && resolve(studentsFile),
    admins,
    testLogin,
    password: one("--password"),
    idleTimeoutS: parseDuration("--idle-timeout", one("--idle-timeout") ?? "1h"),
    activityIntervalS: whole("--activity-every", one("--activity-every") ?? "60", 1, 3600),
    limits: {
      cpus: Number(cpus),
      memoryMiB: whole("--memory", one("--memory") ?? "2048", 0, 1 << 20),
      processes: whole("--processes", one("--processes") ?? "512", 0, 1 << 22),
      labs: whole("--labs", one("--labs") ?? "2", 0, 1000),
    },
    uidBase: whole("--uid-base", one("--uid-base") ?? "61000", 1000, 4_000_000_000),
  };
}
