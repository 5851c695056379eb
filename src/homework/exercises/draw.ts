// Drawing hidden cases: small helpers over a seeded 32-bit generator
// (src/random.ts), so that the same seed always draws the same cases.
import { formatIPv4 } from "../../addresses/address";
import { MULTICAST_BASE } from "../../addresses/blocks";

export type Rand = () => number;

export function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[rand() % items.length];
}

/** A whole number from lo to hi, both included. */
export function between(rand: Rand, lo: number, hi: number): number {
  return lo + (rand() % (hi - lo + 1));
}

/** The items in a random order (Fisher-Yates). */
export function shuffle<T>(rand: Rand, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rand() % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A group anywhere in 224.0.0.0/4, as a number. */
export function anyGroupNumber(rand: Rand): number {
  return (MULTICAST_BASE | (rand() & 0x0fffffff)) >>> 0;
}

/** A group anywhere in 224.0.0.0/4. */
export function anyGroup(rand: Rand): string {
  return formatIPv4(anyGroupNumber(rand));
}

/** A group in 239.0.0.0/8 (administratively scoped): safe to send to on loopback or in the lab. */
export function privateGroup(rand: Rand): string {
  return formatIPv4((0xef000000 | (rand() & 0x00ffffff)) >>> 0);
}

/** A port for a hidden case, away from the lecture's 50001 and the visible cases' 501xx. */
export function hiddenPort(rand: Rand): number {
  return between(rand, 40000, 49999);
}

/** A host on the lecture's host-only network. */
export function hostOnlyAddress(rand: Rand): string {
  return `192.168.56.${between(rand, 2, 254)}`;
}
