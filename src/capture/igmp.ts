// IGMP, the protocol hosts use to tell routers which groups they want:
// v1 (RFC 1112) and v2 (RFC 2236) messages are 8 bytes; v3 (RFC 3376) queries
// are 12 bytes or more and v3 reports carry group records. Which header
// applies is decided from the type and the length, as scapy's contrib does.
import { formatIPv4 } from "../addresses/address";
import { internetChecksum, judgeChecksum } from "./checksum";
import { addressList, enumOf, HEX, INT, IPV4, IPV4_LIST, layersOf, LOAD } from "./formats";
import { defineHeader } from "./header";
import { Layer } from "./layer";

export const IGMP_QUERY = 0x11;
export const IGMP_V1_REPORT = 0x12;
export const IGMP_V2_REPORT = 0x16;
export const IGMP_V2_LEAVE = 0x17;
export const IGMP_V3_REPORT = 0x22;
export const MRD_ADVERTISEMENT = 0x30;
export const MRD_SOLICITATION = 0x31;
export const MRD_TERMINATION = 0x32;

/** IGMPv1/v2 type names, as scapy's contrib prints them. */
export const IGMP_TYPES: Readonly<Record<number, string>> = {
  [IGMP_QUERY]: "Group Membership Query",
  [IGMP_V1_REPORT]: "Version 1 - Membership Report",
  [IGMP_V2_REPORT]: "Version 2 - Membership Report",
  [IGMP_V2_LEAVE]: "Leave Group",
};

export const IGMPV3_TYPES: Readonly<Record<number, string>> = {
  [IGMP_QUERY]: "Membership Query",
  [IGMP_V3_REPORT]: "Version 3 Membership Report",
  [MRD_ADVERTISEMENT]: "Multicast Router Advertisement",
  [MRD_SOLICITATION]: "Multicast Router Solicitation",
  [MRD_TERMINATION]: "Multicast Router Termination",
};

/** IGMPv3 group record types, named as in RFC 3376 section 4.2.12. */
export const MODE_IS_INCLUDE = 1;
export const MODE_IS_EXCLUDE = 2;
export const CHANGE_TO_INCLUDE_MODE = 3;
export const CHANGE_TO_EXCLUDE_MODE = 4;
export const ALLOW_NEW_SOURCES = 5;
export const BLOCK_OLD_SOURCES = 6;
export const RECORD_TYPES: Readonly<Record<number, string>> = {
  [MODE_IS_INCLUDE]: "MODE_IS_INCLUDE",
  [MODE_IS_EXCLUDE]: "MODE_IS_EXCLUDE",
  [CHANGE_TO_INCLUDE_MODE]: "CHANGE_TO_INCLUDE_MODE",
  [CHANGE_TO_EXCLUDE_MODE]: "CHANGE_TO_EXCLUDE_MODE",
  [ALLOW_NEW_SOURCES]: "ALLOW_NEW_SOURCES",
  [BLOCK_OLD_SOURCES]: "BLOCK_OLD_SOURCES",
};

/** Types that are IGMPv3 whatever their length (scapy's dispatch rule); a query is v3 when 12 bytes or longer. */
export function isIGMPv3(type: number, length: number): boolean {
  return type === IGMP_V3_REPORT || type === MRD_ADVERTISEMENT || type === MRD_SOLICITATION || type === MRD_TERMINATION || (type === IGMP_QUERY && length >= 12);
}

function withIP(l: Layer, text: string): string {
  const ip = l.below;
  return ip && ip.name === "IP" ? `${l.name}: ${ip.repr("src")} > ${ip.repr("dst")} ${text}` : `${l.name} ${text}`;
}

/** IGMPv1 and v2: type, max response time, checksum, group. */
export const IGMP = defineHeader({
  name: "IGMP",
  className: "IGMP",
  fields: [
    { name: "type", offset: 0, bytes: 1, format: enumOf(IGMP_TYPES), meaning: (v: number, l) => igmpTypeMeaning(v, l) },
    { name: "mrcode", offset: 1, bytes: 1, format: INT, meaning: (v: number, l) => v2MaxResponseMeaning(v, l) },
    { name: "chksum", offset: 2, bytes: 2, format: HEX },
    { name: "gaddr", offset: 4, bytes: 4, format: IPV4, meaning: (v: number, l) => groupMeaning(v, l.num("type")) },
  ],
  summary: (l) => withIP(l, `${l.repr("type")} ${l.repr("gaddr")}`),
});

/** IGMPv3's common part; the query or report body follows as its own header. */
export const IGMPV3 = defineHeader({
  name: "IGMPv3",
  className: "IGMPv3",
  fields: [
    { name: "type", offset: 0, bytes: 1, format: enumOf(IGMPV3_TYPES), meaning: (v: number) => igmpTypeMeaning(v) },
    { name: "mrcode", offset: 1, bytes: 1, format: INT, meaning: (v: number, l) => (l.num("type") === IGMP_QUERY ? `max response time ${tenths(v3MaxResponse(v))}` : "unused (0) in reports") },
    { name: "chksum", offset: 2, bytes: 2, format: HEX },
  ],
  summary: (l) => withIP(l, l.repr("type")),
});

export const IGMPV3_QUERY = defineHeader({
  name: "IGMPv3mq",
  className: "IGMPv3mq",
  fields: [
    { name: "gaddr", offset: 0, bytes: 4, format: IPV4, meaning: (v: number) => groupMeaning(v, IGMP_QUERY) },
    { name: "resv", offset: 4, bit: 0, bits: 4, format: INT },
    { name: "s", offset: 4, bit: 4, bits: 1, format: INT, meaning: (v: number) => (v ? "routers: suppress timer updates" : "") },
    { name: "qrv", offset: 4, bit: 5, bits: 3, format: INT, meaning: (v: number) => `robustness ${v}: reports are sent ${v || 2} times` },
    { name: "qqic", offset: 5, bytes: 1, format: INT, meaning: (v: number) => `queries every ${v3Code(v)} s` },
    { name: "numsrc", offset: 6, bytes: 2, format: INT, meaning: (v: number) => (v ? `${v} source${v === 1 ? "" : "s"}` : "no sources: any source") },
    { name: "srcaddrs", offset: 8, bytes: (l) => l.num("numsrc") * 4, widthText: "numsrc × 4", format: IPV4_LIST },
  ],
});

/** One group record of a v3 report: what the host wants of one group. */
export const IGMPV3_RECORD = defineHeader({
  name: "IGMPv3gr",
  className: "IGMPv3gr",
  fields: [
    { name: "rtype", offset: 0, bytes: 1, format: enumOf(RECORD_TYPES), meaning: (v: number, l) => recordMeaning(v, l.num("numsrc")) },
    { name: "auxdlen", offset: 1, bytes: 1, format: INT, meaning: (v: number) => (v ? `${v * 4} bytes of auxiliary data` : "") },
    { name: "numsrc", offset: 2, bytes: 2, format: INT },
    { name: "maddr", offset: 4, bytes: 4, format: IPV4, meaning: () => "the group" },
    { name: "srcaddrs", offset: 8, bytes: (l) => l.num("numsrc") * 4, widthText: "numsrc × 4", format: IPV4_LIST },
    // scapy has no field for auxiliary data (no host sends any); shown only when present.
    { name: "auxdata", offset: (l) => 8 + l.num("numsrc") * 4, offsetText: "8 + numsrc × 4", bytes: (l) => l.num("auxdlen") * 4, widthText: "auxdlen × 4", format: LOAD, when: (l) => l.num("auxdlen") > 0 },
  ],
});

/** Records one after another, each as long as its own counts say. */
export function parseRecords(data: Uint8Array, start: number, end: number): Layer[] {
  const out: Layer[] = [];
  let at = start;
  while (at < end) {
    const record = new Layer(IGMPV3_RECORD, data, at, end);
    out.push(record);
    if (record.truncated) break;
    at += record.size;
  }
  return out;
}

/** The bytes of numgrp records starting at `at` (NaN if a count was not captured). */
function recordsLength(report: Layer): number {
  const count = report.num("numgrp");
  const d = report.data;
  let at = report.start + 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > report.limit) return NaN;
    at += 8 + 4 * (((d[at + 2] << 8) | d[at + 3]) + d[at + 1]);
  }
  return at - report.start - 4;
}

export const IGMPV3_REPORT = defineHeader({
  name: "IGMPv3mr",
  className: "IGMPv3mr",
  fields: [
    { name: "res2", offset: 0, bytes: 2, format: HEX },
    { name: "numgrp", offset: 2, bytes: 2, format: INT, meaning: (v: number) => `${v} group record${v === 1 ? "" : "s"}` },
    { name: "records", offset: 4, bytes: recordsLength, widthText: "the records' own lengths", format: layersOf(parseRecords) },
  ],
});

export const IGMPV3_ROUTER_ADVERTISEMENT = defineHeader({
  name: "IGMPv3mra",
  className: "IGMPv3mra",
  fields: [
    { name: "qryIntvl", offset: 0, bytes: 2, format: INT },
    { name: "robust", offset: 2, bytes: 2, format: INT },
  ],
});

/** Verify an IGMP checksum (over the whole message, the IP payload [start, end)) and note it on the layer. */
export function checkIGMP(igmp: Layer, end: number, complete: boolean): void {
  judgeChecksum(igmp, igmp.num("chksum"), complete ? internetChecksum(igmp.data, igmp.start, end, igmp.start + 2) : null);
}

/** RFC 3376 4.1.1: codes from 128 up are a floating-point number (mantissa and exponent) of tenths of a second. */
export function v3MaxResponse(code: number): number {
  return v3Code(code);
}

function v3Code(code: number): number {
  return code < 128 ? code : ((code & 0x0f) | 0x10) << (((code >>> 4) & 0x07) + 3);
}

function tenths(t: number): string {
  return `${(t / 10).toFixed(1)} s`;
}

function igmpTypeMeaning(type: number, l?: Layer): string {
  if (type === IGMP_QUERY) {
    if (l && l.num("mrcode") === 0) return "query (IGMPv1: max response 0): which groups have members here?";
    return "query: which groups have members here?";
  }
  if (type === IGMP_V1_REPORT) return "IGMPv1 report: a member of the group";
  if (type === IGMP_V2_REPORT) return "IGMPv2 report: a member of the group (a join, or an answer to a query)";
  if (type === IGMP_V2_LEAVE) return "IGMPv2 leave: no longer a member";
  if (type === IGMP_V3_REPORT) return "IGMPv3 report: group records follow";
  return "";
}

function v2MaxResponseMeaning(code: number, l: Layer): string {
  if (l.num("type") !== IGMP_QUERY) return code ? "" : "unused (0) in reports and leaves";
  return code === 0 ? "0: an IGMPv1 query (v1 has no max response time)" : `max response time ${tenths(code)}`;
}

function groupMeaning(group: number, type: number): string {
  if (type === IGMP_QUERY) return group === 0 ? "0.0.0.0: a general query, about every group" : `a query about ${formatIPv4(group)} only`;
  return "the group";
}

/** What a record asks for, in a host's words: a join, a leave, or a change of sources. */
export function recordMeaning(type: number, sources: number): string {
  const none = sources === 0;
  switch (type) {
    case MODE_IS_INCLUDE: return none ? "a member of no source of it (not a member)" : "a member, for these sources only";
    case MODE_IS_EXCLUDE: return none ? "a member, any source (the answer to a query)" : "a member, except for these sources";
    case CHANGE_TO_INCLUDE_MODE: return none ? "leave: include no source any more" : "change: now only these sources";
    case CHANGE_TO_EXCLUDE_MODE: return none ? "join: exclude no source, so any source" : "change: every source but these";
    case ALLOW_NEW_SOURCES: return "add these sources";
    case BLOCK_OLD_SOURCES: return "drop these sources";
    default: return "";
  }
}

/** A record's sources as text. */
export function recordSources(record: Layer): string[] {
  return addressList(record.bytes("srcaddrs"));
}
