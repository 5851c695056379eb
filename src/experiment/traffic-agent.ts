// Runs inside a lab host (realize.ts starts one per sender and per receiver) and
// does one side of an experiment there:
//   send     paced bursts of numbered, timestamped datagrams to the group,
//            until the count or the stop time;
//   receive  bind to (group, port), join on the interface, say "joined",
//            count every datagram into a Tally as it comes, and on SIGINT (or
//            at the stop time) drain the socket, read the kernel's UDP
//            counters again and say what it got, summarized.
// It answers in AGENT_PREFIX lines (runner-agent-protocol.ts).
//
// Usage: node traffic-agent.js JOB_JSON
import { prefixedLine } from "../util/prefixed-lines";
import { createSocket, Socket } from "node:dgram";
import { readFileSync } from "node:fs";
import { Tally } from "./accounting";
import { monotonicClock, readHeader, stampHeader, writeHeader } from "./datagram";
import { AGENT_PREFIX, AgentMessage, Job, ReceiveJob, SendJob } from "./runner-agent-protocol";
import { groupUsers, parseSnmp } from "../lab/views";
import { findInterface, localAddresses } from "../sockets/interfaces";

function say(message: AgentMessage): void {
  process.stdout.write(prefixedLine(AGENT_PREFIX, JSON.stringify(message)));
}

/** The interface's IPv4 address ("eth1"), the address itself, or undefined for "any". */
function resolveOn(on: string): { address?: string; name?: string } {
  if (on === "any") return {};
  const found = findInterface(on);
  if (found) return { address: found.address, name: found.name };
  const have = localAddresses().map((a) => `${a.name} ${a.address}`);
  throw new Error(`no interface or IPv4 address "${on}" on this host (it has ${have.join(", ")})`);
}


/** Its host's UDP counters (/proc/net/snmp is per network namespace). */
function udpCounters(): { RcvbufErrors: number; SndbufErrors: number } | null {
  try {
    return parseSnmp(readFileSync("/proc/net/snmp", "utf8")).Udp as { RcvbufErrors: number; SndbufErrors: number };
  } catch {
    return null;
  }
}

function bind(socket: Socket, port: number, address?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, address, () => {
      socket.off("error", reject);
      resolve();
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function receive(job: ReceiveJob): Promise<void> {
  const clock = monotonicClock(BigInt(job.epochNs));
  const nic = resolveOn(job.on);
  const socket = createSocket({ type: "udp4", reuseAddr: true });
  await bind(socket, job.port, job.group);
  if (job.receiveBuffer !== undefined) socket.setRecvBufferSize(job.receiveBuffer);
  const receiveBuffer = socket.getRecvBufferSize();
  const before = groupUsers(job.group);
  socket.addMembership(job.group, nic.address);
  // Which interface the kernel put the membership on: for "any", the one its route to the group uses.
  let joinedOn = nic.name ?? "";
  for (const [name, users] of groupUsers(job.group)) {
    if ((nic.name === undefined || name === nic.name) && users > (before.get(name) ?? 0)) joinedOn = name;
  }
  const tally = new Tally(job.streams, [job.group]);
  let lastAt = 0;
  socket.on("message", (msg: Buffer) => {
    const now = clock();
    lastAt = now;
    const header = readHeader(msg);
    if (header === null || header.tag !== job.tag) {
      tally.recordStray();
      return;
    }
    tally.record(header.sender, header.seq, header.sentMs, now);
  });
  socket.on("error", (error) => say({ ev: "error", message: `receive socket: ${error.message}` }));
  const counters0 = udpCounters();
  say({ ev: "joined", interface: joinedOn, address: nic.address ?? "0.0.0.0", receiveBuffer });

  let stoppedBy = "";
  const stopped = new Promise<void>((resolve) => {
    const stop = (why: string) => {
      if (!stoppedBy) stoppedBy = why;
      resolve();
    };
    process.on("SIGINT", () => stop("asked"));
    process.on("SIGTERM", () => stop("asked"));
    setTimeout(() => stop("its stop time"), Math.max(0, job.stopAtMs - clock()));
  });
  const progress = setInterval(() => say({ ev: "progress", count: tally.received }), job.progressMs);
  await stopped;
  // Read what is still queued in the socket's buffer before counting it lost.
  while (clock() - lastAt < job.quietMs && clock() < job.stopAtMs) await sleep(Math.max(1, job.quietMs / 4));
  clearInterval(progress);
  socket.removeAllListeners("message");
  const counters1 = udpCounters();
  const rcvbufErrors = counters0 && counters1 ? counters1.RcvbufErrors - counters0.RcvbufErrors : null;
  say({ ev: "received", tally: tally.summary(), rcvbufErrors, receiveBuffer, interface: joinedOn, stoppedBy });
  socket.close();
}

async function send(job: SendJob): Promise<void> {
  const clock = monotonicClock(BigInt(job.epochNs));
  const nic = resolveOn(job.on);
  const socket = createSocket({ type: "udp4" });
  await bind(socket, 0, nic.address);
  socket.setMulticastTTL(job.ttl);
  socket.setMulticastLoopback(job.loopback);
  if (nic.address !== undefined) socket.setMulticastInterface(nic.address);
  // Connected: each send then skips the address lookup dgram does per datagram.
  await new Promise<void>((resolve, reject) => socket.connect(job.port, job.group, (error?: Error) => (error ? reject(error) : resolve())));

  const { count, rate, size } = job;
  // As fast as it can: this many per turn of the event loop (about a MiB), so callbacks and progress still run.
  const BATCH = Math.max(8, Math.min(1024, Math.floor(2 ** 20 / size)));
  // Payloads come from a ring, each written once with the constant fields:
  // a send takes only the sequence number and the time. A slot is written
  // again RING sends later, and only while fewer than RING - BATCH sends wait
  // in the socket's queue (a queued send still reads its buffer).
  const RING = 4 * BATCH;
  const ring = Array.from({ length: RING }, () => {
    const b = Buffer.alloc(size);
    writeHeader(b, { tag: job.tag, sender: job.index, seq: 0, sentMs: 0 });
    return b;
  });
  let seq = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  let stoppedEarly = false;
  let finished!: () => void;
  const over = new Promise<void>((resolve) => (finished = resolve));
  let allQueued = false;
  // Sends complete in order, so a callback on the last of each burst accounts
  // for the whole burst; Node reports a failure only to a send that has a
  // callback (and the kernel drops for a full device queue silently, counting
  // SndbufErrors), so the first failure is sampled, not every one.
  const onBurst = (upTo: number) => (error: Error | null) => {
    if (error) {
      errors++;
      firstError ??= error.message;
    }
    done = upTo;
    if (allQueued && done === seq) finished();
  };
  const counters0 = udpCounters();
  const start = clock();
  let firstMs = 0;
  let lastMs = 0;
  const tick = () => {
    let now = clock();
    if (now >= job.stopAtMs) {
      stoppedEarly = seq < count;
      allQueued = true;
      if (done === seq) finished();
      return;
    }
    let due = rate > 0 ? Math.min(count, Math.floor(((now - start) * rate) / 1000) + 1) : count;
    if (due > seq + BATCH) due = seq + BATCH;
    if (due > seq && socket.getSendQueueCount() + BATCH >= RING) due = seq; // the ring is still in the kernel's hands: wait
    if (seq === 0) firstMs = now;
    const last = due - 1;
    while (seq < due) {
      const payload = ring[seq % RING];
      stampHeader(payload, seq, now);
      if (seq === last) socket.send(payload, onBurst(due));
      else socket.send(payload);
      seq++;
      now = clock();
    }
    lastMs = now;
    if (seq >= count) {
      allQueued = true;
      if (done === seq) finished();
      return;
    }
    // Paced: sleep until the next one is due (at least a timer tick, so it goes in bursts), else go on at once.
    const wait = rate > 0 ? start + (seq * 1000) / rate - now : 0;
    if (wait > 0) setTimeout(tick, Math.max(1, Math.floor(wait)));
    else setImmediate(tick);
  };
  const progress = setInterval(() => say({ ev: "progress", count: seq }), job.progressMs);
  const hardStop = setTimeout(() => finished(), Math.max(0, job.stopAtMs - clock()) + 200);
  process.on("SIGINT", () => {
    stoppedEarly = seq < count;
    finished();
  });
  tick();
  await over;
  clearInterval(progress);
  clearTimeout(hardStop);
  const counters1 = udpCounters();
  const sndbufErrors = counters0 && counters1 ? counters1.SndbufErrors - counters0.SndbufErrors : null;
  say({ ev: "sent", attempted: seq, sent: seq, errors, ...(firstError ? { firstError } : {}), sndbufErrors, firstMs, lastMs, stoppedEarly });
  socket.close();
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? "null") as Job | null;
  if (!job || (job.role !== "send" && job.role !== "receive")) throw new Error("usage: traffic-agent.js JOB_JSON (started by the experiment, not by hand)");
  if (job.role === "send") await send(job);
  else await receive(job);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    say({ ev: "error", message: error.message });
    process.exit(1);
  },
);
