// Multicast across routers, live: the routed topology (midwood, router1, the
// middle network, router2, the far network) with one smcrouted per router.
// A datagram sent with TTL n reaches n networks and crosses n - 1 routers,
// each taking one off its TTL; 224.0.0.0/24 never leaves its network whatever
// the routes say; a router interface's TTL threshold holds back a datagram
// that arrives with no more than it; and a datagram arriving on the wrong
// side of a router (reverse-path forwarding) is dropped and counted. And the routes are checked at the door.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sniff } from "../src/capture/sniff";
import { planLab } from "../src/lab/plan";
import { resolveTopology } from "../src/lab/resolve-topology";
import { routedTopology, Topology } from "../src/lab/topology";
import { up } from "../src/lab/up";
import { Lab } from "../src/lab/lab";
import { ArgumentError } from "../src/util/errors";
import { findProgram } from "../src/util/programs";
import { whoHears } from "../src/lessons/who-hears";
import { forgedSend, mroutes, ttlReach, withThresholds } from "../src/lessons/routing";
import { arrivingTtls, leastTtl } from "../src/homework/exercises/routing";
import { parseSnmp } from "../src/lab/views";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processesOf } from "../src/util/processes";

const CI = process.env.CI === "true";
const skip = !findProgram("smcrouted") && !CI ? "needs smcroute (sudo apt-get install smcroute)" : false;

describe("multicast routes as data", () => {
  test("each router's smcroute.conf: its interfaces enabled with their thresholds, then its routes", () => {
    const t = structuredClone(routedTopology);
    t.hosts[3].ttlThresholds = { eth2: 3 };
    const plan = planLab(resolveTopology(t));
    assert.deepEqual(plan.routers.map((r) => r.host), ["router1", "router2"]);
    assert.equal(plan.routers[1].conf, [
      "phyint eth1 enable ttl-threshold 1",
      "phyint eth2 enable ttl-threshold 3",
      "mroute from eth1 group 224.1.1.5 to eth2",
      "mroute from eth1 group 234.3.2.1 to eth2",
      "mroute from eth1 group 224.0.0.251 to eth2",
      "",
    ].join("\n"));
    assert.equal(plan.sysctls.find((s) => s.namespace === "router1")!.values["net.ipv4.conf.all.rp_filter"], "1", "strict reverse-path filtering, as a real router");
  });

  const spoil = (f: (t: Topology) => void) => {
    const t = structuredClone(routedTopology);
    f(t);
    return t;
  };
  const bad: Array<[string, Topology, RegExp]> = [
    ["routes on a host that does not forward", spoil((t) => (t.hosts[1].forwarding = false)), /hosts\[1\]\.multicastRoutes must be left out unless forwarding is true/],
    ["a route from an interface the router lacks", spoil((t) => (t.hosts[1].multicastRoutes![0].from = "eth9")), /multicastRoutes\[0\]\.from must be one of router1's interfaces: eth1, eth2; got "eth9"/],
    ["a route back out of its own interface", spoil((t) => (t.hosts[1].multicastRoutes![0].to = ["eth1"])), /multicastRoutes\[0\]\.to must be an interface other than the one it arrives on \(eth1\)/],
    ["a unicast group", spoil((t) => (t.hosts[1].multicastRoutes![0].group = "192.168.58.104")), /multicastRoutes\[0\]\.group must be a group in 224\.0\.0\.0\/4/],
    ["a TTL threshold of 0", spoil((t) => (t.hosts[1].ttlThresholds = { eth2: 0 })), /ttlThresholds\.eth2 must be a whole TTL from 1 to 255/],
  ];
  for (const [what, t, message] of bad) {
    test(`${what} is refused, naming the field`, () => {
      assert.throws(() => resolveTopology(t), (e: unknown) => e instanceof ArgumentError && message.test(e.message));
    });
  }
});

/** Which networks a datagram from midwood reached, and the TTL it carried on each (from captures). */
async function reach(lab: Lab, group: string, ttl: number): Promise<Record<string, number | null>> {
  const where = { hostonly: ["midwood", "eth1"], middle: ["bushwick", "eth1"], far: ["flatbush", "eth1"] } as const;
  const captures = Object.entries(where).map(([net, [host, iface]]) => [net, sniff(lab.host(host), { iface, filter: `udp port 50001 and dst ${group}`, timeoutMs: 1200 })] as const);
  for (const [, c] of captures) await c.ready;
  await lab.host("midwood").send({ group, port: 50001, from: "192.168.56.103", message: `TTL ${ttl}`, ttl });
  const seen: Record<string, number | null> = {};
  for (const [net, c] of captures) {
    const p = (await c).packets[0];
    seen[net] = p ? p.layer("IP")!.num("ttl") : null;
  }
  return seen;
}

describe("multicast across two routers, live", { skip }, () => {
  test("TTL n reaches n networks, one less at each router; 224.0.0.251 stays on its network", { timeout: 60_000 }, async () => {
    const lab = await up(routedTopology);
    try {
      assert.deepEqual(await reach(lab, "224.1.1.5", 1), { hostonly: 1, middle: null, far: null }, "TTL 1: midwood's own network only");
      assert.deepEqual(await reach(lab, "224.1.1.5", 2), { hostonly: 2, middle: 1, far: null }, "TTL 2: one router crossed");
      assert.deepEqual(await reach(lab, "224.1.1.5", 3), { hostonly: 3, middle: 2, far: 1 }, "TTL 3: both routers");
      assert.deepEqual(await reach(lab, "224.0.0.251", 32), { hostonly: 32, middle: null, far: null }, "224.0.0.0/24 is never forwarded, whatever the TTL and the routes");
      // The same from every host's point of view: who hears a TTL-2 datagram, and with what TTL.
      const rows = await whoHears(lab, { groups: ["224.1.1.5"], ttl: 2 });
      assert.deepEqual(Object.fromEntries(rows.map((r) => [r.host, r.ttl])), { router1: 2, bushwick: 1, router2: 1, eastny: null, flatbush: null });
      const eastny = lab.host("eastny").receive({ group: "234.3.2.1", port: 50001, on: "192.168.58.101", timeoutMs: 3000 });
      await new Promise((r) => setTimeout(r, 200));
      await lab.host("midwood").send({ group: "234.3.2.1", port: 50001, from: "192.168.56.103", message: "Hello, World!", ttl: 3 });
      assert.equal((await eastny).datagrams[0]?.message, "Hello, World!", "a receiver two routers away gets the message");
    } finally {
      await lab.down();
    }
  });

  test("a TTL threshold on router2's far interface holds back a datagram that arrives with no more than it", { timeout: 60_000 }, async () => {
    const t = structuredClone(routedTopology);
    t.hosts[3].ttlThresholds = { eth2: 3 };
    const lab = await up(t);
    try {
      // The kernel forwards when the arriving TTL is more than the threshold:
      // sent with 4, it reaches router2 with 3 and stops; sent with 5, with 4, and goes on.
      assert.deepEqual(await reach(lab, "224.1.1.5", 3), { hostonly: 3, middle: 2, far: null });
      assert.deepEqual(await reach(lab, "224.1.1.5", 4), { hostonly: 4, middle: 3, far: null });
      assert.deepEqual(await reach(lab, "224.1.1.5", 5), { hostonly: 5, middle: 4, far: 3 });
    } finally {
      await lab.down();
    }
  });

  test("reverse-path forwarding: a datagram from midwood's address arriving on router1's far side is dropped, and counted", { timeout: 60_000 }, async () => {
    const lab = await up(routedTopology);
    try {
      const rpfDrops = async () => parseSnmp(await lab.host("router1").cmd("cat /proc/net/netstat")).TcpExt.IPReversePathFilter;
      const before = await rpfDrops();
      // bushwick, on the middle network, sends as if it were midwood (192.168.56.103).
      await lab.host("bushwick").cmd("ip addr add 192.168.56.103/32 dev eth1");
      const hostonly = sniff(lab.host("midwood"), { iface: "eth1", filter: "udp port 50001", timeoutMs: 1500 });
      await hostonly.ready;
      await lab.host("bushwick").send({ group: "224.1.1.5", port: 50001, from: "192.168.56.103", message: "not from midwood", ttl: 5 });
      assert.equal((await hostonly).packets.length, 0, "router1 does not forward it back towards midwood's network");
      assert.equal(await rpfDrops(), before + 1, "router1's IPReversePathFilter counter says why");
    } finally {
      await lab.down();
    }
  });

  test("notebook 7's exercise rule is what the routers do: ttlReach for TTL 0 to 6, thresholds 1 and 1, then 1 and 4; 224.0.0.251 nowhere past router1", { timeout: 90_000 }, async () => {
    for (const thresholds of [[1, 1], [1, 4]]) {
      const lab = await up(thresholds[1] === 1 ? routedTopology : withThresholds(routedTopology, { router2: { eth2: thresholds[1] } }));
      try {
        for (const group of ["224.1.1.5", "224.0.0.251"]) {
          const rows = await ttlReach(lab, { group, ttls: [0, 1, 2, 3, 4, 5, 6] });
          const measured = [0, 1, 2, 3, 4, 5, 6].map((t) => ["hostonly", "middle", "far"].map((n) => rows.find((r) => r.sent === t && r.network === n)!.ttl));
          assert.deepEqual(measured, [0, 1, 2, 3, 4, 5, 6].map((t) => arrivingTtls(t, thresholds, group)), `${group} with thresholds ${thresholds}`);
          const least = leastTtl(thresholds, group);
          if (least !== null) assert.equal(measured[least][2] !== null && measured[least - 1][2] === null, true, "leastTtl is the least that reaches the far network");
        }
        const cache = await mroutes(lab.host("router1"));
        const row = cache.find((r) => r.group === "224.1.1.5" && r.source === "192.168.56.103");
        assert.ok(row, `router1's forwarding cache has (192.168.56.103, 224.1.1.5): ${JSON.stringify(cache)}`);
        assert.equal(row.in, "eth1");
        assert.equal(row.out, "eth2");
        assert.ok(row.packets >= 5, `it counted what it forwarded: ${row.packets}`);
      } finally {
        await lab.down();
      }
    }
  });

  test("forgedSend: bushwick as midwood is dropped by router1 (counted) yet forwarded by router2, whose way back to midwood is that side", { timeout: 60_000 }, async () => {
    const lab = await up(routedTopology);
    try {
      const forged = await forgedSend(lab, { from: "bushwick", as: "192.168.56.103", ttl: 8 });
      assert.deepEqual(forged.reached, [{ network: "hostonly", ttl: null }, { network: "middle", ttl: 8 }, { network: "far", ttl: 7 }]);
      const [r1, r2] = forged.drops;
      assert.deepEqual([r1.router, r1.after - r1.before, r2.router, r2.after - r2.before], ["router1", 1, "router2", 0]);
      assert.doesNotMatch(await lab.host("bushwick").cmd("ip -br addr show dev eth1"), /192\.168\.56\.103/, "the forged address is gone again");
      await assert.rejects(forgedSend(lab, { as: "192.168.57.105" }), /options\.as/);
    } finally {
      await lab.down();
    }
  });

  test("as an ordinary user, in a user namespace: smcrouted runs as that namespace's root, forwards, and ends with the lab", { timeout: 60_000, skip: process.getuid?.() !== 0 ? "needs root to become another uid" : false }, async () => {
    // A uid with no account, as a class's student: the lab maps it to itself,
    // and each router's namespaces to root (src/lab/plan.ts, routerNamespace).
    const uid = 61_977;
    const script = [
      `const mc = require(${JSON.stringify(join(__dirname, "..", "src", "index.js"))});`,
      "(async () => {",
      "  const lab = await mc.up(mc.routedTopology, { userNamespace: true });",
      "  try {",
      '    const daemons = await lab.host("router1").cmd("ps -o user=,comm= -C smcrouted");',
      '    const rows = await mc.whoHears(lab, { from: "midwood", groups: ["224.1.1.5"], ttl: 3 });',
      "    console.log(JSON.stringify({ daemons, rows }));",
      "  } finally { await lab.down(); }",
      "})().catch((e) => { console.error(e); process.exit(1); });",
    ].join("\n");
    const child = spawnSync("setpriv", ["--reuid", String(uid), "--regid", String(uid), "--clear-groups", process.execPath, "-e", script], { encoding: "utf8", timeout: 45_000, cwd: tmpdir(), env: { ...process.env, HOME: tmpdir() } });
    assert.equal(child.status, 0, `the lab came up and down as uid ${uid}:\n${child.stderr}`);
    const { daemons, rows } = JSON.parse(child.stdout.trim().split("\n").pop()!) as { daemons: string; rows: { host: string; heard: boolean; ttl: number | null }[] };
    assert.equal(daemons.trim().split("\n").length, 2, "one smcrouted per router, both seen from router1 (the lab's pid namespace)");
    assert.match(daemons, new RegExp(`^\\s*${uid} +smcrouted`, "m"), "the daemons run as the user, who is root only in the routers' namespaces");
    const heard = Object.fromEntries(rows.map((r) => [r.host, r.ttl]));
    assert.deepEqual({ bushwick: heard.bushwick, eastny: heard.eastny, flatbush: heard.flatbush }, { bushwick: 2, eastny: 1, flatbush: 1 }, "sent with TTL 3, it crossed both routers");
    assert.deepEqual(processesOf(uid), [], "nothing of the user's is left after down()");
  });
});
