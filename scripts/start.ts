// `npm start`: register the TypeScript kernel in the course's own Jupyter
// folder and open the notebooks in the best front end this machine has.
// Ctrl-C stops the server, which shuts its kernels down (and each kernel
// exits by itself if the server is killed; see tslab-kernel.cjs).
import { spawn } from "node:child_process";
import { findFrontend, installKernelSpec, jupyterEnv, jupyterInstallHint, NOTEBOOKS } from "./jupyter";

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
  const child = spawn(frontend.jupyter, [frontend.app, `--notebook-dir=${NOTEBOOKS}`, ...asRoot, ...extra], {
    env: jupyterEnv(),
    stdio: ["inherit", "inherit", "pipe"],
  });
  // Debian's Notebook 6.4 prints a harmless traceback while it shuts its
  // kernels down (a jupyter_client event-loop bug); once stopping, we keep
  // its log to ourselves. Each kernel also exits when its server is gone.
  let stopping = false;
  child.stderr!.on("data", (chunk: Buffer) => {
    if (!stopping) process.stderr.write(chunk);
  });
  // Jupyter answers a lone Ctrl-C with a "Shutdown? (y/[n])" prompt; one
  // Ctrl-C should be enough, so every signal becomes a SIGTERM, on which the
  // server shuts its kernels down and exits.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (!stopping) console.log("\nmcast-lab: stopping the server and its kernels");
      stopping = true;
      if (child.exitCode === null) child.kill("SIGTERM");
    });
  }
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

main();
