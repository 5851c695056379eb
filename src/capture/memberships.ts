// Which hosts joined and left which groups, read from the IGMP messages in a
// capture: the reference answer to the notebook's exercise.
import { formatIPv4, parseIPv4 } from "../addresses/address";
import { ArgumentError } from "../util/errors";
import { Packet } from "./dissect";
import { addressList } from "./formats";
import { IGMP_V1_REPORT, IGMP_V2_LEAVE, IGMP_V2_REPORT, IGMP_V3_REPORT, RECORD_TYPES } from "./igmp";
import { recordIsLeave } from "./kind";

/** One membership change read off the wire: who joined or left which group, when, with which record. */
export interface Membership {
  /** The host that sent the report or leave (the IP source). */
  source: string;
  group: string;
  kind: "join" | "leave";
  /** The IGMP version of the message. */
  version: 1 | 2 | 3;
  /** What the message says: "report", "leave", or the v3 record's type (RFC 3376's name). */
  record: string;
  /** The sources a v3 record names (none for any-source joins and for v1/v2). */
  sources: string[];
  /** When it was captured (seconds), when the packet knows. */
  time?: number;
}

/**
 * One row per join or leave, in capture order: v1/v2 reports are joins, v2
 * leaves are leaves, and each v3 group record is one or the other (an
 * include-mode record with no sources, or blocked sources, is a leave).
 * Queries say nothing about members; messages with a bad checksum or cut
 * short are skipped, as a router would skip them.
 */
export function memberships(packets: ReadonlyArray<Packet>): Membership[] {
  if (!Array.isArray(packets)) throw new ArgumentError("packets", packets, "an array of dissected packets (from readPackets, dissect or sniff)");
  const out: Membership[] = [];
  packets.forEach((packet, i) => {
    if (!(packet instanceof Packet)) throw new ArgumentError(`packets[${i}]`, packet, "a Packet (from readPackets, dissect or sniff)");
    const ip = packet.layer("IP");
    const igmp = packet.layer("IGMP") ?? packet.layer("IGMPv3");
    if (!ip || !igmp || igmp.check?.status !== "good") return;
    const source = formatIPv4(ip.num("src"));
    const type = igmp.num("type");
    if (type === IGMP_V1_REPORT || type === IGMP_V2_REPORT || type === IGMP_V2_LEAVE) {
      const kind = type === IGMP_V2_LEAVE ? "leave" : "join";
      out.push({ source, group: formatIPv4(igmp.num("gaddr")), kind, version: type === IGMP_V1_REPORT ? 1 : 2, record: kind === "leave" ? "leave" : "report", sources: [], time: packet.time });
    } else if (type === IGMP_V3_REPORT) {
      for (const record of packet.layer("IGMPv3mr")?.list("records") ?? []) {
        if (record.truncated) continue;
        out.push({
          source, group: formatIPv4(record.num("maddr")), kind: recordIsLeave(record) ? "leave" : "join", version: 3,
          record: RECORD_TYPES[record.num("rtype")] ?? `type ${record.num("rtype")}`,
          sources: addressList(record.bytes("srcaddrs")),
          time: packet.time,
        });
      }
    }
  });
  return out;
}

/** Each (host, group) that joined, once, sorted by host then group: what the notebook 3 exercise asks for. */
export function joinedPairs(packets: ReadonlyArray<Packet>): { host: string; group: string }[] {
  const pairs = new Map<string, { host: string; group: string }>();
  for (const m of memberships(packets)) if (m.kind === "join") pairs.set(`${m.source} ${m.group}`, { host: m.source, group: m.group });
  const n = (a: string) => parseIPv4(a);
  return [...pairs.values()].sort((a, b) => (a.host === b.host ? n(a.group) - n(b.group) : n(a.host) - n(b.host)));
}
