// `npm test` after the build: every test file, three at a time, with the
// spec reporter and then where the time went (test-phases.ts). Three on this
// 2-core machine because most of a test's time is waiting (on kernels, on a
// browser, on datagrams at a rate): two at a time kept the cores about 60%
// busy and took 359 s; three took 299 s (2026-12-02, fresh clones).
// What runs side by side was made able to: see README, "For contributors".
//
// The slow files start first, longest first, counting the time in their
// before hooks, which the phase table cannot see (grade's grading, 55 s;
// grade-lab's, 46 s). `node --test` starts files in name order, which left
// the longest (the notebooks, 140 s) to begin last and run alone at the end.
// Files not listed here follow in name order. On 2026-12-03 (fresh clones)
// the browser passes measured longest (175 s, 150 s; the site 126, the
// notebooks 118 and 88), but starting them first made the suite slower (378 s
// against 361 s) and two load-sensitive tests failed beside them: the
// notebooks and the site, which start kernels, go first.
//
// node dist/scripts/test.js [FILE ...]   (test files to run; default: all of dist/test/)
import { readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import phases from "./test-phases";
import { ROOT } from "./jupyter";

const SLOWEST_FIRST = ["notebooks", "notebooks-ko", "site", "browser-lab", "browser-notebook", "class", "grade", "journey", "grade-lab", "socket-programs", "notebook-runner", "start-serve", "lab", "snooping", "routing", "impair", "interface-fix", "experiment"];
const CONCURRENCY = 3;

function testFiles(args: string[]): string[] {
  if (args.length > 0) return args.map((a) => resolve(a));
  const dir = join(ROOT, "dist", "test");
  const all = readdirSync(dir).filter((f) => f.endsWith(".test.js")).sort();
  const rank = (f: string) => {
    const i = SLOWEST_FIRST.indexOf(basename(f, ".test.js"));
    return i < 0 ? SLOWEST_FIRST.length : i;
  };
  return all.sort((a, b) => rank(a) - rank(b)).map((f) => join(dir, f));
}

const stream = run({ files: testFiles(process.argv.slice(2)), concurrency: CONCURRENCY });
stream.on("test:fail", () => (process.exitCode = 1));
// Both reporters see every event: the spec as it comes, the phase table at the end.
const forSpec = new PassThrough({ objectMode: true });
const forPhases = new PassThrough({ objectMode: true });
stream.pipe(forSpec);
stream.pipe(forPhases);
forSpec.compose(new spec()).pipe(process.stdout, { end: false });
forPhases.compose(phases).pipe(process.stdout, { end: false });
