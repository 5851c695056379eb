// A small seeded random number generator (mulberry32), so that "random"
// addresses, packets and payloads repeat from run to run: a failing test or a
// notebook figure can be reproduced from its seed.
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
