// The virtual lab: the lecture's four hosts in namespaces, brought up and down
// as root, in a user namespace, and as an unprivileged user; its
// demonstration reproduced; and nothing left behind, even after kill -9 of
// the process that owns the lab. Everything the lab does happens inside its
// own namespaces; this machine's are only looked at, to check that they are
// unchanged.
//
// The same file is also the "owner" process the kill -9 tests start (and kill):
// run with MCAST_LAB_OWNER set, it brings a lab up, reports, and waits.
import assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { describe, test, after } from "node:test";
import { ArgumentError } from "../src/util/errors";
import { CommandError } from "../src/lab/host";
import { join } from "node:path";
import { currentLab, down, up } from "../src/lab/up";
import { Lab } from "../src/lab/lab";
import { LabError } from "../src/lab/lab-error";
import { courseRoot } from "../src/util/course-root";
import { findPython3 } from "../src/util/programs";
import { planLab, planText } from "../src/lab/plan";
import { lectureTopology, Topology } from "../src/lab/topology";
import { resolveTopology, topologyRows } from "../src/lab/resolve-topology";
import { transcript } from "../src/lab/transcript";
import { parseGroups, parseIgmp, parseRouteGet, parseSnmp } from "../src/lab/views";

const HELLO = "Hello, World!";
const TEST_USER = "mcastlab-test";
const OWNER_PREFIX = "@owner ";
const root = process.getuid?.() === 0;

/** Can this process build a lab at all (root, or unprivileged user namespaces)? */
function labPossible(userNamespace: boolean): boolean {
  const flags = userNamespace ? ["--user", "--map-current-user", "--net", "--mount", "true"] : ["--net", "--mount", "true"];
  return spawnSync("unshare", flags, { timeout: 3000 }).status === 0;
}
const canRoot = root && labPossible(false);
const canUserNs = labPossible(true);

// --- the demonstration, as the notebook will run it -----------------------

interface Demo {
  eastny: { messages: string[]; from: string[]; timedOut: boolean };
  flatbush: { messages: string[]; from: string[]; timedOut: boolean };
  bushwick: { messages: string[]; from: string[]; timedOut: boolean };
  uid: number;
}

async function demonstration(lab: Lab): Promise<Demo> {
  const plan = [
    ["eastny", "192.168.56.101", "224.1.1.5", 5000],
    ["flatbush", "192.168.56.104", "224.1.1.5", 5000],
    ["bushwick", "192.168.56.105", "234.3.2.1", 1000],
  ] as const;
  const waiting = plan.map(([host, on, group, timeoutMs]) => lab.host(host).receive({ group, port: 50001, on, timeoutMs }));
  await Promise.all(waiting.map((w) => w.joined));
  await lab.host("midwood").send({ group: "224.1.1.5", port: 50001, message: HELLO, from: "192.168.56.103", ttl: 1 });
  const results = await Promise.all(waiting);
  const view = (i: number) => ({
    messages: results[i].datagrams.map((d) => d.message),
    from: results[i].datagrams.map((d) => d.from),
    timedOut: results[i].timedOut,
  });
  const uid = Number((await lab.host("eastny").cmd("id -u")).trim());
  return { eastny: view(0), flatbush: view(1), bushwick: view(2), uid };
}

function checkDemo(demo: Demo): void {
  assert.deepEqual(demo.eastny, { messages: [HELLO], from: ["192.168.56.103"], timedOut: false }, "eastny prints Hello, World! from midwood");
  assert.deepEqual(demo.flatbush, { messages: [HELLO], from: ["192.168.56.103"], timedOut: false }, "flatbush prints Hello, World! from midwood");
  assert.deepEqual(demo.bushwick, { messages: [], from: [], timedOut: true }, "bushwick, on the other group, keeps waiting");
}

// --- looking at this machine from outside the lab -------------------------

function machineSnapshot(): { netns: string; links: string } {
  const netns = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
  const links = spawnSync("ip", ["-o", "link", "show"], { encoding: "utf8" })
    .stdout.split("\n")
    .map((l) => l.split(":")[1]?.trim())
    .filter(Boolean)
    .sort()
    .join(" ");
  return { netns, links };
}

function parentMap(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  return parents;
}

function descendants(pid: number): number[] {
  const parents = parentMap();
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [child, parent] of parents) if (parent === p) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Alive and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Processes anywhere on the machine that are in one of these network namespaces. */
function inNamespaces(inodes: string[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (inodes.includes(readlinkSync(`/proc/${entry}/ns/net`))) found.push(Number(entry));
    } catch {
      /* gone, or not ours to see */
    }
  }
  return found;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

async function namespaceInodes(lab: Lab): Promise<string[]> {
  return Promise.all(lab.plan.namespaces.map(async (ns) => (await lab.namespace(ns).cmd("readlink /proc/self/ns/net")).trim()));
}

// --- the owner process (child mode) ---------------------------------------

interface OwnerReport {
  /** The owner's own pid (under runuser, not the child this test started). */
  owner: number;
  pid: number;
  inodes: string[];
  demo?: Demo;
}

interface OwnerOptions {
  userNamespace?: boolean;
  demo?: boolean;
  /** End the script right after reporting, without down(). */
  exit?: boolean;
}

async function ownerMain(options: OwnerOptions): Promise<void> {
  const lab = await up(lectureTopology, { userNamespace: options.userNamespace });
  const report: OwnerReport = { owner: process.pid, pid: lab.pid, inodes: await namespaceInodes(lab) };
  if (options.demo) report.demo = await demonstration(lab);
  // Something running in a host when the owner dies.
  lab.host("bushwick").run("sleep 60", { timeoutMs: 60_000 });
  await lab.host("eastny").cmd("true");
  process.stdout.write(OWNER_PREFIX + JSON.stringify(report) + "\n");
  if (options.exit) process.exit(0);
  setInterval(() => undefined, 1000); // wait to be killed
}

/** Start an owner, as this user or another, and wait for its report. */
function startOwner(options: OwnerOptions, asUser?: string): Promise<{ child: ChildProcess; report: OwnerReport }> {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", MCAST_LAB_OWNER: JSON.stringify(options) };
  const argv = [process.execPath, __filename];
  const child = asUser
    ? spawn("runuser", ["-u", asUser, "--", "env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv], { cwd: "/tmp", stdio: ["ignore", "pipe", "pipe"] })
    : spawn(argv[0], argv.slice(1), { cwd: "/tmp", env, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the owner did not report in 20 s:\n${out}\n${err}`));
    }, 20_000);
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith(OWNER_PREFIX));
      if (line) {
        clearTimeout(timer);
        resolve({ child, report: JSON.parse(line.slice(OWNER_PREFIX.length)) as OwnerReport });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the owner exited (${code}) before reporting:\n${out}\n${err}`));
    });
  });
}

/** kill -9 the owner, then check that nothing of its lab is left anywhere. */
async function killOwnerAndCheck(child: ChildProcess, report: OwnerReport, before: { netns: string; links: string }): Promise<void> {
  const pids = descendants(report.owner);
  assert.ok(pids.includes(report.pid), "the lab's first process is a descendant of its owner");
  assert.ok(pids.length >= 4, `the lab has processes (unshare, sh, supervisor, sleep...): ${pids.length}`);
  assert.ok(inNamespaces(report.inodes).length > 0, "processes are in the lab's namespaces while it is up");
  const gone = new Promise((r) => child.on("exit", r));
  process.kill(report.owner, "SIGKILL"); // under runuser, runuser then exits too
  await gone;
  // Killed processes leave /proc a moment later, and one may have started after the list was taken: wait (5 s at most) for both.
  assert.ok(await until(() => pids.every((p) => !alive(p)) && inNamespaces(report.inodes).length === 0, 5000), `processes left: ${pids.filter(alive).join(" ")}`);
  assert.deepEqual(inNamespaces(report.inodes), [], "no process is left in any of the lab's network namespaces");
  assert.deepEqual(machineSnapshot(), before, "this machine's namespaces and links are as they were");
}

// --- the tests ------------------------------------------------------------

if (process.env.MCAST_LAB_OWNER) {
  void ownerMain(JSON.parse(process.env.MCAST_LAB_OWNER) as OwnerOptions).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  describe("the lab described as data", () => {
    test("the lecture's topology has the four hosts on 192.168.56.10x, and midwood has the captured frame's MAC", () => {
      const rows = topologyRows();
      const hostonly = rows.filter((r) => r.network === "hostonly");
      assert.deepEqual(
        hostonly.map((r) => [r.host, r.interface, r.address]),
        [
          ["eastny", "eth1", "192.168.56.101/24"],
          ["midwood", "eth1", "192.168.56.103/24"],
          ["flatbush", "eth1", "192.168.56.104/24"],
          ["bushwick", "eth1", "192.168.56.105/24"],
        ],
      );
      assert.equal(hostonly[1].mac, "08:00:27:a1:33:b4");
      for (const r of rows) assert.match(r.mac, /^08:00:27:/, "every MAC is in VirtualBox's block");
      const nat = rows.filter((r) => r.network === "nat");
      assert.equal(nat.length, 4);
      for (const r of nat) assert.equal(r["default route"], "via 10.0.2.2", "the NAT NIC holds the default route");
    });

    test("the plan builds every namespace and link in one batch, with a flooding bridge", () => {
      const plan = planLab(resolveTopology(lectureTopology));
      assert.deepEqual(plan.namespaces, ["switch", "eastny", "midwood", "flatbush", "bushwick"]);
      assert.ok(plan.switch.includes("link add hostonly type bridge mcast_snooping 0"));
      assert.ok(plan.switch.includes("link add midwood-eth1 type veth peer name eth1 address 08:00:27:a1:33:b4 netns midwood"));
      assert.ok(!plan.switch.some((c) => c.includes("master nat")), "NAT links are not bridged: each VM is alone with its gateway");
      const midwood = plan.hostCommands.find((h) => h.namespace === "midwood")!.commands;
      assert.ok(midwood.includes("addr add 192.168.56.103/24 dev eth1"));
      assert.equal(midwood.at(-1), "route add default via 10.0.2.2", "routes come after the addresses they need");
      assert.match(planText(plan), /^ip -n flatbush addr add 192\.168\.56\.104\/24 dev eth1$/m);
    });

    test("a router between a third network and the host-only one is the same description with other data", () => {
      const routed: Topology = {
        name: "routed",
        networks: [
          { name: "hostonly", cidr: "192.168.56.0/24" },
          { name: "far", cidr: "192.168.57.0/24" },
        ],
        hosts: [
          { name: "midwood", interfaces: [{ name: "eth1", network: "hostonly", address: "192.168.56.103" }], routes: [{ to: "192.168.57.0/24", via: "192.168.56.1" }] },
          {
            name: "router",
            forwarding: true,
            interfaces: [
              { name: "eth1", network: "hostonly", address: "192.168.56.1" },
              { name: "eth2", network: "far", address: "192.168.57.1" },
            ],
          },
          { name: "faraway", interfaces: [{ name: "eth1", network: "far", address: "192.168.57.10" }], defaultRoute: "192.168.57.1" },
        ],
      };
      const plan = planLab(resolveTopology(routed), { igmpVersion: 2 });
      assert.ok(plan.switch.includes("link add far type bridge mcast_snooping 0"));
      assert.ok(plan.hostCommands.find((h) => h.namespace === "midwood")!.commands.includes("route add 192.168.57.0/24 via 192.168.56.1"));
      const router = plan.sysctls.find((s) => s.namespace === "router")!.values;
      assert.equal(router["net.ipv4.ip_forward"], "1");
      assert.equal(router["net.ipv4.conf.all.force_igmp_version"], "2");
    });

    const bad: Array<[string, (t: Topology) => void, RegExp]> = [
      ["two hosts with one name", (t) => (t.hosts[1].name = "eastny"), /topology\.hosts\[1\]\.name must be a name no other host has/],
      ["an address outside its network", (t) => (t.hosts[0].interfaces[1].address = "192.168.57.101"), /hosts\[0\]\.interfaces\[1\]\.address must be an address inside hostonly's 192\.168\.56\.0\/24/],
      ["an unknown network", (t) => (t.hosts[2].interfaces[0].network = "bridged"), /interfaces\[0\]\.network must be the name of a network .*"hostonly", "nat"/],
      ["two hosts with one address", (t) => (t.hosts[3].interfaces[1].address = "192.168.56.104"), /address no other interface on this network has; got "192\.168\.56\.104" \(flatbush eth1 has it\)/],
      ["two interfaces with one MAC", (t) => (t.hosts[0].interfaces[1].mac = "08:00:27:a1:33:b4"), /mac must be an Ethernet address no other interface has/],
      ["a group MAC on an interface", (t) => (t.hosts[0].interfaces[1].mac = "01:00:5e:01:01:05"), /a unicast Ethernet address/],
      ["a network's own address on a host", (t) => (t.hosts[0].interfaces[1].address = "192.168.56.0"), /not its first or last/],
      ["the gateway's address on a host", (t) => (t.hosts[0].interfaces[0].address = "10.0.2.2"), /other than the network's gateway 10\.0\.2\.2/],
      ["a range with host bits", (t) => (t.networks[0].cidr = "192.168.56.1/24"), /networks\[0\]\.cidr must be a range with no host bits set.*"192\.168\.56\.0\/24"/],
      ["overlapping networks", (t) => (t.networks[1].cidr = "192.168.0.0/16"), /a range apart from network hostonly's/],
      ["a default route off every network", (t) => (t.hosts[0].defaultRoute = "10.0.3.2"), /defaultRoute must be an address on one of eastny's networks/],
      ["an interface name too long for Linux", (t) => (t.hosts[2].interfaces[1].name = "enp0s8abc"), /"flatbush-enp0s8abc"/],
      ["a sysctl outside the namespace", (t) => (t.hosts[0].sysctls = { "kernel.pid_max": 5 }), /starting with "net\."/],
      ["a host named like the switch", (t) => (t.hosts[0].name = "switch"), /a name other than "switch"/],
      ["no hosts", (t) => (t.hosts = []), /topology\.hosts must be an array of 1 to 64 hosts/],
    ];
    for (const [what, spoil, message] of bad) {
      test(`a topology with ${what} is refused, naming the field`, () => {
        const t = structuredClone(lectureTopology);
        spoil(t);
        assert.throws(() => resolveTopology(t), (e: unknown) => e instanceof ArgumentError && message.test(e.message));
        assert.throws(() => up(t), ArgumentError, "up() refuses it before touching the kernel");
      });
    }

    test("up() refuses bad options before touching the kernel", () => {
      assert.throws(() => up(lectureTopology, { igmpVersion: 4 as 2 }), /options\.igmpVersion must be 2 or 3/);
      assert.throws(() => up(lectureTopology, { sysctls: { "vm.swappiness": 1 } }), /options\.sysctls key must be a per-namespace sysctl/);
      assert.throws(() => up(lectureTopology, { userNamespace: "yes" as unknown as boolean }), /options\.userNamespace must be true or false/);
      assert.throws(() => up({ igmpVersion: 2 } as unknown as Topology), /to give only options, write up\(undefined, options\)/);
    });
  });

  describe("what hosts say, parsed", () => {
    test("/proc/net/igmp reads as groups per interface (its addresses are in the kernel's byte order)", () => {
      const text = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n1\tlo        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n3\teth1      :     2      V2\n\t\t\t\t050101E0     2 0:00000000\t\t0\n\t\t\t\t010000E0     1 0:00000000\t\t0\n";
      assert.deepEqual(parseIgmp(text), [
        { interface: "lo", group: "224.0.0.1", users: 1 },
        { interface: "eth1", group: "224.1.1.5", users: 2 },
        { interface: "eth1", group: "224.0.0.1", users: 1 },
      ]);
    });

    test("UDP counters come out of /proc/net/snmp by name", () => {
      const text = "Ip: Forwarding DefaultTTL\nIp: 2 64\nUdp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors\nUdp: 7 1 0 3 2\n";
      assert.deepEqual(parseSnmp(text).Udp, { InDatagrams: 7, NoPorts: 1, InErrors: 0, OutDatagrams: 3, RcvbufErrors: 2 });
    });

    test("ip maddr and ip route get read as rows", () => {
      const maddr = '[{"ifindex":2,"ifname":"eth1","maddr":[{"link":"01:00:5e:01:01:05"},{"family":"inet","address":"224.1.1.5"},{"family":"inet6","address":"ff02::1"}]}]';
      assert.deepEqual(parseGroups(maddr), [{ interface: "eth1", group: "224.1.1.5", mac: "01:00:5e:01:01:05" }]);
      const route = '[{"type":"multicast","dst":"224.1.1.5","dev":"eth0","prefsrc":"10.0.2.104","flags":[],"uid":0,"cache":["mc"]}]';
      assert.deepEqual(parseRouteGet(route), { destination: "224.1.1.5", type: "multicast", interface: "eth0", source: "10.0.2.104" });
    });
  });

  describe("the lab as root", { skip: canRoot ? false : "needs root" }, () => {
    after(() => down());

    test("the demonstration: eastny and flatbush get Hello, World!, bushwick (other group) times out", async () => {
      const lab = await up(lectureTopology, { userNamespace: false });
      checkDemo(await demonstration(lab));
      await lab.down();
    });

    test("the lecture's own commands run in the hosts' shells and read like its terminals", async () => {
      const lab = await up();
      const h = (name: string) => lab.host(name);
      const flatbush = h("flatbush").run("mcastrecv -q 192.168.56.104 224.1.1.5 50001", { timeoutMs: 5000 });
      const eastny = h("eastny").run("mcastrecv -q 192.168.56.101 224.1.1.5 50001", { timeoutMs: 5000 });
      const bushwick = h("bushwick").run("mcastrecv -q 192.168.56.105 234.3.2.1 50001", { timeoutMs: 1000 });
      await Promise.all([h("flatbush").waitForGroup("224.1.1.5", { interface: "eth1" }), h("eastny").waitForGroup("224.1.1.5", { interface: "eth1" }), h("bushwick").waitForGroup("234.3.2.1", { interface: "eth1" })]);
      const midwood = h("midwood").run('mcastsend 192.168.56.103 224.1.1.5 50001 "Hello, World!"');
      await Promise.all([flatbush, eastny, bushwick, midwood].map((r) => r.exited));
      const text = transcript(flatbush, eastny, bushwick);
      assert.equal(
        text,
        [
          "brooklyn@flatbush:~$ mcastrecv -q 192.168.56.104 224.1.1.5 50001\nHello, World!\nbrooklyn@flatbush:~$",
          "brooklyn@eastny:~$ mcastrecv -q 192.168.56.101 224.1.1.5 50001\nHello, World!\nbrooklyn@eastny:~$",
          "brooklyn@bushwick:~$ mcastrecv -q 192.168.56.105 234.3.2.1 50001\n^C\nbrooklyn@bushwick:~$",
        ].join("\n\n"),
      );
      assert.equal((await midwood.exited).code, 0);
      await lab.down();
    });

    test("a host's kernel shows its addresses, its route to the group (the NAT NIC), its groups and UDP counters", async () => {
      const lab = await up();
      const flatbush = lab.host("flatbush");
      assert.equal((await flatbush.cmd("hostname")).trim(), "flatbush", "each host has its own hostname");
      assert.match(await flatbush.cmd("getent hosts midwood"), /^192\.168\.56\.103\s+midwood$/m, "hosts know each other by name");
      assert.deepEqual(
        (await flatbush.addresses()).map((a) => [a.interface, `${a.address}/${a.prefix}`, a.mac, a.state]),
        [["lo", "127.0.0.1/8", "00:00:00:00:00:00", "UNKNOWN"], ["eth0", "10.0.2.104/24", "08:00:27:3e:5a:04", "UP"], ["eth1", "192.168.56.104/24", "08:00:27:5c:e1:04", "UP"]],
      );
      // The exercise's point: the route to a group follows the default route, out of the NAT NIC.
      assert.deepEqual(await flatbush.routeGet("224.1.1.5"), { destination: "224.1.1.5", type: "multicast", interface: "eth0", source: "10.0.2.104" });
      const before = await flatbush.udpCounters();
      const waiting = flatbush.receive({ group: "224.1.1.5", port: 50001, on: "192.168.56.104", timeoutMs: 5000 });
      assert.deepEqual(await waiting.joined, { interface: "eth1" });
      assert.ok((await flatbush.groups()).some((g) => g.interface === "eth1" && g.group === "224.1.1.5" && g.mac === "01:00:5e:01:01:05"));
      await lab.host("midwood").send({ group: "224.1.1.5", port: 50001, message: HELLO, from: "192.168.56.103" });
      assert.deepEqual((await waiting).datagrams.map((d) => d.message), [HELLO]);
      const afterwards = await flatbush.udpCounters();
      assert.equal(afterwards.InDatagrams - before.InDatagrams, 1, "/proc/net/snmp is the host's own: one datagram came in");
      assert.equal((await lab.host("eastny").udpCounters()).InDatagrams, 0, "eastny's counters are its own");
      await lab.down();
    });

    test("the NAT NICs are apart: a datagram out of midwood's default route reaches no one", async () => {
      const lab = await up();
      const any = lab.host("flatbush").receive({ group: "224.1.1.5", port: 50001, on: "any", timeoutMs: 800 });
      assert.deepEqual(await any.joined, { interface: "eth0" }, "INADDR_ANY joins on the NIC of the route to the group");
      await lab.host("midwood").send({ group: "224.1.1.5", port: 50001, message: HELLO });
      assert.equal((await any).timedOut, true);
      await lab.down();
    });

    test("send() and receive() in a host refuse a wrong address the module's way, and a receive can be cancelled", async () => {
      const lab = await up();
      await assert.rejects(
        lab.host("eastny").send({ group: "224.1.1.5", port: 50001, message: HELLO, from: "192.168.56.103" }),
        (e: unknown) => e instanceof ArgumentError && /^from must be one of this machine's IPv4 addresses: .*192\.168\.56\.101 \(eth1\)/.test(e.message),
        "the address check runs inside eastny, so it lists eastny's own addresses",
      );
      const waiting = lab.host("eastny").receive({ group: "224.1.1.5", port: 50001, on: "192.168.56.101", timeoutMs: 5000 });
      await waiting.joined;
      waiting.cancel();
      await assert.rejects(Promise.resolve(waiting), { name: "AbortError" });
      await lab.down();
    });

    test("up() on a lab that is up replaces it, and the old one is gone", async () => {
      const first = await up();
      const firstPids = [first.pid, ...descendants(first.pid)];
      const second = await up();
      assert.equal(first.running, false);
      assert.ok(firstPids.every((p) => !alive(p)), "the first lab's processes are gone");
      assert.equal(currentLab(), second);
      assert.equal((await first.host("eastny").run("true").exited).error?.includes("the lab is down"), true);
      assert.equal((await second.host("eastny").cmd("echo up")).trim(), "up");
      await down();
      await down(); // idempotent
      assert.equal(currentLab(), undefined);
      assert.equal(second.running, false);
    });

    test("a command past its deadline is stopped with a Ctrl-C (or killed if it ignores it) and says so", async () => {
      const lab = await up();
      const h = lab.host("eastny");
      const sleeper = await h.run("sleep 30", { timeoutMs: 300 }).exited;
      assert.equal(sleeper.timedOut, true);
      assert.equal(sleeper.signal, "SIGINT");
      assert.ok(sleeper.ms < 2000, `stopped in ${sleeper.ms} ms`);
      const stubborn = await h.run("trap '' INT; sleep 30", { timeoutMs: 300 }).exited;
      assert.equal(stubborn.timedOut, true);
      assert.equal(stubborn.signal, "SIGKILL");
      assert.equal((await h.cmd("ps -eo comm")).includes("sleep"), false, "nothing it started is left running");
      await assert.rejects(h.cmd("sleep 5", { timeoutMs: 200 }), (e: unknown) => e instanceof CommandError && /ran past its deadline/.test(e.message));
      const failed = h.cmd("echo oops >&2; exit 3");
      await assert.rejects(failed, /exited with code 3:\noops/);
      const killed = h.run("sleep 30");
      killed.kill();
      assert.deepEqual([(await killed.exited).signal, (await killed.exited).timedOut], ["SIGTERM", false]);
      // A Ctrl-C shows as ^C even when the program catches it and exits with a code, as mcastrecv does.
      const caught = h.run("trap 'exit 130' INT; echo waiting; sleep 30 & wait");
      for await (const line of caught.lines) if (line === "waiting") break;
      caught.kill("SIGINT");
      assert.deepEqual([(await caught.exited).code, (await caught.exited).signal], [130, null]);
      assert.match(transcript(caught), /\nwaiting\n\^C\nbrooklyn@eastny:~\$$/);
      await lab.down();
    });

    test("output streams line by line while the command runs", async () => {
      const lab = await up();
      const run = lab.host("midwood").run("for i in 1 2 3; do echo line $i; sleep 0.1; done");
      const seen: Array<[string, boolean]> = [];
      for await (const line of run.lines) seen.push([line, run.running]);
      assert.deepEqual(seen.map((s) => s[0]), ["line 1", "line 2", "line 3"]);
      assert.equal(seen[0][1], true, "the first line came before the command ended");
      assert.match(transcript(run), /^brooklyn@midwood:~\$ for i in .*\nline 1\nline 2\nline 3\nbrooklyn@midwood:~\$$/);
      await lab.down();
    });

    test("a command gets its input, environment, folder and UTF-8 whole, and inherits no ignored signal", async () => {
      const lab = await up();
      const h = lab.host("flatbush");
      const text = "é ☃ 𝄞 ".repeat(30_000); // more than a pipe holds, characters split across reads
      const echoed = await h.cmd("cat", { input: text, timeoutMs: 5000 });
      assert.equal(echoed, text);
      assert.equal(await h.cmd('printf %s "$GREETING"', { env: { GREETING: "grüß dich" } }), "grüß dich");
      assert.equal((await h.cmd("pwd", { cwd: "/usr/share" })).trim(), "/usr/share");
      assert.equal((await h.cmd("hostname")).trim(), "flatbush");
      // A background job of the lab's shell starts with SIGINT ignored, and
      // an ignored signal survives exec: a Ctrl-C at a deadline would not stop
      // it. (32 and 33 are glibc's own, which posix_spawn leaves ignored.)
      const ignored = BigInt(`0x${(await h.cmd("grep SigIgn /proc/self/status")).split(/\s+/)[1]}`);
      assert.equal(ignored & 0x7fffffffn, 0n, `signals 1-31 ignored: ${ignored.toString(16)}`);
      const lost = await h.run("true", { cwd: "/no/such/folder" }).exited;
      assert.notEqual(lost.code, 0);
      assert.match(lost.stderr, /\/no\/such\/folder/);
      await lab.down();
    });

    test("the supervisor will not run outside a lab, where its setup would cover this machine's /etc/hosts", () => {
      const script = join(courseRoot(), "src", "lab", "supervisor.py");
      const config = JSON.stringify({ runDir: "/tmp/mcast-lab-should-not-exist", hosts: [], bin: {}, hostsFile: "127.0.0.1\tlocalhost\n" });
      const run = spawnSync(findPython3()!, ["-I", "-S", script], { env: { MCAST_LAB_CONFIG: config }, encoding: "utf8", timeout: 5000 });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /runs inside a lab, started by up\(\)/);
      assert.equal(spawnSync("test", ["-e", "/tmp/mcast-lab-should-not-exist"]).status, 1, "it made nothing");
    });

    test("igmpVersion: 2 makes hosts report with IGMPv2", async () => {
      const lab = await up(lectureTopology, { igmpVersion: 2 });
      const waiting = lab.host("eastny").receive({ group: "224.1.1.5", port: 50001, on: "192.168.56.101", timeoutMs: 300 });
      await waiting.joined;
      assert.match(await lab.host("eastny").cmd("cat /proc/net/igmp"), /eth1\s*:\s*\d+\s+V2/);
      await waiting;
      await lab.down();
    });

    test("a sysctl the kernel does not have fails up() with the kernel's own words", async () => {
      await assert.rejects(up(lectureTopology, { sysctls: { "net.ipv4.no_such_thing": 1 } }), (e: unknown) => e instanceof LabError && /building the lab failed .*\n.*no_such_thing/.test(e.message));
      assert.equal(currentLab(), undefined);
    });

    test("a script that ends without down() takes its lab with it", async () => {
      const before = machineSnapshot();
      const { child, report } = await startOwner({ userNamespace: false, exit: true });
      const pids = [report.pid, ...descendants(report.pid)];
      await new Promise((r) => (child.exitCode === null ? child.on("exit", r) : r(undefined)));
      assert.ok(await until(() => pids.every((p) => !alive(p)) && inNamespaces(report.inodes).length === 0, 5000), `processes left: ${pids.filter(alive).join(" ")}`);
      assert.deepEqual(inNamespaces(report.inodes), [], "no process is left in any of the lab's network namespaces");
      assert.deepEqual(machineSnapshot(), before);
    });

    test("kill -9 of the process that owns the lab leaves no process, namespace or link behind", async () => {
      const before = machineSnapshot();
      const { child, report } = await startOwner({ userNamespace: false });
      await killOwnerAndCheck(child, report, before);
    });
  });

  describe("the lab in a user namespace", { skip: canUserNs ? false : "unprivileged user namespaces are not allowed here" }, () => {
    after(() => down());

    test("the demonstration works in a user namespace, commands running as the lab's owner", async () => {
      const lab = await up(lectureTopology, { userNamespace: true });
      const demo = await demonstration(lab);
      checkDemo(demo);
      assert.equal(demo.uid, process.getuid!());
      await lab.down();
    });

    test("as an unprivileged user: the demonstration works, and kill -9 of its owner leaves nothing", { skip: root ? false : "needs root to switch to the test user" }, async () => {
      ensureTestUser();
      const before = machineSnapshot();
      const { child, report } = await startOwner({ demo: true }, TEST_USER);
      checkDemo(report.demo!);
      assert.equal(report.demo!.uid, Number(spawnSync("id", ["-u", TEST_USER], { encoding: "utf8" }).stdout.trim()), "commands run as that user");
      await killOwnerAndCheck(child, report, before);
    });

    test("as an unprivileged user, forcing userNamespace: false fails with a message that says what to do", { skip: root ? false : "needs root to switch to the test user" }, () => {
      ensureTestUser();
      const code = `require(${JSON.stringify(require.resolve("../src/lab/up"))}).up(undefined, { userNamespace: false }).catch((e) => { console.log(e.name + ": " + e.message); process.exit(0); })`;
      const run = spawnSync("runuser", ["-u", TEST_USER, "--", process.execPath, "-e", code], { cwd: "/tmp", encoding: "utf8", timeout: 10_000 });
      assert.match(run.stdout, /^LabError: cannot create the lab's namespaces: unshare: .*\nFix: leave options\.userNamespace out/);
    });
  });

  describe("without a lab", () => {
    test("a LabError says what failed and how to fix it", () => {
      const e = new LabError("cannot create the lab's namespaces: unshare failed", "sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0");
      assert.equal(e.message, "cannot create the lab's namespaces: unshare failed\nFix: sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0");
    });
  });
}

function ensureTestUser(): void {
  if (spawnSync("id", [TEST_USER]).status !== 0) {
    const made = spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER], { encoding: "utf8" });
    assert.equal(made.status, 0, `useradd ${TEST_USER}: ${made.stderr}`);
  }
  // The lab runs the course's compiled code as that user: the checkout must be
  // readable by others (a clone under a private home folder is not).
  for (const probe of [join(courseRoot(), "src", "lab", "supervisor.py"), join(courseRoot(), "dist", "src", "lab", "host-agent.js")]) {
    const readable = spawnSync("runuser", ["-u", TEST_USER, "--", "test", "-r", probe]);
    assert.equal(readable.status, 0, `${TEST_USER} cannot read ${probe}: clone the course where other users can read it`);
  }
}
