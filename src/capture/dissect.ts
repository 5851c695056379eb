// The layer chain: which header follows which (Ethernet's type, IP's
// protocol, IGMP's type and length), where each one's bytes end, and the
// packet-level views (summary, show, hexdump, per-field rows), all derived
// from the header tables. A truncated or corrupt packet is marked, never
// thrown at: the bytes that are there are still shown.
import { ArgumentError } from "../util/errors";
import { LINUX_SLL, LINUX_SLL2 } from "./cooked";
import { ETHER, ETHER_TYPE_IPV4 } from "./ether";
import { FieldRow, fieldRows, showLayers } from "./layer-print";
import { Header } from "./header";
import { Layer } from "./layer";
import { hexdump } from "./hexdump";
import {
  checkIGMP, IGMP, IGMP_QUERY, IGMP_V3_REPORT, IGMPV3, IGMPV3_QUERY, IGMPV3_REPORT, IGMPV3_ROUTER_ADVERTISEMENT, isIGMPv3,
} from "./igmp";
import { checkIPv4, IP, PROTO_IGMP, PROTO_UDP } from "./ipv4";
import { PADDING, RAW } from "./payload";
import { LINKTYPE, PcapRecord, readPcap } from "./pcap";
import { checkUDP, UDP } from "./udp";

/** How dissect() reads a frame: its link type, and the capture's time, interface and original length. */
export interface DissectOptions {
  /** What the bytes start with (default LINKTYPE.ETHERNET). */
  linktype?: number;
  /** When it was captured, in seconds since 1970. */
  time?: number;
  /** The interface it was captured on, for figures of several captures. */
  iface?: string;
  /** Its length on the wire, if more was sent than captured. */
  originalLength?: number;
}

const inspect = Symbol.for("nodejs.util.inspect.custom");

/** A dissected frame: its bytes and the headers read from them, first (Ethernet) to last (Raw, Padding). */
export class Packet {
  time: number | undefined;
  iface: string | undefined;
  readonly originalLength: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly layers: ReadonlyArray<Layer>,
    readonly linktype: number,
    options: DissectOptions = {},
  ) {
    this.time = options.time;
    this.iface = options.iface;
    this.originalLength = options.originalLength ?? bytes.length;
  }

  /** The first layer with this name ("Ether", "IP", "UDP", "IGMP", "IGMPv3", "IGMPv3mr", "Raw", "Padding"...). */
  layer(name: string): Layer | undefined {
    for (const l of this.layers) if (l.name === name) return l;
    return undefined;
  }

  /** Does the packet have this layer ("IP", "UDP", "IGMP"...)? */
  has(name: string): boolean {
    return this.layer(name) !== undefined;
  }

  /** Everything wrong with it, each prefixed with its layer: "IP: bad checksum 0x91e8, expected 0x91e7". */
  get problems(): string[] {
    const out: string[] = [];
    for (const l of this.layers) for (const p of l.problems) out.push(`${l.name}: ${p}`);
    return out;
  }

  /** Nothing truncated, no bad checksum. */
  get ok(): boolean {
    for (const l of this.layers) if (l.problems.length) return false;
    return true;
  }

  /**
   * One line in scapy's words, e.g.
   * `Ether / IP / UDP 192.168.56.103:52582 > 224.1.1.5:50001 / Raw / Padding`,
   * then any problem in brackets.
   */
  summary(): string {
    // scapy's rule: the innermost layer with something to say says it; the
    // others give their class name.
    let found = false;
    let s = "";
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      let words = "";
      if (!found && !l.truncated) {
        words = l.header.summary(l);
        if (words) found = true;
      }
      if (!words) words = l.name;
      s = s ? `${words} / ${s}` : words;
    }
    for (const l of this.layers) for (const p of l.problems) s += ` [${l.name}: ${p}]`;
    return s;
  }

  /** scapy's show(): every layer, every field, `name = value`. */
  show(): string {
    return showLayers(this.layers);
  }

  /** scapy's hexdump() of the whole frame. */
  hexdump(): string {
    return hexdump(this.bytes);
  }

  /** One row per field (fields sharing a byte share a row): offset, bytes, name, value, meaning. */
  fields(): FieldRow[] {
    const rows: FieldRow[] = [];
    for (const l of this.layers) rows.push(...fieldRows(l));
    return rows;
  }

  /** The packet's one-line summary, as scapy's summary() prints it. */
  toString(): string {
    return this.summary();
  }

  /** For JSON.stringify: what a row of a table would hold. */
  toJSON(): { time?: number; iface?: string; length: number; summary: string } {
    return { time: this.time, iface: this.iface, length: this.bytes.length, summary: this.summary() };
  }

  /** What a notebook cell shows for a packet: its summary. */
  [inspect](): string {
    return `Packet ${this.summary()}`;
  }
}

/** Read the headers of one frame. Never throws for bad bytes: problems are marked on the layers. */
export function dissect(bytes: Uint8Array, options: DissectOptions = {}): Packet {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError("bytes", bytes, "a frame's bytes, as a Buffer or Uint8Array");
  if (options === null || typeof options !== "object") throw new ArgumentError("options", options, "an object such as { linktype: 1 }");
  const linktype = options.linktype ?? LINKTYPE.ETHERNET;
  return new Packet(bytes, chain(bytes, linktype), linktype, options);
}

/** A pcap record, dissected, with its time. */
export function dissectRecord(record: PcapRecord, iface?: string): Packet {
  return new Packet(record.data, chain(record.data, record.linktype), record.linktype, {
    time: record.time,
    iface,
    originalLength: record.originalLength,
  });
}

/** Every packet of a pcap file, dissected. */
export function readPackets(file: Uint8Array, iface?: string): Packet[] {
  const { records } = readPcap(file);
  const out = new Array<Packet>(records.length);
  for (let i = 0; i < records.length; i++) out[i] = dissectRecord(records[i], iface);
  return out;
}

class Chain {
  readonly layers: Layer[] = [];
  constructor(readonly data: Uint8Array) {}

  add(header: Header, start: number, limit: number): Layer {
    const layer = new Layer(header, this.data, start, limit);
    const below = this.layers[this.layers.length - 1];
    if (below) {
      below.above = layer;
      layer.below = below;
    }
    this.layers.push(layer);
    return layer;
  }
}

function chain(data: Uint8Array, linktype: number): Layer[] {
  const c = new Chain(data);
  const n = data.length;
  let at = 0;
  let type = -1;
  if (linktype === LINKTYPE.ETHERNET) {
    const ether = c.add(ETHER, 0, n);
    if (ether.truncated) return c.layers;
    type = ether.num("type");
    at = ether.size;
  } else if (linktype === LINKTYPE.LINUX_SLL || linktype === LINKTYPE.LINUX_SLL2) {
    const cooked = c.add(linktype === LINKTYPE.LINUX_SLL ? LINUX_SLL : LINUX_SLL2, 0, n);
    if (cooked.truncated) return c.layers;
    type = cooked.num("proto");
    at = cooked.size;
  } else if (linktype === LINKTYPE.RAW || linktype === LINKTYPE.IPV4) {
    if (n > 0 && data[0] >>> 4 === 4) type = ETHER_TYPE_IPV4;
  }
  if (type === ETHER_TYPE_IPV4) ipv4(c, at);
  else if (at < n) c.add(RAW, at, n);
  return c.layers;
}

function ipv4(c: Chain, at: number): void {
  const n = c.data.length;
  const ip = c.add(IP, at, n);
  if (ip.truncated) return;
  const version = ip.num("version");
  const headerLength = ip.num("ihl") * 4;
  const length = ip.num("len");
  if (version !== 4) return stop(c, ip, `version ${version}, not 4`, at + ip.size);
  if (headerLength < 20) return stop(c, ip, `header length ${headerLength} bytes (ihl ${headerLength / 4}), less than 20`, at + 20);
  checkIPv4(ip);
  if (length < headerLength) return stop(c, ip, `total length ${length}, less than its ${headerLength}-byte header`, at + headerLength);
  const declaredEnd = at + length;
  if (declaredEnd > n) ip.addProblem(`truncated: ${n - at} of ${length} bytes captured`);
  const start = at + headerLength;
  const end = Math.min(declaredEnd, n);
  let contentEnd = end;
  // Like scapy, read a fragment's payload as UDP or IGMP only in the first fragment.
  const first = ip.num("frag") === 0;
  const proto = ip.num("proto");
  if (first && proto === PROTO_UDP) contentEnd = udp(c, ip, start, end, declaredEnd);
  else if (first && proto === PROTO_IGMP) igmp(c, start, end, declaredEnd);
  else if (start < end) c.add(RAW, start, end);
  if (contentEnd < n) c.add(PADDING, contentEnd, n);
}

/** Give up on a header that makes no sense: note why and show the rest as Raw. */
function stop(c: Chain, layer: Layer, problem: string, from: number): void {
  layer.addProblem(problem);
  if (from < c.data.length) c.add(RAW, from, c.data.length);
}

/** UDP and its data; returns where the datagram's content ends (padding may follow). */
function udp(c: Chain, ip: Layer, start: number, end: number, declaredEnd: number): number {
  const u = c.add(UDP, start, end);
  if (u.truncated) return end;
  checkUDP(u, ip);
  const length = u.num("len");
  let dataEnd = end;
  if (length < 8) u.addProblem(`length ${length}, less than its 8-byte header`);
  else if (start + length > declaredEnd) u.addProblem(`length ${length} runs past the IP datagram's end (${declaredEnd - start} bytes)`);
  else dataEnd = Math.min(end, start + length);
  if (start + 8 < dataEnd) c.add(RAW, start + 8, dataEnd);
  return dataEnd;
}

function igmp(c: Chain, start: number, end: number, declaredEnd: number): void {
  const complete = end === declaredEnd;
  const type = start < end ? c.data[start] : -1;
  if (!isIGMPv3(type, declaredEnd - start)) {
    const m = c.add(IGMP, start, end);
    checkIGMP(m, declaredEnd, complete);
    if (!m.truncated && m.end < end) c.add(RAW, m.end, end);
    return;
  }
  const v3 = c.add(IGMPV3, start, end);
  checkIGMP(v3, declaredEnd, complete);
  if (v3.truncated) return;
  const body = type === IGMP_QUERY ? IGMPV3_QUERY : type === IGMP_V3_REPORT ? IGMPV3_REPORT : type === 0x30 ? IGMPV3_ROUTER_ADVERTISEMENT : RAW;
  if (body === RAW && v3.end === end) return;
  const b = c.add(body, v3.end, end);
  if (!b.truncated && b.end < end) c.add(RAW, b.end, end);
}
