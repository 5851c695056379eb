// The capture module on its own: the lecture's packet, pcap files and
// streams, truncated and corrupt frames, IGMP in all its versions, the
// notebook's per-field table, memberships and the figure. No tools needed;
// capture-oracle.test.ts checks the same dissector against scapy and tshark.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ArgumentError } from "../src/util/errors";
import { formatIPv4 } from "../src/addresses/address";
import { groupToMac } from "../src/addresses/mac";
import {
  igmpFrame, igmpMessage, igmpV3Query, igmpV3Report, ipv4Frame, MIN_FRAME, ROUTER_ALERT, udpFrame,
} from "../src/capture/build";
import { dissect, dissectRecord, Packet, readPackets } from "../src/capture/dissect";
import { defineHeader } from "../src/capture/header";
import { INT } from "../src/capture/formats";
import { pythonRepr } from "../src/capture/python-repr";
import { captureFigure } from "../src/capture/figure";
import { hexdump } from "../src/capture/hexdump";
import { IP } from "../src/capture/ipv4";
import { packetKind } from "../src/capture/kind";
import { LECTURE_FRAME, LECTURE_HEXDUMP, LECTURE_SUMMARY } from "../src/capture/lecture";
import { memberships } from "../src/capture/memberships";
import { LINKTYPE, PcapReader, pcapRecords, readPcap, writePcap } from "../src/capture/pcap";
import { sniff } from "../src/capture/sniff";
import { down, up } from "../src/lab/up";
import { Lab } from "../src/lab/lab";
import { seededRandom as prng } from "../src/util/random";


const MIDWOOD = "192.168.56.103";
const EASTNY = "192.168.56.101";
const FLATBUSH = "192.168.56.104";
const G1 = "224.1.1.5";
const G2 = "234.3.2.1";

const v2Join = (host: string, group: string) => igmpFrame({ src: host, dst: group, message: igmpMessage(0x16, group) });
const v2Leave = (host: string, group: string) => igmpFrame({ src: host, dst: "224.0.0.2", message: igmpMessage(0x17, group) });
const v3 = (host: string, records: Parameters<typeof igmpV3Report>[0]) => igmpFrame({ src: host, dst: "224.0.0.22", tos: 0xc0, message: igmpV3Report(records) });

describe("the lecture's captured frame", () => {
  const p = dissect(LECTURE_FRAME);

  test("is the 60 bytes of the lecture's hexdump", () => {
    assert.equal(LECTURE_FRAME.length, 60);
    assert.equal(Buffer.from(LECTURE_FRAME).toString("hex").toUpperCase(), LECTURE_HEXDUMP.split("\n").map((l) => l.split(" ")[1]).join(""));
  });

  test("summary() prints the line scapy printed on bushwick", () => {
    assert.equal(p.summary(), LECTURE_SUMMARY);
    assert.equal(p.summary(), "Ether / IP / UDP 192.168.56.103:52582 > 224.1.1.5:50001 / Raw / Padding");
  });

  test("its fields: the group's MAC, TTL 1, UDP, 41 = 20 + 8 + 13, ports, 21 bytes of UDP, the message, 5 bytes of padding", () => {
    const ether = p.layer("Ether")!;
    const ip = p.layer("IP")!;
    const udp = p.layer("UDP")!;
    assert.equal(ether.repr("dst"), groupToMac(G1));
    assert.equal(ether.repr("src"), "08:00:27:a1:33:b4");
    assert.equal(ip.num("ttl"), 1);
    assert.equal(ip.num("proto"), 17);
    assert.equal(ip.num("len"), 41);
    assert.equal(ip.num("ihl") * 4 + udp.num("len"), 41);
    assert.equal(formatIPv4(ip.num("src")), MIDWOOD);
    assert.equal(formatIPv4(ip.num("dst")), G1);
    assert.equal(udp.num("sport"), 52582);
    assert.equal(udp.num("dport"), 50001);
    assert.equal(udp.num("len"), 21);
    assert.equal(Buffer.from(p.layer("Raw")!.bytes("load")).toString(), "Hello, World!");
    assert.deepEqual([...p.layer("Padding")!.bytes("load")], [0, 0, 0, 0, 0]);
  });

  test("both checksums in the lecture's capture are correct", () => {
    assert.deepEqual(p.layer("IP")!.check, { field: "chksum", status: "good", found: 0x91e7, expected: 0x91e7 });
    assert.deepEqual(p.layer("UDP")!.check, { field: "chksum", status: "good", found: 0x53c9, expected: 0x53c9 });
    assert.equal(p.ok, true);
    assert.deepEqual(p.problems, []);
  });

  test("hexdump() has scapy's layout: offset, two spaces, 16 upper-case bytes, the text", () => {
    assert.equal(
      p.hexdump(),
      [
        "0000  01 00 5E 01 01 05 08 00 27 A1 33 B4 08 00 45 00  ..^.....'.3...E.",
        "0010  00 29 0D C7 40 00 01 11 91 E7 C0 A8 38 67 E0 01  .)..@.......8g..",
        "0020  01 05 CD 66 C3 51 00 15 53 C9 48 65 6C 6C 6F 2C  ...f.Q..S.Hello,",
        "0030  20 57 6F 72 6C 64 21 00 00 00 00 00               World!.....",
      ].join("\n"),
    );
  });

  test("building the datagram from its fields gives the captured bytes exactly", () => {
    const built = udpFrame({ src: MIDWOOD, dst: G1, sport: 52582, dport: 50001, id: 3527, srcMac: "08:00:27:a1:33:b4", data: "Hello, World!" });
    assert.deepEqual(built, LECTURE_FRAME);
  });

  test("the per-field table reads offset 0x0e, 45, version/ihl, 4/5, IPv4 with a 20-byte header", () => {
    const rows = p.fields();
    const row = rows.find((r) => r.field === "version/ihl")!;
    assert.deepEqual(row, { layer: "IP", offset: "0x0e", bytes: "45", field: "version/ihl", value: "4/5", meaning: "IPv4, a 20-byte header" });
    const find = (layer: string, field: string) => rows.find((r) => r.layer === layer && r.field === field)!;
    assert.equal(find("IP", "len").meaning, "41 = 20 + 8 + 13 (IP header, UDP header, data)");
    assert.equal(find("IP", "flags/frag").bytes, "40 00");
    assert.equal(find("IP", "chksum").meaning, "correct: matches the bytes it covers");
    assert.match(find("Ether", "dst").meaning, /low 23 bits of group 224\.1\.1\.5/);
    assert.match(find("Padding", "load").meaning, /5 bytes .* 60-byte minimum/);
    // Every byte of the frame is in exactly one row.
    const covered = rows.reduce((n, r) => n + (r.bytes === "" ? 0 : r.bytes.split(" ").length), 0);
    assert.equal(covered, 60);
  });

  test("show() lists every layer in scapy's form, the checksum as scapy prints it", () => {
    const shown = p.show();
    assert.match(shown, /^###\[ Ethernet \]### \n  dst       = 01:00:5e:01:01:05\n/);
    assert.match(shown, /\n###\[ IP \]### \n     version   = 4\n/);
    assert.match(shown, /\n     chksum    = 0x91e7\n/);
    assert.match(shown, /\n           load      = 'Hello, World!'\n/);
    assert.match(shown, /\n              load      = '\\x00\\x00\\x00\\x00\\x00'\n$/);
  });
});

describe("bad and cut-short frames", () => {
  test("a bad IP checksum is marked in summary(), show() and the field table, with the value it should have", () => {
    const bad = LECTURE_FRAME.slice();
    bad[25] ^= 1;
    const p = dissect(bad);
    assert.equal(p.summary(), `${LECTURE_SUMMARY} [IP: bad checksum 0x91e6, expected 0x91e7]`);
    assert.match(p.show(), /chksum    = 0x91e6 \[bad: expected 0x91e7\]/);
    assert.equal(p.fields().find((r) => r.layer === "IP" && r.field === "chksum")!.meaning, "wrong: the bytes call for 0x91e7");
    assert.equal(p.ok, false);
  });

  test("a changed byte of the message fails the UDP checksum, not the IP one", () => {
    const bad = LECTURE_FRAME.slice();
    bad[45] = "J".charCodeAt(0); // "Hello" becomes "HelJo"
    const p = dissect(bad);
    assert.equal(p.layer("IP")!.check!.status, "good");
    assert.equal(p.layer("UDP")!.check!.status, "bad");
    assert.equal(p.problems.length, 1);
    assert.match(p.problems[0], /^UDP: bad checksum 0x53c9, expected 0x(?!53c9)[0-9a-f]{4}$/);
  });

  test("a UDP checksum left to the NIC (checksum offload, as on the lab's virtual links) is not called bad", () => {
    const frame = LECTURE_FRAME.slice();
    // What the sender's kernel writes before offloading: the pseudo-header's sum only.
    frame[40] = 0xda;
    frame[41] = 0x3c;
    const p = dissect(frame);
    assert.equal(p.layer("UDP")!.check!.status, "offloaded");
    assert.equal(p.summary(), LECTURE_SUMMARY);
    assert.match(p.fields().find((r) => r.layer === "UDP" && r.field === "chksum")!.meaning, /checksum offload.*would be 0x53c9/);
  });

  test("a UDP checksum of 0 means none was computed, not a bad one", () => {
    const p = dissect(udpFrame({ src: MIDWOOD, dst: G1, sport: 1, dport: 2, data: "x", noChecksum: true }));
    assert.equal(p.layer("UDP")!.check!.status, "none");
    assert.equal(p.ok, true);
  });

  test("every cut of the lecture's frame is marked truncated at the layer where it falls", () => {
    const expected = (n: number) =>
      n < 14 ? `Ether [Ether: truncated: ${n} of 14 bytes]`
      : n < 34 ? `08:00:27:a1:33:b4 > 01:00:5e:01:01:05 (IPv4) / IP [IP: truncated: ${n - 14} of 20 bytes]`
      : undefined;
    for (let n = 0; n < 55; n++) {
      const p = dissect(LECTURE_FRAME.subarray(0, n));
      assert.equal(p.ok, false, `cut at ${n}`);
      assert.ok(p.problems.some((x) => x.includes("truncated")), `cut at ${n}: ${p.problems}`);
      const line = expected(n);
      if (line) assert.equal(p.summary(), line, `cut at ${n}`);
    }
    assert.equal(dissect(LECTURE_FRAME.subarray(0, 38)).summary(), "Ether / 192.168.56.103 > 224.1.1.5 udp / UDP [IP: truncated: 24 of 41 bytes captured] [UDP: truncated: 4 of 8 bytes]");
    assert.equal(dissect(LECTURE_FRAME.subarray(0, 50)).summary(), "Ether / IP / UDP 192.168.56.103:52582 > 224.1.1.5:50001 / Raw [IP: truncated: 36 of 41 bytes captured]");
    assert.equal(dissect(LECTURE_FRAME.subarray(0, 50)).layer("UDP")!.check!.status, "unverified");
    // Cutting only the padding loses nothing of the datagram.
    assert.equal(dissect(LECTURE_FRAME.subarray(0, 55)).summary(), "Ether / IP / UDP 192.168.56.103:52582 > 224.1.1.5:50001 / Raw");
  });

  test("20,000 random cuts and bit flips of valid frames never throw, and every view still prints", () => {
    const next = prng(0x1e0105);
    const frames = [
      LECTURE_FRAME,
      v2Join(EASTNY, G1),
      v2Leave(EASTNY, G1),
      v3(EASTNY, [{ type: 4, group: G1 }, { type: 1, group: G2, sources: [EASTNY, MIDWOOD] }]),
      igmpFrame({ src: "192.168.56.1", dst: "224.0.0.1", message: igmpV3Query({ group: G1, sources: [MIDWOOD] }) }),
      udpFrame({ src: MIDWOOD, dst: G1, sport: 1, dport: 2, data: "x", options: Uint8Array.of(1, 0x1e, 4, 0, 0, ...ROUTER_ALERT, 0, 0, 0) }),
    ];
    for (let i = 0; i < 20_000; i++) {
      const source = frames[i % frames.length];
      const frame = source.slice(0, next() % 2 ? source.length : next() % (source.length + 1));
      const flips = next() % 4;
      for (let k = 0; k < flips && frame.length; k++) frame[next() % frame.length] ^= 1 << next() % 8;
      const context = `draw ${i}: ${Buffer.from(frame).toString("hex")}`;
      try {
        const p = dissect(frame);
        assert.equal(typeof p.summary(), "string", context);
        assert.equal(typeof p.show(), "string", context);
        assert.equal(p.hexdump().length > 0 || frame.length === 0, true, context);
        assert.ok(Array.isArray(p.fields()), context);
        packetKind(p);
        memberships([p]);
        for (const l of p.layers) for (const f of l.fieldsShown()) l.repr(f.name);
      } catch (error) {
        assert.fail(`${context}: ${(error as Error).stack}`);
      }
    }
  });

  test("5,000 frames of random bytes, under every link type, never throw", () => {
    const next = prng(0xbad);
    const linktypes = [LINKTYPE.ETHERNET, LINKTYPE.LINUX_SLL, LINKTYPE.LINUX_SLL2, LINKTYPE.RAW];
    for (let i = 0; i < 5_000; i++) {
      const frame = Uint8Array.from({ length: next() % 120 }, () => next() & 255);
      // Often make it look like IPv4 carrying UDP or IGMP, so the deeper layers get random bytes too.
      const linktype = linktypes[i % linktypes.length];
      const ip = linktype === LINKTYPE.ETHERNET ? 14 : linktype === LINKTYPE.LINUX_SLL ? 16 : linktype === LINKTYPE.LINUX_SLL2 ? 20 : 0;
      if (i % 2 && frame.length > ip + 10) {
        if (linktype === LINKTYPE.ETHERNET) frame.set([8, 0], 12);
        if (linktype === LINKTYPE.LINUX_SLL) frame.set([8, 0], 14);
        if (linktype === LINKTYPE.LINUX_SLL2) frame.set([8, 0], 0);
        frame[ip] = 0x45 + (next() % 4);
        frame[ip + 9] = next() % 2 ? 2 : 17;
        frame[ip + 6] &= 0xe0;
        frame[ip + 7] = 0;
      }
      const context = `draw ${i}, linktype ${linktype}: ${Buffer.from(frame).toString("hex")}`;
      try {
        const p = dissect(frame, { linktype });
        p.summary();
        p.show();
        p.fields();
        packetKind(p);
        memberships([p]);
      } catch (error) {
        assert.fail(`${context}: ${(error as Error).stack}`);
      }
    }
  });

  test("a header that makes no sense is named, and its bytes shown as Raw", () => {
    const v6 = LECTURE_FRAME.slice();
    v6[14] = 0x65;
    assert.match(dissect(v6).summary(), /\[IP: version 6, not 4\]$/);
    const short = LECTURE_FRAME.slice();
    short[14] = 0x43;
    assert.match(dissect(short).summary(), /\[IP: header length 12 bytes \(ihl 3\), less than 20\]$/);
    const tiny = LECTURE_FRAME.slice();
    tiny[17] = 10;
    assert.match(dissect(tiny).summary(), /\/ Raw \[IP: bad checksum 0x91e7, expected 0x[0-9a-f]{4}\] \[IP: total length 10, less than its 20-byte header\]$/);
  });
});

describe("IGMP, every version", () => {
  const router = "192.168.56.1";
  const cases: Array<[string, Uint8Array, string, string]> = [
    ["v1 report", igmpFrame({ src: EASTNY, dst: G1, message: igmpMessage(0x12, G1) }), `Ether / IP / IGMP: ${EASTNY} > ${G1} Version 1 - Membership Report ${G1} / Padding`, "IGMP report"],
    ["v2 report", v2Join(EASTNY, G1), `Ether / IP / IGMP: ${EASTNY} > ${G1} Version 2 - Membership Report ${G1} / Padding`, "IGMP report"],
    ["v2 leave", v2Leave(EASTNY, G1), `Ether / IP / IGMP: ${EASTNY} > 224.0.0.2 Leave Group ${G1} / Padding`, "IGMP leave"],
    ["v1 query", igmpFrame({ src: router, dst: "224.0.0.1", message: igmpMessage(0x11, "0.0.0.0", 0) }), `Ether / IP / IGMP: ${router} > 224.0.0.1 Group Membership Query 0.0.0.0 / Padding`, "IGMP query"],
    ["v2 query", igmpFrame({ src: router, dst: "224.0.0.1", message: igmpMessage(0x11, "0.0.0.0", 100) }), `Ether / IP / IGMP: ${router} > 224.0.0.1 Group Membership Query 0.0.0.0 / Padding`, "IGMP query"],
    ["v3 query", igmpFrame({ src: router, dst: "224.0.0.1", message: igmpV3Query() }), `Ether / IP / IGMPv3: ${router} > 224.0.0.1 Membership Query / IGMPv3mq / Padding`, "IGMP query"],
    ["v3 join", v3(EASTNY, [{ type: "CHANGE_TO_EXCLUDE_MODE", group: G1 }]), `Ether / IP / IGMPv3: ${EASTNY} > 224.0.0.22 Version 3 Membership Report / IGMPv3mr / Padding`, "IGMP report"],
    ["v3 leave", v3(EASTNY, [{ type: "CHANGE_TO_INCLUDE_MODE", group: G1 }]), `Ether / IP / IGMPv3: ${EASTNY} > 224.0.0.22 Version 3 Membership Report / IGMPv3mr / Padding`, "IGMP leave"],
  ];
  for (const [name, frame, summary, kind] of cases) {
    test(`a ${name} reads as scapy would print it and is drawn as "${kind}"`, () => {
      const p = dissect(frame);
      assert.equal(p.summary(), summary);
      assert.equal(packetKind(p), kind);
      assert.equal(p.ok, true, p.problems.join("; "));
    });
  }

  test("IGMP carries the Router Alert option: a 24-byte IP header (ihl 6) and the option shown as a sub-header", () => {
    const p = dissect(v2Join(EASTNY, G1));
    const ip = p.layer("IP")!;
    assert.equal(ip.num("ihl"), 6);
    const [option] = ip.list("options");
    assert.equal(option.name, "IPOption_Router_Alert");
    assert.equal(option.repr("alert"), "router_shall_examine_packet");
    assert.match(p.show(), /\\options   \\\n      \|###\[ IP Option Router Alert \]### \n      \|  copy_flag = 1\n/);
  });

  test("a v3 report's group records give their RFC 3376 type names, groups and sources", () => {
    const p = dissect(v3(EASTNY, [
      { type: 4, group: G1 },
      { type: 1, group: G2, sources: [EASTNY, MIDWOOD] },
      { type: 5, group: "232.1.1.1", sources: ["10.0.0.1"] },
      { type: 6, group: "232.1.1.1", sources: ["10.0.0.2"] },
      { type: 2, group: "239.1.1.1" },
      { type: 3, group: "239.2.2.2", sources: ["10.0.0.3"] },
    ]));
    const records = p.layer("IGMPv3mr")!.list("records");
    assert.deepEqual(records.map((r) => r.repr("rtype")), ["CHANGE_TO_EXCLUDE_MODE", "MODE_IS_INCLUDE", "ALLOW_NEW_SOURCES", "BLOCK_OLD_SOURCES", "MODE_IS_EXCLUDE", "CHANGE_TO_INCLUDE_MODE"]);
    assert.deepEqual(records.map((r) => r.repr("maddr")), [G1, G2, "232.1.1.1", "232.1.1.1", "239.1.1.1", "239.2.2.2"]);
    assert.equal(records[1].repr("srcaddrs"), "[192.168.56.101, 192.168.56.103]");
    assert.equal(p.layer("IGMPv3")!.check!.status, "good");
  });

  test("a v3 query's max response code from 128 up is a floating-point number of tenths", () => {
    const p = dissect(igmpFrame({ src: "192.168.56.1", dst: "224.0.0.1", message: igmpV3Query({ maxResponse: 0x8f }) }));
    // 0x8f: exponent 0, mantissa 15: (15 + 16) << 3 = 248 tenths
    assert.equal(p.fields().find((r) => r.layer === "IGMPv3" && r.field === "mrcode")!.meaning, "max response time 24.8 s");
  });
});

describe("which hosts joined which groups", () => {
  test("v1 and v2 reports are joins, v2 leaves are leaves, each v3 record is one or the other; queries say nothing", () => {
    const packets = [
      igmpFrame({ src: "192.168.56.1", dst: "224.0.0.1", message: igmpMessage(0x11, "0.0.0.0", 100) }),
      igmpFrame({ src: FLATBUSH, dst: G1, message: igmpMessage(0x12, G1) }),
      v2Join(EASTNY, G1),
      v3("192.168.56.105", [{ type: "CHANGE_TO_EXCLUDE_MODE", group: G2 }, { type: "ALLOW_NEW_SOURCES", group: "232.1.1.1", sources: [MIDWOOD] }]),
      v2Leave(EASTNY, G1),
      v3("192.168.56.105", [{ type: "CHANGE_TO_INCLUDE_MODE", group: G2 }, { type: "BLOCK_OLD_SOURCES", group: "232.1.1.1", sources: [MIDWOOD] }]),
      LECTURE_FRAME,
    ].map((f) => dissect(f));
    assert.deepEqual(memberships(packets), [
      { source: FLATBUSH, group: G1, kind: "join", version: 1, record: "report", sources: [], time: undefined },
      { source: EASTNY, group: G1, kind: "join", version: 2, record: "report", sources: [], time: undefined },
      { source: "192.168.56.105", group: G2, kind: "join", version: 3, record: "CHANGE_TO_EXCLUDE_MODE", sources: [], time: undefined },
      { source: "192.168.56.105", group: "232.1.1.1", kind: "join", version: 3, record: "ALLOW_NEW_SOURCES", sources: [MIDWOOD], time: undefined },
      { source: EASTNY, group: G1, kind: "leave", version: 2, record: "leave", sources: [], time: undefined },
      { source: "192.168.56.105", group: G2, kind: "leave", version: 3, record: "CHANGE_TO_INCLUDE_MODE", sources: [], time: undefined },
      { source: "192.168.56.105", group: "232.1.1.1", kind: "leave", version: 3, record: "BLOCK_OLD_SOURCES", sources: [MIDWOOD], time: undefined },
    ]);
  });

  test("a report with a bad checksum is skipped, as a router would skip it", () => {
    const bad = v2Join(EASTNY, G1);
    bad[40] ^= 1;
    assert.deepEqual(memberships([dissect(bad)]), []);
  });

  test("memberships() refuses what is not a list of packets, naming the argument", () => {
    assert.throws(() => memberships(LECTURE_FRAME as never), (e: unknown) => e instanceof ArgumentError && e.argument === "packets");
    assert.throws(() => memberships([LECTURE_FRAME as never]), (e: unknown) => e instanceof ArgumentError && e.argument === "packets[0]");
  });
});

describe("pcap files", () => {
  const frames = [LECTURE_FRAME, v2Join(EASTNY, G1), v3(EASTNY, [{ type: 4, group: G1 }])];
  const times = [1_700_000_000.123456, 1_700_000_000.5, 1_700_000_001];

  test("written and read back: the same bytes and times, in either byte order, microseconds or nanoseconds", () => {
    for (const littleEndian of [true, false]) {
      for (const nanoseconds of [false, true]) {
        const file = writePcap(frames.map((data, i) => ({ data, time: times[i] })), { littleEndian, nanoseconds });
        const { header, records, leftover } = readPcap(file);
        assert.deepEqual(header, { littleEndian, nanoseconds, version: "2.4", snaplen: 262144, linktype: LINKTYPE.ETHERNET });
        assert.equal(leftover, 0);
        assert.deepEqual(records.map((r) => [...r.data]), frames.map((f) => [...f]));
        records.forEach((r, i) => assert.ok(Math.abs(r.time - times[i]) < 1e-6, `${r.time} vs ${times[i]}`));
        if (!nanoseconds) assert.equal(records[0].nanos, 123456000);
      }
    }
  });

  test("nanosecond times survive exactly when written as seconds and nanoseconds", () => {
    const file = writePcap([{ data: LECTURE_FRAME, seconds: 1_700_000_000, nanos: 123_456_789 }], { nanoseconds: true });
    const [r] = readPcap(file).records;
    assert.deepEqual([r.seconds, r.nanos], [1_700_000_000, 123_456_789]);
  });

  test("a stream fed in any chunking gives each packet as soon as its last byte arrives", async () => {
    const file = writePcap(frames.map((data, i) => ({ data, time: times[i] })));
    const ends: number[] = [];
    let at = 24;
    for (const f of frames) ends.push((at += 16 + f.length));
    // One byte at a time: packet k appears exactly with byte ends[k].
    const reader = new PcapReader();
    const seen: number[] = [];
    for (let i = 0; i < file.length; i++) for (const r of reader.push(file.subarray(i, i + 1))) seen.push(i + 1), assert.equal(r.index, seen.length - 1);
    assert.deepEqual(seen, ends);
    // Random chunks, and the async form.
    const next = prng(7);
    for (let round = 0; round < 50; round++) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < file.length;) {
        const n = 1 + (next() % 40);
        chunks.push(file.slice(i, i + n));
        i += n;
      }
      const got: Uint8Array[] = [];
      for await (const r of pcapRecords((async function* () { yield* chunks; })())) got.push(r.data);
      assert.deepEqual(got.map((d) => [...d]), frames.map((f) => [...f]));
    }
  });

  test("a file cut in the middle of a record reads up to the cut and says how much is left over", () => {
    const file = writePcap(frames.map((data) => ({ data })));
    const { records, leftover } = readPcap(file.subarray(0, file.length - 10));
    assert.equal(records.length, 2);
    assert.equal(leftover, 16 + frames[2].length - 10);
  });

  test("a file that is not pcap is refused, and a pcapng file is named as such", () => {
    assert.throws(() => readPcap(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, ...new Uint8Array(28))), /pcapng/);
    assert.throws(() => readPcap(new Uint8Array(30)), /magic number a1b2c3d4/);
    assert.throws(() => readPcap(new Uint8Array(3)), /fewer than the 24/);
    assert.throws(() => readPcap("capture.pcap" as never), (e: unknown) => e instanceof ArgumentError && e.argument === "bytes");
  });

  test("a record longer than the snapshot length allows is called corrupt, not read", () => {
    const file = writePcap([{ data: LECTURE_FRAME }]);
    new DataView(file.buffer).setUint32(24 + 8, 0x7fffffff, true);
    assert.throws(() => readPcap(file), /corrupt/);
  });

  test("readPackets() dissects every record and keeps its time", () => {
    const packets = readPackets(writePcap(frames.map((data, i) => ({ data, time: times[i] }))), "eth1");
    assert.deepEqual(packets.map((p) => p.iface), ["eth1", "eth1", "eth1"]);
    assert.equal(packets[0].summary(), LECTURE_SUMMARY);
    assert.equal(packets[2].time, times[2]);
  });

  test("cooked captures (tcpdump -i any) and raw IP captures read past their link header", () => {
    const ip = LECTURE_FRAME.subarray(14, 55);
    const sll2 = Uint8Array.of(0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 2, 6, 8, 0, 0x27, 0xa1, 0x33, 0xb4, 0, 0, ...ip);
    const [p] = readPackets(writePcap([{ data: sll2 }], { linktype: LINKTYPE.LINUX_SLL2 }));
    assert.equal(p.summary(), "CookedLinuxV2 / IP / UDP 192.168.56.103:52582 > 224.1.1.5:50001 / Raw");
    assert.equal(p.layers[0].num("ifindex"), 3);
    assert.equal(p.layers[0].repr("pkttype"), "multicast");
    assert.equal(dissect(ip, { linktype: LINKTYPE.RAW }).summary(), "IP / UDP 192.168.56.103:52582 > 224.1.1.5:50001 / Raw");
    assert.equal(dissect(ip, { linktype: 9999 }).summary(), "Raw");
  });
});

describe("the field tables", () => {
  test("each header's table lists its fields with offsets and widths, as a notebook shows it", () => {
    const table = IP.table();
    assert.deepEqual(table.slice(0, 2), [
      { field: "version", offset: "0 (bit 0)", width: "4 bits", format: "integer" },
      { field: "ihl", offset: "0 (bit 4)", width: "4 bits", format: "integer" },
    ]);
    assert.deepEqual(table.at(-1), { field: "options", offset: "20", width: "ihl × 4 − 20", format: "sub-headers" });
  });

  test("a table with a mistyped offset is refused when it is defined", () => {
    assert.throws(
      () => defineHeader({ name: "X", className: "X", fields: [{ name: "a", offset: 0, bytes: 2, format: INT }, { name: "b", offset: 3, bytes: 1, format: INT }] }),
      /X\.b starts at bit 24, but the fields before it end at bit 16/,
    );
  });

  test("asking a layer for a field it does not have names the fields it has", () => {
    assert.throws(() => dissect(LECTURE_FRAME).layer("UDP")!.get("port"), /a field of UDP: sport, dport, len, chksum/);
  });

  test("payloads print as Python prints them: quotes, escapes, and bytes that are not UTF-8", () => {
    const repr = (...b: number[]) => pythonRepr(Uint8Array.from(b));
    assert.equal(repr(...Buffer.from("Hello, World!")), "'Hello, World!'");
    assert.equal(repr(...Buffer.from("it's")), `"it's"`);
    assert.equal(repr(...Buffer.from(`it's "q"`)), `'it\\'s "q"'`);
    assert.equal(repr(0, 9, 10, 13, 0x5c, 0x7f), "'\\x00\\t\\n\\r\\\\\\x7f'");
    assert.equal(repr(0xc3, 0xa9, 0xff, 0xc2, 0xa0), "'é\\\\xff\\xa0'");
  });

  test("hexdump() and dissect() refuse what is not bytes, naming the argument", () => {
    assert.throws(() => hexdump("0100" as never), (e: unknown) => e instanceof ArgumentError && e.argument === "bytes");
    assert.throws(() => dissect([1, 2, 3] as never), (e: unknown) => e instanceof ArgumentError && e.argument === "bytes");
  });

  test("a packet printed in a cell shows its summary, not its bytes", () => {
    const { inspect } = require("node:util") as typeof import("node:util");
    assert.equal(inspect(dissect(LECTURE_FRAME)), `Packet ${LECTURE_SUMMARY}`);
  });
});

describe("the capture figure", () => {
  const at = (frame: Uint8Array, time: number, iface: string): Packet => {
    const p = dissect(frame, { time, iface });
    return p;
  };

  test("one row per interface and a legend of packet kinds", () => {
    const figure = captureFigure([
      at(v3(FLATBUSH, [{ type: 4, group: G1 }]), 100.0, "enp0s8"),
      at(v3(FLATBUSH, [{ type: 4, group: G1 }]), 100.01, "enp0s3"),
      at(LECTURE_FRAME, 100.5, "enp0s8"),
      at(v2Leave(FLATBUSH, G1), 101, "enp0s3"),
      at(igmpFrame({ src: "192.168.56.1", dst: "224.0.0.1", message: igmpV3Query() }), 101.2, "enp0s3"),
    ], { title: "flatbush" });
    const html = figure.outerHTML;
    for (const text of ["enp0s8", "enp0s3", "IGMP report", "IGMP leave", "IGMP query", "UDP to a group", "flatbush"]) assert.ok(html.includes(text), text);
    assert.equal((html.match(/<circle/g) ?? []).length, 5);
  });

  test("a packet without a time is refused with a hint", () => {
    assert.throws(() => captureFigure([dissect(LECTURE_FRAME)]), (e: unknown) => e instanceof ArgumentError && e.argument === "packets[0].time");
  });
});

test("frames shorter than 60 bytes are padded as a NIC pads them, unless asked not to", () => {
  assert.equal(udpFrame({ src: MIDWOOD, dst: G1, sport: 1, dport: 2, data: "" }).length, MIN_FRAME);
  assert.equal(udpFrame({ src: MIDWOOD, dst: G1, sport: 1, dport: 2, data: "", pad: false }).length, 42);
  assert.equal(ipv4Frame({ src: MIDWOOD, dst: EASTNY, proto: 253, payload: new Uint8Array(0) }).length, MIN_FRAME);
  assert.throws(() => igmpV3Report([{ type: "JOIN", group: G1 }]), /CHANGE_TO_EXCLUDE_MODE/);
});

test("a record's time and interface go with the packet", () => {
  const [r] = readPcap(writePcap([{ data: LECTURE_FRAME, time: 5 }])).records;
  const p = dissectRecord(r, "lo");
  assert.deepEqual([p.time, p.iface, p.originalLength], [5, "lo", 60]);
});

// Live captures in the lecture's lab: skipped where no lab can be built (no
// root and no unprivileged user namespaces).
const labPossible = spawnSync("unshare", process.getuid?.() === 0 ? ["--net", "--mount", "true"] : ["--user", "--map-current-user", "--net", "--mount", "true"], { timeout: 3000 }).status === 0;
const HAVE_TCPDUMP = spawnSync("tcpdump", ["--version"], { stdio: "ignore" }).status === 0;

describe("sniff() in the lab", { skip: labPossible && HAVE_TCPDUMP ? false : "needs tcpdump and a lab (root or unprivileged user namespaces)" }, () => {
  let lab: Lab;
  // This process's capture folders: other test files capture at the same time.
  const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`mcast-sniff-${process.pid}-`));
  let before0: string[] = [];
  before(async () => {
    before0 = leftovers();
    lab = await up();
  });
  after(async () => {
    await down();
  });
  const hello = () => lab.host("midwood").send({ group: G1, port: 50001, message: "Hello, World!", from: MIDWOOD });

  test("a sniffer on bushwick catches midwood's datagram as it is sent, stops at count, and keeps a pcap", async () => {
    const dir = mkdtempSync(join(tmpdir(), "capture-test-"));
    try {
      const file = join(dir, "bushwick.pcap");
      const capture = sniff(lab.host("bushwick"), { iface: "eth1", filter: "udp port 50001", count: 1, timeoutMs: 5000, file });
      await capture.ready;
      await hello();
      const started = Date.now();
      const result = await capture;
      assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms after the send`);
      assert.equal(result.timedOut, false);
      assert.equal(result.packets.length, 1);
      const [p] = result.packets;
      // The lab's virtual links neither pad frames to 60 bytes nor fill in UDP checksums (offload).
      assert.match(p.summary(), /^Ether \/ IP \/ UDP 192\.168\.56\.103:\d+ > 224\.1\.1\.5:50001 \/ Raw$/);
      assert.equal(p.iface, "eth1");
      assert.equal(p.layer("Ether")!.repr("dst"), groupToMac(G1));
      assert.equal(p.layer("IP")!.num("ttl"), 1);
      assert.deepEqual(readPackets(readFileSync(file)).map((x) => x.summary()), [p.summary()]);
      assert.deepEqual([...readFileSync(file)], [...result.pcap]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a capture on every interface sees flatbush's IGMP join and the datagram, each named by its interface", async () => {
    const capture = sniff(lab.host("flatbush"), { filter: "igmp or udp port 50001", timeoutMs: 1500 });
    await capture.ready;
    const receiving = lab.host("flatbush").receive({ group: G1, port: 50001, on: FLATBUSH, timeoutMs: 2000 });
    await receiving.joined;
    await hello();
    await receiving;
    const result = await capture;
    assert.equal(result.timedOut, true);
    const kinds = result.packets.map((p) => packetKind(p));
    assert.ok(kinds.includes("IGMP report"), kinds.join(", "));
    assert.ok(kinds.includes("UDP to a group"), kinds.join(", "));
    assert.deepEqual([...new Set(result.packets.map((p) => p.iface))], ["eth1"]);
    assert.deepEqual(memberships(result.packets).filter((m) => m.kind === "join").map((m) => [m.source, m.group]).slice(0, 1), [[FLATBUSH, G1]]);
    assert.ok(captureFigure(result.packets).outerHTML.includes("eth1"));
  });

  test("stop() ends a capture early with what it caught, and no tcpdump or folder is left behind", async () => {
    const capture = sniff(lab.host("bushwick"), { iface: "eth1", timeoutMs: 10_000 });
    await capture.ready;
    const started = Date.now();
    capture.stop();
    const result = await capture;
    assert.ok(Date.now() - started < 1000);
    assert.equal(result.timedOut, false);
    assert.equal((await lab.host("bushwick").run("pgrep -x tcpdump", { timeoutMs: 2000 }).exited).code, 1);
    assert.deepEqual(leftovers(), before0);
  });

  test("an aborted capture rejects with an AbortError", async () => {
    const controller = new AbortController();
    const capture = sniff(lab.host("bushwick"), { iface: "eth1", timeoutMs: 10_000, signal: controller.signal });
    await capture.ready;
    controller.abort();
    await assert.rejects(capture.result, { name: "AbortError" });
  });

  test("a wrong interface or filter says what tcpdump said, and what to do", async () => {
    await assert.rejects(sniff(lab.host("bushwick"), { iface: "eth9", timeoutMs: 2000 }).result, /bushwick.*eth9: No such device.*host\.addresses\(\)/s);
    const bad = sniff(lab.host("bushwick"), { filter: "udp prt 5", timeoutMs: 2000 });
    await assert.rejects(bad.ready, /syntax error/);
    await assert.rejects(bad.result, /a tcpdump filter reads like/);
    assert.throws(() => sniff(lab.host("bushwick"), { iface: "eth1; reboot" }), (e: unknown) => e instanceof ArgumentError && e.argument === "options.iface");
    assert.throws(() => sniff(lab.host("bushwick"), { count: 0 }), (e: unknown) => e instanceof ArgumentError && e.argument === "options.count");
  });
});
