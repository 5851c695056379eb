// The course's JupyterLab 4 front end, built from jupyterlab/ (its own
// package.json and lock, pinned to one JupyterLab release) into a cache folder
// named by a hash of those sources, so only the first `npm start` on a machine
// pays for `npm ci` and webpack (about a minute). npm start serves it; the
// browser tests drive it.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { alive, sleep, takeDirLock } from "./dir-lock";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "./jupyter";

export const LAB_APP_SOURCE = join(ROOT, "jupyterlab");
/** Every file the build depends on; a change to any of them means a new build. */
export const LAB_APP_FILES = [
  "package.json",
  "package-lock.json",
  "webpack.config.js",
  "index.js",
  "main.py",
  "templates/index.html",
  "app-settings/overrides.json",
];
export const PYTHON = "/usr/bin/python3";
export const CHROMIUM = "/usr/bin/chromium";

const NPM_CI_TIMEOUT_MS = 8 * 60_000;
const WEBPACK_TIMEOUT_MS = 6 * 60_000;
/** How long to wait for another process building the same version. */
const LOCK_WAIT_MS = NPM_CI_TIMEOUT_MS + WEBPACK_TIMEOUT_MS + 60_000;

export interface LabApp {
  /** The cache folder: sources, node_modules, build/. */
  dir: string;
  /** The Python launcher (jupyterlab_server.LabServerApp) to run with PYTHON. */
  main: string;
  /** True when this call built it (cold), false when the cache had it. */
  built: boolean;
  seconds: number;
}

/** ~/.cache/mcast-lab (or $MCAST_LAB_CACHE, or under $XDG_CACHE_HOME). */
export function cacheRoot(): string {
  if (process.env.MCAST_LAB_CACHE) return process.env.MCAST_LAB_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "mcast-lab");
}

export function labAppHash(): string {
  const hash = createHash("sha256");
  for (const file of LAB_APP_FILES) {
    hash.update(file + "\0");
    hash.update(readFileSync(join(LAB_APP_SOURCE, file)));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** The built front end, building it first when the cache does not have this version. */
export async function ensureLabApp(log: (line: string) => void = () => {}): Promise<LabApp> {
  const started = Date.now();
  const root = cacheRoot();
  const hash = labAppHash();
  const dir = join(root, `lab-app-${hash}`);
  const done = () => ({ dir, main: join(dir, "main.py"), seconds: (Date.now() - started) / 1000 });
  if (isComplete(dir, hash)) return { ...done(), built: false };

  mkdirSync(root, { recursive: true });
  // Someone else may be building it: wait for their build, or take over a dead one's.
  const release = await takeDirLock(`${dir}.lock`, {
    what: `the JupyterLab build in ${dir}`,
    waitMs: LOCK_WAIT_MS,
    pollMs: 2000,
    onWait: (holder) => log(`waiting for process ${holder}, which is building ${dir}`),
    done: () => isComplete(dir, hash),
  });
  if (!release) return { ...done(), built: false };
  try {
    if (isComplete(dir, hash)) return { ...done(), built: false };
    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    for (const file of LAB_APP_FILES) {
      mkdirSync(dirname(join(work, file)), { recursive: true });
      cpSync(join(LAB_APP_SOURCE, file), join(work, file));
    }
    try {
      log(`building the JupyterLab front end in ${dir}: npm ci, then webpack, about a minute, once per version of jupyterlab/`);
      const npm = npmCommand();
      let t = Date.now();
      await run(npm[0], [...npm.slice(1), "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], work, NPM_CI_TIMEOUT_MS, (sec) => log(`… npm ci (about 450 packages from the npm registry): ${sec} s`));
      log(`npm ci: ${((Date.now() - t) / 1000).toFixed(0)} s`);
      t = Date.now();
      await run(process.execPath, ["webpack.config.js"], work, WEBPACK_TIMEOUT_MS, (sec) => log(`… webpack: ${sec} s`));
      log(`webpack: ${((Date.now() - t) / 1000).toFixed(0)} s`);
    } catch (err) {
      rmSync(work, { recursive: true, force: true });
      throw err;
    }
    if (!existsSync(join(work, "build", "bundle.js"))) throw new Error(`webpack wrote no build/bundle.js in ${work}`);
    writeFileSync(join(work, ".complete"), hash + "\n");
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
    pruneOtherVersions(root, dir);
    return { ...done(), built: true };
  } finally {
    release();
  }
}

/** playwright-core from the lab app's node_modules (it is not a course dependency). */
export function requirePlaywright(app: LabApp): unknown {
  return createRequire(join(app.dir, "package.json"))("playwright-core");
}

function isComplete(dir: string, hash: string): boolean {
  return readText(join(dir, ".complete")).trim() === hash && existsSync(join(dir, "build", "bundle.js"));
}

/** Old versions and builds abandoned by dead processes: each holds ~400 MB. */
function pruneOtherVersions(root: string, keep: string): void {
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (path === keep || !name.startsWith("lab-app-")) continue;
    const tmp = /\.tmp-(\d+)$/.exec(name);
    const lock = name.endsWith(".lock");
    if (lock) continue;
    if (tmp && alive(Number(tmp[1]))) continue;
    if (!tmp && existsSync(`${path}.lock`)) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

function npmCommand(): string[] {
  // Under `npm test`, the npm that runs us; else the one on PATH.
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.js$/.test(cli) && existsSync(cli)) return [process.execPath, cli];
  return ["npm"];
}

const PROGRESS_EVERY_MS = 15_000;

/**
 * Run a command in its own process group; on timeout the whole group is
 * killed, and so it is when we are stopped (a Ctrl-C reaches only the
 * terminal's foreground group, which a detached build is not in).
 * `progress` hears how long it has run, every 15 s.
 */
function run(command: string, args: string[], cwd: string, timeoutMs: number, progress: (seconds: number) => void = () => {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });
    const onSignal = (signal: NodeJS.Signals) => {
      killGroup(child.pid);
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    const onExit = () => killGroup(child.pid);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    process.on("exit", onExit);
    const ticker = setInterval(() => progress(Math.round((Date.now() - started) / 1000)), PROGRESS_EVERY_MS);
    const settle = () => {
      clearTimeout(timer);
      clearInterval(ticker);
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      process.removeListener("exit", onExit);
    };
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const timer = setTimeout(() => {
      settle();
      killGroup(child.pid);
      reject(new Error(`${command} ${args.join(" ")} in ${cwd} took more than ${timeoutMs / 1000} s and was stopped:\n${output}`));
    }, timeoutMs);
    child.on("error", (err) => {
      settle();
      reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.on("exit", (code, signal) => {
      settle();
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} in ${cwd} failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  });
}

export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

