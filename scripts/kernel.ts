// `npm run kernel -- --user`: register the course's TypeScript kernel for
// every Jupyter of this user (in `jupyter --data-dir`), as an existing
// Jupyter or nbgrader installation needs it. Without --user it goes into the
// course's own .jupyter/, which is what `npm start` and the tests use.
//
// The kernel is named "tslab", the name the notebooks' metadata asks for; a
// plain tslab kernel registered under that name is replaced by the course's,
// which is tslab plus what nbgrader needs (see scripts/tslab-kernel.cjs).
import { installKernelSpec, userJupyterData } from "./jupyter";

function main(): void {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--user");
  if (unknown.length) {
    console.error(`kernel: unknown argument ${unknown[0]}\nusage: npm run kernel [-- --user]`);
    process.exit(2);
  }
  const file = args.includes("--user") ? installKernelSpec(userJupyterData()) : installKernelSpec();
  console.log(`kernel: the course's TypeScript kernel ("tslab") is registered in ${file}`);
}

main();
