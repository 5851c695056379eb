import assert from "node:assert/strict";
import { test } from "node:test";
import { addressNumber, addressText, binary, formatIPv4, ipv4Problem, parseIPv4, tryParseIPv4 } from "../src/addresses/address";
import { blockOf, describe, groupNumber, isMulticast, MULTICAST_BLOCKS } from "../src/addresses/blocks";
import { cidrOf, contains, explainContains, formatCidr, parseCidr, prefixMask } from "../src/addresses/cidr";
import { ArgumentError, showValue } from "../src/util/errors";
import { explainGroupToMac, formatMac, groupToMac, macToGroups, parseMac } from "../src/addresses/mac";

const LAB_HOSTS = ["192.168.56.101", "192.168.56.103", "192.168.56.104", "192.168.56.105"];

// ---- parse and format ----

test("the lecture's addresses read as the numbers in its hexdump", () => {
  assert.equal(parseIPv4("224.1.1.5"), 0xe0010105);
  assert.equal(parseIPv4("234.3.2.1"), 0xea030201);
  assert.equal(parseIPv4("192.168.56.103"), 0xc0a83867); // the captured source address
  assert.equal(parseIPv4("0.0.0.0"), 0);
  assert.equal(parseIPv4("255.255.255.255"), 0xffffffff);
});

test("numbers print back as the same dotted text, top bit included", () => {
  for (const text of ["0.0.0.0", "224.1.1.5", "127.0.0.1", "255.255.255.255", "128.0.0.0", "10.20.30.40"]) {
    assert.equal(formatIPv4(parseIPv4(text)), text);
  }
  assert.equal(formatIPv4(0xc0a83867), "192.168.56.103");
});

test("an address can be given as text or as its number", () => {
  assert.equal(addressNumber("224.1.1.5"), 0xe0010105);
  assert.equal(addressNumber(0xe0010105), 0xe0010105);
  assert.equal(addressNumber(-0), 0);
  assert.equal(addressText(0xea030201), "234.3.2.1");
});

test("the fast parser and the explained refusal agree", () => {
  assert.equal(tryParseIPv4("224.1.1.5"), 0xe0010105);
  assert.equal(tryParseIPv4("224.01.1.5"), -1);
  assert.equal(tryParseIPv4(42), -1);
  assert.equal(ipv4Problem("224.1.1.5"), undefined);
  assert.match(ipv4Problem("224.01.1.5")!, /leading zero/);
});

// ---- multicast ----

test("the lecture's groups are multicast, given as text or number", () => {
  for (const group of ["224.1.1.5", "234.3.2.1", 0xe0010105, 0xea030201]) assert.equal(isMulticast(group), true, String(group));
  assert.equal(groupNumber("224.1.1.5"), 0xe0010105);
});

test("the lab hosts' own addresses are not multicast", () => {
  for (const host of [...LAB_HOSTS, "192.168.56.102"]) assert.equal(isMulticast(host), false, host);
});

test("224.0.0.0/4 ends exactly at its edges", () => {
  assert.equal(isMulticast("223.255.255.255"), false);
  assert.equal(isMulticast("224.0.0.0"), true);
  assert.equal(isMulticast("239.255.255.255"), true);
  assert.equal(isMulticast("240.0.0.0"), false);
  assert.equal(isMulticast(0xffffffff), false);
  assert.equal(isMulticast(0), false);
});

// ---- binary ----

test("binary shows the prefix bits set apart by a bar", () => {
  assert.equal(binary("224.1.1.5", 4), "1110|0000.00000001.00000001.00000101");
  assert.equal(binary("224.1.1.5"), "11100000.00000001.00000001.00000101");
  assert.equal(binary("192.168.56.101", 24), "11000000.10101000.00111000|.01100101");
  assert.equal(binary(0, 0), "|00000000.00000000.00000000.00000000");
  assert.equal(binary(0xffffffff, 32), "11111111.11111111.11111111.11111111|");
});

// ---- CIDR ----

test("masks are right at /0 and /32, where JS shifts wrap around", () => {
  assert.equal(prefixMask(0), 0);
  assert.equal(prefixMask(1), 0x80000000);
  assert.equal(prefixMask(4), 0xf0000000);
  assert.equal(prefixMask(24), 0xffffff00);
  assert.equal(prefixMask(31), 0xfffffffe);
  assert.equal(prefixMask(32), 0xffffffff);
});

test("a CIDR reads as network, prefix, mask and last address", () => {
  assert.deepEqual(parseCidr("224.0.0.0/4"), {
    address: 0xe0000000, network: 0xe0000000, prefix: 4, mask: 0xf0000000, broadcast: 0xefffffff,
  });
  assert.deepEqual(parseCidr("192.168.56.0/24"), {
    address: 0xc0a83800, network: 0xc0a83800, prefix: 24, mask: 0xffffff00, broadcast: 0xc0a838ff,
  });
  assert.deepEqual(parseCidr("0.0.0.0/0"), { address: 0, network: 0, prefix: 0, mask: 0, broadcast: 0xffffffff });
  assert.deepEqual(parseCidr("224.1.1.5/32"), {
    address: 0xe0010105, network: 0xe0010105, prefix: 32, mask: 0xffffffff, broadcast: 0xe0010105,
  });
});

test("host bits are kept as the address and cleared in the network, or refused when strict", () => {
  const c = parseCidr("224.1.1.5/4");
  assert.equal(c.address, 0xe0010105);
  assert.equal(c.network, 0xe0000000);
  assert.equal(formatCidr(c), "224.0.0.0/4");
  assert.equal(formatCidr("192.168.56.101/24"), "192.168.56.0/24");
  assert.throws(() => parseCidr("224.1.1.5/4", { strict: true }), /host bits are set; did you mean "224.0.0.0\/4"\?/);
  assert.equal(parseCidr("224.0.0.0/4", { strict: true }).network, 0xe0000000);
  assert.deepEqual(cidrOf("224.1.1.5", 4), c);
});

test("contains is the AND-and-compare, at every prefix length", () => {
  assert.equal(contains("224.0.0.0/4", "224.1.1.5"), true);
  assert.equal(contains("224.0.0.0/4", "234.3.2.1"), true);
  assert.equal(contains("224.0.0.0/4", "192.168.56.101"), false);
  assert.equal(contains("192.168.56.0/24", "192.168.56.105"), true);
  assert.equal(contains("192.168.56.0/24", "192.168.57.1"), false);
  assert.equal(contains("0.0.0.0/0", "255.255.255.255"), true);
  assert.equal(contains("0.0.0.0/0", 0), true);
  assert.equal(contains("224.1.1.5/32", "224.1.1.5"), true);
  assert.equal(contains("224.1.1.5/32", "224.1.1.4"), false);
  assert.equal(contains("255.255.255.255/32", 0xffffffff), true);
  assert.equal(contains("128.0.0.0/1", "127.255.255.255"), false);
  assert.equal(contains(parseCidr("239.192.0.0/14"), "239.195.255.255"), true);
  assert.equal(contains(parseCidr("239.192.0.0/14"), "239.196.0.0"), false);
});

test("a hand-made range that does not add up is refused", () => {
  const good = parseCidr("224.0.0.0/4");
  assert.throws(() => contains({ ...good, mask: 0xff000000 }, "224.1.1.5"), { argument: "cidr.mask" });
  assert.throws(() => contains({ ...good, network: 0xe0010105 }, "224.1.1.5"), { argument: "cidr.network" });
  assert.throws(() => contains({ ...good, prefix: 33 }, "224.1.1.5"), { argument: "cidr.prefix" });
});

test("explainContains shows why the lecture's group is in 224.0.0.0/4", () => {
  assert.deepEqual(explainContains("224.0.0.0/4", "224.1.1.5"), [
    { step: "address", dotted: "224.1.1.5", binary: "1110|0000.00000001.00000001.00000101" },
    { step: "mask /4", dotted: "240.0.0.0", binary: "1111|0000.00000000.00000000.00000000" },
    { step: "address AND mask", dotted: "224.0.0.0", binary: "1110|0000.00000000.00000000.00000000" },
    { step: "network", dotted: "224.0.0.0", binary: "1110|0000.00000000.00000000.00000000" },
    { step: "verdict", dotted: "in", binary: "AND equals the network: 224.1.1.5 is in 224.0.0.0/4" },
  ]);
});

test("explainContains points at the first bit where a host address leaves 224.0.0.0/4", () => {
  const rows = explainContains("224.0.0.0/4", "192.168.56.101");
  assert.equal(rows[2].binary, "1100|0000.00000000.00000000.00000000");
  assert.deepEqual(rows[4], {
    step: "verdict",
    dotted: "not in",
    binary: "AND differs from the network at bit 3 (counting from 1 on the left): 192.168.56.101 is not in 224.0.0.0/4",
  });
  assert.equal(explainContains("0.0.0.0/0", "1.2.3.4")[4].dotted, "in");
  assert.match(explainContains("224.1.1.5/32", "224.1.1.4")[4].binary, /at bit 32 /);
});

// ---- the named blocks ----

test("the named blocks cover 224.0.0.0/4 in order, without gaps or overlaps", () => {
  let next = parseIPv4("224.0.0.0");
  for (const block of MULTICAST_BLOCKS) {
    assert.equal(parseIPv4(block.first), next, `${block.name} starts where the previous block ended`);
    assert.ok(parseIPv4(block.last) >= parseIPv4(block.first), block.name);
    next = parseIPv4(block.last) + 1;
  }
  assert.equal(next, parseIPv4("240.0.0.0"));
});

test("every block's first and last address are described as that block, and its neighbours are not", () => {
  for (const block of MULTICAST_BLOCKS) {
    const lo = parseIPv4(block.first), hi = parseIPv4(block.last);
    assert.equal(blockOf(lo), block);
    assert.equal(blockOf(hi), block);
    assert.notEqual(blockOf(lo - 1), block);
    assert.notEqual(blockOf(hi + 1), block);
    assert.equal(describe(lo).block, block.name);
  }
  assert.equal(blockOf("223.255.255.255"), undefined);
  assert.equal(blockOf("240.0.0.0"), undefined);
});

test("the registry's well-known blocks are where the lecture says", () => {
  const byCidr = new Map(MULTICAST_BLOCKS.map((b) => [b.cidr, b.name]));
  assert.equal(byCidr.get("224.0.0.0/24"), "Local Network Control Block");
  assert.equal(byCidr.get("224.0.1.0/24"), "Internetwork Control Block");
  assert.equal(byCidr.get("232.0.0.0/8"), "Source-Specific Multicast Block");
  assert.equal(byCidr.get("234.0.0.0/8"), "Unicast-Prefix-based IPv4 Multicast Addresses");
  assert.equal(byCidr.get("239.0.0.0/8"), "Administratively Scoped Block");
  const glop = MULTICAST_BLOCKS.find((b) => b.name === "GLOP Block")!;
  assert.deepEqual([glop.first, glop.last, glop.cidr], ["233.0.0.0", "233.251.255.255", ""]);
});

test("a group in 224.0.0.0/24 is described as never leaving the link", () => {
  const d = describe("224.0.0.1");
  assert.equal(d.block, "Local Network Control Block");
  assert.equal(d.range, "224.0.0.0/24");
  assert.match(d.forSender, /never forwarded by routers.*whatever the TTL/);
  assert.match(d.note, /All Systems on this Subnet/);
  assert.match(describe("224.0.0.22").note, /IGMPv3/);
  assert.match(describe("224.0.0.251").note, /mDNS/);
  assert.match(describe("224.0.0.2").note, /All Routers/);
});

test("describe is honest that the lecture's groups sit in borrowed space", () => {
  const first = describe("224.1.1.5");
  assert.equal(first.block, "RESERVED");
  assert.equal(first.range, "224.1.0.0/16");
  assert.match(first.forSender, /224\.1\.1\.5/);
  const second = describe(0xea030201);
  assert.equal(second.address, "234.3.2.1");
  assert.equal(second.reference, "RFC 6034");
  assert.match(second.note, /unicast 3\.2\.1\.0\/24/);
});

test("describe names scopes and owners derived from the address", () => {
  assert.match(describe("239.255.255.250").note, /^SSDP.*; IPv4 Local Scope/);
  assert.match(describe("239.192.0.1").note, /Organization Local Scope/);
  assert.equal(describe("239.1.2.3").note, "");
  assert.match(describe("233.1.2.3").note, /233\.1\.2\.0\/24 of AS 258/);
  assert.match(describe("233.252.0.1").note, /MCAST-TEST-NET/);
  assert.equal(describe("224.3.0.0").range, "224.3.0.0 - 224.4.255.255");
});

test("describe says plainly when an address is not a group", () => {
  const d = describe("192.168.56.101");
  assert.equal(d.multicast, false);
  assert.equal(d.block, "not multicast");
  assert.match(d.note, /top 4 bits are 1100, not 1110/);
});

// ---- Ethernet ----

test("the lecture's group goes to 01:00:5e:01:01:05 on the wire", () => {
  assert.equal(groupToMac("224.1.1.5"), "01:00:5e:01:01:05");
  assert.equal(groupToMac(0xe0010105), "01:00:5e:01:01:05");
  assert.equal(groupToMac("234.3.2.1"), "01:00:5e:03:02:01");
  assert.equal(groupToMac("224.0.0.0"), "01:00:5e:00:00:00");
  assert.equal(groupToMac("239.255.255.255"), "01:00:5e:7f:ff:ff");
  assert.equal(groupToMac("224.128.0.1"), "01:00:5e:00:00:01"); // the top bit of the 2nd byte is lost
});

test("32 groups share the lecture's MAC, and each maps back to it", () => {
  const groups = macToGroups("01:00:5e:01:01:05");
  assert.equal(groups.length, 32);
  assert.equal(new Set(groups).size, 32);
  assert.equal(groups[0], "224.1.1.5");
  assert.deepEqual(groups.slice(1, 3), ["224.129.1.5", "225.1.1.5"]);
  assert.equal(groups[31], "239.129.1.5");
  for (const g of groups) assert.equal(groupToMac(g), "01:00:5e:01:01:05", g);
  assert.deepEqual(macToGroups("01-00-5E-01-01-05"), groups);
  assert.deepEqual(macToGroups(Uint8Array.of(1, 0, 0x5e, 1, 1, 5)), groups);
});

test("MAC text reads with colons or hyphens, either case, and prints the way ip does", () => {
  assert.deepEqual(parseMac("08:00:27:a1:33:b4"), Uint8Array.of(8, 0, 0x27, 0xa1, 0x33, 0xb4));
  assert.deepEqual(parseMac("08-00-27-A1-33-B4"), Uint8Array.of(8, 0, 0x27, 0xa1, 0x33, 0xb4));
  assert.equal(formatMac(parseMac("08-00-27-A1-33-B4")), "08:00:27:a1:33:b4");
  assert.equal(formatMac([1, 0, 0x5e, 0, 0, 0xff]), "01:00:5e:00:00:ff");
});

test("explainGroupToMac marks off the 5 bits the MAC loses", () => {
  assert.deepEqual(explainGroupToMac("224.1.1.5"), [
    { step: "group", text: "224.1.1.5", bits: "1110|0000.0|0000001.00000001.00000101" },
    { step: "MAC", text: "01:00:5e:01:01:05", bits: "00000001:00000000:01011110:0|0000001:00000001:00000101" },
    {
      step: "lost",
      text: "5 bits (00000)",
      bits: "the 5 bits after 1110 do not reach the MAC: 32 groups share it, e.g. 224.129.1.5, 225.1.1.5, 225.129.1.5",
    },
  ]);
  assert.equal(explainGroupToMac("239.255.255.255")[2].text, "5 bits (11111)");
});

// ---- bad input ----

const IPV4_RULE = "dotted-decimal IPv4";
const BAD: Array<{ call: string; run: () => unknown; argument: string; value: unknown; why: RegExp }> = [
  { call: "parseIPv4", run: () => parseIPv4("010.0.0.1"), argument: "address", value: "010.0.0.1", why: /leading zero; inet_aton would read it as octal 8/ },
  { call: "parseIPv4", run: () => parseIPv4("224.1.1.09"), argument: "address", value: "224.1.1.09", why: /leading zero; inet_aton would refuse it as a bad octal/ },
  { call: "parseIPv4", run: () => parseIPv4("00.0.0.0"), argument: "address", value: "00.0.0.0", why: /part 1 "00" has a leading zero/ },
  { call: "parseIPv4", run: () => parseIPv4("224.1.5"), argument: "address", value: "224.1.5", why: /3 parts, not 4; inet_aton would still read it, as 224.1.0.5\)/ },
  { call: "parseIPv4", run: () => parseIPv4("224.1.1.5.6"), argument: "address", value: "224.1.1.5.6", why: /5 parts, not 4\)/ },
  { call: "parseIPv4", run: () => parseIPv4("3758162181"), argument: "address", value: "3758162181", why: /1 part, not 4; inet_aton would still read it, as 224.1.1.5\)/ },
  { call: "parseIPv4", run: () => parseIPv4("224.1.1.256"), argument: "address", value: "224.1.1.256", why: /part 4 "256" is over 255/ },
  { call: "parseIPv4", run: () => parseIPv4("999.1.1.1"), argument: "address", value: "999.1.1.1", why: /part 1 "999" is over 255/ },
  { call: "parseIPv4", run: () => parseIPv4("224..1.5"), argument: "address", value: "224..1.5", why: /part 2 is empty \(two dots in a row\)/ },
  { call: "parseIPv4", run: () => parseIPv4("224.1.1.5."), argument: "address", value: "224.1.1.5.", why: /a trailing dot leaves part 5 empty/ },
  { call: "parseIPv4", run: () => parseIPv4(".224.1.1.5"), argument: "address", value: ".224.1.1.5", why: /a leading dot leaves part 1 empty/ },
  { call: "parseIPv4", run: () => parseIPv4(""), argument: "address", value: "", why: /the text is empty/ },
  { call: "parseIPv4", run: () => parseIPv4("+224.1.1.5"), argument: "address", value: "+224.1.1.5", why: /part 1 "\+224" has a sign/ },
  { call: "parseIPv4", run: () => parseIPv4("224.-1.1.5"), argument: "address", value: "224.-1.1.5", why: /part 2 "-1" has a sign/ },
  { call: "parseIPv4", run: () => parseIPv4(" 224.1.1.5"), argument: "address", value: " 224.1.1.5", why: /white space/ },
  { call: "parseIPv4", run: () => parseIPv4("224.1.1.5\n"), argument: "address", value: "224.1.1.5\n", why: /white space/ },
  { call: "parseIPv4", run: () => parseIPv4("224.1. 1.5"), argument: "address", value: "224.1. 1.5", why: /white space/ },
  { call: "parseIPv4", run: () => parseIPv4("0xe0.1.1.5"), argument: "address", value: "0xe0.1.1.5", why: /hexadecimal notation; inet_aton would read it as hexadecimal 224/ },
  { call: "parseIPv4", run: () => parseIPv4("224.1.1.a"), argument: "address", value: "224.1.1.a", why: /part 4 "a": "a" \(U\+0061\) is not a digit/ },
  { call: "parseIPv4", run: () => parseIPv4("２２４.1.1.5"), argument: "address", value: "２２４.1.1.5", why: /U\+FF12\) is a digit, but not an ASCII one/ },
  { call: "parseIPv4", run: () => parseIPv4("224.١.1.5"), argument: "address", value: "224.١.1.5", why: /U\+0661\) is a digit, but not an ASCII one/ },
  { call: "parseIPv4", run: () => parseIPv4("224.0.0.0/4"), argument: "address", value: "224.0.0.0/4", why: /CIDR notation, for parseCidr/ },
  { call: "parseIPv4", run: () => parseIPv4("1e2.1.1.5"), argument: "address", value: "1e2.1.1.5", why: /"e" \(U\+0065\) is not a digit/ },
  { call: "parseIPv4", run: () => parseIPv4(0xe0010105 as never), argument: "address", value: 0xe0010105, why: /a number, not text; formatIPv4/ },
  { call: "parseIPv4", run: () => parseIPv4(undefined as never, "group"), argument: "group", value: undefined, why: /\(undefined, not text\)/ },
  { call: "isMulticast", run: () => isMulticast(2 ** 32), argument: "address", value: 2 ** 32, why: /32 bits, unsigned/ },
  { call: "isMulticast", run: () => isMulticast(-1), argument: "address", value: -1, why: /32 bits, unsigned/ },
  { call: "isMulticast", run: () => isMulticast(1.5), argument: "address", value: 1.5, why: /32 bits, unsigned/ },
  { call: "isMulticast", run: () => isMulticast(NaN), argument: "address", value: NaN, why: /32 bits, unsigned/ },
  { call: "isMulticast", run: () => isMulticast(null as never), argument: "address", value: null, why: /as dotted-decimal text such as "224.1.1.5" or as an integer/ },
  { call: "formatIPv4", run: () => formatIPv4("224.1.1.5" as never), argument: "address", value: "224.1.1.5", why: /an integer from 0 to 4294967295/ },
  { call: "binary", run: () => binary("224.1.1.5", 33), argument: "prefix", value: 33, why: /an integer from 0 to 32/ },
  { call: "parseCidr", run: () => parseCidr("224.0.0.0"), argument: "cidr", value: "224.0.0.0", why: /there is no "\/"/ },
  { call: "parseCidr", run: () => parseCidr("224.0.0.0/33"), argument: "cidr", value: "224.0.0.0/33", why: /prefix length 33 is over 32/ },
  { call: "parseCidr", run: () => parseCidr("224.0.0.0/-1"), argument: "cidr", value: "224.0.0.0/-1", why: /prefix length "-1" is not a number/ },
  { call: "parseCidr", run: () => parseCidr("224.0.0.0/04"), argument: "cidr", value: "224.0.0.0/04", why: /prefix length "04" has a leading zero/ },
  { call: "parseCidr", run: () => parseCidr("224.0.0/4"), argument: "cidr", value: "224.0.0/4", why: /the address: it has 3 parts/ },
  { call: "parseCidr", run: () => parseCidr("224.0.0.0/4/4"), argument: "cidr", value: "224.0.0.0/4/4", why: /prefix length "4\/4" is not a number/ },
  { call: "prefixMask", run: () => prefixMask(-1), argument: "prefix", value: -1, why: /32 bits/ },
  { call: "contains", run: () => contains("224.0.0.0/4", "224.1.1"), argument: "address", value: "224.1.1", why: /3 parts/ },
  { call: "groupToMac", run: () => groupToMac("192.168.56.101"), argument: "group", value: "192.168.56.101", why: /top 4 bits are 1100, not 1110/ },
  { call: "groupToMac", run: () => groupToMac("240.0.0.1"), argument: "group", value: "240.0.0.1", why: /top 4 bits are 1111, not 1110/ },
  { call: "macToGroups", run: () => macToGroups("01:00:5e:80:00:00"), argument: "mac", value: "01:00:5e:80:00:00", why: /only 23 bits after 01:00:5e/ },
  { call: "macToGroups", run: () => macToGroups("08:00:27:a1:33:b4"), argument: "mac", value: "08:00:27:a1:33:b4", why: /does not start with 01:00:5e/ },
  { call: "parseMac", run: () => parseMac("0100.5e01.0105"), argument: "mac", value: "0100.5e01.0105", why: /no ":" or "-"/ },
  { call: "parseMac", run: () => parseMac("01:00:5e-01-01-05"), argument: "mac", value: "01:00:5e-01-01-05", why: /mixes ":" and "-"/ },
  { call: "parseMac", run: () => parseMac("01:00:5e:01:01"), argument: "mac", value: "01:00:5e:01:01", why: /5 parts, not 6/ },
  { call: "parseMac", run: () => parseMac("01:00:5e:1:1:5"), argument: "mac", value: "01:00:5e:1:1:5", why: /byte 4 "1" is not two hex digits/ },
  { call: "parseMac", run: () => parseMac("01:00:5e:01:01:0g"), argument: "mac", value: "01:00:5e:01:01:0g", why: /byte 6 "0g" is not two hex digits/ },
  { call: "formatMac", run: () => formatMac([1, 0, 0x5e, 1, 1, 256]), argument: "mac", value: [1, 0, 0x5e, 1, 1, 256], why: /6 bytes/ },
  { call: "groupNumber", run: () => groupNumber("127.0.0.1", "options.group"), argument: "options.group", value: "127.0.0.1", why: /not 1110/ },
];

for (const bad of BAD) {
  test(`${bad.call} refuses ${showValue(bad.value)}, naming the argument, the value and the rule broken`, () => {
    assert.throws(bad.run, (err: unknown) => {
      assert.ok(err instanceof ArgumentError, `an ArgumentError, not ${String(err)}`);
      assert.equal(err.argument, bad.argument);
      assert.ok(Object.is(err.value, bad.value) || JSON.stringify(err.value) === JSON.stringify(bad.value), "the value as given");
      assert.ok(err.message.startsWith(`${bad.argument} must be `), err.message);
      assert.ok(err.message.includes(`got ${showValue(bad.value)}`), err.message);
      assert.match(err.message, bad.why);
      return true;
    });
  });
}

test("every broken rule of the address syntax has its own message", () => {
  const texts = BAD.filter((b) => b.call === "parseIPv4" && typeof b.value === "string").map((b) => b.value as string);
  const reasons = new Set(texts.map((t) => ipv4Problem(t)));
  assert.ok(!reasons.has(undefined), "each refused text has a reason");
  assert.ok(reasons.size >= 18, `distinct reasons: ${reasons.size} of ${texts.length}`);
  for (const t of texts) assert.throws(() => parseIPv4(t), { message: new RegExp(`must be ${IPV4_RULE}`) });
});
