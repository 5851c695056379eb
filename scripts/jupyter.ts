// Finding Jupyter on this machine and registering the course's kernel in a
// project-local data folder, so that the user's own kernels are never touched.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "..", "..");
export const NOTEBOOKS = join(ROOT, "notebooks");

/** The course's notebooks (or an edition's, in its folder), by file name, in their order (00-start-here first). */
export function courseNotebooks(dir = NOTEBOOKS): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();
}
/** Holds kernels/tslab/kernel.json; put first on JUPYTER_PATH. */
export const JUPYTER_DATA = join(ROOT, ".jupyter");
export const KERNEL_NAME = "tslab";

/** Write the kernel spec (idempotent) into a Jupyter data folder (the course's own by default); returns its path. */
export function installKernelSpec(dataDir: string = JUPYTER_DATA): string {
  const dir = join(dataDir, "kernels", KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  const spec = {
    argv: [process.execPath, join(ROOT, "scripts", "tslab-kernel.cjs"), "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript",
    language: "typescript",
    env: { MCAST_LAB_ROOT: ROOT },
  };
  const file = join(dir, "kernel.json");
  writeFileSync(file, JSON.stringify(spec, null, 2) + "\n");
  return file;
}

/** The environment for anything that starts kernels: our kernel spec first. */
export function jupyterEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const path = [JUPYTER_DATA, base.JUPYTER_PATH].filter(Boolean).join(":");
  return { ...base, JUPYTER_PATH: path, MCAST_LAB_ROOT: ROOT };
}

export interface Frontend {
  /** "lab", "notebook" or "nbclassic": the jupyter subcommand. */
  app: "lab" | "notebook" | "nbclassic";
  jupyter: string;
  version: string;
}

/** Candidate `jupyter` programs: PATH's first, then Debian's (whose Python has Jupyter). */
function jupyterPrograms(): string[] {
  const found: string[] = [];
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = join(dir || ".", "jupyter");
    if (existsSync(p)) found.push(p);
  }
  if (existsSync("/usr/bin/jupyter")) found.push("/usr/bin/jupyter");
  return [...new Set(found)];
}

/** The best front end installed among `apps`: JupyterLab, else Notebook, else nbclassic. */
export function findFrontend(apps: ReadonlyArray<Frontend["app"]> = ["lab", "notebook", "nbclassic"]): Frontend | null {
  for (const app of apps) {
    for (const jupyter of jupyterPrograms()) {
      const r = spawnSync(jupyter, [app, "--version"], { encoding: "utf8", timeout: 20_000 });
      if (r.status === 0) return { app, jupyter, version: r.stdout.trim().split("\n").pop() ?? "" };
    }
  }
  return null;
}

/**
 * Jupyter's default hidden files plus node_modules: notebooks/node_modules holds
 * the link through which the notebooks import the course, not a student's file.
 */
export const HIDE_GLOBS = ["node_modules", "__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*.so", "*.dylib", "*~"].map((g) => `--ContentsManager.hide_globs=${g}`);

/** The command that installs Jupyter on this system, for the error message. */
export function jupyterInstallHint(): string {
  if (existsSync("/usr/bin/apt-get")) return "sudo apt-get install jupyter-notebook   (Debian/Ubuntu; or: pip install jupyterlab)";
  if (existsSync("/usr/bin/dnf")) return "sudo dnf install python3-notebook   (or: pip install jupyterlab)";
  return "pip install jupyterlab";
}

/** The user's own Jupyter data folder (`jupyter --data-dir`), where a kernel registered for every Jupyter of theirs goes. */
export function userJupyterData(): string {
  for (const jupyter of jupyterPrograms()) {
    const r = spawnSync(jupyter, ["--data-dir"], { encoding: "utf8", timeout: 20_000 });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return join(process.env.XDG_DATA_HOME || join(process.env.HOME || "/root", ".local", "share"), "jupyter");
}

/** A Python that has nbclient, for running notebooks headless. */
export function findNbclientPython(): string | null {
  for (const python of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(python, ["-c", "import nbclient, nbformat"], { timeout: 20_000 });
    if (r.status === 0) return python;
  }
  return null;
}

/**
 * Run a Jupyter server in the foreground until it exits, then exit with its
 * status. One Ctrl-C is enough: Jupyter answers a lone one with a "Shutdown?
 * (y/[n])" prompt, so every signal becomes a SIGTERM, on which the server
 * shuts its kernels down (each kernel also exits when its server is gone).
 * Once stopping, the server's log stays ours: Debian's Notebook 6.4 prints a
 * harmless traceback while shutting down (a jupyter_client event-loop bug).
 */
export function serveUntilStopped(command: string, args: string[], companions: ChildProcess[] = []): void {
  const child = spawn(command, args, { env: jupyterEnv(), stdio: ["inherit", "inherit", "pipe"] });
  // What runs beside the server (the build watcher) stops with it.
  const stopCompanions = () => companions.forEach((c) => c.exitCode === null && c.kill("SIGTERM"));
  let stopping = false;
  child.stderr!.on("data", (chunk: Buffer) => {
    if (!stopping) process.stderr.write(chunk);
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (!stopping) console.log("\nmcast-lab: stopping the server and its kernels");
      stopping = true;
      if (child.exitCode === null) child.kill("SIGTERM");
    });
  }
  child.on("exit", (code, signal) => {
    stopCompanions();
    process.exit(code ?? (signal ? 0 : 1));
  });
}
