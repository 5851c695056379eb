// `npm run site [-- --out DIR]`: the course as a static site (site/ by
// default), every notebook of both editions executed first. See site/build.ts.
import { resolve } from "node:path";
import { ROOT } from "./jupyter";
import { stopRuns } from "./notebook";
import { buildSite } from "./site/build";

const USAGE = "usage: npm run site [-- --out DIR] [--concurrency N]";

function parse(argv: string[]): { out: string; concurrency?: number } {
  let out = resolve(ROOT, "site");
  let concurrency: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--out" && value) {
      out = resolve(value);
      i++;
    } else if (flag === "--concurrency" && value) {
      concurrency = Number(value);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 12) throw new Error(`--concurrency: ${JSON.stringify(value)} is not allowed: a whole number of notebooks from 1 to 12`);
      i++;
    } else throw new Error(`${JSON.stringify(flag)}: not an option of npm run site\n${USAGE}`);
  }
  if (out === ROOT || out === "/") throw new Error(`--out: ${out} would replace the course itself; name a folder of its own`);
  return { out, concurrency };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  // Ctrl-C ends the kernels in progress (each run's namespace takes its processes).
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => { stopRuns(); process.exitCode = 130; });
  try {
    const report = await buildSite({ ...args, log: (line) => console.log(line) });
    console.log(`site: ${report.pages.length} pages in ${report.out}, ${report.wallSeconds.toFixed(1)} s; open ${report.out}/index.html, or publish the folder on any static host`);
  } catch (err) {
    console.error(`site: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}

main();
