// 100,000 datagrams of 64 bytes from midwood to flatbush (224.1.1.5, a 4 MiB
// receive buffer), sent as fast as each can, by our experiment engine (a
// sequence number and a send timestamp in every datagram, counted per
// datagram at the receiver) and by iperf2 (Debian's `iperf`, multicast mode),
// in the same lab in the same run, interleaved. Prints datagrams per second
// and loss for both, and the ratio. Run: node dist/bench/delivery.js [rounds]
//
// Both run only inside the lab's namespaces; nothing is sent on this
// machine's own network.
import { spawnSync } from "node:child_process";
import { up } from "../src/lab/up";
import { experiment } from "../src/experiment/realize";
import { median } from "./median";

const COUNT = 100_000;
const SIZE = 64;
const BUFFER = 4 * 1024 * 1024;
const GROUP = "224.1.1.5";
const ROUNDS = Number(process.argv[2] ?? 5);

interface Measure {
  perSecond: number;
  sent: number;
  received: number;
  lost: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  if (spawnSync("iperf", ["-v"]).error) {
    console.log("iperf (iperf2) is not installed: sudo apt-get install iperf");
    process.exit(1);
  }
  const lab = await up();
  try {
    const midwood = lab.host("midwood");
    const flatbush = lab.host("flatbush");

    const ours = async (): Promise<Measure> => {
      const r = await experiment(lab, {
        senders: [{ host: "midwood", group: GROUP, count: COUNT, size: SIZE }],
        receivers: [{ host: "flatbush", group: GROUP, receiveBuffer: BUFFER }],
        deadlineMs: 30_000,
      }, { progress: false });
      const row = r.rows[0];
      return { perSecond: r.senders[0].perSecond ?? 0, sent: row.sent, received: row.received, lost: row.lost };
    };

    const iperf = async (): Promise<Measure> => {
      // -n counts bytes: COUNT datagrams of SIZE. The server reports when the client's last datagram says the flow ended.
      const server = flatbush.run(`iperf -s -u -B ${GROUP}%eth1 -w ${BUFFER} -l ${SIZE}`, { timeoutMs: 30_000 });
      await flatbush.waitForGroup(GROUP, { interface: "eth1" });
      const client = await midwood.run(`iperf -c ${GROUP}%eth1 -u -T 1 -l ${SIZE} -b 1000M -B 192.168.56.103 -n ${COUNT * SIZE}`, { timeoutMs: 30_000 }).exited;
      for (let i = 0; i < 100 && !/Lost\/Total[\s\S]*\d+\/\d+ \(/.test(server.stdout); i++) await new Promise((r) => setTimeout(r, 20));
      server.kill("SIGINT");
      const s = await server.exited;
      const span = /(\d+\.\d+)-(\d+\.\d+) sec/.exec(client.stdout);
      const sent = /Sent (\d+) datagrams/.exec(client.stdout);
      const lines = s.stdout.split("\n").filter((l) => /\d+\/\d+ \(/.test(l));
      const lost = /(\d+)\/(\d+) \(/.exec(lines[lines.length - 1] ?? "");
      if (!span || !sent || !lost) throw new Error(`cannot read iperf's reports:\n${client.stdout}\n${client.stderr}\n${s.stdout}\n${s.stderr}`);
      const seconds = Number(span[2]) - Number(span[1]);
      // iperf counts its own final "the flow ended" datagrams in Sent; the payload is COUNT.
      const total = Number(lost[2]);
      return { perSecond: COUNT / seconds, sent: Number(sent[1]), received: total - Number(lost[1]), lost: Number(lost[1]) };
    };

    console.log(`${fmt(COUNT)} datagrams of ${SIZE} bytes, midwood -> flatbush (${GROUP}), ${fmt(BUFFER)}-byte receive buffer, ${ROUNDS} rounds`);
    await ours(); // warm-up: files in the page cache
    const a: Measure[] = [];
    const b: Measure[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      a.push(await ours());
      b.push(await iperf());
      console.log(`  round ${i + 1}: ours ${fmt(a[i].perSecond)}/s (lost ${a[i].lost}), iperf2 ${fmt(b[i].perSecond)}/s (lost ${b[i].lost}): ${(a[i].perSecond / b[i].perSecond).toFixed(2)}x`);
    }
    const ma = median(a.map((m) => m.perSecond));
    const mb = median(b.map((m) => m.perSecond));
    const lostA = a.reduce((s, m) => s + m.lost, 0);
    const lostB = b.reduce((s, m) => s + m.lost, 0);
    const version = spawnSync("iperf", ["-v"], { encoding: "utf8" }).stderr.trim().split(" (")[0].replace("iperf version ", "");
    console.log(`ours (sequence numbers + send timestamps, counted per datagram): ${fmt(ma)} datagrams/s median, best ${fmt(Math.max(...a.map((m) => m.perSecond)))}, ${lostA} lost in ${ROUNDS} runs`);
    console.log(`iperf2 ${version}: ${fmt(mb)} datagrams/s median, best ${fmt(Math.max(...b.map((m) => m.perSecond)))}, ${lostB} lost in ${ROUNDS} runs`);
    // The machine's other load moves both; the round-by-round ratio (same minute, same load) moves less.
    const ratios = a.map((m, i) => m.perSecond / b[i].perSecond);
    console.log(`ratio: ${(ma / mb).toFixed(2)}x iperf2's rate (medians); per round ${ratios.map((r) => r.toFixed(2)).join(" ")}, median ${median(ratios).toFixed(2)}x; best against best ${(Math.max(...a.map((m) => m.perSecond)) / Math.max(...b.map((m) => m.perSecond))).toFixed(2)}x`);
  } finally {
    await lab.down();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
