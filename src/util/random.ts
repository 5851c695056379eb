// A small seeded random number generator (mulberry32), so that "random"
// addresses, packets and payloads repeat from run to run: a failing test or a
// notebook figure can be reproduced from its seed.
import { createHash } from "node:crypto";
import { checkInteger } from "./errors";

/** Returns a function giving the next 32-bit unsigned number of the sequence for `seed`. */
export function seededRandom(seed: number): () => number {
  let s = checkInteger("seed", seed, 0, 0xffffffff);
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A 32-bit seed named by a text, the same on every machine (e.g. "12345:addr-incidr"). */
export function seedFrom(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0);
}
