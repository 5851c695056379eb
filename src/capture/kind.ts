// What a captured packet is, in the words a figure's legend uses: IGMP
// report (a join, or an answer to a query), leave, query, a UDP datagram to a
// group, or anything else.
import { isMulticastNumber } from "../addresses/blocks";
import type { Packet } from "./dissect";
import { BLOCK_OLD_SOURCES, CHANGE_TO_INCLUDE_MODE, IGMP_QUERY, IGMP_V1_REPORT, IGMP_V2_LEAVE, IGMP_V2_REPORT, IGMP_V3_REPORT, MODE_IS_INCLUDE } from "./igmp";
import type { Layer } from "./layer";

/** The kinds of packet the course tells apart in a capture. */
export const PACKET_KINDS = ["IGMP report", "IGMP leave", "IGMP query", "UDP to a group", "other"] as const;
/** One of PACKET_KINDS. */
export type PacketKind = (typeof PACKET_KINDS)[number];

/** What a packet is for the course: an IGMP report, leave or query, a UDP datagram to a group, or other. */
export function packetKind(packet: Packet): PacketKind {
  const v2 = packet.layer("IGMP");
  if (v2) {
    const type = v2.num("type");
    if (type === IGMP_QUERY) return "IGMP query";
    if (type === IGMP_V1_REPORT || type === IGMP_V2_REPORT) return "IGMP report";
    if (type === IGMP_V2_LEAVE) return "IGMP leave";
    return "other";
  }
  const v3 = packet.layer("IGMPv3");
  if (v3) {
    const type = v3.num("type");
    if (type === IGMP_QUERY) return "IGMP query";
    if (type !== IGMP_V3_REPORT) return "other";
    const records = packet.layer("IGMPv3mr")?.list("records") ?? [];
    return records.length > 0 && records.every((r) => recordIsLeave(r)) ? "IGMP leave" : "IGMP report";
  }
  const ip = packet.layer("IP");
  if (ip && packet.has("UDP") && isMulticastNumber(ip.num("dst"))) return "UDP to a group";
  return "other";
}

/** A v3 record that ends membership: include-mode with no sources, or sources blocked. */
export function recordIsLeave(record: Layer): boolean {
  const type = record.num("rtype");
  return ((type === MODE_IS_INCLUDE || type === CHANGE_TO_INCLUDE_MODE) && record.num("numsrc") === 0) || type === BLOCK_OLD_SOURCES;
}
