// The host-only bridge as a switch that snoops IGMP: the querier described
// as data (checked at the door, its timers in the plan, in the order the
// kernel needs), and live: with a querier, bushwick no longer gets a group
// it did not join while link-local groups still reach every port, and the
// bridge's table says who joined; without a querier the bridge floods.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sniff } from "../src/capture/sniff";
import { planLab } from "../src/lab/plan";
import { resolveTopology } from "../src/lab/resolve-topology";
import { lectureTopology, QuerierSpec, snoopingTopology, Topology } from "../src/lab/topology";
import { LECTURE_JOINS, whoHears } from "../src/lessons/who-hears";
import { querierInCharge, queryAnswers, timeSilence } from "../src/lessons/snooping";
import { MembershipEvent, snoopedHosts } from "../src/homework/exercises/snooping";
import { up } from "../src/lab/up";
import { ArgumentError } from "../src/util/errors";

function snooping(querier?: boolean | QuerierSpec): Topology {
  const t = structuredClone(lectureTopology);
  t.networks[0].snooping = true;
  if (querier !== undefined) t.networks[0].querier = querier;
  return t;
}

describe("a snooping bridge and its querier, as data", () => {
  test("the lab's short timers (a query every 5 s, 1 s to answer), with what the RFC derives from them", () => {
    const q = resolveTopology(snooping({ address: "192.168.56.1" })).networks[0].querier!;
    assert.deepEqual(q, {
      address: "192.168.56.1", igmpVersion: 3, queryIntervalS: 5, queryResponseIntervalS: 1, robustness: 2, lastMemberIntervalS: 1,
      membershipIntervalS: 11, otherQuerierIntervalS: 10.5, startupQueryIntervalS: 1.25,
    });
  });

  test("the plan sets the timers (in hundredths) before it makes the bridge the querier", () => {
    const sw = planLab(resolveTopology(snooping({ address: "192.168.56.1", queryIntervalS: 2, igmpVersion: 2 }))).switch;
    const timers = sw.findIndex((c) => c.startsWith("link set dev hostonly type bridge mcast_igmp_version 2"));
    const on = sw.indexOf("link set dev hostonly type bridge mcast_querier 1");
    assert.ok(timers >= 0 && on > timers, "timers first: a querier turned on before them keeps flooding for the default 255 s");
    assert.match(sw[timers], /mcast_query_interval 200 mcast_query_response_interval 100 mcast_membership_interval 500 mcast_querier_interval 450/);
    assert.ok(sw.includes("addr add 192.168.56.1/24 dev hostonly"), "the queries' source address is on the bridge");
    assert.ok(sw.includes("link add hostonly type bridge mcast_snooping 1"));
  });

  const bad: Array<[string, Topology, RegExp]> = [
    ["a querier on a bridge that does not snoop", (() => { const t = structuredClone(lectureTopology); t.networks[0].querier = true; return t; })(), /networks\[0\]\.querier must be left out unless snooping is true/],
    ["a querier with no address on a network with no gateway", snooping(true), /querier\.address must be an address on the network for the queries' source.*no gateway/],
    ["a querier on a host's address", snooping({ address: "192.168.56.104" }), /hosts\[2\]\.interfaces\[1\]\.address must be an address no other interface on this network has; got "192\.168\.56\.104" \(the querier of hostonly has it\)/],
    ["a response interval as long as the query interval", snooping({ address: "192.168.56.1", queryIntervalS: 2, queryResponseIntervalS: 2 }), /queryResponseIntervalS must be less than the query interval, 2 s/],
    ["a query interval of 0", snooping({ address: "192.168.56.1", queryIntervalS: 0 }), /queryIntervalS must be seconds from 1 to 3600/],
    ["an unknown timer", snooping({ address: "192.168.56.1", queryEvery: 5 } as unknown as QuerierSpec), /querier\.queryEvery must be one of address, igmpVersion/],
    ["IGMP version 1", snooping({ address: "192.168.56.1", igmpVersion: 1 as 2 }), /igmpVersion must be 2 or 3/],
  ];
  for (const [what, t, message] of bad) {
    test(`${what} is refused, naming the field`, () => {
      assert.throws(() => resolveTopology(t), (e: unknown) => e instanceof ArgumentError && message.test(e.message), what);
    });
  }
});

/** Who of bushwick and flatbush hears midwood's datagrams to `group`, while eastny has joined 224.1.1.5. */
async function trial(t: Topology, waitS: number) {
  const lab = await up(t);
  try {
    await new Promise((r) => setTimeout(r, waitS * 1000));
    const joined = lab.host("eastny").receive({ group: "224.1.1.5", port: 50001, on: "192.168.56.101", timeoutMs: 6000, count: 2 });
    await new Promise((r) => setTimeout(r, 300));
    const sniffing = sniff(lab.host("bushwick"), { iface: "eth1", filter: "udp port 50001 or igmp", timeoutMs: 2000 });
    await sniffing.ready;
    const mdb = await lab.mdb();
    for (const group of ["224.1.1.5", "224.0.0.251"]) await lab.host("midwood").send({ group, port: 50001, from: "192.168.56.103", message: `to ${group}`, ttl: 1 });
    await lab.host("midwood").send({ group: "224.1.1.5", port: 50001, from: "192.168.56.103", message: "again", ttl: 1 });
    const eastny = (await joined).datagrams.map((d) => d.message);
    const heard = (await sniffing).packets;
    return {
      mdb,
      eastny,
      bushwick: heard.filter((p) => p.has("UDP")).map((p) => p.layer("IP")!.repr("dst")),
      queries: heard.filter((p) => p.summary().includes("Query")).map((p) => p.layer("IP")!.repr("src")),
    };
  } finally {
    await lab.down();
  }
}

describe("a snooping bridge, live", () => {
  test("with a querier: bushwick no longer hears 224.1.1.5, still hears 224.0.0.251, and the bridge's table has eastny's join", { timeout: 60_000 }, async () => {
    const querier: QuerierSpec = { address: "192.168.56.1", queryIntervalS: 1, queryResponseIntervalS: 0.5 };
    // Past one other-querier-present interval (2.25 s here), the bridge prunes.
    const r = await trial(snooping(querier), 2.5);
    assert.deepEqual(r.eastny, ["to 224.1.1.5", "again"], "eastny, which joined, gets both");
    assert.deepEqual(r.bushwick, ["224.0.0.251"], "bushwick's port gets the link-local group only (224.0.0.0/24 is always flooded)");
    const entry = r.mdb.find((e) => e.group === "224.1.1.5");
    assert.ok(entry, `the bridge's table has 224.1.1.5: ${JSON.stringify(r.mdb)}`);
    assert.equal(`${entry.host} ${entry.interface} ${entry.state}`, "eastny eth1 temp");
    assert.ok(entry.expiresInS !== null && entry.expiresInS > 0 && entry.expiresInS <= 2.5, `it expires within one membership interval (2.5 s): ${entry.expiresInS}`);
    assert.ok(r.queries.length >= 1 && r.queries.every((q) => q === "192.168.56.1"), `the querier's queries come from 192.168.56.1: ${r.queries}`);
  });

  test("snooping without a querier: the bridge learns the join but floods the group to every port", { timeout: 60_000 }, async () => {
    const r = await trial(snooping(), 0);
    assert.deepEqual(r.eastny, ["to 224.1.1.5", "again"]);
    assert.deepEqual(r.bushwick, ["224.1.1.5", "224.0.0.251", "224.1.1.5"], "with no querier on the network, snooping falls back to flooding");
    assert.ok(r.mdb.some((e) => e.group === "224.1.1.5" && e.host === "eastny"), "even though its table has eastny's join");
    assert.deepEqual(r.queries, []);
  });

  test("whoHears, on the lecture's joins: with a querier each group reaches its members only, and 224.0.0.251 every host", { timeout: 60_000 }, async () => {
    const lab = await up(snoopingTopology({ queryIntervalS: 1, queryResponseIntervalS: 0.5 }));
    try {
      await new Promise((r) => setTimeout(r, 2500));
      const joins = [
        lab.host("eastny").receive({ group: "224.1.1.5", port: 50001, on: "192.168.56.101", timeoutMs: 6000 }),
        lab.host("flatbush").receive({ group: "224.1.1.5", port: 50001, on: "192.168.56.104", timeoutMs: 6000 }),
        lab.host("bushwick").receive({ group: "234.3.2.1", port: 50001, on: "192.168.56.105", timeoutMs: 6000 }),
      ];
      await Promise.all(joins.map((j) => j.joined));
      const rows = await whoHears(lab, { groups: ["224.1.1.5", "234.3.2.1", "224.0.0.251"] });
      const heard = (group: string) => rows.filter((r) => r.group === group && r.heard).map((r) => r.host).sort();
      assert.deepEqual(heard("224.1.1.5"), ["eastny", "flatbush"]);
      assert.deepEqual(heard("234.3.2.1"), ["bushwick"]);
      assert.deepEqual(heard("224.0.0.251"), ["bushwick", "eastny", "flatbush"]);
      assert.ok(rows.filter((r) => r.heard).every((r) => r.ttl === 1), "with TTL 1, as sent: a switch is no router");
      await Promise.allSettled(joins);
    } finally {
      await lab.down();
    }
  });

  test("the snooping exercise's rule is the bridge's: its answers for joins and leaves are what whoHears measures", { timeout: 90_000 }, async () => {
    const events: MembershipEvent[] = [
      { host: "eastny", group: "239.1.1.1", action: "join" },
      { host: "flatbush", group: "239.1.1.1", action: "join" },
      { host: "bushwick", group: "234.3.2.1", action: "join" },
      { host: "flatbush", group: "239.1.1.1", action: "leave" },
    ];
    // Who is joined once every event has happened: a receiver for each host's last join.
    const joins = ["bushwick", "eastny", "flatbush"].flatMap((host) =>
      [...new Set(events.map((e) => e.group))].filter((group) => events.filter((e) => e.host === host && e.group === group).at(-1)?.action === "join").map((group) => ({ host, group })));
    const groups = ["239.1.1.1", "234.3.2.1", "224.0.0.251", "239.9.9.9"];
    for (const querier of [true, false]) {
      const lab = await up(querier ? snoopingTopology({ queryIntervalS: 1, queryResponseIntervalS: 0.5 }) : snoopingTopology(false));
      try {
        if (querier) await new Promise((r) => setTimeout(r, 2500));
        const rows = await whoHears(lab, { groups, joins });
        for (const group of groups) {
          const measured = rows.filter((r) => r.group === group && r.heard).map((r) => r.host).sort();
          assert.deepEqual(snoopedHosts(events, group, querier), measured, `${group}, ${querier ? "with" : "without"} a querier`);
        }
      } finally {
        await lab.down();
      }
    }
  });

  test("a member that falls silent is dropped one membership interval after its last report, and the host's nftables rule is gone after", { timeout: 60_000 }, async () => {
    const lab = await up(snoopingTopology({ queryIntervalS: 1, queryResponseIntervalS: 0.5 }));
    try {
      await querierInCharge(lab);
      const t = await timeSilence(lab, { host: "flatbush", group: "224.1.1.5" });
      assert.equal(t.membershipIntervalS, 2.5);
      assert.ok(Math.abs(t.goneAfterMs / 1000 - 2.5) < 0.6, `dropped ${t.goneAfterMs} ms after its last report`);
      assert.doesNotMatch(await lab.host("flatbush").cmd("nft list tables"), /mcast_lab_silence/);
      await assert.rejects(timeSilence(await up(lectureTopology), { host: "eastny", group: "224.1.1.5" }), /a lab whose network has a querier/);
    } finally {
      await lab.down();
    }
  });

  test("queries sent as raw frames: under IGMPv2 one member's report answers for the group (suppression), under v3 each member answers", { timeout: 60_000 }, async () => {
    for (const version of [2, 3] as const) {
      const lab = await up(lectureTopology, { igmpVersion: version });
      try {
        const rows = await queryAnswers(lab, { version, intervalMs: 900, maxResponseMs: 500, joins: LECTURE_JOINS });
        assert.ok(rows.every((r) => r.version === version), `every report is v${version}`);
        const hosts = (q: number, group: string) => new Set(rows.filter((r) => r.query === q && r.group === group).map((r) => r.host));
        for (const q of [1, 2, 3]) assert.deepEqual([...hosts(q, "234.3.2.1")], ["bushwick"], `bushwick, alone in 234.3.2.1, answers query ${q}`);
        const answering = [1, 2, 3].map((q) => hosts(q, "224.1.1.5").size);
        if (version === 3) assert.deepEqual(answering, [2, 2, 2]);
        else assert.ok(answering.every((n) => n >= 1) && answering.filter((n) => n === 1).length >= 2, `v2: ${answering}`);
        assert.ok(rows.every((r) => r.afterMs >= 0 && r.afterMs < 700), "each within the query's half second, give or take the kernel's timers");
      } finally {
        await lab.down();
      }
    }
    const lab = await up(lectureTopology);
    try {
      await assert.rejects(lab.host("midwood").sendFrame("eth9", new Uint8Array(60)), /iface/);
      await assert.rejects(lab.host("midwood").sendFrame("eth1", new Uint8Array(3)), /frame/);
      await assert.rejects(queryAnswers(lab, { maxResponseMs: 1500, joins: LECTURE_JOINS }), /options\.maxResponseMs/);
    } finally {
      await lab.down();
    }
  });
});
