// Loss and a rate limit on the wire (this kernel has no netem: nftables'
// numgen and a tbf qdisc on the switch's end of a host's link): checked at the
// door, planned as commands, and live in a delivery experiment, where what
// the link dropped is counted and the receiver simply never sees it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { experiment } from "../src/experiment/realize";
import { describeRows } from "../src/experiment/description";
import { checkImpair, impairCommands } from "../src/lab/impair";
import { lectureTopology } from "../src/lab/topology";
import { up } from "../src/lab/up";
import { ArgumentError } from "../src/util/errors";
import { findProgram } from "../src/util/programs";

const CI = process.env.CI === "true";
const skip = !findProgram("nft") && !CI ? "needs nftables (sudo apt-get install nftables)" : false;

describe("an impaired link, as data", () => {
  test("loss is a per-mille numgen rule on the bridge port's egress; a rate limit a tbf qdisc there", () => {
    const [loss, rate] = impairCommands(checkImpair("x", { host: "flatbush", lossPercent: 12.5, rateKbit: 400 }));
    assert.match(loss, /hook egress device "flatbush-eth1"/);
    assert.match(loss, /meta l4proto udp numgen random mod 1000 < 125 counter drop/);
    assert.equal(rate, "tc qdisc replace dev flatbush-eth1 root tbf rate 400kbit burst 4kb latency 50ms");
  });

  const bad: Array<[unknown, RegExp]> = [
    [{ host: "flatbush" }, /lossPercent, rateKbit or both/],
    [{ host: "flatbush", lossPercent: 0 }, /x\.lossPercent must be a percentage more than 0 and at most 100, in steps of 0\.1/],
    [{ host: "flatbush", lossPercent: 12.55 }, /in steps of 0\.1/],
    [{ host: "flatbush", rateKbit: 1.5 }, /x\.rateKbit must be a whole number of kbit\/s/],
    [{ host: "flatbush", loss: 5 }, /x\.loss must be one of host, iface, lossPercent, rateKbit/],
    [{ lossPercent: 5 }, /x\.host must be a host's name/],
  ];
  test("an experiment's description shows its impaired links beside its senders and receivers", () => {
    const rows = describeRows({ senders: [{ host: "midwood", group: "224.1.1.5", count: 10, rate: 10 }], receivers: [{ host: "flatbush", group: "224.1.1.5" }], impair: [{ host: "flatbush", lossPercent: 20, rateKbit: 1000 }] });
    assert.deepEqual(rows.at(-1), { role: "impairs", name: "the link to flatbush", host: "flatbush", group: "every group", on: "eth1", what: "20% lost, at most 1,000 kbit/s" });
  });

  for (const [value, message] of bad) {
    test(`refuses ${JSON.stringify(value)}, naming the field`, () => {
      assert.throws(() => checkImpair("x", value), (e: unknown) => e instanceof ArgumentError && message.test(e.message));
    });
  }
});

describe("an impaired link, live", { skip }, () => {
  test("20% loss to flatbush: flatbush gets about 80%, eastny all, and what it lost is what the link dropped", { timeout: 60_000 }, async () => {
    const lab = await up(lectureTopology);
    try {
      await assert.rejects(lab.impair({ host: "queens", lossPercent: 5 }), /spec\.host must be one of the lab's hosts/);
      await assert.rejects(lab.impair({ host: "flatbush", iface: "eth7", lossPercent: 5 }), /spec\.iface must be one of flatbush's interfaces: eth0, eth1/);
      const r = await experiment(lab, {
        senders: [{ host: "midwood", group: "224.1.1.5", count: 4000, rate: 4000 }],
        receivers: [{ host: "flatbush", group: "224.1.1.5" }, { host: "eastny", group: "224.1.1.5" }],
        impair: [{ host: "flatbush", lossPercent: 20 }],
      }, { progress: false });
      const got = Object.fromEntries(r.rows.map((x) => [x.receiver, x]));
      assert.equal(got.eastny.received, 4000, "the other hosts' links are untouched");
      assert.ok(got.flatbush.received > 4000 * 0.74 && got.flatbush.received < 4000 * 0.86, `flatbush got ${got.flatbush.received} of 4000`);
      assert.equal(r.impairments.length, 1);
      assert.equal(got.flatbush.lost, r.impairments[0].lostOnTheWire, "every datagram flatbush lost, the link dropped");
      assert.equal(got.flatbush.rcvbufErrors, 0, "none of it at the receive buffer");
      // Taken off after the run: the next one loses nothing.
      const again = await experiment(lab, { senders: [{ host: "midwood", group: "224.1.1.5", count: 1000, rate: 4000 }], receivers: [{ host: "flatbush", group: "224.1.1.5" }] }, { progress: false });
      assert.equal(again.rows[0].received, 1000);
    } finally {
      await lab.down();
    }
  });

  test("a 200 kbit/s link to flatbush: a 4,000-a-second stream arrives at about the link's rate", { timeout: 60_000 }, async () => {
    const lab = await up(lectureTopology);
    try {
      const r = await experiment(lab, {
        senders: [{ host: "midwood", group: "224.1.1.5", count: 4000, rate: 4000 }],
        receivers: [{ host: "flatbush", group: "224.1.1.5" }],
        impair: [{ host: "flatbush", rateKbit: 200 }],
      }, { progress: false });
      const row = r.rows[0];
      // 64-byte payloads are 106-byte frames: 200 kbit/s carries about 236 a second, for a run of about 1 s plus the burst.
      assert.ok(row.received > 100 && row.received < 800, `flatbush got ${row.received} of 4000`);
      assert.equal(row.lost, r.impairments[0].overRateLimit, "what it lost is what the rate limit dropped");
    } finally {
      await lab.down();
    }
  });
});
