// The whole course headless, as a student runs it top to bottom: every
// notebook in a fresh tslab kernel, one after another. Per notebook it prints
// how long the kernel took to answer, the import cell, the slowest cell and
// the whole run (kernel start to shutdown); then the course's total.
//
// With --against REF the same notebooks of another commit (checked out in a
// temporary worktree and built there) run in the same session, interleaved
// notebook by notebook, so both totals see the same machine; the ratio is
// theirs over ours.
//
// Run after `npm run build`: node dist/bench/course.js [--rounds N] [--against REF]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { courseNotebooks, NOTEBOOKS, ROOT } from "../scripts/jupyter";
import { median } from "./median";
import { cellSource, readNotebook, RunResult, runNotebook } from "../scripts/notebook";

interface Timing {
  kernel: number;
  importCell: number;
  slowest: { seconds: number; cell: string };
  total: number;
}

function parseArgs(argv: string[]): { rounds: number; against?: string } {
  let rounds = 1;
  let against: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--rounds") {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error(`--rounds: ${argv[i]} is not allowed: a whole number from 1 to 20`);
      rounds = n;
    } else if (a === "--against") {
      against = argv[++i];
      if (!against) throw new Error("--against: needs a commit (e.g. HEAD~1)");
    } else throw new Error(`unknown argument ${JSON.stringify(a)}: allowed are --rounds N and --against REF`);
  }
  return { rounds, against };
}

function git(args: string[], cwd = ROOT): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Another commit of the course, checked out and built beside this one (its node_modules is ours). */
function checkoutAndBuild(ref: string, dir: string): string {
  const commit = git(["rev-parse", "--short", `${ref}^{commit}`]);
  git(["worktree", "add", "--detach", dir, commit]);
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const build = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."], { cwd: dir, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`building ${ref} (${commit}) failed:\n${build.stdout}${build.stderr}`);
  return commit;
}

function timing(result: RunResult, wall: number, nbPath: string): Timing {
  const nb = readNotebook(nbPath);
  const bad = result.cells.filter((c) => c.status !== "ok");
  if (result.end !== "complete" || bad.length > 0) {
    throw new Error(`${nbPath}: the run ended ${result.end}${bad.length ? `, cells ${bad.map((c) => `${c.index} ${c.status}`).join(", ")}` : ""}\n${result.stderr}`);
  }
  const slowest = result.cells.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const firstLine = cellSource(nb.cells[slowest.index]).split("\n").find((l) => l.trim() && !l.trim().startsWith("//")) ?? "";
  return {
    kernel: result.kernelSeconds,
    importCell: result.cells[0]?.seconds ?? 0,
    slowest: { seconds: slowest.seconds, cell: `[${slowest.index}] ${firstLine.trim().slice(0, 38)}` },
    total: wall,
  };
}

type Runner = typeof runNotebook;

async function runOnce(run: Runner, folder: string, name: string): Promise<Timing> {
  const path = join(folder, name);
  const started = performance.now();
  const result = await run(path, { cwd: folder, cellTimeoutSec: 120, totalTimeoutSec: 600 });
  return timing(result, (performance.now() - started) / 1000, path);
}

const sec = (x: number, w = 6) => `${x.toFixed(1)} s`.padStart(w);

async function main(): Promise<void> {
  const { rounds, against } = parseArgs(process.argv.slice(2));
  const names = courseNotebooks();
  let work = "";
  let peer: { commit: string; folder: string; run: Runner } | undefined;
  try {
    if (against) {
      work = mkdtempSync(join(tmpdir(), "mcast-course-bench-"));
      const dir = join(work, "peer");
      // Its own runner, and through it its own kernel (the launcher in its
      // scripts/, registered in its own folder): all of it as it was.
      const commit = checkoutAndBuild(against, dir);
      const run = (require(join(dir, "dist", "scripts", "notebook.js")) as { runNotebook: Runner }).runNotebook;
      peer = { commit, folder: join(dir, "notebooks"), run };
      if (!existsSync(peer.folder)) throw new Error(`${against} has no notebooks/ folder`);
    }
    const ours = new Map<string, Timing[]>();
    const theirs = new Map<string, Timing[]>();
    const head = git(["rev-parse", "--short", "HEAD"]);
    const dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "";
    for (let round = 0; round < rounds; round++) {
      for (const name of names) {
        ours.set(name, [...(ours.get(name) ?? []), await runOnce(runNotebook, NOTEBOOKS, name)]);
        if (peer && existsSync(join(peer.folder, name))) theirs.set(name, [...(theirs.get(name) ?? []), await runOnce(peer.run, peer.folder, name)]);
      }
    }
    console.log(`the course headless, each notebook in a fresh tslab kernel; ${rounds > 1 ? `median of ${rounds} rounds` : "one round"}; ${new Date().toISOString().slice(0, 10)}, Node ${process.version}`);
    console.log(`this checkout: ${head}${dirty ? " with uncommitted changes" : ""}${peer ? `; against ${against} (${peer.commit}), interleaved` : ""}`);
    console.log(`${"notebook".padEnd(28)}${"kernel".padStart(8)}${"import".padStart(8)}  ${"slowest cell".padEnd(48)}${"total".padStart(8)}${peer ? `${"before".padStart(9)}` : ""}`);
    let sum = 0;
    let sumPeer = 0;
    for (const name of names) {
      const t = ours.get(name)!;
      const total = median(t.map((x) => x.total));
      sum += total;
      const slow = t.reduce((a, b) => (b.slowest.seconds > a.slowest.seconds ? b : a)).slowest;
      let line = `${name.padEnd(28)}${sec(median(t.map((x) => x.kernel)), 8)}${sec(median(t.map((x) => x.importCell)), 8)}  ${`${slow.cell} ${slow.seconds.toFixed(1)} s`.padEnd(48)}${sec(total, 8)}`;
      const p = theirs.get(name);
      if (p) {
        const pt = median(p.map((x) => x.total));
        sumPeer += pt;
        line += sec(pt, 9);
      }
      console.log(line);
    }
    console.log(`${"the course".padEnd(28)}${"".padStart(16)}  ${"".padEnd(48)}${sec(sum, 8)}${peer ? `${sec(sumPeer, 9)}  (${(sumPeer / sum).toFixed(2)}x as fast as before)` : ""}`);
  } finally {
    if (peer) spawnSync("git", ["worktree", "remove", "--force", join(work, "peer")], { cwd: ROOT });
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
