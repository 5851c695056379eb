// Our address module against ipaddr.js (a dev dependency, used only here as
// an oracle) and Node's net.isIPv4, on every block boundary and on many
// seeded random inputs: a failure prints its seed and input, so it reproduces.
import assert from "node:assert/strict";
import { isIPv4 } from "node:net";
import { test } from "node:test";
import ipaddr from "ipaddr.js";
import { formatIPv4, ipv4Problem, parseIPv4, tryParseIPv4 } from "../src/addresses/address";
import { blockOf, isMulticast, MULTICAST_BLOCKS } from "../src/addresses/blocks";
import { contains, parseCidr } from "../src/addresses/cidr";
import { seededRandom as prng } from "../src/util/random";

const SEED = 0x1e0_0105;


const MULTICAST = ipaddr.IPv4.parse("224.0.0.0");
const oracleIsMulticast = (text: string) => ipaddr.IPv4.parse(text).match(MULTICAST, 4);

test("every block edge, and the address either side of it, is multicast exactly when ipaddr.js says so", () => {
  const edges = new Set<number>();
  for (const block of MULTICAST_BLOCKS) {
    for (const edge of [parseIPv4(block.first), parseIPv4(block.last)]) {
      for (const a of [edge - 1, edge, edge + 1]) if (a >= 0 && a <= 0xffffffff) edges.add(a);
    }
  }
  assert.ok(edges.size >= 45, `${edges.size} edge addresses`);
  for (const a of edges) {
    const text = formatIPv4(a);
    const parsed = ipaddr.IPv4.parse(text);
    assert.equal(isMulticast(a), parsed.range() === "multicast", text);
    assert.equal(isMulticast(text), parsed.match(MULTICAST, 4), text);
    assert.equal(blockOf(a) !== undefined, parsed.range() === "multicast", text);
  }
});

test("on 100,000 random addresses, isMulticast and the text round trip agree with ipaddr.js", () => {
  const next = prng(SEED);
  for (let i = 0; i < 100_000; i++) {
    // Half uniform, half forced into 224.0.0.0/4 and its neighbours 208/4 and 240/4, so both answers are common.
    const r = next();
    const a = i % 2 === 0 ? r : (((0xd + (i % 3)) << 28) | (r & 0x0fffffff)) >>> 0;
    const text = formatIPv4(a);
    const bytes = ipaddr.IPv4.parse(text).toByteArray();
    const context = `seed ${SEED}, draw ${i}: ${text}`;
    assert.deepEqual(bytes, [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255], context);
    assert.equal(parseIPv4(text), a, context);
    assert.equal(isMulticast(text), oracleIsMulticast(text), context);
  }
});

test("on 30,000 random ranges, contains agrees with ipaddr.js's match", () => {
  const next = prng(SEED + 1);
  let inside = 0;
  for (let i = 0; i < 30_000; i++) {
    const prefix = next() % 33;
    const base = next();
    // Flip a few random bits of the base, so the address is sometimes in the range, sometimes just out.
    const address = (base ^ (next() & next() & next())) >>> 0;
    const cidrText = `${formatIPv4(base)}/${prefix}`;
    const expected = ipaddr.IPv4.parse(formatIPv4(address)).match(ipaddr.IPv4.parseCIDR(cidrText));
    const context = `seed ${SEED + 1}, draw ${i}: ${formatIPv4(address)} in ${cidrText}`;
    assert.equal(contains(cidrText, address), expected, context);
    assert.equal(contains(parseCidr(cidrText), formatIPv4(address)), expected, context);
    assert.equal(parseCidr(cidrText).network, ipaddr.IPv4.networkAddressFromCIDR(cidrText).toByteArray().reduce((n, b) => n * 256 + b, 0), context);
    if (expected) inside++;
  }
  assert.ok(inside > 5_000 && inside < 25_000, `both answers exercised: ${inside} inside`);
});

const TRICKY_PARTS = [
  "0", "1", "9", "10", "99", "127", "224", "239", "249", "250", "255", "256", "300", "999", "1000", "4294967295",
  "00", "01", "010", "012", "08", "09", "0377", "000", "0255",
  "0x0", "0x1f", "0XFF", "0xg", "x1", "1e2", "1.0", "+1", "-1", "-0", "+0",
  "", " ", " 1", "1 ", "\t1", "1\n", "\u00a01", "1\u200b",
  "١", "٣", "１", "２２４", "𝟏", "¹", "①", "a", "A", "ff", "/", "1/4", "%", "0b1",
];

function trickyString(next: () => number): string {
  const pick = <T>(list: readonly T[]) => list[next() % list.length];
  const count = next() % 3 === 0 ? 1 + (next() % 6) : 4; // 1..6 parts, mostly 4
  const parts: string[] = [];
  // Mostly plain parts, so near-valid strings with one flaw are common.
  for (let i = 0; i < count; i++) parts.push(next() % 8 === 0 ? pick(TRICKY_PARTS) : String(next() % 256));
  let text = parts.join(next() % 8 === 0 ? pick(["..", ",", " . ", ":"]) : ".");
  const twist = next() % 20;
  if (twist === 0) text += ".";
  if (twist === 1) text = "." + text;
  if (twist === 2) text = ` ${text}`;
  if (twist === 3) text += "\n";
  return text;
}

test("the parser refuses whatever ipaddr.js or Node's net.isIPv4 refuses, and reads the rest as they do", () => {
  const next = prng(SEED + 2);
  let accepted = 0;
  let refused = 0;
  const handPicked = ["224.1.1.5", "0.0.0.0", "255.255.255.255", "224.1.1.5.", "224.1.1", "224.01.1.5", "0x7f.0.0.1",
    "127.1", "2130706433", "017700000001", "1.2.3.4 ", "1.2.3.-0", "1.2.3.4/32", "１.2.3.4", "1..2.3", "256.0.0.0"];
  for (let i = 0; i < 50_000 + handPicked.length; i++) {
    const text = i < handPicked.length ? handPicked[i] : trickyString(next);
    const context = `seed ${SEED + 2}, draw ${i}: ${JSON.stringify(text)}`;
    const oracle = ipaddr.IPv4.isValidFourPartDecimal(text) && isIPv4(text);
    const ours = tryParseIPv4(text);
    if (!oracle) {
      assert.equal(ours, -1, context);
      assert.throws(() => parseIPv4(text), { argument: "address" }, context);
      assert.ok(ipv4Problem(text), `a reason for ${context}`);
      refused++;
    } else {
      assert.equal(ours, ipaddr.IPv4.parse(text).toByteArray().reduce((n, b) => n * 256 + b, 0), context);
      assert.equal(ipv4Problem(text), undefined, context);
      accepted++;
    }
  }
  assert.ok(accepted > 10_000 && refused > 20_000, `both kinds exercised: ${accepted} accepted, ${refused} refused`);
});
