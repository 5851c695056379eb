// The IPv4 header (RFC 791) and its options. IGMP messages carry the Router
// Alert option (RFC 2113), so an IGMP packet's header is 24 bytes (ihl 6).
import { describe } from "../addresses/blocks";
import { internetChecksum, judgeChecksum } from "./checksum";
import { defineHeader, Header } from "./header";
import { enumOf, flagsOf, HEX, INT, IPV4, layersOf, LOAD } from "./formats";
import { Layer } from "./layer";

/** Protocol numbers as scapy prints them (its names come from /etc/protocols). */
export const IP_PROTOS: Readonly<Record<number, string>> = {
  0: "hopopt", 1: "icmp", 2: "igmp", 4: "ipencap", 6: "tcp", 8: "egp", 17: "udp", 41: "ipv6", 47: "gre",
  50: "esp", 51: "ah", 58: "ipv6_icmp", 89: "ospf", 103: "pim", 112: "vrrp", 132: "sctp",
};

export const PROTO_IGMP = 2;
export const PROTO_UDP = 17;

/** Option numbers (the low 5 bits of the type byte) as scapy names them. */
export const IP_OPTION_NAMES: Readonly<Record<number, string>> = {
  0: "end_of_list", 1: "nop", 2: "security", 3: "loose_source_route", 4: "timestamp", 5: "extended_security",
  6: "commercial_security", 7: "record_route", 8: "stream_id", 9: "strict_source_route", 10: "experimental_measurement",
  11: "mtu_probe", 12: "mtu_reply", 13: "flow_control", 14: "access_control", 15: "encode", 16: "imi_traffic_descriptor",
  17: "extended_IP", 18: "traceroute", 19: "address_extension", 20: "router_alert", 21: "selective_directed_broadcast_mode",
  23: "dynamic_packet_state", 24: "upstream_multicast_packet", 25: "quick_start", 30: "rfc4727_experiment",
};

// Every option starts with this byte: copied into fragments?, class, number.
const OPTION_TYPE = [
  { name: "copy_flag", offset: 0, bit: 0, bits: 1, format: INT, meaning: (v: number) => (v ? "copied into every fragment" : "first fragment only") },
  { name: "optclass", offset: 0, bit: 1, bits: 2, format: enumOf({ 0: "control", 2: "debug" }) },
  { name: "option", offset: 0, bit: 3, bits: 5, format: enumOf(IP_OPTION_NAMES) },
];

export const IP_OPTION_EOL = defineHeader({ name: "IP Option End of Options List", className: "IPOption_EOL", fields: OPTION_TYPE });
export const IP_OPTION_NOP = defineHeader({ name: "IP Option No Operation", className: "IPOption_NOP", fields: OPTION_TYPE });
export const IP_OPTION_ROUTER_ALERT = defineHeader({
  name: "IP Option Router Alert",
  className: "IPOption_Router_Alert",
  fields: [
    ...OPTION_TYPE,
    { name: "length", offset: 1, bytes: 1, format: INT },
    { name: "alert", offset: 2, bytes: 2, format: enumOf({ 0: "router_shall_examine_packet" }),
      meaning: (v: number) => (v === 0 ? "routers must look inside, even at a packet not addressed to them: IGMP needs it" : "") },
  ],
});
/** Any other option: type, length, value. */
export const IP_OPTION = defineHeader({
  name: "IP Option",
  className: "IPOption",
  fields: [
    ...OPTION_TYPE,
    { name: "length", offset: 1, bytes: 1, format: INT },
    { name: "value", offset: 2, bytes: (l) => l.num("length") - 2, widthText: "length − 2", format: LOAD },
  ],
});

const ROUTER_ALERT = 20;

/** The options area split into options, the way scapy does: by the option number in each type byte. */
export function parseOptions(data: Uint8Array, start: number, end: number): Layer[] {
  const out: Layer[] = [];
  let at = start;
  while (at < end) {
    const number = data[at] & 0x1f;
    let header: Header = IP_OPTION;
    if (number === 0) header = IP_OPTION_EOL;
    else if (number === 1) header = IP_OPTION_NOP;
    else if (number === ROUTER_ALERT && at + 1 < end && data[at + 1] === 4) header = IP_OPTION_ROUTER_ALERT;
    const option = new Layer(header, data, at, end);
    out.push(option);
    if (header === IP_OPTION) {
      const length = option.num("length");
      if (!(length >= 2)) {
        option.addProblem(`bad option length ${Number.isNaN(length) ? "(not captured)" : length}`);
        break;
      }
    }
    if (option.truncated) break;
    at += option.size;
  }
  return out;
}

export const IP = defineHeader({
  name: "IP",
  className: "IP",
  fields: [
    { name: "version", offset: 0, bit: 0, bits: 4, format: INT, meaning: (v: number) => (v === 4 ? "IPv4" : `version ${v}, not IPv4`) },
    { name: "ihl", offset: 0, bit: 4, bits: 4, format: INT, meaning: (v: number) => ihlMeaning(v) },
    { name: "tos", offset: 1, bytes: 1, format: HEX, meaning: (v: number) => tosMeaning(v) },
    { name: "len", offset: 2, bytes: 2, format: INT, meaning: (v: number, l) => lengthMeaning(v, l) },
    { name: "id", offset: 4, bytes: 2, format: INT, meaning: () => "identification, to put fragments back together" },
    { name: "flags", offset: 6, bit: 0, bits: 3, format: flagsOf(["MF", "DF", "evil"]), meaning: (v: number) => flagsMeaning(v) },
    { name: "frag", offset: 6, bit: 3, bits: 13, format: INT, meaning: (v: number) => (v === 0 ? "offset 0: the first (or only) fragment" : `a later fragment, at byte ${v * 8}`) },
    { name: "ttl", offset: 8, bytes: 1, format: INT, meaning: (v: number) => ttlMeaning(v) },
    { name: "proto", offset: 9, bytes: 1, format: enumOf(IP_PROTOS), meaning: (v: number) => protoMeaning(v) },
    { name: "chksum", offset: 10, bytes: 2, format: HEX },
    { name: "src", offset: 12, bytes: 4, format: IPV4, meaning: () => "the sender" },
    { name: "dst", offset: 16, bytes: 4, format: IPV4, meaning: (v: number) => destinationMeaning(v) },
    { name: "options", offset: 20, bytes: (l) => l.num("ihl") * 4 - 20, widthText: "ihl × 4 − 20", format: layersOf(parseOptions) },
  ],
  summary: (l) => {
    const frag = l.num("frag");
    return `${l.repr("src")} > ${l.repr("dst")} ${l.repr("proto")}${frag ? ` frag:${frag}` : ""}`;
  },
});

/** Verify the header checksum (over the header only, options included) and note it on the layer. */
export function checkIPv4(ip: Layer): void {
  const expected = ip.truncated ? null : internetChecksum(ip.data, ip.start, ip.start + ip.size, ip.start + 10);
  judgeChecksum(ip, ip.num("chksum"), expected);
}


function ihlMeaning(ihl: number): string {
  if (ihl < 5) return `${ihl} × 4 = ${ihl * 4} bytes: too short for an IPv4 header (20)`;
  return ihl === 5 ? "a 20-byte header" : `a ${ihl * 4}-byte header: 20 + ${ihl * 4 - 20} bytes of options`;
}

function tosMeaning(tos: number): string {
  const dscp = tos >>> 2;
  const cs = dscp === 0 ? " (best effort)" : dscp % 8 === 0 ? ` (CS${dscp / 8}${dscp === 48 ? ", network control: Linux sends IGMPv3 with it" : ""})` : "";
  return `DSCP ${dscp}${cs}, ECN ${tos & 3}`;
}

function lengthMeaning(len: number, ip: Layer): string {
  const header = ip.num("ihl") * 4;
  if (!(len >= header)) return `shorter than the ${header}-byte header`;
  const rest = len - header;
  const udp = ip.above && ip.above.name === "UDP" ? ip.above : undefined;
  const data = udp ? udp.num("len") - 8 : NaN;
  return udp && data >= 0 && data + 8 === rest ? `${len} = ${header} + 8 + ${data} (IP header, UDP header, data)` : `${len} = ${header} (header) + ${rest} (payload)`;
}

function flagsMeaning(flags: number): string {
  const words: string[] = [];
  if (flags & 2) words.push("don't fragment");
  if (flags & 1) words.push("more fragments follow");
  if (flags & 4) words.push("the reserved (evil) bit is set");
  return words.length ? words.join(", ") : "may be fragmented";
}

function ttlMeaning(ttl: number): string {
  if (ttl === 0) return "expired";
  if (ttl === 1) return "stays on this network: the first router drops it";
  return `may cross ${ttl - 1} router${ttl === 2 ? "" : "s"}`;
}

function protoMeaning(proto: number): string {
  if (proto === PROTO_UDP) return "a UDP datagram follows";
  if (proto === PROTO_IGMP) return "an IGMP message follows";
  return IP_PROTOS[proto] ? `${IP_PROTOS[proto]} follows (not decoded here)` : "a protocol not decoded here";
}

function destinationMeaning(dst: number): string {
  if (dst === 0xffffffff) return "broadcast";
  const d = describe(dst);
  if (!d.multicast) return "one host (unicast)";
  return d.note ? `a group: ${d.note.split("; ")[0]}` : `a group, in ${d.range} (IANA: ${d.block})`;
}
