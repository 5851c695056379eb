// `npm start`: register the TypeScript kernel in the course's own Jupyter
// folder and open the notebooks in the best front end this machine has.
// Ctrl-C stops the server, which shuts its kernels down (and each kernel
// exits by itself if the server is killed; see tslab-kernel.cjs).
import { findFrontend, HIDE_GLOBS, installKernelSpec, jupyterInstallHint, NOTEBOOKS, serveUntilStopped } from "./jupyter";
import { watchBuild } from "./build-watch";
import { writeDocsIfMissing } from "./docs";

function main(): void {
  const extra = process.argv.slice(2);
  const spec = installKernelSpec();
  const frontend = findFrontend();
  if (!frontend) {
    console.error("mcast-lab: Jupyter is not installed. Install it with:\n\n    " + jupyterInstallHint() + "\n\nthen run `npm start` again.");
    process.exit(1);
  }
  console.log(`mcast-lab: TypeScript kernel registered in ${spec}`);
  console.log(`mcast-lab: starting jupyter ${frontend.app} ${frontend.version} on ${NOTEBOOKS}`);
  if (frontend.app !== "lab") {
    console.log("mcast-lab: (JupyterLab is not installed: `npm run lab` builds one from npm and serves it with Debian's jupyterlab-server, or `pip install jupyterlab`. The course works in both.)");
  }
  // Jupyter refuses to start as root unless told; a classroom VM or a
  // container often is root.
  const asRoot = process.getuid?.() === 0 && !extra.includes("--allow-root") ? ["--allow-root"] : [];
  const say = (line: string) => console.log(`mcast-lab: ${line}`);
  const companions = [watchBuild(say), writeDocsIfMissing(say)].filter((c) => c !== null);
  serveUntilStopped(frontend.jupyter, [frontend.app, `--notebook-dir=${NOTEBOOKS}`, ...HIDE_GLOBS, ...asRoot, ...extra], companions);
}

main();
