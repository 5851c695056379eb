// A lab: one process, started under `unshare`, owns every namespace, bridge
// and process of it (see supervisor.ts). It is PID 1 of its own pid namespace
// and has a mount namespace of its own, so when it ends, whether by down(), by
// its owner's exit or by a kill -9 of the owner, the kernel takes everything
// with it. Nothing is ever added to this machine's own network namespace.
import { ChildProcess, spawn } from "node:child_process";
import { userInfo } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { ArgumentError, checkSignal, checkTimeout } from "../util/errors";
import { Host } from "./host";
import { Plan, planLab, planScript, planText, PlanOptions, RUN_DIR } from "./plan";
import { Event, PROTOCOL, Request, SupervisorConfig } from "./owner-supervisor-protocol";
import { checkRunOptions, GRACE_MS, KillSignal, Run, RunOptions } from "./command";
import { Resolved } from "./resolve-topology";
import { SWITCH_NAMESPACE, Topology } from "./topology";
import { checkLabCap, LAB_SCRIPT_ARG } from "./lab-cap";
import { MdbRow, parseMdb } from "./views";
import { checkImpair, dropsCommand, ImpairDrops, impairCommands, ImpairSpec, ResolvedImpair, unimpairCommands } from "./impair";
import { userNamespaceFix } from "./user-namespaces";
import { courseRoot } from "../util/course-root";
import { LabError, labIsDown } from "./lab-error";
import { compiled } from "./compiled";
import { registerExitHook, state } from "./registry";
import { childPids } from "../util/processes";
import { findProgram, findPython3 } from "../util/programs";
import { shellQuote } from "../util/shell";
import { existsSync } from "node:fs";

/** How up() builds the lab: in a user namespace or as root, and its deadline. */
export interface UpOptions extends PlanOptions {
  /**
   * Build the lab inside a user namespace of its own. Default: yes unless
   * running as root. It needs unprivileged user namespaces (see preflight).
   */
  userNamespace?: boolean;
  /** How long building may take; default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A link lab.impair() made lossy or slow. */
export interface ImpairedLink {
  spec: ResolvedImpair;
  /** What the link has dropped so far: by the loss rule, and by the rate limit. */
  drops(): Promise<ImpairDrops>;
  /** Put the link right again (nothing happens once the lab is down). */
  remove(): Promise<void>;
}

/** A topology brought up in network namespaces: its hosts, the commands that built it, and down(). */
export class Lab {
  readonly topology: Topology;
  readonly plan: Plan;
  readonly userNamespace: boolean;
  /** The prompt's user in transcripts. */
  readonly user: string;
  /** How long up() took, in milliseconds. */
  upMs = 0;
  /** What the supervisor could not set up (a hostname, /etc/hosts...): niceties, not failures. */
  readonly warnings: string[] = [];
  private readonly hostMap = new Map<string, Host>();
  /** Bridge port (the switch's end of a link) → the host and interface at the other end. */
  private readonly ports = new Map<string, { host: string; interface: string }>();
  private readonly runs = new Map<number, Run>();
  private child?: ChildProcess;
  private pid1 = 0;
  private nextId = 1;
  private ended?: Promise<void>;
  private endedReason = "";
  private stderrTail = "";
  private protocolError = "";
  private built = false;
  private stopping = false;

  /** @internal Use up(). */
  constructor(resolved: Resolved, options: UpOptions) {
    this.topology = resolved.topology;
    this.plan = planLab(resolved, options);
    this.userNamespace = options.userNamespace ?? process.getuid?.() !== 0;
    this.user = this.topology.user ?? safeUserName();
    for (const h of resolved.hosts) this.hostMap.set(h.name, new Host(h.name, this, h.spec));
    for (const h of resolved.hosts) for (const f of h.interfaces) this.ports.set(f.peer, { host: h.name, interface: f.name });
  }

  /**
   * The bridges' multicast databases (`bridge mdb show`), which a snooping
   * bridge fills from the reports it hears: which host's port has joined which
   * group, and how long until the entry expires. Empty without snooping.
   */
  async mdb(): Promise<MdbRow[]> {
    return parseMdb(await this.namespace(SWITCH_NAMESPACE).cmd("bridge -j -s mdb show"), this.ports);
  }

  /**
   * Make the link to a host lossy or slow (see lab/impair.ts): `lossPercent`
   * of the UDP datagrams going to it are dropped, or it carries at most
   * `rateKbit`, on the switch's end, so the host never sees them. Resolves to
   * the impaired link: its drops so far, and remove(). down() removes it too.
   */
  async impair(spec: ImpairSpec): Promise<ImpairedLink> {
    const i = checkImpair("spec", spec);
    if (!this.hostMap.has(i.host)) throw new ArgumentError("spec.host", i.host, `one of the lab's hosts: ${[...this.hostMap.keys()].join(", ")}`);
    const host = this.host(i.host);
    if (!host.spec?.interfaces.some((f) => f.name === i.iface)) {
      throw new ArgumentError("spec.iface", i.iface, `one of ${i.host}'s interfaces: ${(host.spec?.interfaces ?? []).map((f) => f.name).join(", ")}`);
    }
    const sw = this.namespace(SWITCH_NAMESPACE);
    for (const c of unimpairCommands(i)) await sw.cmd(c);
    for (const c of impairCommands(i)) await sw.cmd(c);
    return {
      spec: i,
      drops: async () => JSON.parse(await sw.cmd(dropsCommand(i))) as ImpairDrops,
      remove: async () => {
        if (!this.running) return;
        for (const c of unimpairCommands(i)) await sw.cmd(c);
      },
    };
  }

  /** The hosts, in the topology's order. */
  get hosts(): Host[] {
    return [...this.hostMap.values()];
  }

  /** A host by name: lab.host("flatbush"). */
  host(name: string): Host {
    const host = this.hostMap.get(name);
    if (!host) throw new ArgumentError("name", name, `one of the lab's hosts: ${[...this.hostMap.keys()].join(", ")}`);
    return host;
  }

  /** Any of the lab's namespaces, hosts or not (e.g. "switch", to capture on a bridge). */
  namespace(name: string): Host {
    if (this.hostMap.has(name)) return this.hostMap.get(name)!;
    if (!this.plan.namespaces.includes(name)) {
      throw new ArgumentError("name", name, `one of the lab's namespaces: ${this.plan.namespaces.join(", ")}`);
    }
    return new Host(name, this);
  }

  /** The lab's first process (PID 1 inside it), as this machine numbers it; 0 once down. */
  get pid(): number {
    return this.running ? this.pid1 : 0;
  }

  /** True from up() until down() (or until the lab's process ended). */
  get running(): boolean {
    return this.child !== undefined && this.ended !== undefined && this.endedReason === "";
  }

  /** What a notebook cell shows for a lab. */
  [inspect.custom](): string {
    const hosts = this.hosts.map((h) => h.name).join(", ");
    return `Lab ${this.topology.name}: ${this.running ? `up, pid ${this.pid1}` : "down"}; hosts ${hosts}`;
  }

  /** @internal The agent that runs send()/receive() in a host. */
  agentPath(): string {
    return compiled("lab/host-agent");
  }

  /** The `ip` commands that built it, as one would type them. */
  commands(): string {
    return planText(this.plan);
  }

  /** @internal Start a command in a namespace (Host.run checks the arguments). */
  start(namespace: string, command: string, options: RunOptions): Run {
    const { timeoutMs, signal } = checkRunOptions(options);
    const id = this.nextId++;
    const run = new Run(id, namespace, command, this.user, this);
    if (!this.running) {
      run.finish(null, null, false, labIsDown(this.endedReason));
      return run;
    }
    if (signal?.aborted) {
      run.finish(null, null, false, "aborted before it started");
      return run;
    }
    this.runs.set(id, run);
    this.holdOpen();
    void run.exited.then(() => this.holdOpen());
    const request: Request = {
      op: "run", id, namespace, command, timeoutMs, graceMs: GRACE_MS,
      cwd: options.cwd ?? process.cwd(), env: options.env ?? {},
      ...(options.input !== undefined ? { input: options.input } : {}),
    };
    this.send(request);
    if (signal) {
      const onAbort = () => {
        run.kill("SIGINT");
        setTimeout(() => run.kill("SIGKILL"), GRACE_MS).unref();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      void run.exited.then(() => signal.removeEventListener("abort", onAbort));
    }
    return run;
  }

  /**
   * Keep this process alive only while something is being waited for, so a
   * script that forgets down() still exits (and its exit takes the lab down).
   */
  private holdOpen(): void {
    const child = this.child;
    if (!child) return;
    const busy = !this.built || this.stopping || this.runs.size > 0;
    for (const stream of [child.stdin, child.stdout, child.stderr] as Array<{ ref?: () => void; unref?: () => void } | null>) {
      if (busy) stream?.ref?.();
      else stream?.unref?.();
    }
    if (busy) child.ref();
    else child.unref();
  }

  /** @internal */
  kill(id: number, signal: KillSignal): void {
    if (this.runs.has(id)) this.send({ op: "kill", id, signal });
  }

  /** @internal Start the lab's process and wait until the namespaces are built. */
  async boot(options: UpOptions): Promise<void> {
    const timeoutMs = options.timeoutMs === undefined ? 10_000 : checkTimeout("options.timeoutMs", options.timeoutMs);
    const signal = checkSignal("options.signal", options.signal);
    const started = performance.now();
    const node = process.execPath;
    const wrapper = (argv: string[]) => `#!/bin/sh\nexec ${argv.map(shellQuote).join(" ")} "$@"\n`;
    const config: SupervisorConfig = {
      runDir: RUN_DIR,
      hosts: this.plan.hosts,
      bin: {
        mcastsend: wrapper([node, compiled("cli/mcastsend")]),
        mcastrecv: wrapper([node, compiled("cli/mcastrecv")]),
      },
      hostsFile: this.plan.hostsFile,
    };
    const python = findPython3();
    if (!python) throw new LabError("the lab's supervisor needs Python 3, and there is none", "sudo apt-get install python3");
    const supervisorScript = join(courseRoot(), "src", "lab", "supervisor.py");
    if (!existsSync(supervisorScript)) throw new LabError(`${supervisorScript} is missing`, `restore it: git checkout src/lab/supervisor.py   (in ${courseRoot()})`);
    // -I -S: no user site, no PYTHON* variables, no site module: the
    // supervisor is ready in milliseconds and the same on every machine.
    const script = planScript(this.plan, [python, "-I", "-S", supervisorScript]);
    // --uts too, so that even a hostname set in the switch namespace stays in the lab.
    const flags = ["--net", "--mount", "--uts", "--pid", "--fork", "--kill-child", "--mount-proc"];
    if (this.userNamespace) flags.unshift("--user", "--map-current-user", "--keep-caps");
    // The script and the settings go in the environment, which keeps `ps`
    // inside the lab readable; the script unsets its own first.
    const env: NodeJS.ProcessEnv = { ...process.env, MCAST_LAB_SCRIPT: `unset MCAST_LAB_SCRIPT\n${script}`, MCAST_LAB_CONFIG: JSON.stringify(config) };
    // The lab is offline, and Node reads every extra CA certificate at start:
    // here that made each Node process in the lab (the supervisor, every
    // send and receive) start about 40 ms later.
    delete env.NODE_EXTRA_CA_CERTS;
    if (this.plan.routers.length > 0) {
      const names = this.plan.routers.map((r) => r.host).join(", ");
      if (!findProgram("smcrouted")) throw new LabError(`the lab's routers (${names}) need smcrouted, which is not installed`, "sudo apt-get install smcroute   (or: bash scripts/setup.sh)");
    }
    checkLabCap();
    const child = spawn("unshare", [...flags, "sh", "-c", LAB_SCRIPT_ARG], { stdio: ["pipe", "pipe", "pipe"], env });
    this.child = child;
    registerExitHook();
    state().live.add(this);

    let built!: () => void;
    let failed!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => ((built = resolve), (failed = reject)));
    this.ended = new Promise<void>((resolve) => {
      let over = false;
      const end = (reason: string, error: () => Error) => {
        if (over) return;
        over = true;
        if (!this.endedReason) this.endedReason = reason;
        state().live.delete(this);
        for (const run of this.runs.values()) run.finish(null, "SIGKILL", false, `the lab went down (${this.endedReason})`);
        this.runs.clear();
        if (!this.built) failed(error());
        resolve();
      };
      child.on("exit", (code, sig) => end(sig ? `its process was killed by ${sig}` : `its process exited with code ${code}`, () => this.bootError(code, sig)));
      // A spawn that fails (no unshare) may never say "exit".
      child.on("error", (error) => {
        if (child.pid === undefined) end(`unshare did not start: ${error.message}`, () => new LabError(`cannot start unshare: ${error.message}`, "sudo apt-get install util-linux"));
      });
    });
    child.stdin!.on("error", () => undefined); // the lab may be gone when we write
    child.stderr!.setEncoding("utf8").on("data", (data: string) => (this.stderrTail = (this.stderrTail + data).slice(-4000)));
    let buffered = "";
    child.stdout!.setEncoding("utf8").on("data", (data: string) => {
      buffered += data;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let event: Event;
        try {
          event = JSON.parse(line) as Event;
        } catch {
          continue; // a stray line from a tool in the build script
        }
        if (event.ev === "built") {
          this.built = true;
          built();
        }
        else this.onEvent(event);
      }
    });

    const timer = setTimeout(() => failed(new LabError(`building the lab took more than ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => failed(new LabError("up() was aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (signal?.aborted) throw new LabError("up() was aborted");
      await ready;
      this.pid1 = childPids(child.pid!)[0] ?? 0;
      this.upMs = performance.now() - started;
      this.holdOpen();
    } catch (error) {
      await this.down();
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Stop the lab: every process in it is killed and every namespace, bridge
   * and link goes with them. Resolves once they are gone. Idempotent.
   */
  async down(): Promise<void> {
    const s = state();
    if (s.current === this) s.current = undefined;
    if (!this.child || !this.ended) return;
    if (!this.endedReason) this.endedReason = "down() was called";
    this.stopping = true;
    this.holdOpen();
    this.killNow();
    await this.ended;
  }

  /** @internal Synchronous, for process exit: kill PID 1 (the kernel does the rest). */
  killNow(): void {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      // PID 1 first: its parent, unshare, then returns only once PID 1 and
      // with it every process of the pid namespace are gone.
      if (this.pid1 > 0) process.kill(this.pid1, "SIGKILL");
      else this.child.kill("SIGKILL"); // --kill-child passes it on to PID 1
    } catch {
      this.child.kill("SIGKILL");
    }
  }

  private send(request: Request): void {
    if (this.child?.stdin?.writable) this.child.stdin.write(JSON.stringify(request) + "\n");
  }

  private onEvent(event: Event): void {
    switch (event.ev) {
      case "ready":
        if (event.protocol !== PROTOCOL) {
          this.protocolError = `dist/ is out of date (its supervisor speaks protocol ${event.protocol}, this module ${PROTOCOL})`;
          this.endedReason = this.protocolError;
          this.killNow();
        }
        break;
      case "error":
        this.warnings.push(event.message);
        break;
      case "out":
        this.runs.get(event.id)?.feed(event.fd, event.data);
        break;
      case "exit": {
        const run = this.runs.get(event.id);
        this.runs.delete(event.id);
        run?.finish(event.code, event.signal, event.timedOut, event.error);
        break;
      }
      default:
        break;
    }
  }

  private bootError(code: number | null, sig: NodeJS.Signals | null): LabError {
    const said = this.stderrTail.trim();
    if (/^unshare: /m.test(said)) {
      const first = said.split("\n").find((l) => l.startsWith("unshare: "))!;
      if (!this.userNamespace && process.getuid?.() !== 0) {
        return new LabError(`cannot create the lab's namespaces: ${first}`, "leave options.userNamespace out (or true): without root the lab needs a user namespace");
      }
      return new LabError(`cannot create the lab's namespaces: ${first}`, userNamespaceFix());
    }
    if (this.protocolError) return new LabError(this.protocolError, "npm run build");
    return new LabError(`building the lab failed (${sig ? `killed by ${sig}` : `exit code ${code}`})${said ? `:\n${said}` : ""}`);
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "user";
  }
}
