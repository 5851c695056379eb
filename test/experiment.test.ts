// Delivery experiments: the counting rules on made-up sequences (received,
// lost, duplicates, out of order), the description's door, and real runs in
// the lab: the lecture's scenario, a forced overflow whose losses are exactly
// the kernel's RcvbufErrors, TTL 0, and receivers that never start.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { ArgumentError } from "../src/util/errors";
import { render } from "../src/util/display";
import { down, up } from "../src/lab/up";
import { Lab } from "../src/lab/lab";
import { latencySummary, Tally } from "../src/experiment/accounting";
import { HEADER_BYTES, readHeader, stampHeader, writeHeader } from "../src/experiment/datagram";
import { checkExperiment, Experiment } from "../src/experiment/description";
import { latencyFigure, lossFigure, matrixFigure, timelineFigure } from "../src/experiment/figures";
import { predictDelivery } from "../src/homework/exercises/delivery";
import { DeliveryResult } from "../src/experiment/results";
import { experiment, HostLike, LabLike } from "../src/experiment/realize";
import { evaluate } from "../src/homework/evaluate";
import { seededRandom } from "../src/util/random";

const canLab = spawnSync("unshare", process.getuid?.() === 0 ? ["--net", "--mount", "true"] : ["--user", "--map-current-user", "--net", "--mount", "true"], { timeout: 3000 }).status === 0;

/** Feed a tally one stream's arrivals: [seq, ...] with send time = seq and receive time = seq + latency. */
function tallyOf(count: number, arrivals: number[], latency = (seq: number) => 1 + seq / 1000) {
  const t = new Tally([{ index: 0, group: "224.1.1.5", count }]);
  for (const seq of arrivals) t.record(0, seq, seq, seq + latency(seq));
  return t.summary();
}

/** Every row adds up: sent = received + lost, and nothing negative. */
function assertAccounted(result: DeliveryResult): void {
  for (const r of result.rows) {
    assert.equal(r.sent, r.received + r.lost, `${r.receiver} ${r.group}: sent ${r.sent} = received ${r.received} + lost ${r.lost}`);
    assert.ok(r.received >= 0 && r.lost >= 0 && r.duplicates >= 0 && r.outOfOrder >= 0, `${r.receiver} ${r.group}: no negative counts`);
  }
}

describe("counting what a receiver got", () => {
  test("datagrams in order, none lost: all received, one run, no duplicates or disorder", () => {
    const g = tallyOf(10, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).groups[0];
    assert.deepEqual([g.received, g.duplicates, g.outOfOrder], [10, 0, 0]);
    assert.deepEqual(g.streams[0].runs.map(([a, b]) => [a, b]), [[0, 9]]);
  });

  test("a copy of a datagram already received is a duplicate, never a second receipt", () => {
    const g = tallyOf(3, [0, 1, 1, 2, 2, 2]).groups[0];
    assert.deepEqual([g.received, g.duplicates, g.outOfOrder], [3, 3, 0]);
  });

  test("a datagram that comes after a higher number is out of order, counted once", () => {
    assert.equal(tallyOf(4, [0, 2, 1, 3]).groups[0].outOfOrder, 1);
    assert.equal(tallyOf(4, [3, 2, 1, 0]).groups[0].outOfOrder, 3);
    // The late one's duplicate is a duplicate, not a second disorder.
    const g = tallyOf(4, [0, 2, 1, 1, 3]).groups[0];
    assert.deepEqual([g.received, g.duplicates, g.outOfOrder], [4, 1, 1]);
  });

  test("gaps are losses: the received runs skip exactly the missing numbers", () => {
    const g = tallyOf(10, [0, 1, 3, 4, 5, 9]).groups[0];
    assert.equal(g.received, 6);
    assert.deepEqual(g.streams[0].runs, [[0, 1, 0, 1], [3, 5, 3, 5], [9, 9, 9, 9]]);
  });

  test("numbers out of range, unknown senders and foreign datagrams are strays, not receipts", () => {
    const t = new Tally([{ index: 0, group: "224.1.1.5", count: 5 }]);
    t.record(0, 5, 0, 1);
    t.record(3, 0, 0, 1);
    t.recordStray();
    t.record(0, 4, 0, 1);
    const s = t.summary();
    assert.deepEqual([s.strays, s.datagrams, s.groups[0].received], [3, 4, 1]);
  });

  test("two senders to one group add up; another group stays apart", () => {
    const t = new Tally([
      { index: 0, group: "224.1.1.5", count: 3 },
      { index: 1, group: "224.1.1.5", count: 2 },
      { index: 2, group: "234.3.2.1", count: 4 },
    ]);
    for (const [i, seq] of [[0, 0], [1, 0], [0, 1], [1, 1], [1, 1], [2, 3]]) t.record(i, seq, 0, 1);
    const [a, b] = t.summary().groups;
    assert.deepEqual([a.group, a.received, a.duplicates], ["224.1.1.5", 4, 1]);
    assert.deepEqual([b.group, b.received, b.outOfOrder], ["234.3.2.1", 1, 0]);
  });

  test("shuffled, dropped and duplicated at random: received + lost = sent, and the counts match a plain recount", () => {
    const next = seededRandom(42);
    const random = () => next() / 2 ** 32;
    for (let round = 0; round < 50; round++) {
      const count = 1 + Math.floor(random() * 500);
      const arrivals: number[] = [];
      for (let seq = 0; seq < count; seq++) {
        if (random() < 0.2) continue; // lost
        arrivals.push(seq);
        if (random() < 0.1) arrivals.push(seq); // duplicated
      }
      for (let i = 0; i < arrivals.length; i++) {
        if (random() < 0.05 && i + 1 < arrivals.length) [arrivals[i], arrivals[i + 1]] = [arrivals[i + 1], arrivals[i]];
      }
      const g = tallyOf(count, arrivals).groups[0];
      const distinct = new Set(arrivals);
      let max = -1;
      let late = 0;
      const seen = new Set<number>();
      for (const s of arrivals) {
        if (seen.has(s)) continue;
        seen.add(s);
        if (s < max) late++;
        else max = s;
      }
      assert.equal(g.received, distinct.size);
      assert.equal(g.duplicates, arrivals.length - distinct.size);
      assert.equal(g.outOfOrder, late);
      assert.equal(g.received + (count - distinct.size), count);
      assert.equal(g.streams[0].runs.reduce((sum, [a, b]) => sum + b - a + 1, 0), g.received);
    }
  });

  test("latency percentiles are nearest-rank: p50, p99 and max of 1..100 ms are 50, 99 and 100", () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    const l = latencySummary(values)!;
    assert.deepEqual([l.p50Ms, l.p99Ms, l.maxMs, l.minMs, l.quantiles.length, l.quantiles[0], l.quantiles[100]], [50, 99, 100, 1, 101, 1, 100]);
    assert.equal(latencySummary(new Float64Array(0)), null);
  });

  test("a datagram's header carries the experiment's tag, sender, sequence number and send time, and is told apart from others", () => {
    const b = Buffer.alloc(64);
    writeHeader(b, { tag: 0xdeadbeef, sender: 7, seq: 0, sentMs: 0 });
    stampHeader(b, 123456, 1234.5678);
    assert.deepEqual(readHeader(b), { tag: 0xdeadbeef, sender: 7, seq: 123456, sentMs: 1234.5678 });
    // The bytes are where the table says (little-endian), so a capture reads them the same way.
    assert.deepEqual([b.readUInt32LE(0), b.readUInt16LE(4), b.readUInt16LE(6), b.readUInt32LE(8), b.readDoubleLE(16)], [0xdeadbeef, 7, 0x434d, 123456, 1234.5678]);
    assert.equal(readHeader(Buffer.from("Hello, World!")), null);
    assert.equal(readHeader(Buffer.alloc(HEADER_BYTES)), null);
  });
});

describe("an experiment's description is checked at the door", () => {
  const good: Experiment = { senders: [{ host: "midwood", group: "224.1.1.5", count: 10 }], receivers: [{ host: "eastny", group: "224.1.1.5" }] };
  const bad: Array<[string, unknown, RegExp]> = [
    ["a group outside 224.0.0.0/4", { ...good, senders: [{ host: "midwood", group: "192.168.56.1", count: 10 }] }, /^experiment\.senders\[0\]\.group must be a multicast address/],
    ["a count of 0", { ...good, senders: [{ host: "midwood", group: "224.1.1.5", count: 0 }] }, /^experiment\.senders\[0\]\.count must be an integer from 1/],
    ["a negative rate", { ...good, senders: [{ host: "midwood", group: "224.1.1.5", count: 1, rate: -5 }] }, /^experiment\.senders\[0\]\.rate must be datagrams per second/],
    ["a payload too small for the header", { ...good, senders: [{ host: "midwood", group: "224.1.1.5", count: 1, size: 13 }] }, /^experiment\.senders\[0\]\.size must be an integer from 24 to 65507/],
    ["a TTL of 256", { ...good, senders: [{ host: "midwood", group: "224.1.1.5", count: 1, ttl: 256 }] }, /^experiment\.senders\[0\]\.ttl must be an integer from 0 to 255/],
    ["an interface that cannot be one", { ...good, receivers: [{ host: "eastny", group: "224.1.1.5", on: "eth 1" }] }, /^experiment\.receivers\[0\]\.on must be an interface name/],
    ["a tiny receive buffer", { ...good, receivers: [{ host: "eastny", group: "224.1.1.5", receiveBuffer: 10 }] }, /^experiment\.receivers\[0\]\.receiveBuffer must be an integer from 1024/],
    ["a receiver's group that is not one", { ...good, receivers: [{ host: "eastny", group: "224.1.1" }] }, /^experiment\.receivers\[0\]\.group must be/],
    ["a misspelt field", { ...good, senders: [{ host: "midwood", group: "224.1.1.5", count: 1, rat: 5 }] }, /did you mean "rate"\?/],
    ["no receivers", { ...good, receivers: [] }, /^experiment\.receivers must be an array of 1 to 64 entries/],
    ["a deadline of an hour", { ...good, deadlineMs: 3_600_000 }, /^experiment\.deadlineMs must be a time in milliseconds/],
    ["two receivers with one name", { ...good, receivers: [{ host: "eastny", group: "224.1.1.5", name: "x" }, { host: "flatbush", group: "224.1.1.5", name: "x" }] }, /^experiment\.receivers\[1\]\.name must be a name no other receiver has/],
    ["a host name with a space", { ...good, senders: [{ host: "mid wood", group: "224.1.1.5", count: 1 }] }, /^experiment\.senders\[0\]\.host must be a host name/],
  ];
  for (const [what, description, message] of bad) {
    test(`${what} is refused with an ArgumentError naming the field`, () => {
      assert.throws(() => checkExperiment(description), (e: unknown) => e instanceof ArgumentError && message.test(e.message));
    });
  }

  test("defaults are filled in: port 50001, 64-byte payloads, TTL 1, as fast as it can, receivers named by host", () => {
    const d = checkExperiment({ ...good, receivers: [{ host: "eastny", group: "224.1.1.5" }, { host: "eastny", group: "234.3.2.1" }] });
    assert.deepEqual([d.port, d.senders[0].size, d.senders[0].ttl, d.senders[0].rate, d.senders[0].loopback], [50001, 64, 1, "max", true]);
    assert.deepEqual(d.receivers.map((r) => r.name), ["eastny 224.1.1.5", "eastny 234.3.2.1"]);
  });

  test("a loss sweep with a rate that is not one is refused, naming it", async () => {
    const { lossSweep } = await import("../src/experiment/sweep");
    await assert.rejects(lossSweep({} as LabLike, { from: "midwood", to: "flatbush", rates: [1000, 0], receiveBuffers: ["default"] }), (e: unknown) => e instanceof ArgumentError && /^options\.rates\[1\] must be datagrams per second/.test(e.message));
  });

  test("experiment() refuses something that is not a lab, before starting anything", async () => {
    await assert.rejects(experiment({} as LabLike, good), (e: unknown) => e instanceof ArgumentError && /^lab must be a lab from mc\.up\(\)/.test(e.message));
  });
});

describe("experiments in the lab", { skip: canLab ? false : "needs root or unprivileged user namespaces" }, () => {
  let lab: Lab;
  before(async () => {
    lab = await up();
  });
  after(async () => {
    await down();
  });

  test("the lecture's scenario: 1,000 datagrams to 224.1.1.5 reach eastny and flatbush in full, bushwick (on 234.3.2.1) none", async () => {
    const result = await experiment(lab, {
      senders: [{ host: "midwood", group: "224.1.1.5", count: 1000, rate: 20_000 }],
      // 1 MiB buffers: on a busy machine a receiver that is late to read would
      // lose part of a 20,000/s burst in the default 212,992 bytes (the overflow
      // has a test of its own below); here every datagram must arrive.
      receivers: [
        { host: "eastny", group: "224.1.1.5", receiveBuffer: 1 << 20 },
        { host: "flatbush", group: "224.1.1.5", receiveBuffer: 1 << 20 },
        { host: "bushwick", group: "234.3.2.1", receiveBuffer: 1 << 20 },
      ],
      deadlineMs: 8000,
    });
    assertAccounted(result);
    assert.deepEqual(result.matrix(), { eastny: { "224.1.1.5": 1000 }, flatbush: { "224.1.1.5": 1000 }, bushwick: { "224.1.1.5": 0 } });
    const joined = result.rows.filter((r) => r.joined);
    assert.deepEqual(joined.map((r) => [r.receiver, r.group, r.interface]), [["eastny", "224.1.1.5", "eth1"], ["flatbush", "224.1.1.5", "eth1"], ["bushwick", "234.3.2.1", "eth1"]]);
    for (const r of joined.slice(0, 2)) {
      assert.deepEqual([r.duplicates, r.outOfOrder, r.lost], [0, 0, 0]);
      assert.ok(r.p50Ms !== null && r.p50Ms > 0 && r.p50Ms <= r.p99Ms! && r.p99Ms! <= r.maxMs!, `${r.receiver}: 0 < p50 <= p99 <= max (${r.p50Ms}, ${r.p99Ms}, ${r.maxMs})`);
      assert.ok(r.maxMs! < 1000, `${r.receiver}: one-way latency is real, well under a second (max ${r.maxMs} ms)`);
    }
    assert.deepEqual([result.senders[0].sent, result.senders[0].errors, result.timedOut], [1000, 0, false]);
    // A machine whose net.core.rmem_max is below 1 MiB grants less, and says so; nothing else may be wrong.
    assert.deepEqual(result.warnings.filter((w) => !/net\.core\.rmem_max/.test(w)), []);

    // Exported as CSV (a header and a line per row) and JSON (everything, parsable).
    const csv = result.csv().trimEnd().split("\n");
    assert.equal(csv.length, 1 + result.rows.length);
    assert.match(csv[0], /^receiver,host,group,joined,interface,sent,received,lost,duplicates,outOfOrder,p50Ms,p99Ms,maxMs,rcvbufErrors,receiveBuffer,note$/);
    assert.match(csv[1], /^eastny,eastny,224\.1\.1\.5,true,eth1,1000,1000,0,0,0,/);
    const json = JSON.parse(result.json()) as { rows: unknown[]; description: { port: number } };
    assert.deepEqual([json.rows.length, json.description.port], [result.rows.length, 50001]);

    // Each figure is one call and renders.
    for (const figure of [matrixFigure(result), timelineFigure(result), latencyFigure(result)]) assert.match(render(figure).markup, /<svg/);
  });

  test("a forced overflow (small receive buffer, a burst): every loss is one the kernel counted in RcvbufErrors", async () => {
    const result = await experiment(lab, {
      senders: [{ host: "midwood", group: "224.1.1.5", count: 20_000 }],
      receivers: [{ host: "flatbush", group: "224.1.1.5", receiveBuffer: 4096 }],
      deadlineMs: 8000,
    });
    assertAccounted(result);
    const row = result.rows[0];
    assert.ok(row.lost > 0, `the burst overflows a ${row.receiveBuffer}-byte buffer (lost ${row.lost})`);
    assert.equal(row.lost, row.rcvbufErrors, "lost = growth of Udp RcvbufErrors in flatbush");
    assert.equal(row.duplicates, 0);
    assert.match(render(timelineFigure(result)).markup, /lost: datagrams \d+-\d+/);
  });

  test("TTL 0 keeps datagrams on the sending host: midwood's own receiver gets them, flatbush none; TTL 1 reaches both", async () => {
    const run = (ttl: number) => experiment(lab, {
      senders: [{ host: "midwood", group: "224.1.1.5", count: 200, rate: 20_000, ttl }],
      receivers: [{ host: "midwood", group: "224.1.1.5" }, { host: "flatbush", group: "224.1.1.5" }],
      deadlineMs: 6000,
    });
    assert.deepEqual((await run(0)).matrix(), { midwood: { "224.1.1.5": 200 }, flatbush: { "224.1.1.5": 0 } });
    assert.deepEqual((await run(1)).matrix(), { midwood: { "224.1.1.5": 200 }, flatbush: { "224.1.1.5": 200 } });
  });

  test("a receiver whose process never starts: the run ends at its deadline, its row shows 0 received, the others are whole", async () => {
    // bushwick's agent is swapped for a process that never says anything and ignores the Ctrl-C.
    const silent: LabLike = {
      get running() {
        return lab.running;
      },
      hosts: lab.hosts,
      topology: lab.topology,
      host(name: string): HostLike {
        const real = lab.host(name);
        if (name !== "bushwick") return real;
        return { name: real.name, spec: real.spec, run: (_command, options) => real.run("trap '' INT TERM; sleep 60", options) };
      },
    };
    const deadlineMs = 2500;
    const started = performance.now();
    const result = await experiment(silent, {
      senders: [{ host: "midwood", group: "224.1.1.5", count: 500, rate: 20_000 }],
      receivers: [{ host: "eastny", group: "224.1.1.5" }, { host: "bushwick", group: "224.1.1.5" }, { host: "greenpoint", group: "224.1.1.5" }],
      deadlineMs,
      joinTimeoutMs: 800,
    });
    const took = performance.now() - started;
    assert.ok(took >= deadlineMs - 50 && took < deadlineMs + 500, `ended at its deadline (${took.toFixed(0)} ms for a ${deadlineMs} ms deadline)`);
    assert.equal(result.timedOut, true);
    assertAccounted(result);
    const row = (name: string) => result.rows.find((r) => r.receiver === name)!;
    assert.deepEqual([row("eastny").received, row("eastny").note], [500, ""]);
    assert.deepEqual([row("bushwick").received, row("bushwick").interface, row("bushwick").note], [0, "", "never joined"]);
    assert.equal(row("greenpoint").received, 0);
    assert.match(row("greenpoint").note, /^no host greenpoint in this lab/);
    assert.equal(result.warnings.length, 2);
    assert.match(render(matrixFigure(result)).markup, /never joined/);
  });

  test("aborting a run stops every agent at once and rejects with an AbortError", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 600);
    const started = performance.now();
    await assert.rejects(
      experiment(lab, { senders: [{ host: "midwood", group: "224.1.1.5", count: 1_000_000, rate: 5000 }], receivers: [{ host: "flatbush", group: "224.1.1.5" }] }, { signal: controller.signal }),
      (e: unknown) => e instanceof Error && e.name === "AbortError",
    );
    assert.ok(performance.now() - started < 1500, "it stopped soon after the abort");
    await new Promise((r) => setTimeout(r, 300));
    for (const host of ["midwood", "flatbush"]) {
      const left = await lab.host(host).run("pgrep -f 'experiment/agen[t]'").exited;
      assert.equal(left.stdout.trim(), "", `no agent left in ${host}`);
    }
  });

  test("a receiver that joins on the NAT NIC (eth0) gets nothing sent on the host-only network", async () => {
    const result = await experiment(lab, {
      senders: [{ host: "midwood", group: "224.1.1.5", count: 100, rate: 20_000 }],
      receivers: [{ host: "bushwick", group: "224.1.1.5", on: "eth0" }, { host: "eastny", group: "224.1.1.5", on: "any" }],
      deadlineMs: 5000,
    });
    assert.deepEqual(result.rows.map((r) => [r.receiver, r.interface, r.received]), [["bushwick", "eth0", 0], ["eastny", "eth0", 0]]);
  });

  test("a prediction is checked against the puzzle run in the lab, receiver by receiver, hidden puzzles too", async () => {
    // The rule the notebook teaches, as a caller that answers for the student.
    const rule = (puzzle: Experiment) => {
      const matrix: Record<string, Record<string, number>> = {};
      for (const r of puzzle.receivers) {
        const row: Record<string, number> = {};
        for (const s of puzzle.senders) {
          row[s.group] ??= 0;
          const hears = (r.on ?? "eth1") === "eth1" && (s.host === r.host || (s.ttl ?? 1) >= 1);
          if (s.group === r.group && hears) row[s.group] += s.count;
        }
        matrix[r.host] = row;
      }
      return matrix;
    };
    const answer = (f: (p: Experiment) => unknown) => async (c: { args: unknown[] }) => ({ ok: true as const, value: JSON.parse(JSON.stringify(f(c.args[0] as Experiment))) });
    const right = await evaluate(predictDelivery, answer(rule), { hiddenSeed: 7, lab: async () => lab });
    assert.deepEqual(right.cases.filter((c) => !c.ok), [], JSON.stringify(right.cases));
    assert.deepEqual([right.earned, right.possible, right.cases.filter((c) => c.hidden).length], [4, 4, 2]);
    const wrong = await evaluate(predictDelivery, answer(() => ({ eastny: { "224.1.1.5": 0 } })), { lab: async () => lab });
    assert.deepEqual(wrong.cases.map((c) => c.ok), [false, false, false, false]);
    assert.match(wrong.cases[0].detail, /234\.3\.2\.1: you said 0 of 200, the lab says otherwise/);
    assert.match(wrong.cases[1].detail, /no prediction for flatbush/);
  });

  test("loss against rate: one row per rate and buffer, and a figure", async () => {
    const { lossSweep } = await import("../src/experiment/sweep");
    const rows = await lossSweep(lab, { from: "midwood", to: "flatbush", count: 2000, rates: [20_000, "max"], receiveBuffers: ["default", 4 * 1024 * 1024], progress: false });
    assert.equal(rows.length, 4);
    for (const r of rows) assert.equal(r.sent, r.received + r.lost);
    assert.match(rows[0].buffer, /^default \(\d[\d,]* B\)$/);
    assert.match(render(lossFigure(rows)).markup, /<svg/);
  });

  test("loss against rate with one host per buffer: every buffer hears the same run", async () => {
    const { lossSweep } = await import("../src/experiment/sweep");
    const rows = await lossSweep(lab, { from: "midwood", to: ["flatbush", "eastny"], count: 2000, rates: [20_000, "max"], receiveBuffers: ["default", 4 * 1024 * 1024], progress: false });
    assert.deepEqual(rows.map((r) => [r.host, r.rate]), [["flatbush", 20_000], ["flatbush", "max"], ["eastny", 20_000], ["eastny", "max"]]);
    for (const r of rows) assert.equal(r.sent, r.received + r.lost);
    // One sender per run, so the rate it achieved is the same for both buffers.
    assert.deepEqual([rows[0].perSecond, rows[1].perSecond], [rows[2].perSecond, rows[3].perSecond]);
    assert.match(rows[0].buffer, /^default /);
    assert.equal(rows[2].buffer, "4,194,304 B");
    for (const to of [["flatbush"], ["flatbush", "flatbush"], ["flatbush", 7], ""]) {
      await assert.rejects(lossSweep(lab, { from: "midwood", to: to as string[], rates: [1000], receiveBuffers: ["default", 4096] }), (e: unknown) => e instanceof ArgumentError && /^options\.to must be a host name, or an array of 2 different host names/.test(e.message));
    }
  });
});
