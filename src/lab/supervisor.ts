// The lab's supervisor: runs inside the lab (in its pid, mount and network
// namespaces, started by the shell that built them) and runs commands in
// the hosts for the lab's owner, which talks to it over stdin/stdout in JSON
// lines (owner-supervisor-protocol.ts). When stdin ends, the owner is gone, even if it was
// killed with -9: the supervisor exits, the shell above it (PID 1) exits,
// and the kernel kills every process of the lab and frees its namespaces.
//
// Started by up(), never by hand, with its settings in MCAST_LAB_CONFIG
// (a SupervisorConfig as JSON).
import { shellQuote } from "../util/shell";
import { spawn, ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { Event, PROTOCOL, Request, SupervisorConfig } from "./owner-supervisor-protocol";

const config = JSON.parse(process.env.MCAST_LAB_CONFIG ?? "{}") as SupervisorConfig;
delete process.env.MCAST_LAB_CONFIG; // not for the commands
const runDir = config.runDir ?? "/run/mcast-lab";
const running = new Map<number, ChildProcess>();

/**
 * What the build script leaves out to be quick: the hosts' commands on
 * PATH, /etc/hosts and /etc/resolv.conf, and a hostname per host (a UTS
 * namespace each). Done before the first command runs.
 */
async function setup(): Promise<void> {
  mkdirSync(`${runDir}/bin`, { recursive: true });
  mkdirSync(`${runDir}/uts`, { recursive: true });
  for (const [name, argv] of Object.entries(config.bin ?? {})) {
    writeFileSync(`${runDir}/bin/${name}`, `#!/bin/sh\nexec ${argv.map(shellQuote).join(" ")} "$@"\n`, { mode: 0o755 });
  }
  const jobs: Array<Promise<void>> = [];
  if (config.hostsFile && existsSync("/etc/hosts")) {
    writeFileSync(`${runDir}/hosts`, config.hostsFile);
    jobs.push(quietly("mount", ["--bind", `${runDir}/hosts`, "/etc/hosts"]));
  }
  // The lab is offline: with no name server, a lookup of a name that is not
  // in /etc/hosts fails at once instead of timing out after seconds.
  if (existsSync("/etc/resolv.conf")) {
    writeFileSync(`${runDir}/resolv.conf`, "# the lab is offline: no name server; its hosts are in /etc/hosts\n");
    jobs.push(quietly("mount", ["--bind", `${runDir}/resolv.conf`, "/etc/resolv.conf"]));
  }
  for (const host of config.hosts ?? []) {
    const file = `${runDir}/uts/${host}`;
    writeFileSync(file, "");
    jobs.push(quietly("unshare", [`--uts=${file}`, "hostname", host]));
  }
  await Promise.all(jobs);
}

/** A setup step whose failure costs only a nicety (a hostname, a name in /etc/hosts). */
function quietly(command: string, args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "ignore" });
    child.on("error", () => resolve());
    child.on("close", () => resolve());
  });
}


function emit(event: Event): void {
  process.stdout.write(JSON.stringify(event) + "\n");
}

function run(req: Extract<Request, { op: "run" }>): void {
  // `ip netns exec` also mounts the namespace's own /sys (libpcap lists
  // interfaces from there); nsenter adds the host's hostname.
  const argv = ["netns", "exec", req.namespace];
  if (hostnames.has(req.namespace)) argv.push("nsenter", `--uts=${runDir}/uts/${req.namespace}`, "--");
  argv.push("sh", "-c", req.command);
  const env = { ...process.env, ...req.env, PATH: `${runDir}/bin:${req.env.PATH ?? process.env.PATH ?? "/usr/bin:/bin"}` };
  let child: ChildProcess;
  try {
    // detached: a process group of its own, so a kill reaches the command's children too.
    child = spawn("ip", argv, { cwd: req.cwd, env, detached: true, stdio: [req.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
  } catch (error) {
    emit({ ev: "exit", id: req.id, code: null, signal: null, timedOut: false, error: (error as Error).message });
    return;
  }
  running.set(req.id, child);
  let timedOut = false;
  let spawnError: string | undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  // At the deadline: SIGINT first, as a Ctrl-C would (a capture can still
  // write its file), then SIGKILL for whatever ignores it.
  let hardKill: NodeJS.Timeout | undefined;
  const deadline = setTimeout(() => {
    timedOut = true;
    signalGroup("SIGINT");
    hardKill = setTimeout(() => signalGroup("SIGKILL"), req.graceMs);
  }, req.timeoutMs);
  child.on("spawn", () => emit({ ev: "started", id: req.id, pid: child.pid ?? 0 }));
  child.on("error", (error) => {
    spawnError = error.message;
  });
  child.stdout!.setEncoding("utf8").on("data", (data: string) => emit({ ev: "out", id: req.id, fd: 1, data }));
  child.stderr!.setEncoding("utf8").on("data", (data: string) => emit({ ev: "out", id: req.id, fd: 2, data }));
  if (child.stdin) {
    child.stdin.on("error", () => undefined); // the command may exit without reading
    child.stdin.end(req.input);
  }
  child.on("close", (code, signal) => {
    clearTimeout(deadline);
    clearTimeout(hardKill);
    running.delete(req.id);
    emit({ ev: "exit", id: req.id, code, signal, timedOut, ...(spawnError ? { error: spawnError } : {}) });
  });
  (child as ChildProcess & { signalGroup?: typeof signalGroup }).signalGroup = signalGroup;
}

function handle(line: string): void {
  if (line.trim() === "") return;
  let req: Request;
  try {
    req = JSON.parse(line) as Request;
  } catch {
    emit({ ev: "error", message: `not JSON: ${line.slice(0, 80)}` });
    return;
  }
  if (req.op === "run") run(req);
  else if (req.op === "kill") {
    const child = running.get(req.id) as (ChildProcess & { signalGroup?: (s: NodeJS.Signals) => void }) | undefined;
    child?.signalGroup?.(req.signal);
  } else emit({ ev: "error", message: `unknown op in ${line.slice(0, 80)}` });
}

let hostnames = new Set<string>();

async function main(): Promise<void> {
  // Requests that come during setup wait in the pipe until it is done.
  await setup().catch((error: Error) => emit({ ev: "error", message: `setting up the lab's files: ${error.message}` }));
  hostnames = new Set((config.hosts ?? []).filter((h) => existsSync(`${runDir}/uts/${h}`)));
  let buffered = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      handle(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  // The owner is gone: stop everything now. (Exiting alone would do, since
  // the kernel kills the rest of the pid namespace, but say so plainly.)
  process.stdin.on("end", () => {
    for (const child of running.values()) if (child.pid) try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
    process.exit(0);
  });
  process.stdout.on("error", () => process.exit(0));
  emit({ ev: "ready", protocol: PROTOCOL });
}

void main();
