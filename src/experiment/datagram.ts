// What every datagram of an experiment carries at the start of its payload,
// described once as a table of fields: a tag for the experiment it belongs to
// (so strays from an earlier experiment are not counted), which sender sent it, its sequence number
// and its send time. Little-endian, 24 bytes; the rest of the payload is zeros.
//
// Times are milliseconds since the experiment's epoch on CLOCK_MONOTONIC
// (process.hrtime): the lab's hosts are namespaces of one kernel, so a send
// time written by one process and a receive time read by another subtract to
// a real one-way latency.

export const HEADER_FIELDS = [
  { name: "tag", offset: 0, width: 4, format: "uint32", about: "random per experiment" },
  { name: "sender", offset: 4, width: 2, format: "uint16", about: "the sender's index in the description" },
  { name: "magic", offset: 6, width: 2, format: "uint16", about: '0x434d, "MC"', value: 0x434d },
  { name: "seq", offset: 8, width: 4, format: "uint32", about: "0, 1, 2, ... per sender" },
  { name: "reserved", offset: 12, width: 4, format: "uint32", about: "0", value: 0 },
  { name: "sentMs", offset: 16, width: 8, format: "float64", about: "send time, ms since the epoch (CLOCK_MONOTONIC)" },
] as const;

type Field = (typeof HEADER_FIELDS)[number];
type Fixed = Extract<Field, { value: number }>;

/** The fields a sender fills in; the others hold their fixed value. */
export type Header = { [F in Exclude<Field, Fixed> as F["name"]]: number };

const last = HEADER_FIELDS[HEADER_FIELDS.length - 1];
export const HEADER_BYTES = last.offset + last.width;
export const MAGIC = HEADER_FIELDS[2].value;

const READ: Record<Field["format"], (b: Buffer, at: number) => number> = {
  uint16: (b, at) => b.readUInt16LE(at),
  uint32: (b, at) => b.readUInt32LE(at),
  float64: (b, at) => b.readDoubleLE(at),
};
const WRITE: Record<Field["format"], (b: Buffer, v: number, at: number) => void> = {
  uint16: (b, v, at) => void b.writeUInt16LE(v, at),
  uint32: (b, v, at) => void b.writeUInt32LE(v, at),
  float64: (b, v, at) => void b.writeDoubleLE(v, at),
};

/** Writes the header into the first HEADER_BYTES bytes of `payload`, field by field from the table. */
export function writeHeader(payload: Buffer, header: Header): void {
  for (const f of HEADER_FIELDS) WRITE[f.format](payload, "value" in f ? f.value : header[f.name], f.offset);
}

const SEQ = HEADER_FIELDS[3];
const SENT = HEADER_FIELDS[5];

/** Rewrites only the per-datagram fields (seq, sentMs) of a payload writeHeader filled: the sender's hot path. */
export function stampHeader(payload: Buffer, seq: number, sentMs: number): void {
  WRITE[SEQ.format](payload, seq, SEQ.offset);
  WRITE[SENT.format](payload, sentMs, SENT.offset);
}

/** The header of a payload, or null when it is not one of ours (too short, a fixed field wrong). */
export function readHeader(payload: Buffer): Header | null {
  if (payload.length < HEADER_BYTES) return null;
  const header = {} as Record<string, number>;
  for (const f of HEADER_FIELDS) {
    const v = READ[f.format](payload, f.offset);
    if ("value" in f) {
      if (v !== f.value) return null;
    } else header[f.name] = v;
  }
  return header as Header;
}

/**
 * A clock in ms since `epochNs` (a process.hrtime.bigint() value, shared by
 * every process of the machine), read through performance.now(), which has
 * no BigInt to allocate per datagram. The offset between the two is taken as
 * the closest of a few paired readings.
 */
export function monotonicClock(epochNs: bigint): () => number {
  let offset = 0;
  let best = Infinity;
  for (let i = 0; i < 20; i++) {
    const a = performance.now();
    const h = process.hrtime.bigint();
    const b = performance.now();
    if (b - a < best) {
      best = b - a;
      offset = Number(h - epochNs) / 1e6 - (a + b) / 2;
    }
  }
  return () => performance.now() + offset;
}
