// Who hears a datagram? midwood (or any host) sends one datagram to each of
// a few groups while every other host of the lab captures; the rows say, per
// group and host, whether the datagram reached that host's wire and with
// which TTL. It is the measurement behind the snooping and routing lessons:
// what a bridge floods and what it keeps back, how far a TTL carries. What
// the hosts joined is given as `joins`: a receive() in each, for the run.
import { tryParseIPv4 } from "../addresses/address";
import { isMulticastNumber } from "../addresses/blocks";
import { sniff } from "../capture/sniff";
import { Lab } from "../lab/lab";
import { ArgumentError, checkInteger } from "../util/errors";
import type { Receiving } from "../lab/host";
import { sharedInterface } from "../lab/topology";



/** What whoHears sends, from where, and who joins what meanwhile. */
export interface WhoHearsOptions {
  /** The sending host (default "midwood"). */
  from?: string;
  /** The groups, one datagram each, in this order (1 to 16). */
  groups: string[];
  /** The UDP port (default 50001). */
  port?: number;
  /** The datagrams' TTL (default 1, the lecture's). */
  ttl?: number;
  /** How long the hosts listen after the last datagram, in milliseconds (default 400). */
  listenMs?: number;
  /** Who joins what for the run: a receiver in each host, on its address on the sender's network unless `on` says. */
  joins?: readonly Join[];
}

/** One host joining one group (on one of its addresses). */
export interface Join {
  host: string;
  group: string;
  on?: string;
}

/** The lecture's joins: eastny and flatbush 224.1.1.5, bushwick 234.3.2.1, each on its host-only address. */
export const LECTURE_JOINS: readonly Join[] = [
  { host: "eastny", group: "224.1.1.5" },
  { host: "flatbush", group: "224.1.1.5" },
  { host: "bushwick", group: "234.3.2.1" },
];

/** One group and one host: did the datagram reach it, and with which TTL. */
export interface HearingRow {
  group: string;
  host: string;
  /** The host had joined the group (a receiver of `joins`). */
  joined: boolean;
  /** The datagram reached one of the host's interfaces. */
  heard: boolean;
  /** The TTL it carried when it arrived, or null when it did not. */
  ttl: number | null;
}

/** Send one datagram to each group from `from`; capture on every other host; one row per group and host. */
export async function whoHears(lab: Lab, options: WhoHearsOptions): Promise<HearingRow[]> {
  if (!(lab instanceof Lab)) throw new ArgumentError("lab", lab, "a lab, as up() returns it");
  if (options === null || typeof options !== "object") throw new ArgumentError("options", options, "an options object { from, groups, port, ttl, listenMs }");
  const from = options.from ?? "midwood";
  const sender = lab.host(from);
  const groups = options.groups;
  if (!Array.isArray(groups) || groups.length < 1 || groups.length > 16) throw new ArgumentError("options.groups", groups, "an array of 1 to 16 groups");
  for (const g of groups) if (!isMulticastNumber(tryParseIPv4(g))) throw new ArgumentError("options.groups", g, 'a group in 224.0.0.0/4, such as "224.1.1.5"');
  const port = options.port === undefined ? 50001 : checkInteger("options.port", options.port, 1, 65535);
  const ttl = options.ttl === undefined ? 1 : checkInteger("options.ttl", options.ttl, 0, 255);
  const listenMs = options.listenMs === undefined ? 400 : checkInteger("options.listenMs", options.listenMs, 50, 10_000);
  const address = sharedInterface(lab.topology, lab.host(from).spec)?.address;
  if (!address) throw new ArgumentError("options.from", from, "a host with an interface on a network that is not isolated");

  const joins = options.joins ?? [];
  if (!Array.isArray(joins) || joins.length > 32) throw new ArgumentError("options.joins", joins, "an array of at most 32 joins { host, group, on? } (or left out)");
  const listeners = lab.hosts.filter((h) => h.name !== from);
  const receivers: Receiving[] = [];
  for (const [i, j] of joins.entries()) {
    if (typeof j !== "object" || j === null || !listeners.some((h) => h.name === j.host)) throw new ArgumentError(`options.joins[${i}].host`, j?.host, `a host other than the sender: ${listeners.map((h) => h.name).join(", ")}`);
    if (!isMulticastNumber(tryParseIPv4(j.group))) throw new ArgumentError(`options.joins[${i}].group`, j.group, 'a group in 224.0.0.0/4, such as "224.1.1.5"');
    const on = j.on ?? sharedInterface(lab.topology, lab.host(j.host).spec)?.address;
    if (!on) throw new ArgumentError(`options.joins[${i}].on`, j.on, `an address of ${j.host}'s`);
    receivers.push(lab.host(j.host).receive({ group: j.group, port, on, count: 1000, timeoutMs: 30_000 }));
  }
  // Each capture stops once the listening after the last send is over, or at this deadline, whichever is first.
  const deadline = 1500 + groups.length * 100 + listenMs;
  let captures: ReturnType<typeof sniff>[] = [];
  try {
    await Promise.all(receivers.map((r) => r.joined));
    captures = listeners.map((h) => sniff(h, { iface: "any", filter: `udp and dst port ${port} and src host ${address}`, timeoutMs: deadline }));
    await Promise.all(captures.map((c) => c.ready));
    for (const group of groups) await sender.send({ group, port, from: address, message: `who hears ${group}?`, ttl });
    // Listen a little after the last send, then stop: the deadline is only the bound.
    await new Promise((r) => setTimeout(r, listenMs));
    for (const c of captures) c.stop();
  } finally {
    // Nothing left running on any path: captures end at their deadline, receivers here.
    await Promise.allSettled(captures);
    for (const r of receivers) r.cancel();
    await Promise.allSettled(receivers.map((r) => r.result));
  }
  const rows: HearingRow[] = [];
  for (const [i, h] of listeners.entries()) {
    const packets = (await captures[i]).packets;
    for (const group of groups) {
      const p = packets.find((q) => q.layer("IP")?.repr("dst") === group);
      const joined = joins.some((j) => j.host === h.name && j.group === group);
      rows.push({ group, host: h.name, joined, heard: p !== undefined, ttl: p ? p.layer("IP")!.num("ttl") : null });
    }
  }
  return rows;
}
