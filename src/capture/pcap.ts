// pcap, the file format `tcpdump -w` writes (and Wireshark opens): a 24-byte
// file header, then per packet a 16-byte record header (time, captured and
// original length) and the captured bytes. The writer of the file picks the
// byte order, so both are read; the magic number says which, and whether
// times are in microseconds or nanoseconds.
import { ArgumentError } from "../util/errors";

/** Link types (what the first header of every packet is), from tcpdump.org/linktypes.html. */
export const LINKTYPE = {
  /** Ethernet II: what tcpdump writes for `-i eth0` and `-i lo`. */
  ETHERNET: 1,
  /** A bare IP packet, no link header. */
  RAW: 101,
  /** Linux cooked capture v1, `-i any` before libpcap 1.10. */
  LINUX_SLL: 113,
  /** A bare IPv4 packet. */
  IPV4: 228,
  /** Linux cooked capture v2, `-i any` since libpcap 1.10 (Debian 12). */
  LINUX_SLL2: 276,
} as const;

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/** libpcap refuses records longer than this unless the snapshot length is larger: a longer one means a corrupt file. */
const MAX_RECORD = 262144;

/** A pcap file's global header: version, snapshot length, link type and time resolution. */
export interface PcapHeader {
  /** Byte order the writer used. */
  littleEndian: boolean;
  /** Record times in nanoseconds (magic a1b23c4d) rather than microseconds (a1b2c3d4). */
  nanoseconds: boolean;
  version: string;
  /** The most bytes of each packet that were kept. */
  snaplen: number;
  /** What each packet starts with: LINKTYPE.ETHERNET, ... */
  linktype: number;
}

/** One captured frame: its time, its length on the wire and the bytes captured. */
export interface PcapRecord {
  /** 0 for the file's first packet. */
  index: number;
  /** When it was captured: whole seconds since 1970 and the nanoseconds after them. */
  seconds: number;
  nanos: number;
  /** The same as one number of seconds (exact to the microsecond). */
  time: number;
  /** Its length on the wire; more than data.length when the snapshot length cut it. */
  originalLength: number;
  /** The captured bytes (a view into the file's bytes, not a copy). */
  data: Uint8Array;
  linktype: number;
}

/** A pcap file read whole: its header and its records. */
export interface PcapFile {
  header: PcapHeader;
  records: PcapRecord[];
  /** Bytes at the end too few for a whole record (a capture stopped mid-write): 0 for a complete file. */
  leftover: number;
}

/** Read a whole pcap file held in memory. */
export function readPcap(bytes: Uint8Array): PcapFile {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError("bytes", bytes, "the bytes of a pcap file (a Buffer or Uint8Array)");
  const reader = new PcapReader();
  const records = reader.push(bytes);
  if (!reader.header) throw notPcap(bytes, `it has ${bytes.length} bytes, fewer than the 24 of a pcap file header`);
  return { header: reader.header, records, leftover: reader.pending };
}

/**
 * Reads pcap bytes as they arrive (from `tcpdump -w -`, chunk by chunk):
 * push() returns the packets completed by each chunk, at once.
 */
export class PcapReader {
  header: PcapHeader | undefined;
  /** Packets read so far. */
  count = 0;
  private rest: Uint8Array = new Uint8Array(0);

  /** Bytes held back, waiting for the rest of a record. */
  get pending(): number {
    return this.rest.length;
  }

  push(chunk: Uint8Array): PcapRecord[] {
    if (!(chunk instanceof Uint8Array)) throw new ArgumentError("chunk", chunk, "a Buffer or Uint8Array of pcap bytes");
    let buf = chunk;
    if (this.rest.length) {
      buf = new Uint8Array(this.rest.length + chunk.length);
      buf.set(this.rest, 0);
      buf.set(chunk, this.rest.length);
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let at = 0;
    if (!this.header) {
      if (buf.length < FILE_HEADER) {
        if (buf.length >= 4) readFileHeader(view, buf); // refuse a non-pcap stream as early as possible
        this.rest = buf;
        return [];
      }
      this.header = readFileHeader(view, buf);
      at = FILE_HEADER;
    }
    const { littleEndian: le, nanoseconds, snaplen, linktype } = this.header;
    const limit = Math.max(snaplen, MAX_RECORD);
    const out: PcapRecord[] = [];
    while (at + RECORD_HEADER <= buf.length) {
      const captured = view.getUint32(at + 8, le);
      if (captured > limit) {
        throw new ArgumentError("bytes", `${captured} bytes`, `a pcap record of at most ${limit} bytes`, `record ${this.count} at byte ${at} claims more than the snapshot length allows: the file is corrupt`);
      }
      if (at + RECORD_HEADER + captured > buf.length) break;
      const seconds = view.getUint32(at, le);
      const fraction = view.getUint32(at + 4, le);
      const nanos = nanoseconds ? fraction : fraction * 1000;
      out.push({
        index: this.count++,
        seconds,
        nanos,
        time: seconds + nanos / 1e9,
        originalLength: view.getUint32(at + 12, le),
        data: buf.subarray(at + RECORD_HEADER, at + RECORD_HEADER + captured),
        linktype,
      });
      at += RECORD_HEADER + captured;
    }
    this.rest = buf.subarray(at);
    return out;
  }
}

/** Packets from a stream of pcap bytes (a child's stdout, a file stream), each as soon as it is complete. */
export async function* pcapRecords(source: AsyncIterable<Uint8Array>): AsyncGenerator<PcapRecord, void, undefined> {
  const reader = new PcapReader();
  for await (const chunk of source) yield* reader.push(chunk);
}

function readFileHeader(view: DataView, bytes: Uint8Array): PcapHeader {
  const big = view.getUint32(0, false);
  const little = view.getUint32(0, true);
  let littleEndian: boolean;
  let nanoseconds: boolean;
  if (little === MAGIC_MICRO || little === MAGIC_NANO) {
    littleEndian = true;
    nanoseconds = little === MAGIC_NANO;
  } else if (big === MAGIC_MICRO || big === MAGIC_NANO) {
    littleEndian = false;
    nanoseconds = big === MAGIC_NANO;
  } else {
    throw notPcap(bytes, big === 0x0a0d0d0a ? "it is pcapng (tcpdump writes pcap; convert with `editcap -F pcap in.pcapng out.pcap`)" : `it starts with ${big.toString(16).padStart(8, "0")}`);
  }
  if (bytes.length < FILE_HEADER) return { littleEndian, nanoseconds, version: "", snaplen: 0, linktype: 0 };
  return {
    littleEndian,
    nanoseconds,
    version: `${view.getUint16(4, littleEndian)}.${view.getUint16(6, littleEndian)}`,
    snaplen: view.getUint32(16, littleEndian),
    // The top 6 bits may carry FCS information (libpcap's LT_LINKTYPE).
    linktype: view.getUint32(20, littleEndian) & 0x03ffffff,
  };
}

function notPcap(bytes: Uint8Array, why: string): ArgumentError {
  return new ArgumentError("bytes", bytes, "a pcap file, starting with the magic number a1b2c3d4 or a1b23c4d in either byte order", why);
}

/** How writePcap() writes: link type, snapshot length, nanosecond times and byte order. */
export interface PcapWriteOptions {
  /** What each packet starts with (default LINKTYPE.ETHERNET). */
  linktype?: number;
  /** Default 262144, tcpdump's. */
  snaplen?: number;
  /** Write nanosecond times (default: microseconds, which every tool reads). */
  nanoseconds?: boolean;
  /** Default: the machine's order, as tcpdump does; big-endian files are read the same. */
  littleEndian?: boolean;
}

/** A packet to write: its bytes, and when (seconds as one number, or seconds and nanoseconds). */
export interface PcapWritable {
  data: Uint8Array;
  time?: number;
  seconds?: number;
  nanos?: number;
  originalLength?: number;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeOptions(options: PcapWriteOptions): Required<PcapWriteOptions> {
  if (options === null || typeof options !== "object") throw new ArgumentError("options", options, "an object such as { linktype: 1 }");
  const linktype = options.linktype ?? LINKTYPE.ETHERNET;
  const snaplen = options.snaplen ?? MAX_RECORD;
  if (!Number.isInteger(linktype) || linktype < 0 || linktype > 0x03ffffff) throw new ArgumentError("options.linktype", linktype, "a link type number such as LINKTYPE.ETHERNET (1)");
  if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > 0x7fffffff) throw new ArgumentError("options.snaplen", snaplen, "an integer from 1 to 2147483647");
  return { linktype, snaplen, nanoseconds: options.nanoseconds ?? false, littleEndian: options.littleEndian ?? HOST_LITTLE_ENDIAN };
}

/** The 24-byte file header. */
export function pcapFileHeader(options: PcapWriteOptions = {}): Uint8Array {
  const o = writeOptions(options);
  const out = new Uint8Array(FILE_HEADER);
  const view = new DataView(out.buffer);
  view.setUint32(0, o.nanoseconds ? MAGIC_NANO : MAGIC_MICRO, o.littleEndian);
  view.setUint16(4, 2, o.littleEndian);
  view.setUint16(6, 4, o.littleEndian);
  view.setUint32(16, o.snaplen, o.littleEndian);
  view.setUint32(20, o.linktype, o.littleEndian);
  return out;
}

/** One record: its 16-byte header and the bytes. */
export function pcapRecordBytes(packet: PcapWritable, options: PcapWriteOptions = {}): Uint8Array {
  const o = writeOptions(options);
  const out = new Uint8Array(RECORD_HEADER + checkWritable(packet, "packet").data.length);
  writeRecord(out, 0, packet, o);
  return out;
}

/** A whole pcap file from packets (any objects with `data`, and `time` or `seconds`/`nanos`). */
export function writePcap(packets: Iterable<PcapWritable>, options: PcapWriteOptions = {}): Uint8Array {
  const o = writeOptions(options);
  if (packets === null || typeof (packets as Iterable<PcapWritable>)[Symbol.iterator] !== "function") {
    throw new ArgumentError("packets", packets, "an array (or other iterable) of { data, time } objects");
  }
  const list = Array.from(packets, (p, i) => checkWritable(p, `packets[${i}]`));
  let size = FILE_HEADER;
  for (const p of list) size += RECORD_HEADER + p.data.length;
  const out = new Uint8Array(size);
  out.set(pcapFileHeader(o), 0);
  let at = FILE_HEADER;
  for (const p of list) at = writeRecord(out, at, p, o);
  return out;
}

function checkWritable(p: PcapWritable, argument: string): PcapWritable {
  if (p === null || typeof p !== "object" || !(p.data instanceof Uint8Array)) {
    throw new ArgumentError(argument, p, "an object with data (a Uint8Array) and optionally time (seconds)");
  }
  if (p.time !== undefined && !(Number.isFinite(p.time) && p.time >= 0 && p.time < 2 ** 32)) {
    throw new ArgumentError(`${argument}.time`, p.time, "seconds since 1970, from 0 to 4294967295");
  }
  return p;
}

function writeRecord(out: Uint8Array, at: number, p: PcapWritable, o: Required<PcapWriteOptions>): number {
  let seconds: number;
  let nanos: number;
  if (p.seconds !== undefined) {
    seconds = p.seconds;
    nanos = p.nanos ?? 0;
  } else {
    const t = p.time ?? 0;
    seconds = Math.floor(t);
    nanos = Math.round((t - seconds) * 1e9);
  }
  let fraction = o.nanoseconds ? nanos : Math.round(nanos / 1000);
  const whole = o.nanoseconds ? 1e9 : 1e6;
  if (fraction >= whole) {
    seconds += 1;
    fraction -= whole;
  }
  const view = new DataView(out.buffer, out.byteOffset + at, RECORD_HEADER);
  view.setUint32(0, seconds >>> 0, o.littleEndian);
  view.setUint32(4, fraction, o.littleEndian);
  view.setUint32(8, p.data.length, o.littleEndian);
  view.setUint32(12, Math.max(p.originalLength ?? p.data.length, p.data.length), o.littleEndian);
  out.set(p.data, at + RECORD_HEADER);
  return at + RECORD_HEADER + p.data.length;
}
