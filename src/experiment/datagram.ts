// What every datagram of an experiment carries at the start of its payload,
// described once as a table of fields: the run it belongs to (so strays from
// an earlier run are not counted), which sender sent it, its sequence number
// and its send time. Little-endian, 24 bytes; the rest of the payload is zeros.
//
// Times are milliseconds since the experiment's epoch on CLOCK_MONOTONIC
// (process.hrtime): the lab's hosts are namespaces of one kernel, so a send
// time written by one process and a receive time read by another subtract to
// a real one-way latency.

export const HEADER_FIELDS = [
  { name: "run", offset: 0, width: 4, format: "uint32", about: "random per experiment" },
  { name: "sender", offset: 4, width: 2, format: "uint16", about: "the sender's index in the description" },
  { name: "magic", offset: 6, width: 2, format: "uint16", about: '0x434d, "MC"' },
  { name: "seq", offset: 8, width: 4, format: "uint32", about: "0, 1, 2, ... per sender" },
  { name: "reserved", offset: 12, width: 4, format: "uint32", about: "0" },
  { name: "sentMs", offset: 16, width: 8, format: "float64", about: "send time, ms since the epoch (CLOCK_MONOTONIC)" },
] as const;

export const HEADER_BYTES = 24;
export const MAGIC = 0x434d;

export interface Header {
  run: number;
  sender: number;
  seq: number;
  sentMs: number;
}

/** Writes the header into the first 24 bytes of `payload`. */
export function writeHeader(payload: Buffer, run: number, sender: number, seq: number, sentMs: number): void {
  payload.writeUInt32LE(run, 0);
  payload.writeUInt16LE(sender, 4);
  payload.writeUInt16LE(MAGIC, 6);
  payload.writeUInt32LE(seq, 8);
  payload.writeUInt32LE(0, 12);
  payload.writeDoubleLE(sentMs, 16);
}

/** The header of a payload, or null when it is not one of ours (too short, wrong magic). */
export function readHeader(payload: Buffer): Header | null {
  if (payload.length < HEADER_BYTES || payload.readUInt16LE(6) !== MAGIC) return null;
  return { run: payload.readUInt32LE(0), sender: payload.readUInt16LE(4), seq: payload.readUInt32LE(8), sentMs: payload.readDoubleLE(16) };
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
