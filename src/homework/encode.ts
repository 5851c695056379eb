// Arguments cross from whoever runs a case to the kernel as JSON. Packets are
// the one kind that is not JSON: they go as their bytes (hex), the interface
// and the time, and the kernel dissects them again with its own dissector,
// so the student's function gets real mc.Packet objects.
import { dissect, Packet } from "../capture/dissect";

export interface EncodedPacket {
  hex: string;
  iface?: string;
  time?: number;
}

export interface EncodedPackets {
  $packets: EncodedPacket[];
}

/** Frames (Ethernet bytes, with the interface each was seen on) as one JSON argument. */
export function encodePackets(frames: ReadonlyArray<{ bytes: Uint8Array; iface?: string; time?: number }>): EncodedPackets {
  return { $packets: frames.map((f) => ({ hex: Buffer.from(f.bytes).toString("hex"), iface: f.iface, time: f.time })) };
}

/** Captured packets as one JSON argument. */
export function encodeCaptured(packets: ReadonlyArray<Packet>): EncodedPackets {
  return encodePackets(packets.map((p) => ({ bytes: p.bytes, iface: p.iface, time: p.time })));
}

export function isEncodedPackets(a: unknown): a is EncodedPackets {
  return a !== null && typeof a === "object" && Array.isArray((a as EncodedPackets).$packets);
}

/** The kernel's side: arguments as the student's function takes them. */
export function decodeArgs(args: readonly unknown[]): unknown[] {
  return args.map((a) => {
    if (!isEncodedPackets(a)) return a;
    return a.$packets.map((p) => dissect(Buffer.from(p.hex, "hex"), { iface: p.iface, time: p.time }));
  });
}

/** The packets themselves, on the side that judges. */
export function decodePackets(a: EncodedPackets): Packet[] {
  return decodeArgs([a])[0] as Packet[];
}
