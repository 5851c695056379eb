// Read a 100,000-packet capture (lecture-like UDP to groups, and IGMP joins,
// leaves and queries of all versions) three ways in the same run: our reader
// (read the file, dissect every packet, verify its checksums, print its
// summary line into a string), scapy (rdpcap + summary() of every packet,
// Debian's python3-scapy with the IGMP contrib layers) and tcpdump's own
// printing (`tcpdump -r FILE -nn -e` to /dev/null). Prints times and ratios.
// Run: node dist/bench/capture.js
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { igmpFrame, igmpMessage, igmpV3Query, igmpV3Report, udpFrame } from "../src/capture/build";
import { dissectRecord } from "../src/capture/dissect";
import { readPcap, writePcap } from "../src/capture/pcap";

const COUNT = 100_000;
const REPEATS = 5;
const PYTHON = "/usr/bin/python3";
const SCAPY_SCRIPT = join(__dirname, "..", "..", "bench", "scapy_decode.py");

const HOSTS = ["192.168.56.101", "192.168.56.103", "192.168.56.104", "192.168.56.105"];
const GROUPS = ["224.1.1.5", "234.3.2.1", "239.1.2.3"];

/** 4 in 5 packets are datagrams like the lecture's; the rest IGMP, every kind. */
function frames(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < COUNT; i++) {
    const host = HOSTS[i % HOSTS.length];
    const group = GROUPS[i % GROUPS.length];
    const k = i % 10;
    if (k < 8) {
      out.push(udpFrame({ src: host, dst: group, sport: 40000 + (i % 20000), dport: 50001, id: i & 0xffff, data: i % 3 ? `Hello, World! ${i}` : "Hello, World!" }));
    } else if (i % 50 === 8) {
      out.push(igmpFrame({ src: "192.168.56.1", dst: "224.0.0.1", message: igmpMessage(0x11, "0.0.0.0", 100) }));
    } else if (i % 50 === 9) {
      out.push(igmpFrame({ src: "192.168.56.1", dst: "224.0.0.1", tos: 0xc0, message: igmpV3Query() }));
    } else if (k === 8) {
      out.push(igmpFrame({ src: host, dst: group, message: igmpMessage(i % 20 === 8 ? 0x16 : 0x12, group) }));
    } else if (i % 20 === 9) {
      out.push(igmpFrame({ src: host, dst: "224.0.0.2", message: igmpMessage(0x17, group) }));
    } else {
      out.push(igmpFrame({ src: host, dst: "224.0.0.22", tos: 0xc0, message: igmpV3Report([{ type: 4, group }, { type: 1, group: "232.1.1.1", sources: [HOSTS[0], HOSTS[1]] }]) }));
    }
  }
  return out;
}

/** Our side: the file's bytes to summary lines; returns the total length of the lines (so nothing is optimized away). */
function ours(path: string): { chars: number; packets: number } {
  const { records } = readPcap(readFileSync(path));
  let chars = 0;
  for (let i = 0; i < records.length; i++) chars += dissectRecord(records[i]).summary().length;
  return { chars, packets: records.length };
}

function timed<T>(run: () => T): { ms: number; result: T } {
  const start = process.hrtime.bigint();
  const result = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), "capture-bench-"));
  try {
    const path = join(dir, "mix.pcap");
    const list = frames();
    writeFileSync(path, writePcap(list.map((data, i) => ({ data, time: 1_700_000_000 + i * 1e-4 }))));
    const size = readFileSync(path).length;
    console.log(`capture: ${COUNT} packets, ${(size / 1e6).toFixed(1)} MB (${list.filter((f) => f[23] === 17).length} UDP, ${list.filter((f) => f[23] === 2).length} IGMP)`);

    ours(path); // warm up
    const ourRuns = Array.from({ length: REPEATS }, () => timed(() => ours(path)));
    const ourMs = median(ourRuns.map((r) => r.ms));
    const mine = ourRuns[0].result;

    const tcpdumpMs = median(Array.from({ length: REPEATS }, () => timed(() => {
      const run = spawnSync("tcpdump", ["-r", path, "-nn", "-e"], { stdio: ["ignore", "ignore", "pipe"] });
      if (run.status !== 0) throw new Error(`tcpdump failed: ${run.stderr}`);
    }).ms));

    const scapyWall = timed(() => spawnSync(PYTHON, [SCAPY_SCRIPT, "bench", path], { encoding: "utf8", maxBuffer: 1 << 20 }));
    const scapyRun = scapyWall.result;
    if (scapyRun.status !== 0) throw new Error(`scapy failed: ${scapyRun.stderr}`);
    const scapy = JSON.parse(scapyRun.stdout.trim().split("\n").pop()!) as { packets: number; seconds: number; chars: number };
    const scapyMs = scapy.seconds * 1000;

    const rate = (ms: number) => `${Math.round(COUNT / (ms / 1000)).toLocaleString("en-US")} packets/s`;
    console.log(`ours     read + dissect + summary: ${ourMs.toFixed(1)} ms (median of ${REPEATS}), ${rate(ourMs)}`);
    console.log(`tcpdump  -r -nn -e > /dev/null:    ${tcpdumpMs.toFixed(1)} ms (median of ${REPEATS}, whole process), ${rate(tcpdumpMs)}`);
    console.log(`scapy    rdpcap + summary():       ${scapyMs.toFixed(1)} ms (inside Python; ${scapyWall.ms.toFixed(0)} ms with start-up), ${rate(scapyMs)}`);
    console.log(`ours vs scapy:   ${(scapyMs / ourMs).toFixed(1)}x faster (goal: at least 100x)`);
    console.log(`ours vs tcpdump: ${(tcpdumpMs / ourMs).toFixed(2)}x ${tcpdumpMs >= ourMs ? "faster" : "slower"} (goal: no slower)`);
    console.log(`same summary lines as scapy (total characters): ${mine.chars === scapy.chars && mine.packets === scapy.packets ? "yes" : `NO: ours ${mine.chars} in ${mine.packets}, scapy ${scapy.chars} in ${scapy.packets}`}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
