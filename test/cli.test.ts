// mcastsend and mcastrecv as a class runs them: as processes, with the
// lecture's arguments. Sends and joins on 127.0.0.1 only; the 0.0.0.0
// (INADDR_ANY) receiver runs inside a network namespace the test creates.
import assert from "node:assert/strict";
import { ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";

const SEND = join(__dirname, "..", "src", "cli", "mcastsend.js");
const RECV = join(__dirname, "..", "src", "cli", "mcastrecv.js");
const LO = "127.0.0.1";
const GROUP = "224.1.1.5";
const HELLO = "Hello, World!";
const SEND_USAGE = "Usage: mcastsend host_ip mcast_group_ip mcast_port_num message";
const RECV_USAGE = "Usage: mcastrecv from_nic_by_host_ip mcast_group_ip mcast_port";

let nextPort = 40000 + Math.floor(Math.random() * 20000);
const freshPort = () => nextPort++;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (killed after `timeoutMs`). */
function run(script: string, args: string[], timeoutMs = 8000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { timeout: timeoutMs, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolve({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

/** Starts mcastrecv and resolves once it says it is listening (joined), with a promise of its end. */
function startReceiver(args: string[]): Promise<{ child: ChildProcess; done: Promise<Run> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RECV, ...args]);
    let stdout = "";
    let stderr = "";
    const killer = setTimeout(() => child.kill("SIGKILL"), 8000); // never outlive the test
    const done = new Promise<Run>((settle) =>
      child.on("close", (code, signal) => {
        clearTimeout(killer);
        settle({ code, signal, stdout, stderr });
      }),
    );
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (stderr.includes("listening on")) resolve({ child, done });
    });
    void done.then((r) => reject(new Error(`mcastrecv ended before listening: ${r.code} ${r.stderr}`)));
  });
}

describe("usage, as the lecture's programs", () => {
  test("mcastsend with too few arguments prints its usage line to stderr and exits 1", async () => {
    const r = await run(SEND, [LO, GROUP, "50001"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `${SEND_USAGE}\n`);
  });

  test("mcastrecv with too few arguments prints its usage line to stderr and exits 1", async () => {
    const r = await run(RECV, []);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `${RECV_USAGE}\n`);
  });

  test("--help prints the usage and the options to stdout and exits 0", async () => {
    for (const [script, usage, flag] of [[SEND, SEND_USAGE, "--ttl"], [RECV, RECV_USAGE, "--timeout"]]) {
      const r = await run(script, ["--help"]);
      assert.equal(r.code, 0);
      assert.ok(r.stdout.startsWith(`${usage}\n`), r.stdout);
      assert.ok(r.stdout.includes(flag));
      assert.ok(r.stdout.includes("Exit status"));
    }
  });

  test("the compiled commands start with a shebang, ready to be package bins", async () => {
    const { readFileSync } = await import("node:fs");
    for (const script of [SEND, RECV]) assert.ok(readFileSync(script, "utf8").startsWith("#!/usr/bin/env node\n"), script);
  });
});

describe("a real send and receive over loopback", () => {
  test("mcastrecv prints Hello, World! sent by mcastsend and exits 0", async () => {
    const port = String(freshPort());
    const { done } = await startReceiver([LO, GROUP, port, "--timeout", "3000"]);
    const sent = await run(SEND, [LO, GROUP, port, HELLO]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(sent.stdout, "");
    assert.match(sent.stderr, new RegExp(`^mcastsend: sent 13 bytes 127\\.0\\.0\\.1:\\d+ > 224\\.1\\.1\\.5:${port}, TTL 1\\n$`));
    const got = await done;
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, `${HELLO}\n`);
  });

  test("a receiver on the other group (234.3.2.1) prints nothing and exits 3 at its timeout", async () => {
    const port = String(freshPort());
    const { done } = await startReceiver([LO, "234.3.2.1", port, "--timeout", "300"]);
    await run(SEND, [LO, GROUP, port, HELLO]);
    const got = await done;
    assert.equal(got.code, 3);
    assert.equal(got.stdout, "");
    assert.ok(got.stderr.endsWith(`mcastrecv: nothing received after 300 ms on 234.3.2.1:${port} (joined on 127.0.0.1)\n`), got.stderr);
  });

  test("--count 2 on both sides: the receiver prints both copies, --ttl is reported by the sender", async () => {
    const port = String(freshPort());
    const { done } = await startReceiver(["--count", "2", "--timeout", "3000", LO, GROUP, port]);
    const sent = await run(SEND, ["--count", "2", "--ttl", "4", LO, GROUP, port, "twice"]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(sent.stderr.split("\n").filter((line) => line.endsWith("TTL 4")).length, 2);
    const got = await done;
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, "twice\ntwice\n");
  });

  test("a message starting with a dash goes after --", async () => {
    const port = String(freshPort());
    const { done } = await startReceiver([LO, GROUP, port, "--timeout", "3000"]);
    const sent = await run(SEND, ["-q", LO, GROUP, port, "--", "-5 degrees"]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(sent.stderr, "");
    assert.equal((await done).stdout, "-5 degrees\n");
  });

  test("without --timeout mcastrecv waits like the lecture's, until Ctrl-C, then exits 130", async () => {
    const { child, done } = await startReceiver([LO, GROUP, String(freshPort())]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(child.exitCode, null, "still waiting");
    child.kill("SIGINT");
    const got = await done;
    assert.equal(got.code, 130);
    assert.match(got.stderr, /until Ctrl-C/);
  });
});

// Each row is its own process; run them side by side to keep the suite quick.
describe("bad arguments: the message names the argument and the value", { concurrency: true }, () => {
  const port = "50001";
  // [command, arguments, exit status, what stderr must say]
  const rows: [string, string[], number, string[]][] = [
    [SEND, ["10.9.8.7", GROUP, port, HELLO], 2, ["host_ip", '"10.9.8.7"', "127.0.0.1 (lo)"]],
    [SEND, ["any", GROUP, port, HELLO], 2, ["host_ip", '"any"']],
    [SEND, [LO, "192.168.56.101", port, HELLO], 2, ["mcast_group_ip", '"192.168.56.101"', "224.0.0.0/4"]],
    [SEND, [LO, "224.1.5", port, HELLO], 2, ["mcast_group_ip", '"224.1.5"']],
    [SEND, [LO, "239.256.0.1", port, HELLO], 2, ["mcast_group_ip", '"239.256.0.1"', "over 255"]],
    [SEND, [LO, GROUP, "0", HELLO], 2, ["mcast_port_num", "got 0", "1 to 65535"]],
    [SEND, [LO, GROUP, "65536", HELLO], 2, ["mcast_port_num", "got 65536"]],
    [SEND, [LO, GROUP, "fifty", HELLO], 2, ["mcast_port_num", 'got "fifty"']],
    [SEND, [LO, GROUP, port, "x".repeat(65_508)], 2, ["message", "65508 bytes", "at most 65507 bytes"]],
    [SEND, ["--ttl", "256", LO, GROUP, port, HELLO], 2, ["--ttl", "got 256", "0 to 255"]],
    [SEND, ["--ttl", "one", LO, GROUP, port, HELLO], 2, ["--ttl", 'got "one"']],
    [SEND, ["--ttl=-1", LO, GROUP, port, HELLO], 2, ["--ttl", 'got "-1"']],
    [SEND, ["--count", "0", LO, GROUP, port, HELLO], 2, ["--count", "got 0"]],
    [SEND, ["--tll", "3", LO, GROUP, port, HELLO], 1, ["unknown option --tll", "--ttl", SEND_USAGE]],
    [SEND, [LO, GROUP, port, "Hello,", "World!"], 1, ["too many arguments", "quotes", SEND_USAGE]],
    [SEND, [LO, GROUP, port, "-5"], 1, ["'-5'", "--", SEND_USAGE]],
    [RECV, ["10.9.8.7", GROUP, port, "--timeout", "100"], 2, ["from_nic_by_host_ip", '"10.9.8.7"', "0.0.0.0"]],
    [RECV, ["eth9", GROUP, port, "--timeout", "100"], 2, ["from_nic_by_host_ip", '"eth9"']],
    [RECV, [LO, "10.0.0.1", port, "--timeout", "100"], 2, ["mcast_group_ip", '"10.0.0.1"', "top 4 bits are 0000"]],
    [RECV, [LO, "224.1.1", port, "--timeout", "100"], 2, ["mcast_group_ip", '"224.1.1"']],
    [RECV, [LO, GROUP, "0", "--timeout", "100"], 2, ["mcast_port", "got 0"]],
    [RECV, [LO, GROUP, "65536", "--timeout", "100"], 2, ["mcast_port", "got 65536"]],
    [RECV, [LO, GROUP, "5e4", "--timeout", "100"], 2, ["mcast_port", 'got "5e4"']],
    [RECV, [LO, GROUP, port, "--timeout", "0"], 2, ["--timeout", "got 0", "more than 0"]],
    [RECV, [LO, GROUP, port, "--timeout", "soon"], 2, ["--timeout", 'got "soon"']],
    [RECV, [LO, GROUP, port, "--timeout", "600001"], 2, ["--timeout", "got 600001", "at most 600000"]],
    [RECV, [LO, GROUP, port, "--count", "0", "--timeout", "100"], 2, ["--count", "got 0"]],
    [RECV, [LO, GROUP, port, "--count", "1.5", "--timeout", "100"], 2, ["--count", 'got "1.5"']],
    [RECV, [LO, GROUP, port, "--wait", "100"], 1, ["unknown option --wait", "--timeout", RECV_USAGE]],
    [RECV, [LO, GROUP, port, "extra"], 1, ["too many arguments", RECV_USAGE]],
    [RECV, [LO, GROUP, port, "--timeout"], 1, ["--timeout", RECV_USAGE]],
  ];
  assert.ok(rows.length >= 25);

  for (const [script, args, status, says] of rows) {
    const name = script === SEND ? "mcastsend" : "mcastrecv";
    const shown = args.map((a) => (a.length > 20 ? `${a.slice(0, 8)}...(${a.length} chars)` : a)).join(" ");
    test(`${name} ${shown} exits ${status} and says ${says[0]}`, async () => {
      const r = await run(script, args);
      assert.equal(r.code, status, r.stderr);
      assert.equal(r.stdout, "");
      for (const text of says) assert.ok(r.stderr.includes(text), `stderr lacks ${JSON.stringify(text)}:\n${r.stderr}`);
    });
  }
});

describe("mcastrecv 0.0.0.0 (INADDR_ANY), inside a network namespace of our own", () => {
  const args = process.getuid?.() === 0 ? ["--net"] : ["--user", "--map-root-user", "--net"];
  const probe = spawnSync("unshare", [...args, "true"], { timeout: 3000 });
  const skip = probe.status === 0 ? false : "cannot create a network namespace here";

  /** Runs a shell script in a fresh namespace with $0 = node, $1 = mcastrecv, $2 = mcastsend. */
  const inNamespace = (script: string) =>
    new Promise<Run>((resolve) => {
      execFile("unshare", [...args, "sh", "-c", script, process.execPath, RECV, SEND], { timeout: 10_000, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string }) | null;
        resolve({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, signal: null, stdout, stderr });
      });
    });

  test("with 224.0.0.0/4 routed to lo, a 0.0.0.0 receiver prints the message and exits 0", { skip }, async () => {
    // The receiver starts in the background; the sender repeats until the receiver has exited (at most 30 tries).
    const r = await inNamespace(`
      ip link set lo up && ip route add 224.0.0.0/4 dev lo || exit 9
      "$0" "$1" 0.0.0.0 ${GROUP} 50001 --timeout 5000 & pid=$!
      i=0
      while kill -0 $pid 2>/dev/null && [ $i -lt 30 ]; do
        "$0" "$2" -q 127.0.0.1 ${GROUP} 50001 "${HELLO}"; sleep 0.1; i=$((i+1))
      done
      wait $pid`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${HELLO}\n`);
    assert.match(r.stderr, /joined on INADDR_ANY/);
  });

  test("with no route to the group, a 0.0.0.0 receiver exits 4 naming ENODEV and the route to add", { skip }, async () => {
    const r = await inNamespace(`ip link set lo up || exit 9; exec "$0" "$1" 0.0.0.0 ${GROUP} 50001 --timeout 1000`);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /ENODEV/);
    assert.match(r.stderr, /ip route add 224\.0\.0\.0\/4 dev lo/);
  });
});
