// `npm run lab`: open the course in JupyterLab 4 where no JupyterLab is
// installed (Debian has no package for it and there may be no PyPI). The
// front end the browser test builds from npm (test/browser/lab-app, cached
// in ~/.cache/mcast-lab) is served by Debian's jupyterlab_server. Ctrl-C
// stops it and its kernels.
import { spawnSync } from "node:child_process";
import { ensureLabApp, PYTHON } from "./browser/lab-app";
import { HIDE_GLOBS, installKernelSpec, NOTEBOOKS, serveUntilStopped } from "./jupyter";
import { watchBuild } from "./build-watch";
import { writeDocsIfMissing } from "./docs";

async function main(): Promise<void> {
  const check = spawnSync(PYTHON, ["-c", "import jupyterlab_server, jupyter_server"], { timeout: 20_000 });
  if (check.status !== 0) {
    console.error("mcast-lab: JupyterLab needs Debian's jupyterlab-server. Install it with:\n\n    sudo apt-get install python3-jupyterlab-server python3-jupyter-server\n\nor use `npm start` (the classic Notebook).");
    process.exit(1);
  }
  installKernelSpec();
  const app = await ensureLabApp((line) => console.log(`mcast-lab: ${line}`));
  console.log(`mcast-lab: JupyterLab front end ${app.built ? `built in ${app.seconds.toFixed(0)} s` : "from the cache"}: ${app.dir}`);
  const extra = process.argv.slice(2);
  const say = (line: string) => console.log(`mcast-lab: ${line}`);
  const companions = [watchBuild(say), writeDocsIfMissing(say)].filter((c) => c !== null);
  serveUntilStopped(PYTHON, [app.main, `--ServerApp.root_dir=${NOTEBOOKS}`, "--ServerApp.ip=127.0.0.1", ...HIDE_GLOBS, ...(process.getuid?.() === 0 ? ["--ServerApp.allow_root=True"] : []), ...extra], companions);
}

main().catch((err) => {
  console.error(`mcast-lab: ${(err as Error).message}`);
  process.exit(1);
});
