// Opening a class: the hub (Debian's JupyterHub 3, with the proxy from our
// node_modules), one server per student as that student, and on close every
// server, kernel, lab and cgroup gone. `openClass` is what `npm run class`
// runs and what the tests and the bench call.
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { freePorts } from "../browser/servers";
import { installKernelSpec, JUPYTER_DATA, ROOT } from "../jupyter";
import { ensureLabApp, PYTHON } from "../lab-frontend";
import { processesOf } from "../../src/util/processes";
import { accountHome, loginDefs, passwdUids } from "./accounts";
import { cgroupPids, makeClassCgroups, removeClassCgroups } from "./cgroups";
import { HubApi } from "./hub-api";
import { StartOptions } from "./options";
import { ClassSettings, COURSE_FOLDER, hubUrl, writeSettings } from "./settings";

export const JUPYTERHUB = "/usr/bin/jupyterhub";
const HUB_DIR = join(ROOT, "scripts", "class", "hub");
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 60_000;

export interface OpenClass {
  settings: ClassSettings;
  /** The hub's address as a browser reaches it, such as http://127.0.0.1:8000. */
  url: string;
  /** The instructor's view of the hub's REST API. */
  api: HubApi;
  /** Notes on what is and is not enforced (no cgroups, and so on). */
  notes: string[];
  hub: ChildProcess;
  /** Stop the hub, every student's server and all they started; idempotent. */
  close(): Promise<void>;
}

/** Why this machine cannot hold a class, or undefined when it can. */
export function classProblem(): string | undefined {
  if (process.getuid?.() !== 0) return "npm run class starts each student's server as that student, which only root can do: run it with sudo (or as root)";
  if (!existsSync(JUPYTERHUB)) return `JupyterHub is missing (${JUPYTERHUB}): sudo apt-get install jupyterhub   (or: bash scripts/setup.sh)`;
  if (!existsSync(proxyProgram())) return `configurable-http-proxy is missing from node_modules: npm ci   (in ${ROOT})`;
  return undefined;
}

function proxyProgram(): string {
  return join(ROOT, "node_modules", ".bin", "configurable-http-proxy");
}

/** The course's front end where students can read it: the build (not its node_modules) copied into the class's state. */
async function publishLabApp(state: string, log: (line: string) => void): Promise<string> {
  const app = await ensureLabApp(log);
  const target = join(state, "lab-app");
  const stamp = join(target, ".source");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === app.dir) return target;
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(app.dir)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    cpSync(join(app.dir, entry), join(target, entry), { recursive: true });
  }
  writeFileSync(stamp, app.dir);
  return target;
}

/** The uid each test-login student runs as, checked against the machine's accounts and processes. */
function testLoginUids(o: StartOptions): void {
  const taken = passwdUids();
  o.students.forEach((name, i) => {
    const uid = o.uidBase + i;
    const owner = taken.get(uid);
    if (owner !== undefined) throw new Error(`--test-login: student ${name} would run as uid ${uid}, which is ${owner}'s account on this machine: pick another --uid-base`);
    const running = processesOf(uid);
    if (running.length) throw new Error(`--test-login: uid ${uid} (student ${name}) already has processes (${running.slice(0, 5).join(", ")}): is another class running with this --uid-base? Stop it, or pick another --uid-base`);
  });
}

export async function openClass(o: StartOptions, log: (line: string) => void = () => {}): Promise<OpenClass> {
  const problem = classProblem();
  if (problem) throw new Error(problem);
  if (o.testLogin) testLoginUids(o);
  mkdirSync(o.state, { recursive: true });
  // Students walk through it to their homes and the front end; only root lists it.
  chmodSync(o.state, 0o711);
  const homes = join(o.state, "homes");
  mkdirSync(homes, { recursive: true });
  chmodSync(homes, 0o711);
  const labApp = await publishLabApp(o.state, log);
  installKernelSpec();
  const notes: string[] = [];
  const cg = makeClassCgroups(`mcast-class-${o.port}`);
  if (cg.problem) notes.push(`no cgroups (${cg.problem}): CPU and memory are not capped; processes are capped by RLIMIT_NPROC only`);
  if (!o.testLogin) {
    const missing = o.students.filter((name) => accountHome(name) === undefined);
    if (missing.length) notes.push(`no account on this machine for ${missing.join(", ")}: they cannot log in until they have one`);
    const open = o.students.filter((name) => {
      const home = accountHome(name);
      return home !== undefined && existsSync(home) && (statSync(home).mode & 0o077) !== 0;
    });
    if (open.length) notes.push(`homes other users can read: ${open.join(", ")} (their course copy is 0700 anyway; for the rest: sudo chmod 700 on those homes)`);
  }
  const defs = loginDefs();
  // Held together and apart from the public port: one after another, a probe could hand back a port just given.
  const [hubPort, proxyApiPort] = await freePorts(2, [o.port]);
  const settings: ClassSettings = {
    mode: o.testLogin ? "test-login" : "pam",
    ip: o.ip,
    port: o.port,
    hubPort,
    proxyApiPort,
    state: o.state,
    homes,
    students: o.students,
    admins: o.admins,
    password: o.testLogin ? (o.password ?? randomBytes(9).toString("base64url")) : "",
    instructorToken: randomBytes(32).toString("hex"),
    uidBase: o.uidBase,
    uidMin: defs.min,
    uidMax: defs.max,
    limits: o.limits,
    cgroupRoots: cg.roots,
    idleTimeoutS: o.idleTimeoutS,
    cullEveryS: Math.max(1, Math.min(60, Math.floor(o.idleTimeoutS / 4))),
    activityIntervalS: o.activityIntervalS,
    courseFolder: COURSE_FOLDER,
    course: ROOT,
    node: process.execPath,
    python: PYTHON,
    proxy: proxyProgram(),
    path: [dirname(process.execPath), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].join(":"),
    jupyterData: JUPYTER_DATA,
    labApp,
    singleuser: join(HUB_DIR, "singleuser.py"),
    culler: join(ROOT, "dist", "scripts", "class", "culler.js"),
    studentHome: join(ROOT, "dist", "scripts", "class", "student-home.js"),
  };
  const file = writeSettings(settings);
  // --pdeathsig: if this process dies, even by kill -9, the hub is told to stop, and it stops every server.
  const hub = spawn("setpriv", ["--pdeathsig", "TERM", "--", JUPYTERHUB, "-f", join(HUB_DIR, "jupyterhub_config.py")], {
    cwd: o.state,
    env: { ...process.env, MCAST_CLASS_SETTINGS: file, PATH: settings.path },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logFile = join(o.state, "jupyterhub.log");
  writeFileSync(logFile, "", { mode: 0o600 });
  const tail: string[] = [];
  const onLog = (chunk: Buffer) => {
    const text = chunk.toString();
    writeFileSync(logFile, text, { flag: "a" });
    tail.push(...text.split("\n").filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
    for (const line of text.split("\n")) if (line) log(line);
  };
  hub.stdout!.on("data", onLog);
  hub.stderr!.on("data", onLog);
  const exited = new Promise<void>((resolve) => hub.once("exit", () => resolve()));
  const url = hubUrl(settings);
  const api = new HubApi(`${url}/hub/api`, settings.instructorToken);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      if (hub.exitCode === null && hub.signalCode === null) {
        hub.kill("SIGTERM");
        const killer = setTimeout(() => hub.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(killer);
      }
      await sweep(settings);
    })());

  try {
    await waitReady(url, hub, exited, tail);
  } catch (err) {
    await close();
    throw err;
  }
  return { settings, url, api, notes, hub, close };
}

/** Wait until the hub answers on its public address (the proxy up, the hub behind it). */
async function waitReady(url: string, hub: ChildProcess, exited: Promise<void>, tail: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`JupyterHub exited while starting (code ${hub.exitCode}, signal ${hub.signalCode}); its last lines:\n${tail.slice(-15).join("\n")}`);
    try {
      const res = await fetch(`${url}/hub/api/`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`JupyterHub did not answer at ${url} within ${READY_TIMEOUT_MS / 1000} s; its last lines:\n${tail.slice(-15).join("\n")}`);
}

/** After the hub: whatever a server left (the hub stops them, but a hub killed hard cannot), and the cgroups. */
async function sweep(s: ClassSettings): Promise<void> {
  const deadline = Date.now() + 10_000;
  const left = () => [
    ...s.cgroupRoots.flatMap((r) => cgroupPids(r.path)),
    ...(s.mode === "test-login" ? s.students.flatMap((_, i) => processesOf(s.uidBase + i)) : []),
  ];
  for (let pids = left(); pids.length && Date.now() < deadline; pids = left()) {
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  removeClassCgroups(s.cgroupRoots);
}
