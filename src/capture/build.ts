// Frames built from a few fields, with lengths and checksums filled in: the
// lecture's datagram, IGMP joins, leaves and queries. The tests and the bench
// write them into pcaps; a notebook can build the lecture's packet and see it
// come out byte for byte as captured.
import { addressNumber, IPv4 } from "../addresses/address";
import { isMulticastNumber } from "../addresses/blocks";
import { ArgumentError, checkInteger } from "../util/errors";
import { groupToMac, parseMac } from "../addresses/mac";
import { internetChecksum, onesSum } from "./checksum";
import { ETHER_TYPE_IPV4 } from "./ether";
import { IGMP_QUERY, IGMP_V3_REPORT, RECORD_TYPES } from "./igmp";
import { PROTO_IGMP, PROTO_UDP } from "./ipv4";

/** The Router Alert option (type 148, length 4, value 0), which IGMP messages carry. */
export const ROUTER_ALERT = Uint8Array.of(0x94, 0x04, 0x00, 0x00);

/** Ethernet's minimum frame without its CRC: shorter frames are padded with zeros. */
export const MIN_FRAME = 60;

/** The Ethernet and IPv4 fields of a frame to build (addresses, TTL, and optional header values). */
export interface FrameSpec {
  src: IPv4;
  dst: IPv4;
  /** Default: 1 to a group, 64 otherwise. */
  ttl?: number;
  tos?: number;
  id?: number;
  /** IP flags: 2 = DF (the default, as Linux sends), 1 = MF, 0 = none. */
  flags?: number;
  /** Fragment offset, in 8-byte units (default 0). */
  frag?: number;
  /** Options, padded with zeros to a multiple of 4 bytes. */
  options?: Uint8Array;
  /** Default 02:00:00:00:00:01. */
  srcMac?: string;
  /** Default: the group's MAC (01:00:5e + low 23 bits) for a group, else broadcast. */
  dstMac?: string;
  /** Pad to Ethernet's 60-byte minimum, as a NIC does (default true). */
  pad?: boolean;
}

/** An Ethernet frame holding an IPv4 packet with this protocol and payload. */
export function ipv4Frame(spec: FrameSpec & { proto: number; payload: Uint8Array }): Uint8Array {
  const src = addressNumber(spec.src, "spec.src");
  const dst = addressNumber(spec.dst, "spec.dst");
  const group = isMulticastNumber(dst);
  const ttl = checkInteger("spec.ttl", spec.ttl ?? (group ? 1 : 64), 0, 255);
  const tos = checkInteger("spec.tos", spec.tos ?? 0, 0, 255);
  const id = checkInteger("spec.id", spec.id ?? 0, 0, 0xffff);
  const flags = checkInteger("spec.flags", spec.flags ?? 2, 0, 7);
  const frag = checkInteger("spec.frag", spec.frag ?? 0, 0, 0x1fff);
  const proto = checkInteger("spec.proto", spec.proto, 0, 255);
  const options = spec.options ?? new Uint8Array(0);
  if (!(options instanceof Uint8Array) || options.length > 40) throw new ArgumentError("spec.options", options, "at most 40 bytes of IP options (a Uint8Array)");
  if (!(spec.payload instanceof Uint8Array)) throw new ArgumentError("spec.payload", spec.payload, "a Uint8Array");
  const dstMac = parseMac(spec.dstMac ?? (group ? groupToMac(dst) : "ff:ff:ff:ff:ff:ff"), "spec.dstMac");
  const srcMac = parseMac(spec.srcMac ?? "02:00:00:00:00:01", "spec.srcMac");
  const ihl = 5 + Math.ceil(options.length / 4);
  const length = ihl * 4 + spec.payload.length;
  if (length > 0xffff) throw new ArgumentError("spec.payload", spec.payload, `at most ${0xffff - ihl * 4} bytes (an IPv4 packet is at most 65535)`);
  const size = 14 + length;
  const frame = new Uint8Array(spec.pad === false ? size : Math.max(size, MIN_FRAME));
  frame.set(dstMac, 0);
  frame.set(srcMac, 6);
  put16(frame, 12, ETHER_TYPE_IPV4);
  const ip = 14;
  frame[ip] = 0x40 | ihl;
  frame[ip + 1] = tos;
  put16(frame, ip + 2, length);
  put16(frame, ip + 4, id);
  put16(frame, ip + 6, (flags << 13) | frag);
  frame[ip + 8] = ttl;
  frame[ip + 9] = proto;
  put32(frame, ip + 12, src);
  put32(frame, ip + 16, dst);
  frame.set(options, ip + 20);
  put16(frame, ip + 10, internetChecksum(frame, ip, ip + ihl * 4, ip + 10));
  frame.set(spec.payload, ip + ihl * 4);
  return frame;
}

/** A UDP datagram to build: ports and payload, on top of a FrameSpec. */
export interface UdpSpec extends FrameSpec {
  sport: number;
  dport: number;
  /** The data: text (sent as UTF-8) or bytes. */
  data: string | Uint8Array;
  /** Leave the checksum 0 ("none"), as a sender may. */
  noChecksum?: boolean;
}

/** A UDP datagram in a frame, checksums computed. */
export function udpFrame(spec: UdpSpec): Uint8Array {
  const sport = checkInteger("spec.sport", spec.sport, 0, 0xffff);
  const dport = checkInteger("spec.dport", spec.dport, 0, 0xffff);
  const data = typeof spec.data === "string" ? new TextEncoder().encode(spec.data) : spec.data;
  if (!(data instanceof Uint8Array)) throw new ArgumentError("spec.data", spec.data, "text or a Uint8Array");
  const udp = new Uint8Array(8 + data.length);
  put16(udp, 0, sport);
  put16(udp, 2, dport);
  put16(udp, 4, udp.length);
  udp.set(data, 8);
  if (!spec.noChecksum) {
    const src = addressNumber(spec.src, "spec.src");
    const dst = addressNumber(spec.dst, "spec.dst");
    const pseudo = onesSum(Uint8Array.of(src >>> 24, (src >>> 16) & 255, (src >>> 8) & 255, src & 255, dst >>> 24, (dst >>> 16) & 255, (dst >>> 8) & 255, dst & 255, 0, PROTO_UDP, udp.length >>> 8, udp.length & 255), 0, 12);
    const sum = internetChecksum(udp, 0, udp.length, 6, pseudo);
    put16(udp, 6, sum === 0 ? 0xffff : sum);
  }
  return ipv4Frame({ ...spec, proto: PROTO_UDP, payload: udp });
}

/** An IGMP message in a frame: TTL 1 and the Router Alert option, as RFC 2236 and RFC 3376 require. */
export function igmpFrame(spec: FrameSpec & { message: Uint8Array }): Uint8Array {
  return ipv4Frame({ options: ROUTER_ALERT, ttl: 1, ...spec, proto: PROTO_IGMP, payload: spec.message });
}

/** An 8-byte IGMPv1/v2 message: 0x11 query, 0x12 v1 report, 0x16 v2 report, 0x17 leave. */
export function igmpMessage(type: number, group: IPv4, maxResponse = 0): Uint8Array {
  const m = new Uint8Array(8);
  m[0] = checkInteger("type", type, 0, 255);
  m[1] = checkInteger("maxResponse", maxResponse, 0, 255);
  put32(m, 4, addressNumber(group, "group"));
  put16(m, 2, internetChecksum(m, 0, 8, 2));
  return m;
}

/** An IGMPv3 query to build: the group asked about (0.0.0.0 for all), max response time, S flag, QRV, QQIC and sources. */
export interface V3QuerySpec {
  /** 0.0.0.0 (default) for a general query. */
  group?: IPv4;
  /** In tenths of a second, as coded (default 100: 10 s). */
  maxResponse?: number;
  suppress?: boolean;
  qrv?: number;
  qqic?: number;
  sources?: IPv4[];
}

/** An IGMPv3 query (12 bytes and 4 per source). */
export function igmpV3Query(spec: V3QuerySpec = {}): Uint8Array {
  const sources = spec.sources ?? [];
  const m = new Uint8Array(12 + 4 * sources.length);
  m[0] = IGMP_QUERY;
  m[1] = checkInteger("spec.maxResponse", spec.maxResponse ?? 100, 0, 255);
  put32(m, 4, addressNumber(spec.group ?? 0, "spec.group"));
  m[8] = (spec.suppress ? 8 : 0) | checkInteger("spec.qrv", spec.qrv ?? 2, 0, 7);
  m[9] = checkInteger("spec.qqic", spec.qqic ?? 125, 0, 255);
  put16(m, 10, sources.length);
  sources.forEach((s, i) => put32(m, 12 + 4 * i, addressNumber(s, `spec.sources[${i}]`)));
  put16(m, 2, internetChecksum(m, 0, m.length, 2));
  return m;
}

/** One IGMPv3 group record: its type, group and sources. */
export interface GroupRecordSpec {
  /** 1..6, or its name: "CHANGE_TO_EXCLUDE_MODE" is a join, "CHANGE_TO_INCLUDE_MODE" with no sources a leave. */
  type: number | string;
  group: IPv4;
  sources?: IPv4[];
}

/** An IGMPv3 report with its group records. */
export function igmpV3Report(records: GroupRecordSpec[]): Uint8Array {
  if (!Array.isArray(records)) throw new ArgumentError("records", records, "an array of { type, group, sources } records");
  const size = records.reduce((n, r) => n + 8 + 4 * (r.sources?.length ?? 0), 8);
  const m = new Uint8Array(size);
  m[0] = IGMP_V3_REPORT;
  put16(m, 6, records.length);
  let at = 8;
  records.forEach((r, i) => {
    m[at] = recordType(r.type, `records[${i}].type`);
    const sources = r.sources ?? [];
    put16(m, at + 2, sources.length);
    put32(m, at + 4, addressNumber(r.group, `records[${i}].group`));
    sources.forEach((s, k) => put32(m, at + 8 + 4 * k, addressNumber(s, `records[${i}].sources[${k}]`)));
    at += 8 + 4 * sources.length;
  });
  put16(m, 2, internetChecksum(m, 0, m.length, 2));
  return m;
}

function recordType(type: number | string, argument: string): number {
  if (typeof type === "number" && Number.isInteger(type) && type >= 1 && type <= 6) return type;
  const entry = Object.entries(RECORD_TYPES).find(([, name]) => name === type);
  if (entry) return Number(entry[0]);
  throw new ArgumentError(argument, type, `a record type 1..6 or one of ${Object.values(RECORD_TYPES).join(", ")}`);
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 255;
  b[at + 1] = v & 255;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 255;
  b[at + 2] = (v >>> 8) & 255;
  b[at + 3] = v & 255;
}
