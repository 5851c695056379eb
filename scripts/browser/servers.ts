// Jupyter servers for the browser test: JupyterLab 4 (our build, served by
// Debian's jupyterlab_server) and Debian's classic Notebook 6. Each listens
// on 127.0.0.1 at a free port with a random token, keeps its runtime files
// (connection files, cookie secret) and settings in a private temp folder,
// and stop() leaves nothing running: kernels shut down through the API, the
// server stopped, and any process still naming that folder killed by pid.
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installKernelSpec, jupyterEnv } from "../jupyter";
import { LabApp, PYTHON } from "../lab-frontend";
import { alive, sleep } from "../dir-lock";

export const CLASSIC_JUPYTER = "/usr/bin/jupyter";
const START_TIMEOUT_MS = 60_000;

export interface JupyterServer {
  kind: "lab" | "notebook";
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  token: string;
  /** The folder served (the notebooks' root). */
  root: string;
  /** A call to the server's REST API (/api/...), authenticated with the token. */
  api(method: "GET" | "DELETE", path: string): Promise<unknown>;
  /** Shut down kernels, stop the server, remove its files. Safe to call twice. */
  stop(): Promise<void>;
  /** The server's log so far (its last 40 kB). */
  log(): string;
  /**
   * How many restart handshakes the server logged as failed on its side:
   * kernel messages arriving on a closed channel (JupyterLab 4 restarting a
   * kernel on jupyter_server 1.x replaces its websocket while replies are
   * under way), and a timed-out kernel_info_reply (seen once with Notebook
   * 6.4 after Restart and Run All: the page then never queues a cell).
   */
  lostReplies(): number;
}

/** JupyterLab 4 (the front end in app.dir) on Debian's jupyterlab_server. */
export function startLab(app: LabApp, root: string): Promise<JupyterServer> {
  return startServer("lab", root, (port, token, tmp) => ({
    command: PYTHON,
    args: [
      app.main,
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--ServerApp.token=${token}`,
      "--ServerApp.open_browser=False",
      `--ServerApp.root_dir=${root}`,
      "--ServerApp.terminals_enabled=False",
      // Kernels on Unix sockets, not TCP ports: with other servers and
      // runs starting kernels at the same time, a port picked as free can
      // be taken before the kernel binds it.
      "--KernelManager.transport=ipc",
      `--MCastLabApp.user_settings_dir=${join(tmp, "settings")}`,
      `--MCastLabApp.workspaces_dir=${join(tmp, "workspaces")}`,
      ...(process.getuid?.() === 0 ? ["--ServerApp.allow_root=True"] : []),
    ],
  }));
}

/** Debian's classic Notebook (`jupyter notebook`, 6.4), as some classrooms still use. */
export function startClassic(root: string): Promise<JupyterServer> {
  return startServer("notebook", root, (port, token) => ({
    command: CLASSIC_JUPYTER,
    args: [
      "notebook",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${root}`,
      "--NotebookApp.terminals_enabled=False",
      "--KernelManager.transport=ipc", // as startLab's
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
  }));
}

type Launch = (port: number, token: string, tmp: string) => { command: string; args: string[] };

async function startServer(kind: JupyterServer["kind"], root: string, launch: Launch): Promise<JupyterServer> {
  installKernelSpec();
  let lastError: Error | undefined;
  // A free port can be taken between our probe and the server's bind: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const tmp = mkdtempSync(join(tmpdir(), `mcast-${kind}-`));
    for (const sub of ["runtime", "config", "settings", "workspaces"]) mkdirSync(join(tmp, sub));
    const port = await freePort();
    const token = randomBytes(24).toString("hex");
    const { command, args } = launch(port, token, tmp);
    const env = {
      ...jupyterEnv(),
      JUPYTER_RUNTIME_DIR: join(tmp, "runtime"),
      JUPYTER_CONFIG_DIR: join(tmp, "config"),
      PYTHONUNBUFFERED: "1",
    };
    const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const server = new Server(kind, `http://127.0.0.1:${port}`, token, root, tmp, child);
    try {
      await server.ready();
      return server;
    } catch (err) {
      await server.stop();
      lastError = err as Error;
      if (!/address already in use|Errno 98/i.test(server.log())) break;
    }
  }
  throw lastError ?? new Error(`the ${kind} server did not start`);
}

/**
 * Servers run in process groups of their own, so a test runner killed
 * mid-run would leave them behind; these hooks take them down with it (each
 * kernel then exits by itself once its server is gone: tslab-kernel.cjs).
 */
const running = new Set<ChildProcess>();
let hooked = false;
function watchForExit(child: ChildProcess): void {
  running.add(child);
  child.on("exit", () => running.delete(child));
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const c of running) signalGroup(c.pid, "SIGKILL");
  };
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      killAll();
      // Exit as the signal would have, unless someone else (playwright) handles it.
      if (process.listenerCount(sig) === 1) process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1));
    });
  }
}

class Server implements JupyterServer {
  private output = "";
  private lost = 0;
  private exited: string | null = null;
  private stopped = false;

  constructor(
    readonly kind: JupyterServer["kind"],
    readonly url: string,
    readonly token: string,
    readonly root: string,
    private readonly tmp: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      this.lost += (text.match(/arrived on closed channel|Timeout waiting for kernel_info_reply/g) ?? []).length;
      this.output = (this.output + text).slice(-40_000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    watchForExit(child);
    child.on("exit", (code, signal) => {
      this.exited = signal ?? `exit ${code}`;
    });
    child.on("error", (err) => {
      this.exited = err.message;
    });
  }

  log(): string {
    return this.output;
  }

  lostReplies(): number {
    return this.lost;
  }

  async ready(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`the ${this.kind} server exited (${this.exited}) before it answered:\n${this.output.slice(-4000)}`);
      try {
        const res = await fetch(`${this.url}/api/status`, { headers: { Authorization: `token ${this.token}` }, signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`the ${this.kind} server did not answer on ${this.url} within ${START_TIMEOUT_MS / 1000} s:\n${this.output.slice(-4000)}`);
  }

  async api(method: "GET" | "DELETE", path: string): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, { method, headers: { Authorization: `token ${this.token}` }, signal: AbortSignal.timeout(15_000) });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  /** Shut every kernel down (the notebook's sessions and any other). */
  async shutdownKernels(): Promise<void> {
    const kernels = (await this.api("GET", "/api/kernels")) as Array<{ id: string }>;
    await Promise.all(kernels.map((k) => this.api("DELETE", `/api/kernels/${k.id}`).catch(() => undefined)));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.exited) {
      await this.shutdownKernels().catch(() => undefined);
      signalGroup(this.child.pid, "SIGTERM");
      const deadline = Date.now() + 10_000;
      while (!this.exited && Date.now() < deadline) await sleep(100);
      if (!this.exited) signalGroup(this.child.pid, "SIGKILL");
    }
    // Kernels run in sessions of their own; their command lines name their
    // connection files, which live in our runtime folder.
    await killProcessesMentioning(this.tmp);
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** Stop every kernel of a server (between notebooks). */
export async function shutdownKernels(server: JupyterServer): Promise<void> {
  if (server instanceof Server) await server.shutdownKernels();
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // gone
  }
}

/**
 * Kill (by pid) every process whose command line contains `needle`, a path
 * unique to this run. Returns the command lines it found.
 */
export async function killProcessesMentioning(needle: string): Promise<string[]> {
  const found = new Map<number, string>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    } catch {
      continue;
    }
    if (cmdline.includes(needle)) found.set(pid, cmdline);
  }
  for (const pid of found.keys()) signal(pid, "SIGTERM");
  const deadline = Date.now() + 3000;
  while ([...found.keys()].some(alive) && Date.now() < deadline) await sleep(100);
  for (const pid of found.keys()) if (alive(pid)) signal(pid, "SIGKILL");
  return [...found.values()];
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/**
 * `count` different free ports, none of them in `avoid`. Each freePort()
 * closes its probe before it returns, so two calls in a row can give the same
 * port (a class's hub was once given its proxy's): these probes stay open
 * until all are chosen.
 */
export async function freePorts(count: number, avoid: readonly number[] = []): Promise<number[]> {
  const probes: ReturnType<typeof createServer>[] = [];
  const ports: number[] = [];
  try {
    for (let tries = 0; ports.length < count; tries++) {
      if (tries > count + 20) throw new Error(`no ${count} free ports apart from ${avoid.join(", ")}`);
      const probe = createServer();
      probes.push(probe);
      const port = await new Promise<number>((resolve, reject) => {
        probe.on("error", reject);
        probe.listen(0, "127.0.0.1", () => {
          const address = probe.address();
          resolve(typeof address === "object" && address ? address.port : 0);
        });
      });
      if (port && !avoid.includes(port) && !ports.includes(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(probes.map((p) => new Promise((r) => p.close(() => r(undefined)))));
  }
}
