// The Internet checksum (RFC 1071): the ones' complement of the ones'
// complement sum of 16-bit words. IPv4, UDP and IGMP all use it; a receiver
// that sums a message including its checksum gets 0xffff when nothing changed.
import type { Layer } from "./layer";

/** The ones' complement sum of bytes[start, end) folded to 16 bits, added to `initial`. */
export function onesSum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  // Sums stay far below 2^53 for any frame, so fold once at the end.
  for (; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8; // an odd last byte is padded with a zero byte
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * The checksum a sender should have written into bytes[start, end), whose
 * 16-bit checksum field sits at `at` (an even distance from `start`) and is
 * left out of the sum. `initial` carries a pseudo-header's sum (UDP).
 */
export function internetChecksum(bytes: Uint8Array, start: number, end: number, at: number, initial = 0): number {
  let sum = onesSum(bytes, start, Math.min(at, end), initial);
  if (at + 2 < end) sum = onesSum(bytes, at + 2, end, sum);
  return ~sum & 0xffff;
}

/** A 16-bit value as four hex digits, as the dissector prints checksums. */
export function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

/**
 * The verdict on a layer's checksum, said one way for IP, UDP and IGMP:
 * "unverified" when `expected` could not be computed (bytes missing), else good,
 * offloaded (when the caller saw the NIC's partial sum) or bad, a bad one also
 * noted as the layer's problem.
 */
export function judgeChecksum(layer: Layer, found: number, expected: number | null, offloaded = false): void {
  if (expected === null || Number.isNaN(found)) {
    layer.check = { field: "chksum", status: "unverified", found };
    return;
  }
  const status = expected === found ? "good" : offloaded ? "offloaded" : "bad";
  layer.check = { field: "chksum", status, found, expected };
  if (status === "bad") layer.addProblem(`bad checksum 0x${hex4(found)}, expected 0x${hex4(expected)}`);
}
