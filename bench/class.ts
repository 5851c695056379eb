// How many students can run notebook 03 at once on this machine before a
// cell takes more than twice its solo time? A class (npm run class's own
// openClass, --test-login on 127.0.0.1) with N students; notebook 03 run in
// student 1's server alone (the peer: ROUNDS solo runs, the median per cell),
// then in 1, 2, 3 ... N students' servers at once, each in their own server
// as their own uid, through the kernel's websocket as a browser would.
// Run as root: node dist/bench/class.js [N]
//
// A cell's budget is twice its solo median, but never less than FLOOR_S:
// below a tenth of a second a cell's time is mostly the scheduler's, and a
// 40 ms cell taking 90 ms says nothing about the class.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/browser/servers";
import { openClass } from "../scripts/class/start";
import { parseClassArgs, StartOptions } from "../scripts/class/options";
import { runInServer, ServerRun } from "../scripts/class/server-run";
import { cellSource, readNotebook } from "../scripts/notebook";
import { NOTEBOOKS } from "../scripts/jupyter";
import { median } from "./median";

const ROUNDS = 3;
const FLOOR_S = 0.1;
const MAX = Number(process.argv[2] ?? 8);
if (!Number.isInteger(MAX) || MAX < 1 || MAX > 30) {
  console.error(`bench/class: N must be a whole number of students from 1 to 30, got ${JSON.stringify(process.argv[2])}`);
  process.exit(2);
}
const nb = readNotebook(join(NOTEBOOKS, "03-lab.ipynb"));
const names = Array.from({ length: MAX }, (_, i) => `s${String(i + 1).padStart(2, "0")}`);

function checked(name: string, run: ServerRun): ServerRun {
  const bad = run.cells.find((c) => c.status !== "ok");
  if (bad) throw new Error(`${name}: cell ${bad.index} ${bad.status}`);
  return run;
}

async function main(): Promise<void> {
  const state = mkdtempSync(join(tmpdir(), "mcast-bench-class-"));
  const file = join(state, "students.txt");
  writeFileSync(file, names.join("\n") + "\n");
  const o = parseClassArgs(["--test-login", "--students", file, "--port", String(await freePort()), "--state", state, "--idle-timeout", "0", "--uid-base", "61700"]) as StartOptions;
  const cls = await openClass(o);
  try {
    console.log(`class open; limits per student: ${JSON.stringify(cls.settings.limits)}${cls.notes.length ? `; ${cls.notes.join("; ")}` : ""}`);
    const tokens: Record<string, string> = {};
    for (const name of names) {
      await cls.api.startServer(name);
      tokens[name] = await cls.api.tokenFor(name, "bench");
    }
    const run = (name: string) => runInServer(nb, { server: `${cls.url}/user/${name}`, token: tokens[name], path: "03-lab.ipynb", cellTimeoutSec: 300 }).then((r) => checked(name, r));

    const solos: ServerRun[] = [];
    for (let i = 0; i < ROUNDS; i++) solos.push(await run(names[0]));
    const code = solos[0].cells.map((c) => c.index);
    const solo = new Map(code.map((index) => [index, median(solos.map((r) => r.cells.find((c) => c.index === index)!.seconds))]));
    const soloTotal = median(solos.map((r) => r.cells.reduce((s, c) => s + c.seconds, 0)));
    const label = (index: number) => cellSource(nb.cells[index]).split("\n").find((l) => l.trim() && !l.trim().startsWith("//"))!.trim().slice(0, 50);
    console.log(`solo (median of ${ROUNDS}): notebook 03's cells in ${soloTotal.toFixed(1)} s; the slowest: ${[...solo].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([i, s]) => `cell ${i} ${s.toFixed(2)} s`).join(", ")}`);
    console.log("\nstudents  worst cell (its time / its budget)                          notebook (median)  against solo");
    let fits = 0;
    for (let n = 1; n <= MAX; n++) {
      const runs = await Promise.all(names.slice(0, n).map(run));
      let worst = { ratio: 0, index: -1, seconds: 0 };
      for (const r of runs) {
        for (const c of r.cells) {
          const ratio = c.seconds / (2 * Math.max(solo.get(c.index)!, FLOOR_S));
          if (ratio > worst.ratio) worst = { ratio, index: c.index, seconds: c.seconds };
        }
      }
      const total = median(runs.map((r) => r.cells.reduce((s, c) => s + c.seconds, 0)));
      const within = worst.ratio <= 1;
      console.log(`${String(n).padStart(8)}  ${`cell ${worst.index} (${label(worst.index)}) ${worst.seconds.toFixed(2)} s: ${(worst.ratio * 100).toFixed(0)}%`.padEnd(64)} ${`${total.toFixed(1)} s`.padStart(9)}  ${(total / soloTotal).toFixed(2)}x${within ? "" : "  over"}`);
      if (within && fits === n - 1) fits = n;
      if (!within && n > fits + 1) break; // two sizes over budget in a row: the answer is in
    }
    console.log(`\n${fits} student${fits === 1 ? "" : "s"} at once run notebook 03 with every cell within twice its solo time (floor ${FLOOR_S} s) on this ${require("node:os").cpus().length}-core machine`);
  } finally {
    await cls.close();
    rmSync(state, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
