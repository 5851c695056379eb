// Notebook 6, the switch that learns: waiting for a querier to take charge,
// and timing a leave, from the bridge's own table and the IGMP on the wire.
import { Packet } from "../capture/dissect";
import { sniff } from "../capture/sniff";
import { Lab } from "../lab/lab";
import { resolveTopology } from "../lab/resolve-topology";
import { ArgumentError, checkInteger } from "../util/errors";
import { igmpFrame, igmpMessage, igmpV3Query } from "../capture/build";
import { IGMP_QUERY } from "../capture/igmp";
import { sharedInterface } from "../lab/topology";

/**
 * Wait until every querier of the lab has waited out its other-querier-present
 * interval (measured: until then a snooping bridge still floods), counted
 * from now; resolves to the seconds waited. Call it right after up().
 */
export async function querierInCharge(lab: Lab): Promise<number> {
  if (!(lab instanceof Lab)) throw new ArgumentError("lab", lab, "a lab, as up() returns it");
  const intervals = resolveTopology(lab.topology).networks.flatMap((n) => (n.querier ? [n.querier.otherQuerierIntervalS] : []));
  if (intervals.length === 0) throw new ArgumentError("lab", lab.topology.name, "a lab with a querier, such as mc.up(mc.snoopingTopology())");
  const seconds = Math.max(...intervals) + 0.25;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return seconds;
}

/** What timeLeave measured: a leave, and how long the bridge kept the port in the group after it. */
export interface LeaveTiming {
  host: string;
  group: string;
  /** From the receiver's socket closing (its leave) until the bridge's table no longer has the host's port in the group. */
  goneAfterMs: number;
  /** What the host's link carried meanwhile: its report, its leave, the querier's group-specific queries. */
  packets: Packet[];
}

/** A host joins a group, then leaves it; how long until the bridge stops sending the group down its link? */
export async function timeLeave(lab: Lab, options: { host: string; group: string; timeoutMs?: number }): Promise<LeaveTiming> {
  if (!(lab instanceof Lab)) throw new ArgumentError("lab", lab, "a lab, as up() returns it");
  const { host, group } = options;
  const nic = sharedInterface(lab.topology, lab.host(host).spec);
  if (!nic) throw new ArgumentError("options.host", host, "a host on the lab's shared network");
  const { address: on, name: iface } = nic;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const capture = sniff(lab.host(host), { iface, filter: "igmp", timeoutMs });
  await capture.ready;
  const member = () => lab.mdb().then((rows) => rows.some((r) => r.host === host && r.group === group));
  const receiving = lab.host(host).receive({ group, port: 50001, on, count: 1000, timeoutMs: 600 });
  try {
    await receiving.joined;
    const joinedBy = Date.now() + 3000;
    while (!(await member())) {
      if (Date.now() > joinedBy) throw new Error(`the bridge never listed ${host} in ${group}: is it snooping?`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await receiving.result; // its 600 ms end: the socket closes and the kernel sends the leave
    const left = performance.now();
    while (await member()) {
      if (performance.now() - left > timeoutMs) throw new Error(`${host} was still in ${group} ${timeoutMs} ms after it left`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const goneAfterMs = performance.now() - left;
    // Let the capture see the last query, then stop it.
    await new Promise((r) => setTimeout(r, 300));
    capture.stop();
    return { host, group, goneAfterMs, packets: (await capture).packets };
  } finally {
    receiving.cancel();
    await Promise.allSettled([receiving.result, capture]);
  }
}

/** One report heard after one query: who sent it, for which group, in which IGMP version, how long after the query. */
export interface QueryAnswer {
  query: number;
  host: string;
  group: string;
  version: 2 | 3;
  afterMs: number;
}

/** How queryAnswers asks: who sends the queries, in which IGMP version, how many, how far apart, and the joins held meanwhile. */
export interface QueryAnswersOptions {
  /** The host that sends the queries (a host, not a router: the frame goes out raw); default midwood. */
  from?: string;
  /** The queries' IGMP version: 2 (an 8-byte query) or 3; default 2. */
  version?: 2 | 3;
  /** How many general queries, default 3, one every intervalMs (default 1200). */
  queries?: number;
  intervalMs?: number;
  /** The longest a host may wait before it answers, in ms (a multiple of 100); default 1000. */
  maxResponseMs?: number;
  /** The joins held while the queries go out, as in whoHears. */
  joins: ReadonlyArray<{ host: string; group: string }>;
}

/**
 * General queries sent by `from` while the hosts of `joins` hold their
 * groups; every membership report heard on `from`'s link, by the query it
 * answers. Under IGMPv2 a member that hears another's report for its group
 * before its own random timer fires keeps quiet (report suppression), so on a
 * network that floods, one report per group answers each query; under v3
 * every member answers for itself.
 */
export async function queryAnswers(lab: Lab, options: QueryAnswersOptions): Promise<QueryAnswer[]> {
  if (!(lab instanceof Lab)) throw new ArgumentError("lab", lab, "a lab, as up() returns it");
  if (options === null || typeof options !== "object") throw new ArgumentError("options", options, "an options object { from, version, queries, joins }");
  const from = options.from ?? "midwood";
  const querier = lab.host(from);
  const nic = sharedInterface(lab.topology, querier.spec);
  if (!nic?.address) throw new ArgumentError("options.from", from, "a host on the lab's shared network");
  const version = options.version ?? 2;
  if (version !== 2 && version !== 3) throw new ArgumentError("options.version", version, "2 or 3");
  const queries = options.queries === undefined ? 3 : checkInteger("options.queries", options.queries, 1, 10);
  const intervalMs = options.intervalMs === undefined ? 1200 : checkInteger("options.intervalMs", options.intervalMs, 200, 10_000);
  const maxResponseMs = options.maxResponseMs === undefined ? 1000 : checkInteger("options.maxResponseMs", options.maxResponseMs, 100, 12_700);
  if (maxResponseMs % 100 !== 0 || maxResponseMs >= intervalMs) throw new ArgumentError("options.maxResponseMs", maxResponseMs, `a multiple of 100 ms below intervalMs (${intervalMs})`);
  const joins = options.joins;
  if (!Array.isArray(joins) || joins.length < 1 || joins.length > 16) throw new ArgumentError("options.joins", joins, "an array of 1 to 16 joins { host, group }");
  const tenths = maxResponseMs / 100;
  const message = version === 2 ? igmpMessage(IGMP_QUERY, "0.0.0.0", tenths) : igmpV3Query({ maxResponse: tenths });
  const frame = igmpFrame({ src: nic.address, dst: "224.0.0.1", srcMac: nic.mac, message });

  const members = joins.map((j, i) => {
    if (j === null || typeof j !== "object") throw new ArgumentError(`options.joins[${i}]`, j, "a join { host, group }");
    const member = sharedInterface(lab.topology, lab.host(j.host).spec);
    if (!member?.address || j.host === from) throw new ArgumentError(`options.joins[${i}].host`, j.host, "a host on the shared network other than the querier");
    return { ...j, on: member.address, iface: member.name };
  });
  // A join is reported twice, the repeat up to the unsolicited report interval
  // later (10 s under v2): shortened to 100 ms here, the repeats are over
  // before the first query, and every report counted answers a query.
  for (const m of new Map(members.map((m) => [m.host, m])).values()) {
    await lab.host(m.host).cmd(["2", "3"].map((v) => `printf 100 > /proc/sys/net/ipv4/conf/${m.iface}/igmpv${v}_unsolicited_report_interval`).join(" && "));
  }
  const receivers = members.map((m) => lab.host(m.host).receive({ group: m.group, port: 50001, on: m.on, count: 1000, timeoutMs: 2000 + queries * intervalMs + 1000 }));
  const capture = sniff(querier, { iface: nic.name, filter: "igmp", timeoutMs: 1500 + queries * intervalMs + 1000 });
  try {
    await Promise.all(receivers.map((r) => r.joined));
    // Let the joins' own reports pass first: they answer no query.
    await new Promise((r) => setTimeout(r, 400));
    await capture.ready;
    for (let q = 0; q < queries; q++) {
      await querier.sendFrame(nic.name, frame);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    capture.stop();
  } finally {
    for (const r of receivers) r.cancel();
    await Promise.allSettled([capture, ...receivers.map((r) => r.result)]);
  }
  const packets = (await capture).packets;
  // When each query went out, by the capture's own clock.
  const sentAt = packets.filter((p) => p.layer("IP")?.repr("src") === nic.address && p.time !== undefined).map((p) => p.time! * 1000);
  const names = new Map(lab.topology.hosts.flatMap((h) => h.interfaces.filter((f) => f.address).map((f) => [f.address!, h.name] as const)));
  const rows: QueryAnswer[] = [];
  for (const p of packets) {
    const src = p.layer("IP")?.repr("src");
    if (!src || src === nic.address || p.time === undefined) continue;
    const at = p.time * 1000;
    // The last query sent before it.
    let q = -1;
    sentAt.forEach((t, i) => (q = t <= at ? i : q));
    if (q < 0) continue;
    const host = names.get(src) ?? src;
    const v2 = p.layer("IGMP");
    if (v2 && v2.num("type") === 0x16) rows.push({ query: q + 1, host, group: v2.repr("gaddr"), version: 2, afterMs: Math.round(at - sentAt[q]) });
    for (const r of p.layer("IGMPv3mr")?.list("records") ?? []) rows.push({ query: q + 1, host, group: r.repr("maddr"), version: 3, afterMs: Math.round(at - sentAt[q]) });
  }
  return rows;
}

/** What timeSilence measured: how long the bridge kept a host in a group after the host fell silent. */
export interface SilenceTiming {
  host: string;
  group: string;
  /** From the host's last report until the bridge's table dropped its port from the group. */
  goneAfterMs: number;
  /** The querier's group membership interval (robustness × query interval + response interval), in seconds: what the bridge waits. */
  membershipIntervalS: number;
}

/**
 * A host joins a group on a snooping network with a querier, and then its
 * reports stop reaching the wire (an nftables rule in the host drops its
 * outgoing IGMP: a host that crashed, or was unplugged): how long until the
 * bridge stops sending the group down its link? No leave is sent, so only the
 * membership timer can end it.
 */
export async function timeSilence(lab: Lab, options: { host: string; group: string; timeoutMs?: number }): Promise<SilenceTiming> {
  if (!(lab instanceof Lab)) throw new ArgumentError("lab", lab, "a lab, as up() returns it");
  if (options === null || typeof options !== "object") throw new ArgumentError("options", options, "an options object { host, group }");
  const { host, group } = options;
  const nic = sharedInterface(lab.topology, lab.host(host).spec);
  if (!nic?.address) throw new ArgumentError("options.host", host, "a host on the lab's shared network");
  const net = resolveTopology(lab.topology).networks.find((n) => n.name === nic.network);
  if (!net?.querier) throw new ArgumentError("lab", lab.topology.name, "a lab whose network has a querier, such as mc.up(mc.snoopingTopology())");
  const membershipIntervalS = net.querier.membershipIntervalS;
  const timeoutMs = options.timeoutMs === undefined ? Math.round(membershipIntervalS * 1000 * 3 + 5000) : checkInteger("options.timeoutMs", options.timeoutMs, 1000, 600_000);
  const member = () => lab.mdb().then((rows) => rows.some((r) => r.host === host && r.group === group));
  const capture = sniff(lab.host(host), { iface: nic.name, filter: `igmp and src host ${nic.address}`, timeoutMs });
  const receiving = lab.host(host).receive({ group, port: 50001, on: nic.address, count: 1000, timeoutMs });
  const table = "mcast_lab_silence";
  let silenced = false;
  try {
    await capture.ready;
    await receiving.joined;
    const joinedBy = Date.now() + 3000;
    while (!(await member())) {
      if (Date.now() > joinedBy) throw new Error(`the bridge never listed ${host} in ${group}: is it snooping?`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Drop every IGMP message the host sends from now on; the socket stays joined.
    await lab.host(host).cmd(`nft add table ip ${table} && nft add chain ip ${table} out '{ type filter hook output priority 0; }' && nft add rule ip ${table} out ip protocol igmp drop`);
    silenced = true;
    const started = Date.now();
    while (await member()) {
      if (Date.now() - started > timeoutMs) throw new Error(`${host} was still in ${group} ${timeoutMs} ms after it fell silent`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const gone = Date.now();
    capture.stop();
    const reports = (await capture).packets.filter((p) => p.time !== undefined && p.time * 1000 <= started);
    const last = reports.length > 0 ? reports[reports.length - 1].time! * 1000 : started;
    return { host, group, goneAfterMs: gone - last, membershipIntervalS };
  } finally {
    receiving.cancel();
    capture.stop();
    await Promise.allSettled([receiving.result, capture]);
    if (silenced) await lab.host(host).cmd(`nft delete table ip ${table}`).catch(() => undefined);
  }
}
