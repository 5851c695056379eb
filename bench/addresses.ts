// Classify a million address strings with strict checks on: our parser plus
// isMulticast and the IANA block, against ipaddr.js (strict four-part check,
// parse, range()) in the same run on the same array. Prints both rates and
// the ratio. Run: node dist/bench/addresses.js
import ipaddr from "ipaddr.js";
import { tryParseIPv4 } from "../src/addresses/address";
import { blockOf, isMulticast } from "../src/addresses/blocks";
import { seededRandom as prng } from "../src/util/random";

const COUNT = 1_000_000;
const REPEATS = 5;

interface Tally { multicast: number; other: number; invalid: number }


/** Half multicast, half not, and 2% that strict parsing must refuse (leading zeros, 256). */
function addresses(): string[] {
  const next = prng(20250105);
  const out: string[] = new Array(COUNT);
  for (let i = 0; i < COUNT; i++) {
    const r = next();
    const first = i % 2 === 0 ? 224 + (r % 16) : r % 224;
    const text = `${first}.${(r >>> 8) & 255}.${(r >>> 16) & 255}.${r >>> 24}`;
    const flaw = i % 100; // one in 50 broken: a leading zero (unicast) or a part of 256 (multicast)
    out[i] = flaw === 1 ? `0${text}` : flaw === 50 ? `${text.slice(0, text.lastIndexOf("."))}.256` : text;
  }
  return out;
}

function ours(list: string[]): Tally {
  const tally: Tally = { multicast: 0, other: 0, invalid: 0 };
  let names = 0;
  for (let i = 0; i < list.length; i++) {
    const a = tryParseIPv4(list[i]);
    if (a < 0) tally.invalid++;
    else if (isMulticast(a)) {
      tally.multicast++;
      names += blockOf(a)!.name.length; // use the block, so the lookup is not optimized away
    } else tally.other++;
  }
  if (names === 0) throw new Error("no block looked up");
  return tally;
}

function theirs(list: string[]): Tally {
  const tally: Tally = { multicast: 0, other: 0, invalid: 0 };
  for (let i = 0; i < list.length; i++) {
    const text = list[i];
    if (!ipaddr.IPv4.isValidFourPartDecimal(text)) tally.invalid++;
    else if (ipaddr.IPv4.parse(text).range() === "multicast") tally.multicast++;
    else tally.other++;
  }
  return tally;
}

function timed(run: (list: string[]) => Tally, list: string[]): { ms: number; tally: Tally } {
  const start = process.hrtime.bigint();
  const tally = run(list);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, tally };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const list = addresses();
  const warm = [timed(ours, list), timed(theirs, list)];
  if (JSON.stringify(warm[0].tally) !== JSON.stringify(warm[1].tally)) {
    throw new Error(`the two disagree: ours ${JSON.stringify(warm[0].tally)}, ipaddr.js ${JSON.stringify(warm[1].tally)}`);
  }
  const ourMs: number[] = [];
  const theirMs: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    // Interleaved, so drift in the machine's speed hits both alike.
    ourMs.push(timed(ours, list).ms);
    theirMs.push(timed(theirs, list).ms);
  }
  const a = median(ourMs), b = median(theirMs);
  const rate = (ms: number) => `${(COUNT / ms / 1000).toFixed(2).padStart(6)} M addresses/s (${ms.toFixed(1)} ms)`;
  const t = warm[0].tally;
  console.log(`classify ${COUNT.toLocaleString("en")} address strings: ${t.multicast} multicast, ${t.other} not, ${t.invalid} refused`);
  console.log(`median of ${REPEATS} runs after a warm-up, Node ${process.version}`);
  console.log(`mcast-lab  tryParseIPv4 + isMulticast + blockOf           ${rate(a)}`);
  console.log(`ipaddr.js  isValidFourPartDecimal + parse + range()       ${rate(b)}`);
  console.log(`ratio      mcast-lab is ${(b / a).toFixed(1)}x as fast as ipaddr.js`);
}

main();
