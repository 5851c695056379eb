// The dissector against two others on the same pcap: scapy (Debian's
// python3-scapy, with its igmp and igmpv3 contrib layers loaded), whose words
// are the spec for summary() and show(), and tshark, the referee for field
// values and checksum verdicts. Every frame is built by our own builder and
// written by our own writer, so both also get checked here.
//
// What is compared:
// - summary(): equal to scapy's for every well-formed frame and for frames
//   with a bad checksum (ours then adds a "[IP: bad checksum ...]" mark,
//   which is cut off before comparing; scapy never checks checksums).
//   Truncated frames are not compared with scapy: scapy fills missing fields
//   with defaults (and fails outright on a 10-byte frame), so there our
//   "truncated" mark is compared with tshark's instead.
// - show(): equal to scapy's for every well-formed frame, after one
//   renaming: group record types print as RFC 3376 names
//   (CHANGE_TO_EXCLUDE_MODE), where scapy prints "Change To Exclude Mode".
// - hexdump(): equal to scapy's for every frame.
// - Field values and checksum verdicts: equal to tshark's (-T fields) for
//   every field both decode, truncated frames included.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  igmpFrame, igmpMessage, igmpV3Query, igmpV3Report, ipv4Frame, ROUTER_ALERT, udpFrame,
} from "../src/capture/build";
import { dissectRecord, Packet } from "../src/capture/dissect";
import { LECTURE_FRAME } from "../src/capture/lecture";
import { LINKTYPE, readPcap, writePcap } from "../src/capture/pcap";

const PYTHON = "/usr/bin/python3";
const SCAPY_SCRIPT = join(__dirname, "..", "..", "bench", "scapy_decode.py");

const have = (command: string, args: string[]) => spawnSync(command, args, { stdio: "ignore" }).status === 0;
const HAVE_SCAPY = have(PYTHON, ["-c", "import scapy"]);
const HAVE_TSHARK = have("tshark", ["--version"]);

interface Case {
  name: string;
  frame: Uint8Array;
  /** Bytes on the wire when the capture kept fewer (a snapshot length). */
  wire?: number;
  /** Compare summary() and show() with scapy (false for truncated frames). */
  scapy: boolean;
}

const MIDWOOD = "192.168.56.103";
const EASTNY = "192.168.56.101";
const ROUTER = "192.168.56.1";
const G1 = "224.1.1.5";
const G2 = "234.3.2.1";

function flip(frame: Uint8Array, at: number): Uint8Array {
  const copy = frame.slice();
  copy[at] ^= 0x01;
  return copy;
}

const lectureUdp = { src: MIDWOOD, dst: G1, sport: 52582, dport: 50001, id: 3527, srcMac: "08:00:27:a1:33:b4" };
const v3Report = igmpFrame({
  src: EASTNY, dst: "224.0.0.22", tos: 0xc0,
  message: igmpV3Report([
    { type: "CHANGE_TO_EXCLUDE_MODE", group: G1 },
    { type: "MODE_IS_INCLUDE", group: G2, sources: [EASTNY, MIDWOOD] },
    { type: "ALLOW_NEW_SOURCES", group: "232.1.1.1", sources: ["10.0.0.1"] },
    { type: "BLOCK_OLD_SOURCES", group: "232.1.1.1", sources: ["10.0.0.2", "10.0.0.3", "10.0.0.4"] },
  ]),
});
// Options: a no-op, an option scapy knows only generically (30, experiment), Router Alert, end of list.
const OPTIONS = Uint8Array.of(0x01, 0x1e, 0x04, 0x61, 0x62, ...ROUTER_ALERT, 0x00, 0x00, 0x00);

const CASES: Case[] = [
  { name: "the lecture's frame (UDP to a group, padded to 60)", frame: LECTURE_FRAME, scapy: true },
  { name: "UDP to a group, long enough to need no padding", frame: udpFrame({ ...lectureUdp, data: "Hello, World! Hello, World! Hello, World!" }), scapy: true },
  { name: "UDP to a group without data, unpadded", frame: udpFrame({ ...lectureUdp, data: "", pad: false }), scapy: true },
  { name: "UDP to a group without data, padded", frame: udpFrame({ ...lectureUdp, data: "" }), scapy: true },
  { name: "UDP with checksum 0 (none)", frame: udpFrame({ ...lectureUdp, data: "Hello, World!", noChecksum: true }), scapy: true },
  { name: "UDP whose data is not all text", frame: udpFrame({ ...lectureUdp, data: Uint8Array.of(0, 9, 10, 13, 0x27, 0x22, 0x5c, 0x7f, 0x80, 0xff, 0xc3, 0xa9, 0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98, 0x80, 0xc2, 0xa0) }), scapy: true },
  { name: "UDP to a unicast address, TTL 64", frame: udpFrame({ src: MIDWOOD, dst: EASTNY, sport: 40000, dport: 50001, data: "unicast" }), scapy: true },
  { name: "UDP with IP options (NOP, experiment, Router Alert, EOL)", frame: udpFrame({ ...lectureUdp, options: OPTIONS, data: "Hello, World!" }), scapy: true },
  { name: "IGMPv1 report", frame: igmpFrame({ src: EASTNY, dst: G1, options: new Uint8Array(0), message: igmpMessage(0x12, G1) }), scapy: true },
  { name: "IGMPv2 report (join)", frame: igmpFrame({ src: EASTNY, dst: G1, message: igmpMessage(0x16, G1) }), scapy: true },
  { name: "IGMPv2 leave", frame: igmpFrame({ src: EASTNY, dst: "224.0.0.2", message: igmpMessage(0x17, G1) }), scapy: true },
  { name: "IGMPv1 query (max response 0)", frame: igmpFrame({ src: ROUTER, dst: "224.0.0.1", options: new Uint8Array(0), message: igmpMessage(0x11, "0.0.0.0", 0) }), scapy: true },
  { name: "IGMPv2 general query", frame: igmpFrame({ src: ROUTER, dst: "224.0.0.1", message: igmpMessage(0x11, "0.0.0.0", 100) }), scapy: true },
  { name: "IGMPv2 group-specific query", frame: igmpFrame({ src: ROUTER, dst: G1, message: igmpMessage(0x11, G1, 10) }), scapy: true },
  { name: "IGMPv3 general query", frame: igmpFrame({ src: ROUTER, dst: "224.0.0.1", tos: 0xc0, message: igmpV3Query() }), scapy: true },
  { name: "IGMPv3 group-and-source query", frame: igmpFrame({ src: ROUTER, dst: G1, tos: 0xc0, message: igmpV3Query({ group: G1, maxResponse: 200, suppress: true, qrv: 3, qqic: 60, sources: [MIDWOOD, "10.9.8.7"] }) }), scapy: true },
  { name: "IGMPv3 report with four records and sources", frame: v3Report, scapy: true },
  { name: "IGMPv3 leave (CHANGE_TO_INCLUDE_MODE, no sources)", frame: igmpFrame({ src: EASTNY, dst: "224.0.0.22", tos: 0xc0, message: igmpV3Report([{ type: "CHANGE_TO_INCLUDE_MODE", group: G1 }]) }), scapy: true },
  { name: "an EtherType not decoded (0x88b5)", frame: Uint8Array.of(...LECTURE_FRAME.subarray(0, 12), 0x88, 0xb5, ...new Uint8Array(46).fill(0x61)), scapy: true },
  { name: "an IP protocol not decoded (253)", frame: ipv4Frame({ src: MIDWOOD, dst: G1, proto: 253, payload: Uint8Array.of(1, 2, 3, 4) }), scapy: true },
  { name: "a later fragment of a UDP datagram", frame: ipv4Frame({ src: MIDWOOD, dst: G1, proto: 17, flags: 0, frag: 185, payload: new Uint8Array(24).fill(0x41) }), scapy: true },
  { name: "bad IP checksum", frame: flip(LECTURE_FRAME, 25), scapy: true },
  { name: "bad UDP checksum", frame: flip(LECTURE_FRAME, 41), scapy: true },
  { name: "bad IGMP checksum", frame: flip(igmpFrame({ src: EASTNY, dst: G1, message: igmpMessage(0x16, G1) }), 41), scapy: true },
  { name: "the lecture's frame cut in its data (50 of 60 bytes)", frame: LECTURE_FRAME.slice(0, 50), wire: 60, scapy: false },
  { name: "the lecture's frame cut in the UDP header (40 bytes)", frame: LECTURE_FRAME.slice(0, 40), wire: 60, scapy: false },
  { name: "the lecture's frame cut in the IP header (30 bytes)", frame: LECTURE_FRAME.slice(0, 30), wire: 60, scapy: false },
  { name: "an IGMPv3 report cut in its second record", frame: v3Report.slice(0, 60), wire: v3Report.length, scapy: false },
];
let dir = "";
let file = "";
let packets: Packet[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), "capture-oracle-"));
  file = join(dir, "cases.pcap");
  writeFileSync(file, writePcap(CASES.map((c, i) => ({ data: c.frame, time: 1_700_000_000 + i / 1000, originalLength: c.wire }))));
  packets = readPcap(readFileSync(file)).records.map((r) => dissectRecord(r));
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Scapy {
  summary: string;
  show: string;
  hexdump: string;
}

function scapy(path: string): Scapy[] {
  const run = spawnSync(PYTHON, [SCAPY_SCRIPT, "json", path], { encoding: "utf8", timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split("\n").map((line) => JSON.parse(line) as Scapy);
}

const RECORD_NAMES: Record<string, string> = {
  "Mode Is Include": "MODE_IS_INCLUDE", "Mode Is Exclude": "MODE_IS_EXCLUDE", "Change To Include Mode": "CHANGE_TO_INCLUDE_MODE",
  "Change To Exclude Mode": "CHANGE_TO_EXCLUDE_MODE", "Allow New Sources": "ALLOW_NEW_SOURCES", "Block Old Sources": "BLOCK_OLD_SOURCES",
};
const renameRecords = (show: string) => show.replace(/(rtype {5}= )(.*)/g, (_, head: string, name: string) => head + (RECORD_NAMES[name] ?? name));
const withoutMarks = (summary: string) => summary.replace(/( \[[^\]]*\])+$/, "");

describe("against scapy", { skip: HAVE_SCAPY ? false : "Debian's python3-scapy (/usr/bin/python3) is not installed" }, () => {
  let theirs: Scapy[] = [];
  before(() => {
    theirs = scapy(file);
    assert.equal(theirs.length, CASES.length);
  });

  test("summary() reads as scapy's line for every well-formed frame and every frame with a bad checksum", () => {
    CASES.forEach((c, i) => {
      if (!c.scapy) return;
      assert.equal(withoutMarks(packets[i].summary()), theirs[i].summary, c.name);
    });
  });

  test("a bad checksum is the only thing our summary adds to scapy's", () => {
    CASES.forEach((c, i) => {
      if (!c.scapy) return;
      const marks = packets[i].summary().slice(theirs[i].summary.length);
      if (c.name.startsWith("bad ")) assert.match(marks, /^ \[(IP|UDP|IGMP): bad checksum 0x[0-9a-f]{4}, expected 0x[0-9a-f]{4}\]$/, c.name);
      else assert.equal(marks, "", c.name);
    });
  });

  test("show() lists the same layers, fields and values as scapy's show()", () => {
    CASES.forEach((c, i) => {
      if (!c.scapy || c.name.startsWith("bad ")) return;
      assert.equal(packets[i].show(), renameRecords(theirs[i].show), c.name);
    });
  });

  test("hexdump() is scapy's hexdump, character for character, truncated frames included", () => {
    CASES.forEach((c, i) => assert.equal(packets[i].hexdump(), theirs[i].hexdump, c.name));
  });
});

// tshark's fields, and how to read the same thing from our layers.
type Ours = (p: Packet) => Array<string | number> | undefined;
const layerNum = (layer: string, field: string): Ours => (p) => {
  const l = p.layer(layer);
  const v = l?.num(field);
  return v === undefined || Number.isNaN(v) ? undefined : [v];
};
const layerText = (layer: string, field: string): Ours => (p) => {
  const l = p.layer(layer);
  return l && l.get(field) !== undefined ? [l.repr(field)] : undefined;
};
// tshark's checksum status numbers.
const VERDICT: Record<string, number> = { bad: 0, good: 1, unverified: 2, none: 3 };
const verdict = (layer: string): Ours => (p) => {
  const l = p.layer(layer);
  return l?.check ? [VERDICT[l.check.status]] : undefined;
};
const igmp = (p: Packet) => p.layer("IGMP") ?? p.layer("IGMPv3");
const records = (p: Packet) => p.layer("IGMPv3mr")?.list("records").filter((r) => !r.truncated) ?? [];
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

const TSHARK_FIELDS: Record<string, Ours> = {
  "eth.dst": layerText("Ether", "dst"),
  "eth.src": layerText("Ether", "src"),
  "eth.type": layerNum("Ether", "type"),
  "ip.version": layerNum("IP", "version"),
  "ip.hdr_len": (p) => layerNum("IP", "ihl")(p)?.map((v) => Number(v) * 4),
  "ip.dsfield": layerNum("IP", "tos"),
  "ip.len": layerNum("IP", "len"),
  "ip.id": layerNum("IP", "id"),
  "ip.flags": layerNum("IP", "flags"),
  "ip.frag_offset": layerNum("IP", "frag"),
  "ip.ttl": layerNum("IP", "ttl"),
  "ip.proto": layerNum("IP", "proto"),
  "ip.checksum": layerNum("IP", "chksum"),
  "ip.checksum.status": verdict("IP"),
  "ip.src": layerText("IP", "src"),
  "ip.dst": layerText("IP", "dst"),
  // tshark stops at the first End of Options List (what follows is padding, RFC 791; scapy reads
  // each zero as another EOL) and gives no type field to an option it does not know (30).
  "ip.opt.type": (p) => {
    const types = (p.layer("IP")?.list("options") ?? []).map((o) => o.data[o.start]);
    const listed = types.slice(0, types.includes(0) ? types.indexOf(0) + 1 : types.length).filter((t) => t !== 0x1e);
    return listed.length ? listed : undefined;
  },
  "udp.srcport": layerNum("UDP", "sport"),
  "udp.dstport": layerNum("UDP", "dport"),
  "udp.length": layerNum("UDP", "len"),
  "udp.checksum": layerNum("UDP", "chksum"),
  "udp.checksum.status": verdict("UDP"),
  "igmp.type": (p) => igmp(p) && [igmp(p)!.num("type")],
  "igmp.checksum": (p) => igmp(p) && [igmp(p)!.num("chksum")],
  "igmp.checksum.status": (p) => igmp(p) && verdict(igmp(p)!.name)(p),
  "igmp.maddr": (p) => {
    if (p.has("IGMP")) return [p.layer("IGMP")!.repr("gaddr")];
    if (p.has("IGMPv3mq")) return [p.layer("IGMPv3mq")!.repr("gaddr")];
    const rs = records(p);
    return rs.length ? rs.map((r) => r.repr("maddr")) : undefined;
  },
  "igmp.record_type": (p) => (records(p).length ? records(p).map((r) => r.num("rtype")) : undefined),
  "igmp.num_src": (p) => (p.has("IGMPv3mq") ? [p.layer("IGMPv3mq")!.num("numsrc")] : records(p).length ? records(p).map((r) => r.num("numsrc")) : undefined),
  "igmp.saddr": (p) => {
    const lists = p.has("IGMPv3mq") ? [p.layer("IGMPv3mq")!] : records(p);
    const all = lists.flatMap((l) => l.repr("srcaddrs").slice(1, -1).split(", ").filter((s) => s !== ""));
    return all.length ? all : undefined;
  },
  "igmp.s": layerNum("IGMPv3mq", "s"),
  "igmp.qrv": layerNum("IGMPv3mq", "qrv"),
  "igmp.qqic": layerNum("IGMPv3mq", "qqic"),
  "data.data": (p) => {
    const raw = p.layer("Raw");
    return raw ? [hex(raw.bytes("load"))] : undefined;
  },
  "eth.padding+eth.trailer": (p) => (p.has("Padding") && p.has("Ether") ? [hex(p.layer("Padding")!.bytes("load"))] : undefined),
};

function tshark(path: string, fields: string[]): Array<Record<string, string>> {
  const args = ["-r", path, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"];
  for (const f of fields) args.push("-e", f);
  const run = spawnSync("tshark", args, { encoding: "utf8", timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split("\n").filter((l) => l !== "").map((line) => {
    const values = line.split("\t");
    return Object.fromEntries(fields.map((f, i) => [f, values[i] ?? ""]));
  });
}

/** tshark prints numbers in decimal or hex ("0x0800"); compare as numbers where both sides are. */
function same(ours: string | number, theirs: string): boolean {
  if (typeof ours === "number") return Number(theirs) === ours;
  return ours.toLowerCase() === theirs.toLowerCase();
}

describe("against tshark", { skip: HAVE_TSHARK ? false : "tshark is not installed" }, () => {
  let rows: Array<Record<string, string>> = [];
  const plain = Object.keys(TSHARK_FIELDS).filter((f) => !f.includes("+"));
  before(() => {
    rows = tshark(file, [...plain, "eth.padding", "eth.trailer", "igmp.version", "_ws.short", "_ws.malformed"]);
    assert.equal(rows.length, CASES.length);
  });

  test("every field both decode has the same value, truncated frames included", () => {
    CASES.forEach((c, i) => {
      const row: Record<string, string> = { ...rows[i], "eth.padding+eth.trailer": rows[i]["eth.padding"] + rows[i]["eth.trailer"] };
      for (const [field, read] of Object.entries(TSHARK_FIELDS)) {
        const ours = read(packets[i]);
        const theirs = row[field] === "" ? [] : row[field].split(",");
        if (!ours) {
          // Where we decode nothing, tshark may still show a field of a header we mark truncated.
          if (packets[i].ok) assert.deepEqual(theirs, [], `${c.name}: tshark has ${field} = ${row[field]}, we have none`);
          continue;
        }
        if (theirs.length === 0 && !packets[i].ok) continue;
        assert.equal(ours.length, theirs.length, `${c.name}: ${field}: ours ${ours.join(",")}, tshark ${row[field]}`);
        ours.forEach((v, k) => assert.ok(same(v, theirs[k]), `${c.name}: ${field}: ours ${ours.join(",")}, tshark ${row[field]}`));
      }
    });
  });

  test("checksum verdicts agree: good, bad, or not checkable because bytes are missing", () => {
    CASES.forEach((c, i) => {
      for (const [layer, field] of [["IP", "ip.checksum.status"], ["UDP", "udp.checksum.status"]] as const) {
        const ours = verdict(layer)(packets[i]);
        if (ours && rows[i][field] !== "") assert.equal(String(ours[0]), rows[i][field], `${c.name}: ${field}`);
      }
      const m = igmp(packets[i]);
      if (m && rows[i]["igmp.checksum.status"] !== "") assert.equal(String(VERDICT[m.check!.status]), rows[i]["igmp.checksum.status"], `${c.name}: igmp`);
    });
    const bad = CASES.map((c, i) => [c.name, rows[i]["ip.checksum.status"] + rows[i]["udp.checksum.status"] + rows[i]["igmp.checksum.status"]]);
    assert.ok(bad.filter(([, s]) => s.includes("0")).length === 3, `tshark finds exactly the three bad checksums: ${JSON.stringify(bad)}`);
  });

  test("a frame is marked truncated exactly when tshark says the capture cut it short", () => {
    CASES.forEach((c, i) => {
      const ours = packets[i].problems.some((p) => p.includes("truncated"));
      const theirs = rows[i]["_ws.short"] !== "" || [rows[i]["ip.checksum.status"], rows[i]["udp.checksum.status"], rows[i]["igmp.checksum.status"]].includes("2");
      assert.equal(ours, theirs, `${c.name}: ours ${packets[i].problems.join("; ")}, tshark ${rows[i]["_ws.short"]}`);
      assert.equal(rows[i]["_ws.malformed"], "", `${c.name}: tshark finds it malformed`);
    });
  });

  test("the IGMP version tshark reads agrees with the header we chose (v1 query has max response 0)", () => {
    CASES.forEach((c, i) => {
      const m = igmp(packets[i]);
      if (!m) return;
      const type = m.num("type");
      const expected = m.name === "IGMPv3" ? 3 : type === 0x12 || (type === 0x11 && m.num("mrcode") === 0) ? 1 : 2;
      assert.equal(rows[i]["igmp.version"], String(expected), c.name);
    });
  });
});

describe("Linux cooked captures (tcpdump -i any)", { skip: HAVE_TSHARK ? false : "tshark is not installed" }, () => {
  test("an SLL2 capture reads past the 20-byte cooked header to the same UDP datagram tshark sees", () => {
    const ip = LECTURE_FRAME.subarray(14, 14 + 41);
    const sll2 = Uint8Array.of(0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 2, 6, 8, 0, 0x27, 0xa1, 0x33, 0xb4, 0, 0, ...ip);
    const sll = Uint8Array.of(0, 2, 0, 1, 0, 6, 8, 0, 0x27, 0xa1, 0x33, 0xb4, 0, 0, 0x08, 0x00, ...ip);
    for (const [linktype, frame] of [[LINKTYPE.LINUX_SLL2, sll2], [LINKTYPE.LINUX_SLL, sll]] as const) {
      const path = join(dir, `sll-${linktype}.pcap`);
      writeFileSync(path, writePcap([{ data: frame, time: 1 }], { linktype }));
      const p = dissectRecord(readPcap(readFileSync(path)).records[0]);
      const name = linktype === LINKTYPE.LINUX_SLL2 ? "CookedLinuxV2" : "CookedLinux";
      assert.equal(p.summary(), `${name} / IP / UDP 192.168.56.103:52582 > 224.1.1.5:50001 / Raw`);
      const [row] = tshark(path, ["ip.src", "udp.dstport", "udp.checksum.status", "data.data", linktype === LINKTYPE.LINUX_SLL2 ? "sll.ifindex" : "sll.pkttype"]);
      assert.equal(row["ip.src"], MIDWOOD);
      assert.equal(row["udp.dstport"], "50001");
      assert.equal(row["udp.checksum.status"], "1");
      assert.equal(row["data.data"], hex(p.layer("Raw")!.bytes("load")));
      if (linktype === LINKTYPE.LINUX_SLL2) assert.equal(row["sll.ifindex"], String(p.layers[0].num("ifindex")));
      else assert.equal(row["sll.pkttype"], String(p.layers[0].num("pkttype")));
    }
  });
});
