// `npm start`: open the course in JupyterLab 4. A system JupyterLab >= 4 is
// used when there is one; otherwise the course's own front end (jupyterlab/,
// built from npm once and cached in ~/.cache/mcast-lab) is served by Debian's
// jupyterlab-server. `--lab` (`npm run lab`) always serves ours; `--classic`
// opens the classic Notebook.
// The server listens on 127.0.0.1 with a token unless --ip says otherwise;
// --ip, --port and --no-browser pass through. One Ctrl-C (or SIGTERM) stops
// the server, which shuts its kernels down, and each kernel's labs and
// captures go with it (a lab's supervisor exits when its owner does).
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { linkCourse } from "./course-link";
import { watchBuild } from "./build-watch";
import { writeDocsIfMissing } from "./docs";
import { findFrontend, HIDE_GLOBS, installKernelSpec, jupyterInstallHint, NOTEBOOKS, serveUntilStopped } from "./jupyter";
import { ensureLabApp, PYTHON } from "./lab-frontend";

const USAGE = "usage: npm start [-- --lab | --classic] [--ip ADDRESS] [--port N] [--no-browser] [--dir FOLDER]";

interface StartOptions {
  classic: boolean;
  /** Serve the course's own JupyterLab front end even where a system JupyterLab is installed. */
  lab: boolean;
  ip: string;
  port?: number;
  browser: boolean;
  /** The folder of notebooks to serve (default: the course's notebooks/; e.g. a student's own copy). */
  dir: string;
}

/** The few options npm start takes, checked; anything else is refused with the usage line. */
export function parseStartArgs(args: string[]): StartOptions {
  const o: StartOptions = { classic: false, lab: false, ip: "127.0.0.1", browser: true, dir: NOTEBOOKS };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") throw new Error(`${name} needs a value\n${USAGE}`);
      return v;
    };
    if (name === "--classic") o.classic = true;
    else if (name === "--lab") o.lab = true;
    else if (name === "--no-browser") o.browser = false;
    else if (name === "--ip") o.ip = value();
    else if (name === "--dir") {
      o.dir = resolve(value());
      if (!existsSync(o.dir) || !statSync(o.dir).isDirectory()) throw new Error(`--dir must be a folder, got ${JSON.stringify(o.dir)}\n${USAGE}`);
    }
    else if (name === "--port") {
      const v = value();
      const port = Number(v);
      if (!/^\d+$/.test(v) || port < 1 || port > 65535) throw new Error(`--port must be a port number 1 to 65535, got ${JSON.stringify(v)}\n${USAGE}`);
      o.port = port;
    } else throw new Error(`unknown option ${JSON.stringify(args[i])}\n${USAGE}`);
  }
  if (o.lab && o.classic) throw new Error(`--lab and --classic: choose one\n${USAGE}`);
  return o;
}

/** The server options both kinds of Jupyter server take (ServerApp / NotebookApp). */
function serverArgs(o: StartOptions, app: "ServerApp" | "NotebookApp"): string[] {
  const args = [`--${app}.ip=${o.ip}`, `--${app}.open_browser=${o.browser ? "True" : "False"}`, ...HIDE_GLOBS];
  if (o.port !== undefined) args.push(`--${app}.port=${o.port}`, `--${app}.port_retries=0`);
  // Jupyter refuses to start as root unless told; a classroom VM or a container often is root.
  if (process.getuid?.() === 0) args.push(`--${app}.allow_root=True`);
  return args;
}

async function main(): Promise<void> {
  let o: StartOptions;
  try {
    o = parseStartArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`mcast-lab: ${(err as Error).message}`);
    process.exit(2);
  }
  const say = (line: string) => console.log(`mcast-lab: ${line}`);
  // Another folder's notebooks import the course as well (a link to this one).
  if (o.dir !== NOTEBOOKS && !existsSync(join(o.dir, "node_modules", "mcast-lab"))) linkCourse(o.dir);
  const spec = installKernelSpec();
  say(`TypeScript kernel registered in ${spec}`);
  // Each lookup runs `jupyter APP --version`: ask only for what can be used.
  const lab = o.lab || o.classic ? null : findFrontend(["lab"]);
  const frontend = lab && Number(lab.version.split(".")[0]) >= 4 ? lab : o.classic ? findFrontend(["notebook", "nbclassic"]) : null;
  if (o.classic && !frontend) {
    console.error(`mcast-lab: the classic Notebook is not installed. Install it with:\n\n    ${jupyterInstallHint()}\n\nor open the course in JupyterLab: npm start`);
    process.exit(1);
  }
  if (frontend) {
    say(`starting jupyter ${frontend.app} ${frontend.version} on ${o.dir}`);
    const app = frontend.app === "lab" ? "ServerApp" : "NotebookApp";
    const companions = [watchBuild(say), writeDocsIfMissing(say)].filter((c) => c !== null);
    serveUntilStopped(frontend.jupyter, [frontend.app, `--notebook-dir=${o.dir}`, ...serverArgs(o, app)], companions);
    return;
  }

  const check = spawnSync(PYTHON, ["-c", "import jupyterlab_server, jupyter_server"], { timeout: 20_000 });
  if (check.status !== 0) {
    console.error("mcast-lab: JupyterLab needs Debian's jupyterlab-server. Install it with:\n\n    sudo apt-get install python3-jupyterlab-server python3-jupyter-server python3-terminado\n\n(bash scripts/setup.sh does), or open the classic Notebook: npm start -- --classic");
    process.exit(1);
  }
  let built;
  try {
    built = await ensureLabApp(say);
  } catch (err) {
    console.error(`mcast-lab: the JupyterLab front end could not be built: ${(err as Error).message}\n\nIt needs the npm registry once (about 450 packages). Meanwhile: npm start -- --classic`);
    process.exit(1);
  }
  say(`JupyterLab 4 front end ${built.built ? `built in ${built.seconds.toFixed(0)} s` : "from the cache"} (${built.dir})`);
  const companions = [watchBuild(say), writeDocsIfMissing(say)].filter((c) => c !== null);
  serveUntilStopped(PYTHON, [built.main, `--ServerApp.root_dir=${o.dir}`, ...serverArgs(o, "ServerApp")], companions);
}

if (require.main === module) void main();
