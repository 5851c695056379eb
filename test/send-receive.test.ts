// The lecture's demonstration, on loopback: one sender, receivers on two
// groups. Every socket here sends from and joins on 127.0.0.1; the INADDR_ANY
// cases run inside a network namespace the test creates (only `lo` in it),
// never in this machine's own, where INADDR_ANY would pick a real interface.
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ArgumentError, showValue } from "../src/util/errors";
import { localAddresses } from "../src/sockets/interfaces";
import { listen, openReceiver, receive, ReceiveResult } from "../src/sockets/receive";
import { send } from "../src/sockets/send";
import { ipMreq, mreqRows } from "../src/sockets/mreq";

const LO = "127.0.0.1";
const GROUP = "224.1.1.5";
const OTHER = "234.3.2.1";
const HELLO = "Hello, World!";

// Distinct ports per test (and per test file: a random base), so tests never hear each other.
let nextPort = 20000 + Math.floor(Math.random() * 20000);
const freshPort = () => nextPort++;

const openUdpHandles = () => process.getActiveResourcesInfo().filter((r) => r === "UDPWrap").length;
const sendHello = (port: number, group = GROUP) => send({ group, port, message: HELLO, from: LO });

describe("the lecture's demonstration on loopback", () => {
  test("both receivers on 224.1.1.5 print Hello, World! and the one on 234.3.2.1 gets nothing", async () => {
    const port = freshPort();
    const eastny = await openReceiver({ group: GROUP, port, on: LO });
    const flatbush = await openReceiver({ group: GROUP, port, on: LO });
    const bushwick = await openReceiver({ group: OTHER, port, on: LO, timeoutMs: 300 });
    try {
      const sent = await sendHello(port);
      assert.equal(sent.bytes, 13);
      assert.equal(sent.from, LO);
      assert.equal(sent.ttl, 1);
      for (const r of [eastny, flatbush]) {
        const got = await r.collect({ timeoutMs: 2000 });
        assert.equal(got.timedOut, false);
        assert.deepEqual(got.datagrams.map((d) => d.message), [HELLO]);
        assert.equal(got.datagrams[0].from, LO);
        assert.equal(got.datagrams[0].fromPort, sent.fromPort);
      }
      const none = await bushwick.collect();
      assert.equal(none.timedOut, true);
      assert.deepEqual(none.datagrams, []);
      assert.equal(none.summary, `nothing received after 300 ms on ${OTHER}:${port} (joined on ${LO})`);
    } finally {
      await Promise.all([eastny, flatbush, bushwick].map((r) => r.close()));
    }
  });

  test("receive() returns the datagram with its sender, size, bytes and arrival time", async () => {
    const port = freshPort();
    const receiving = receive({ group: GROUP, port, on: LO, timeoutMs: 2000 });
    // receive() joins as it starts; send a few times until it has, then stop.
    const sent = await sendUntilSettled(receiving, () => sendHello(port));
    const result = await receiving;
    assert.equal(result.timedOut, false, result.summary);
    const [d] = result.datagrams;
    assert.equal(d.message, HELLO);
    assert.deepEqual(Array.from(d.bytes), Array.from(Buffer.from(HELLO)));
    assert.equal(d.size, 13);
    assert.equal(d.from, LO);
    assert.ok(sent.some((s) => s.fromPort === d.fromPort), "the source port is one the sender bound");
    assert.ok(Math.abs(d.time - Date.now()) < 5000, "time is wall-clock ms since 1970");
    assert.match(result.summary, /^1 datagram received on 224\.1\.1\.5:\d+ \(joined on 127\.0\.0\.1\) in [\d.]+ ms$/);
  });

  test("a receiver bound to 0.0.0.0 also gets a group it never joined, one bound to the group does not", async () => {
    const port = freshPort();
    const onGroup = await openReceiver({ group: OTHER, port, on: LO, timeoutMs: 300 });
    const onAny = await openReceiver({ group: OTHER, port, on: LO, timeoutMs: 2000, bind: "any" });
    const joiner = await openReceiver({ group: GROUP, port, on: LO }); // someone on this host joins 224.1.1.5
    try {
      assert.equal(onAny.address, "0.0.0.0");
      assert.equal(onGroup.address, OTHER);
      await sendHello(port);
      assert.deepEqual((await onAny.collect()).datagrams.map((d) => d.message), [HELLO]);
      assert.equal((await onGroup.collect()).timedOut, true);
    } finally {
      await Promise.all([onGroup, onAny, joiner].map((r) => r.close()));
    }
  });

  test("datagrams sent before collect() is called are kept and counted", async () => {
    const port = freshPort();
    const r = await openReceiver({ group: GROUP, port, on: LO, count: 3, timeoutMs: 2000 });
    try {
      for (const message of ["one", "two", "three"]) await send({ group: GROUP, port, message, from: LO });
      const got = await r.collect();
      assert.deepEqual(got.datagrams.map((d) => d.message), ["one", "two", "three"]);
      assert.equal(r.pending, 0);
    } finally {
      await r.close();
    }
  });

  test("bytes, a fixed source port and the largest datagram (65,507 bytes) arrive as sent", async () => {
    const port = freshPort();
    const sourcePort = freshPort();
    const r = await openReceiver({ group: GROUP, port, on: LO, timeoutMs: 2000 });
    try {
      const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const sent = await send({ group: GROUP, port, message: bytes, from: LO, sourcePort });
      assert.equal(sent.fromPort, sourcePort);
      const d = await r.next();
      assert.deepEqual(Array.from(d!.bytes), Array.from(bytes));
      assert.equal(d!.fromPort, sourcePort);
      await send({ group: GROUP, port, message: "x".repeat(65_507), from: LO, sourcePort }); // same port again: no EADDRINUSE
      assert.equal((await r.next())!.size, 65_507);
    } finally {
      await r.close();
    }
  });

  test("several receivers can be opened on the same group and port without EADDRINUSE", async () => {
    const port = freshPort();
    const receivers = await Promise.all([1, 2, 3, 4].map(() => openReceiver({ group: GROUP, port, on: LO, timeoutMs: 2000 })));
    try {
      await sendHello(port);
      for (const r of receivers) assert.equal((await r.next())?.message, HELLO);
    } finally {
      await Promise.all(receivers.map((r) => r.close()));
    }
  });
});

describe("waiting ends: timeouts, aborts, early breaks", () => {
  test("a timeout resolves with timedOut and a clear summary, within the timeout plus a margin", async () => {
    const port = freshPort();
    const started = Date.now();
    const result = await receive({ group: OTHER, port, on: LO, timeoutMs: 200 });
    const took = Date.now() - started;
    assert.equal(result.timedOut, true);
    assert.deepEqual(result.datagrams, []);
    assert.equal(result.summary, `nothing received after 200 ms on ${OTHER}:${port} (joined on ${LO})`);
    assert.ok(took >= 190 && took < 1200, `took ${took} ms`);
    assert.ok(result.waitedMs >= 190);
  });

  test("a timeout with some datagrams says how many of how many came", async () => {
    const port = freshPort();
    const r = await openReceiver({ group: GROUP, port, on: LO });
    try {
      await sendHello(port);
      const got = await r.collect({ count: 2, timeoutMs: 200 });
      assert.equal(got.timedOut, true);
      assert.equal(got.datagrams.length, 1);
      assert.equal(got.summary, `1 of 2 datagrams received on ${GROUP}:${port} (joined on ${LO}) before the 200 ms timeout`);
    } finally {
      await r.close();
    }
  });

  test("aborting a receive rejects with AbortError at once and leaves no socket open", async () => {
    const before = openUdpHandles();
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(receive({ group: GROUP, port: freshPort(), on: LO, timeoutMs: 10_000, signal: controller.signal }), { name: "AbortError" });
    assert.ok(Date.now() - started < 2000);
    assert.equal(openUdpHandles(), before);
    // An already-aborted signal: rejected without opening anything.
    await assert.rejects(receive({ group: GROUP, port: freshPort(), on: LO, signal: AbortSignal.abort() }), { name: "AbortError" });
    assert.equal(openUdpHandles(), before);
  });

  test("aborting the signal given to openReceiver closes the receiver and ends its wait", async () => {
    const controller = new AbortController();
    const r = await openReceiver({ group: GROUP, port: freshPort(), on: LO, timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(r.collect(), { name: "AbortError" });
    assert.equal(r.closed, true);
  });

  test("a receiver refuses a second wait while one is running instead of splitting datagrams", async () => {
    const r = await openReceiver({ group: GROUP, port: freshPort(), on: LO, timeoutMs: 200 });
    try {
      const first = r.collect();
      await assert.rejects(r.next(), /already waiting/);
      assert.equal((await first).timedOut, true);
    } finally {
      await r.close();
    }
  });

  test("listen() yields each datagram as it comes and ends at its count", async () => {
    const port = freshPort();
    const messages: string[] = [];
    let n = 0;
    // The socket opens when the loop starts, so keep sending until it has heard enough.
    const sending = setInterval(() => void send({ group: GROUP, port, message: `m${n++}`, from: LO }), 20);
    try {
      for await (const d of listen({ group: GROUP, port, on: LO, count: 3, timeoutMs: 3000 })) messages.push(d.message);
    } finally {
      clearInterval(sending);
    }
    assert.equal(messages.length, 3);
    // In the order sent, without gaps (loopback loses nothing at this rate).
    const first = Number(messages[0].slice(1));
    assert.deepEqual(messages, [`m${first}`, `m${first + 1}`, `m${first + 2}`]);
  });

  test("listen() ends quietly at its deadline, and closes its socket when the loop breaks early", async () => {
    const before = openUdpHandles();
    const started = Date.now();
    let seen = 0;
    for await (const _ of listen({ group: OTHER, port: freshPort(), on: LO, timeoutMs: 200 })) seen++;
    assert.equal(seen, 0);
    assert.ok(Date.now() - started < 1200);
    assert.equal(openUdpHandles(), before);

    const port = freshPort();
    const timer = setInterval(() => void sendHello(port), 20);
    try {
      for await (const d of listen({ group: GROUP, port, on: LO, timeoutMs: 3000 })) {
        assert.equal(d.message, HELLO);
        break; // return() must close the socket
      }
    } finally {
      clearInterval(timer);
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the last sends finish
    assert.equal(openUdpHandles(), before);
  });

  test("200 re-runs of a receive in one process leave no socket open and never hit EADDRINUSE", async () => {
    const port = freshPort();
    const before = openUdpHandles();
    for (let i = 0; i < 200; i++) {
      if (i % 2 === 0) {
        const r = await openReceiver({ group: GROUP, port, on: LO, timeoutMs: 1000 });
        await sendHello(port);
        const got = await r.collect();
        await r.close();
        assert.equal(got.datagrams[0]?.message, HELLO, `run ${i}: ${got.summary}`);
      } else {
        const got = await receive({ group: GROUP, port, on: LO, timeoutMs: 5 });
        assert.equal(got.timedOut, true);
      }
    }
    assert.equal(openUdpHandles(), before);
  });
});

describe("bad arguments are refused at the door, naming the argument and the value", () => {
  const base = { group: GROUP, port: 50001 };
  const sendWith = (o: object) => () => send({ ...base, message: HELLO, from: LO, ...o } as never);
  const receiveWith = (o: object) => () => receive({ ...base, on: LO, ...o } as never);
  const big = "x".repeat(65_508);
  // [what is wrong, the call, the argument named, the value as shown, something the allowed part says]
  const rows: [string, () => unknown, string, unknown, string][] = [
    ["a unicast group", sendWith({ group: "192.168.56.101" }), "group", "192.168.56.101", "224.0.0.0/4"],
    ["a group above 239/8", sendWith({ group: "240.0.0.1" }), "group", "240.0.0.1", "224.0.0.0/4"],
    ["a group with 3 parts", sendWith({ group: "224.1.5" }), "group", "224.1.5", "4"],
    ["a group with a leading zero", sendWith({ group: "224.001.1.5" }), "group", "224.001.1.5", "leading zero"],
    ["a group with a trailing space", receiveWith({ group: "234.3.2.1 " }), "group", "234.3.2.1 ", "white space"],
    ["a group as a number", sendWith({ group: 0xe0010105 }), "group", 0xe0010105, "224.0.0.0/4"],
    ["port 0", sendWith({ port: 0 }), "port", 0, "1 to 65535"],
    ["port 65536", receiveWith({ port: 65536 }), "port", 65536, "1 to 65535"],
    ["a port as text", sendWith({ port: "50001" }), "port", "50001", "integer"],
    ["a fractional port", receiveWith({ port: 50001.5 }), "port", 50001.5, "integer"],
    ["a message that is a number", sendWith({ message: 42 }), "message", 42, "text or a Uint8Array"],
    ["a message over 65,507 bytes", sendWith({ message: big }), "message", new Uint8Array(65_508), "at most 65507 bytes"],
    ["a byte message over 65,507 bytes", sendWith({ message: new Uint8Array(70_000) }), "message", new Uint8Array(70_000), "at most 65507 bytes"],
    ["from an address not on this host", sendWith({ from: "192.168.56.103" }), "from", "192.168.56.103", "127.0.0.1 (lo)"],
    ["from \"any\" (the sender needs a real address)", sendWith({ from: "any" }), "from", "any", "this machine's IPv4 addresses"],
    ["TTL 256", sendWith({ ttl: 256 }), "ttl", 256, "0 to 255"],
    ["TTL -1", sendWith({ ttl: -1 }), "ttl", -1, "0 to 255"],
    ["TTL as text", sendWith({ ttl: "1" }), "ttl", "1", "integer"],
    ["loopback as text", sendWith({ loopback: "yes" }), "loopback", "yes", "true or false"],
    ["source port 70000", sendWith({ sourcePort: 70000 }), "sourcePort", 70000, "1 to 65535"],
    ["the typo tll", sendWith({ tll: 2 }), "option name of send()", "tll", 'did you mean "ttl"'],
    ["the typo timeout", receiveWith({ timeout: 500 }), "option name of receive()", "timeout", 'did you mean "timeoutMs"'],
    ["no options at all", () => send(undefined as never), "send's options", undefined, "an object like"],
    ["on an address not on this host", receiveWith({ on: "192.168.56.105" }), "on", "192.168.56.105", '"any"'],
    ["on an interface name", receiveWith({ on: "lo" }), "on", "lo", "127.0.0.1 (lo)"],
    ["on left out", receiveWith({ on: undefined }), "on", undefined, "INADDR_ANY"],
    ["count 0", receiveWith({ count: 0 }), "count", 0, "integer from 1"],
    ["count 1.5", receiveWith({ count: 1.5 }), "count", 1.5, "integer from 1"],
    ["timeout 0", receiveWith({ timeoutMs: 0 }), "timeoutMs", 0, "more than 0"],
    ["a negative timeout", receiveWith({ timeoutMs: -5 }), "timeoutMs", -5, "more than 0"],
    ["an endless timeout", receiveWith({ timeoutMs: Infinity }), "timeoutMs", Infinity, "at most 600000"],
    ["a timeout over 10 minutes", receiveWith({ timeoutMs: 600_001 }), "timeoutMs", 600_001, "at most 600000"],
    ["a signal that is not one", receiveWith({ signal: "stop" }), "signal", "stop", "AbortSignal"],
    ["bind to something else", receiveWith({ bind: "all" }), "bind", "all", '"group"'],
    ["a tiny receive buffer", receiveWith({ receiveBuffer: 10 }), "receiveBuffer", 10, "1024"],
    ["listen() with port 0 (thrown at the call)", () => listen({ ...base, port: 0, on: LO }), "port", 0, "1 to 65535"],
    ["openReceiver() with a unicast group", () => openReceiver({ group: "10.0.0.1", port: 50001, on: LO }), "group", "10.0.0.1", "224.0.0.0/4"],
  ];
  assert.ok(rows.length >= 25);

  for (const [what, call, argument, value, allowed] of rows) {
    test(`${what}: the error names ${argument} and ${showValue(value)}`, async () => {
      const before = openUdpHandles();
      let caught: unknown;
      try {
        await call();
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof ArgumentError, `expected an ArgumentError, got ${String(caught)}`);
      assert.ok(caught.message.includes(argument), caught.message);
      assert.ok(caught.message.includes(showValue(value)), caught.message);
      assert.ok(caught.message.includes(allowed), caught.message);
      assert.equal(openUdpHandles(), before, "no socket was opened for a bad call");
    });
  }

  test("a bad option to collect() or next() on an open receiver is refused too", async () => {
    const r = await openReceiver({ group: GROUP, port: freshPort(), on: LO });
    try {
      await assert.rejects(r.collect({ count: 0 }), /count must be an integer from 1 .*; got 0/);
      await assert.rejects(r.next({ count: 2 } as never), /option name of next\(\) must be one of timeoutMs, signal; got "count"/);
    } finally {
      await r.close();
    }
  });

  test("the error for a bad NIC address lists this machine's addresses", async () => {
    const err = await receiveWith({ on: "10.9.8.7" })().catch((e: Error) => e);
    for (const a of localAddresses()) assert.ok(String(err).includes(a.address), String(err));
  });
});

describe("INADDR_ANY, inside a network namespace of our own", () => {
  const why = namespaceUnavailable();
  const dist = join(__dirname, "..", "src", "sockets");
  // The child joins with on: "any", sends to itself from 127.0.0.1, and prints what happened as JSON.
  const child = `
    const { openReceiver } = require(${JSON.stringify(join(dist, "receive.js"))});
    const { send } = require(${JSON.stringify(join(dist, "send.js"))});
    (async () => {
      try {
        const r = await openReceiver({ group: "${GROUP}", port: 50001, on: "any", timeoutMs: 2000 });
        await send({ group: "${GROUP}", port: 50001, message: "${HELLO}", from: "127.0.0.1" });
        const got = await r.collect();
        await r.close();
        console.log(JSON.stringify({ got }));
      } catch (e) {
        console.log(JSON.stringify({ error: { message: e.message, code: e.code } }));
      }
    })();`;

  test("joined with INADDR_ANY, a receiver gets the datagram when 224.0.0.0/4 is routed to lo", { skip: why }, async () => {
    const out = await inNamespace("ip link set lo up && ip route add 224.0.0.0/4 dev lo", child);
    const got = (out as { got: ReceiveResult }).got;
    assert.ok(got, JSON.stringify(out));
    assert.equal(got.datagrams[0]?.message, HELLO);
    assert.match(got.summary, /joined on INADDR_ANY/);
  });

  test("joined with INADDR_ANY and no route to the group, the error names ENODEV and both fixes", { skip: why }, async () => {
    const out = (await inNamespace("ip link set lo up", child)) as { error?: { message: string; code: string } };
    assert.equal(out.error?.code, "ENODEV", JSON.stringify(out));
    assert.match(out.error!.message, /no route to 224\.1\.1\.5/);
    assert.match(out.error!.message, /127\.0\.0\.1 \(lo\)/);
    assert.match(out.error!.message, /ip route add 224\.0\.0\.0\/4 dev lo/);
  });
});

/** Calls `sender` every 20 ms (at most 50 times) until `until` settles; returns what each call returned. */
async function sendUntilSettled<T>(until: Promise<unknown>, sender: () => Promise<T>): Promise<T[]> {
  let settled = false;
  void until.then(
    () => (settled = true),
    () => (settled = true),
  );
  const results: T[] = [];
  for (let i = 0; i < 50 && !settled; i++) {
    results.push(await sender());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return results;
}

/** Why this machine cannot make a throwaway network namespace, or false if it can. */
function namespaceUnavailable(): string | false {
  const probe = spawnSync("unshare", [...unshareArgs(), "true"], { timeout: 3000 });
  return probe.status === 0 ? false : `cannot create a network namespace here (${probe.error?.message ?? probe.stderr?.toString().trim()})`;
}

function unshareArgs(): string[] {
  return process.getuid?.() === 0 ? ["--net"] : ["--user", "--map-root-user", "--net"];
}

/** Runs `setup` then `node -e script` in a new network namespace (gone when they exit); parses the JSON it prints. */
function inNamespace(setup: string, script: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      "unshare",
      [...unshareArgs(), "sh", "-c", `${setup} && exec "$0" -e "$1"`, process.execPath, script],
      { timeout: 8000, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`namespace child failed: ${error?.message ?? ""}\n${stderr}\n${stdout}`));
        }
      },
    );
  });
}

describe("ip_mreq", () => {
  test("is the group's four bytes then the interface's, in network byte order, as the lecture's struct.pack builds it", () => {
    assert.deepEqual([...ipMreq("224.1.1.5", "192.168.56.104")], [224, 1, 1, 5, 192, 168, 56, 104]);
    assert.deepEqual([...ipMreq("234.3.2.1")], [234, 3, 2, 1, 0, 0, 0, 0]);
    assert.deepEqual(mreqRows("224.1.1.5", "0.0.0.0").map((r) => [r.field, r.bytes]), [["imr_multiaddr", "e0 01 01 05"], ["imr_interface", "00 00 00 00"]]);
  });
  test("refuses what is not a group, or not an address, naming the argument", () => {
    assert.throws(() => ipMreq("192.168.56.101", "0.0.0.0"), (e: unknown) => e instanceof ArgumentError && e.argument === "group");
    assert.throws(() => ipMreq("224.1.1.5", "eth1"), (e: unknown) => e instanceof ArgumentError && e.argument === "iface");
  });
});
