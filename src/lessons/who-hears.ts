// Who hears a datagram? midwood (or any host) sends one datagram to each of
// a few groups while every other host of the lab captures; the rows say, per
// group and host, whether the datagram reached that host's wire and with
// which TTL. It is the measurement behind the snooping and routing lessons:
// what a bridge floods and what it keeps back, how far a TTL carries. What
// the hosts joined is up to the caller (a receive() running in each).
import { tryParseIPv4 } from "../addresses/address";
import { isMulticastNumber } from "../addresses/blocks";
import { sniff } from "../capture/sniff";
import { Lab } from "../lab/lab";
import { ArgumentError, checkInteger } from "../util/errors";

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
}

export interface HearingRow {
  group: string;
  host: string;
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
  const address = sender.spec?.interfaces.find((f) => !lab.topology.networks.find((n) => n.name === f.network)?.isolated)?.address;
  if (!address) throw new ArgumentError("options.from", from, "a host with an interface on a network that is not isolated");

  const listeners = lab.hosts.filter((h) => h.name !== from);
  // Each capture stops at its deadline: long enough for every datagram and the listening after.
  const deadline = 1500 + groups.length * 100 + listenMs;
  const captures = listeners.map((h) => sniff(h, { iface: "any", filter: `udp and dst port ${port} and src host ${address}`, timeoutMs: deadline }));
  try {
    await Promise.all(captures.map((c) => c.ready));
    for (const group of groups) await sender.send({ group, port, from: address, message: `who hears ${group}?`, ttl });
  } finally {
    // A failed send must not leave captures running: they end at their deadline, awaited here.
    await Promise.allSettled(captures);
  }
  const rows: HearingRow[] = [];
  for (const [i, h] of listeners.entries()) {
    const packets = (await captures[i]).packets;
    for (const group of groups) {
      const p = packets.find((q) => q.layer("IP")?.repr("dst") === group);
      rows.push({ group, host: h.name, heard: p !== undefined, ttl: p ? p.layer("IP")!.num("ttl") : null });
    }
  }
  return rows;
}
