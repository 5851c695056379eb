// Bring the lecture's lab up and take it down, again and again, and in the
// same run let Mininet build the same shape (four hosts, two links each, two
// Linux bridges, no controller) and stop it. Prints the medians and the
// ratio. Run as root: node dist/bench/lab.js
//
// Mininet puts its two bridges in this machine's own namespace (with no
// address; the hosts' addresses are in 192.168.56.0/24 inside their own
// namespaces, and nothing is sent). The bench checks afterwards that this
// machine's links and named namespaces are as they were.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { median } from "./median";
import { join } from "node:path";
import { up } from "../src/lab/up";
import { lectureTopology, routedTopology, Topology } from "../src/lab/topology";

// Interleaved, one of each per round, so that drift in the machine's load
// hits both alike.
const RUNS = 11;
// The kernel frees a network namespace in the background after its last
// process has gone, and a build that starts meanwhile waits for it: a trial
// right after another's down() measured 10-20 ms more. Every trial, ours and
// Mininet's, starts after the same pause.
const SETTLE_MS = 200;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
const PYTHON = "/usr/bin/python3"; // Debian's, which has the mininet package
const MININET_SCRIPT = join(__dirname, "..", "..", "bench", "mininet_lab.py");

const ms = (x: number) => `${x.toFixed(1).padStart(6)} ms`;

function machine(): string {
  const links = spawnSync("ip", ["-o", "link", "show"], { encoding: "utf8" }).stdout.split("\n").map((l) => l.split(":")[1]?.trim()).filter(Boolean);
  return `${spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout}|${links.sort().join(" ")}`;
}

async function ours(firstCommand: boolean, topology: Topology = lectureTopology): Promise<{ up: number; first: number; down: number }> {
  const t0 = performance.now();
  const lab = await up(topology, { userNamespace: false });
  const t1 = performance.now();
  if (firstCommand) await lab.host("eastny").cmd("true");
  const t2 = performance.now();
  await lab.down();
  const t3 = performance.now();
  return { up: t1 - t0, first: t2 - t1, down: t3 - t2 };
}

/** Mininet's build+start, first command and stop, once (timed inside Python); or why it cannot run. */
function mininet(shape: "lecture" | "routed" = "lecture"): { up: number; first: number; down: number } | string {
  if (process.getuid?.() !== 0) return "not measured: Mininet needs root";
  if (!existsSync(PYTHON) || spawnSync(PYTHON, ["-c", "import mininet.nodelib"]).status !== 0) {
    return "not measured: install Debian's mininet and bridge-utils (apt-get install mininet bridge-utils)";
  }
  const run = spawnSync(PYTHON, [MININET_SCRIPT, "1", ...(shape === "routed" ? ["routed"] : [])], { encoding: "utf8", timeout: 120_000 });
  if (run.status !== 0) return `failed: ${run.stderr.trim().split("\n").slice(-3).join(" / ")}`;
  const times = JSON.parse(run.stdout.trim().split("\n").pop()!) as { up: number[]; first: number[]; down: number[] };
  return { up: times.up[0], first: times.first[0], down: times.down[0] };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) console.log("(not root: the lab runs in a user namespace)");
  const before = machine();
  await ours(true); // warm-up: files in the page cache, node's code compiled
  const plain: Array<{ up: number; down: number }> = [];
  const withFirst: Array<{ up: number; first: number; down: number }> = [];
  const peer: Array<{ up: number; first: number; down: number }> = [];
  let peerProblem = "";
  for (let i = 0; i < RUNS; i++) {
    await settle();
    plain.push(await ours(false));
    await settle();
    withFirst.push(await ours(true));
    if (peerProblem) continue;
    await settle();
    const m = mininet();
    if (typeof m === "string") peerProblem = m;
    else peer.push(m);
  }
  const labUp = median(plain.map((r) => r.up));
  const labDown = median(plain.map((r) => r.down));
  const labTotal = median(plain.map((r) => r.up + r.down));
  const labFirstTotal = median(withFirst.map((r) => r.up + r.first + r.down));
  const labFirst = median(withFirst.map((r) => r.first));
  const version = peerProblem ? "" : spawnSync(PYTHON, ["-c", "import mininet.net; print(mininet.net.VERSION)"], { encoding: "utf8" }).stdout.trim();

  console.log(`the lecture's lab: 4 hosts, 8 links, 2 networks; median of ${RUNS} rounds, each trial after a ${SETTLE_MS} ms pause, Node ${process.version}`);
  console.log(`mcast-lab  up ${ms(labUp)}  down ${ms(labDown)}  up+down ${ms(labTotal)}`);
  console.log(`mcast-lab  up + first command + down ${ms(labFirstTotal)}  (the first command ${ms(labFirst)})`);
  if (peerProblem) {
    console.log(`Mininet    ${peerProblem}`);
  } else {
    const mUp = median(peer.map((r) => r.up));
    const mDown = median(peer.map((r) => r.down));
    const mTotal = median(peer.map((r) => r.up + r.down));
    const mFirstTotal = median(peer.map((r) => r.up + r.first + r.down));
    console.log(`Mininet ${version} (LinuxBridge switches, no controller), same rounds`);
    console.log(`Mininet    up ${ms(mUp)}  down ${ms(mDown)}  up+down ${ms(mTotal)}`);
    console.log(`Mininet    up + first command + down ${ms(mFirstTotal)}`);
    console.log(`ratio      up+down: mcast-lab is ${(mTotal / labTotal).toFixed(1)}x as fast as Mininet; with a first command: ${(mFirstTotal / labFirstTotal).toFixed(1)}x`);
  }
  await routedRounds();
  const end = machine();
  console.log(end === before ? "this machine's links and namespaces: as before" : `this machine's links or namespaces CHANGED:\nbefore ${before}\nafter  ${end}`);
}

/** The routed topology (three networks, two routers, one smcrouted each) against Mininet building the same shape with the same daemons. */
async function routedRounds(): Promise<void> {
  await ours(true, routedTopology); // warm-up
  const lab: number[] = [];
  const peer: number[] = [];
  let problem = "";
  for (let i = 0; i < RUNS; i++) {
    await settle();
    const r = await ours(true, routedTopology);
    lab.push(r.up + r.first + r.down);
    if (problem) continue;
    await settle();
    const m = mininet("routed");
    if (typeof m === "string") problem = m;
    else peer.push(m.up + m.first + m.down);
  }
  console.log(`\nthe routed lab: 6 hosts (2 routers running smcrouted), 8 links, 3 networks; median of ${RUNS} rounds`);
  console.log(`mcast-lab  up (routers ready) + first command + down ${ms(median(lab))}`);
  if (problem) console.log(`Mininet    ${problem}`);
  else {
    console.log(`Mininet    up (routers ready) + first command + down ${ms(median(peer))}`);
    console.log(`ratio      mcast-lab is ${(median(peer) / median(lab)).toFixed(1)}x as fast as Mininet on the routed shape`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
