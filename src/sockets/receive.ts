// The lecture's receiver (mcastrecv): a UDP socket bound to (group, port),
// joined to the group on one interface (IP_ADD_MEMBERSHIP), waiting for
// datagrams. Three forms of one thing:
//   receive(...)       waits for `count` datagrams or the timeout, then closes;
//   listen(...)        the same as a `for await` loop, closed when the loop ends;
//   openReceiver(...)  joined now, read later: start three, send, then collect.
// Every wait has a deadline (default 3000 ms) and an optional AbortSignal.
// A timeout is an answer, not an error: in the lecture's demonstration the
// receiver on the other group is *supposed* to get nothing, so timing out
// resolves with `timedOut: true`. Aborting through the signal rejects with an
// AbortError, as Node's own APIs do: the caller asked to stop, and a result
// they did not wait for would be easy to mistake for a real one.
import { createSocket, RemoteInfo, Socket } from "node:dgram";
import { abortError, Deadline, deadline, now } from "../util/deadline";
import { bind, checkGroup, checkPort, closeSocket } from "./endpoint";
import { checkOptions } from "../util/options";
import { ArgumentError, checkInteger, checkSignal, checkTimeout } from "../util/errors";
import { checkLocalAddress, isAnyInterface, localAddresses } from "./interfaces";
import { tryParseIPv4 } from "../addresses/address";
import { isMulticastNumber } from "../addresses/blocks";

/** Where receive() listens: group, port, the interface to join on, and how long to wait. */
export interface ReceiveOptions {
  /** The multicast group to join, e.g. "224.1.1.5". */
  group: string;
  /** The UDP port the sender sends to, e.g. 50001. */
  port: number;
  /**
   * The interface to join on, named by one of this host's IPv4 addresses, or
   * "any" / "0.0.0.0" for INADDR_ANY. INADDR_ANY does not mean every
   * interface: the kernel joins on one, the one its route to the group uses.
   */
  on: string;
  /** How many datagrams to wait for; default 1 (for listen(): no limit, until the deadline). */
  count?: number;
  /** How long to wait, in ms; default 3000, at most 600000. */
  timeoutMs?: number;
  /** Aborting it stops the wait with an AbortError and closes the socket. */
  signal?: AbortSignal;
  /**
   * The local address the socket binds to: "group" (default, as the lecture)
   * or "any" (0.0.0.0). Bound to 0.0.0.0, a socket also gets datagrams to
   * this port for every group any socket on this host joined, and unicast.
   */
  bind?: "group" | "any";
  /** The socket's receive buffer (SO_RCVBUF) in bytes; the kernel caps it at net.core.rmem_max. */
  receiveBuffer?: number;
  /**
   * Source-specific multicast: join (source, group) only
   * (IP_ADD_SOURCE_MEMBERSHIP), so that of every sender to the group only
   * `source` gets through, on IGMPv3's INCLUDE mode. The SSM block is 232.0.0.0/8.
   */
  source?: string;
  /** More interfaces, by address, to join the same group on with the same socket (one membership each). */
  alsoOn?: string[];
}

/** One datagram received: its bytes, text, sender and when it came. */
export interface Datagram {
  /** The payload decoded as UTF-8. */
  message: string;
  bytes: Uint8Array;
  /** The sender's address and port, as in the IP and UDP headers. */
  from: string;
  fromPort: number;
  /** Payload size in bytes. */
  size: number;
  /** When it arrived: ms since 1970 with sub-ms precision (performance.timeOrigin + performance.now()). */
  time: number;
}

/** What receive() got: the datagrams (none when the wait ran out), the interface it joined on, and how long it waited. */
export interface ReceiveResult {
  group: string;
  port: number;
  on: string;
  datagrams: Datagram[];
  /** True when the deadline came before `count` datagrams did. */
  timedOut: boolean;
  waitedMs: number;
  /** One line for a person, e.g. "nothing received after 3000 ms on 224.1.1.5:50001 (joined on 127.0.0.1)". */
  summary: string;
}

/** How long a Receiver waits for the next datagram, and an AbortSignal. */
export interface WaitOptions {
  count?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 3000;
const RECEIVE_OPTIONS = ["group", "port", "on", "count", "timeoutMs", "signal", "bind", "receiveBuffer", "source", "alsoOn"] as const;
const EXAMPLE = `{ group: "224.1.1.5", port: 50001, on: "127.0.0.1" }`;

interface Settings {
  group: string;
  port: number;
  on: string;
  count: number;
  timeoutMs: number;
  signal?: AbortSignal;
  bind: "group" | "any";
  receiveBuffer?: number;
  source?: string;
  alsoOn: string[];
}

function checkReceiveOptions(fn: string, options: unknown, defaultCount: number): Settings {
  const o = checkOptions<ReceiveOptions>(fn, options, RECEIVE_OPTIONS, EXAMPLE);
  const group = checkGroup("group", o.group);
  const port = checkPort("port", o.port);
  const on = checkLocalAddress("on", o.on, true);
  const count = o.count === undefined ? defaultCount : checkInteger("count", o.count, 1, Number.MAX_SAFE_INTEGER);
  const timeoutMs = o.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : checkTimeout("timeoutMs", o.timeoutMs);
  const signal = checkSignal("signal", o.signal);
  if (o.bind !== undefined && o.bind !== "group" && o.bind !== "any") {
    throw new ArgumentError("bind", o.bind, `"group" (bind to the group's address, as the lecture) or "any" (0.0.0.0)`);
  }
  const receiveBuffer = o.receiveBuffer === undefined ? undefined : checkInteger("receiveBuffer", o.receiveBuffer, 1024, 256 * 1024 * 1024);
  const source = o.source === undefined ? undefined : checkSource(o.source);
  if (o.alsoOn !== undefined && (!Array.isArray(o.alsoOn) || o.alsoOn.length > 8)) throw new ArgumentError("alsoOn", o.alsoOn, "an array of at most 8 of this host's addresses, such as [\"10.0.2.15\"]");
  const alsoOn = (o.alsoOn ?? []).map((a, i) => checkLocalAddress(`alsoOn[${i}]`, a));
  for (const [i, a] of alsoOn.entries()) {
    if (a === on || alsoOn.indexOf(a) !== i) throw new ArgumentError(`alsoOn[${i}]`, a, "an interface not joined already (each interface once, `on` included)");
  }
  if (alsoOn.length > 0 && isAnyInterface(on)) throw new ArgumentError("on", on, "an interface's address when alsoOn is given (INADDR_ANY joins on one interface the kernel picks)");
  return { group, port, on, count, timeoutMs, signal, bind: o.bind ?? "group", receiveBuffer, source, alsoOn };
}

function checkWaitOptions(fn: string, options: unknown, defaults: Settings): { count: number; timeoutMs: number; signal?: AbortSignal } {
  if (options === undefined) return { count: defaults.count, timeoutMs: defaults.timeoutMs };
  const known = fn === "next" ? ["timeoutMs", "signal"] : ["count", "timeoutMs", "signal"];
  const o = checkOptions<WaitOptions>(fn, options, known, fn === "next" ? `{ timeoutMs: 3000 }` : `{ count: 1, timeoutMs: 3000 }`);
  return {
    count: o.count === undefined ? defaults.count : checkInteger("count", o.count, 1, Number.MAX_SAFE_INTEGER),
    timeoutMs: o.timeoutMs === undefined ? defaults.timeoutMs : checkTimeout("timeoutMs", o.timeoutMs),
    signal: o.signal === undefined ? undefined : checkSignal("signal", o.signal),
  };
}

/**
 * A joined, bound receiver whose datagrams queue up until read. Made by
 * openReceiver(); close() it when done (re-running the cell that opened it
 * is harmless: sockets use reuseAddr, but the old one stays open until closed).
 */
export class Receiver {
  readonly group: string;
  readonly port: number;
  readonly on: string;
  /** The local address the socket is bound to: the group, or "0.0.0.0". */
  readonly address: string;
  /** The receive buffer the kernel granted, in bytes (Linux reports twice what was asked). */
  readonly receiveBufferBytes: number;
  private readonly queue: Datagram[] = [];
  private wake?: () => void;
  private failure?: Error;
  private closing?: Promise<void>;
  private waiting = false;
  private readonly unhook: () => void;

  /** @internal use openReceiver() */
  constructor(private readonly socket: Socket, private readonly settings: Settings) {
    this.group = settings.group;
    this.port = settings.port;
    this.on = settings.on;
    this.address = socket.address().address;
    this.receiveBufferBytes = socket.getRecvBufferSize();
    socket.on("message", (msg: Buffer, rinfo: RemoteInfo) => {
      this.queue.push({
        message: msg.toString("utf8"),
        bytes: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength),
        from: rinfo.address,
        fromPort: rinfo.port,
        size: rinfo.size,
        time: now(),
      });
      this.wake?.();
    });
    socket.on("error", (error) => this.fail(error));
    const signal = settings.signal;
    const onAbort = () => this.fail(abortError(signal?.reason, "the receiver"));
    signal?.addEventListener("abort", onAbort, { once: true });
    this.unhook = () => signal?.removeEventListener("abort", onAbort);
  }

  /** Datagrams that arrived and were not read yet. */
  get pending(): number {
    return this.queue.length;
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** The next datagram, or undefined if none came before the timeout (default: the receiver's timeoutMs). */
  async next(options?: Omit<WaitOptions, "count">): Promise<Datagram | undefined> {
    const o = checkWaitOptions("next", options, this.settings);
    const d = deadline(o.timeoutMs, o.signal);
    try {
      return (await this.take(1, d))[0];
    } finally {
      d.dispose();
    }
  }

  /** Waits for `count` datagrams (queued ones count) or the timeout; defaults are the receiver's. */
  async collect(options?: WaitOptions): Promise<ReceiveResult> {
    const o = checkWaitOptions("collect", options, this.settings);
    const d = deadline(o.timeoutMs, o.signal);
    try {
      const datagrams = await this.take(o.count, d);
      const timedOut = datagrams.length < o.count;
      const waitedMs = d.elapsedMs();
      return {
        group: this.group,
        port: this.port,
        on: this.on,
        datagrams,
        timedOut,
        waitedMs,
        summary: summarize(this.settings, datagrams.length, o.count, o.timeoutMs, waitedMs, timedOut),
      };
    } finally {
      d.dispose();
    }
  }

  /**
   * Leaves the group, each membership by name (IP_DROP_MEMBERSHIP, or
   * IP_DROP_SOURCE_MEMBERSHIP for a source-specific one), then closes the
   * socket. Closing alone would drop them too; saying so keeps the leave in
   * the program's own text, as the lecture's would be. Safe to call twice.
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.unhook();
      const s = this.settings;
      for (const on of [s.on, ...s.alsoOn]) {
        const iface = isAnyInterface(on) ? undefined : on;
        try {
          if (s.source !== undefined) this.socket.dropSourceSpecificMembership(s.source, s.group, iface);
          else this.socket.dropMembership(s.group, iface);
        } catch {
          // Gone already (its interface went down, or the socket failed): closing drops what is left.
        }
      }
      this.closing = closeSocket(this.socket);
      this.wake?.();
    }
    return this.closing;
  }

  /**
   * Takes up to `count` datagrams, waiting until the deadline for the
   * missing ones. @internal (listen() shares one deadline across many takes)
   */
  async take(count: number, d: Deadline): Promise<Datagram[]> {
    if (this.waiting) throw new Error("this receiver is already waiting in another next() or collect(); await that one first");
    this.waiting = true;
    const wakeOnDeadline = () => this.wake?.();
    d.signal.addEventListener("abort", wakeOnDeadline);
    const got: Datagram[] = [];
    try {
      while (got.length < count) {
        if (this.queue.length > 0) {
          got.push(...this.queue.splice(0, count - got.length));
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.closing) throw new Error(`the receiver on ${this.group}:${this.port} was closed while waiting`);
        if (d.aborted) throw abortError(d.signal.reason);
        if (d.timedOut) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
      return got;
    } finally {
      d.signal.removeEventListener("abort", wakeOnDeadline);
      this.wake = undefined;
      this.waiting = false;
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    void this.close();
  }
}

/**
 * Opens a receiver: binds to (group, port), joins the group on `on`, and
 * resolves once both are done, so what is sent afterwards is queued for it.
 * `count` and `timeoutMs` become the defaults of its collect() and next();
 * `signal` closes it when aborted.
 *
 *     const east = await openReceiver({ group: "224.1.1.5", port: 50001, on: "127.0.0.1" })
 *     // ... send ...
 *     (await east.collect()).summary; await east.close()
 */
export async function openReceiver(options: ReceiveOptions): Promise<Receiver> {
  return open(checkReceiveOptions("openReceiver", options, 1));
}

async function open(s: Settings): Promise<Receiver> {
  if (s.signal?.aborted) throw abortError(s.signal.reason, "opening the receiver");
  // reuseAddr (SO_REUSEADDR): several receivers on one host share the port,
  // as the lecture's eastny and flatbush would if they were one machine, and
  // re-running a cell never fails with EADDRINUSE.
  const socket = createSocket({ type: "udp4", reuseAddr: true });
  try {
    // Bound to the group's address, the socket gets only datagrams sent to
    // that group (and port). Bound to 0.0.0.0 it would also get those for
    // every other group joined by any socket on this host, on that port:
    // Linux delivers by (destination address, port), not by membership.
    const address = s.bind === "group" ? s.group : "0.0.0.0";
    try {
      await bind(socket, s.port, address);
    } catch (error) {
      throw systemError(error, `could not bind to ${address}:${s.port}`);
    }
    if (s.receiveBuffer !== undefined) socket.setRecvBufferSize(s.receiveBuffer);
    for (const on of [s.on, ...s.alsoOn]) {
      try {
        // No interface means imr_interface = INADDR_ANY: the kernel picks one.
        const iface = isAnyInterface(on) ? undefined : on;
        if (s.source !== undefined) socket.addSourceSpecificMembership(s.source, s.group, iface);
        else if (iface === undefined) socket.addMembership(s.group);
        else socket.addMembership(s.group, iface);
      } catch (error) {
        throw joinError(error, { ...s, on });
      }
    }
    return new Receiver(socket, s);
  } catch (error) {
    await closeSocket(socket);
    throw error;
  }
}

/**
 * Receives `count` datagrams (default 1) or waits out the timeout (default
 * 3000 ms), then closes the socket. Resolves in both cases; `timedOut` and
 * `summary` tell which.
 *
 *     const r = await receive({ group: "224.1.1.5", port: 50001, on: "127.0.0.1" })
 *     r.datagrams[0]?.message
 */
export async function receive(options: ReceiveOptions): Promise<ReceiveResult> {
  const s = checkReceiveOptions("receive", options, 1);
  if (s.signal?.aborted) throw abortError(s.signal.reason);
  const receiver = await open({ ...s, signal: undefined });
  try {
    return await receiver.collect({ count: s.count, timeoutMs: s.timeoutMs, signal: s.signal });
  } finally {
    await receiver.close();
  }
}

/**
 * Datagrams as they arrive, for a `for await` loop. The loop ends after
 * `count` datagrams (default: no limit) or at the deadline, `timeoutMs` after
 * it starts (default 3000); aborting `signal` makes it throw an AbortError.
 * The socket opens when the loop starts and closes when it ends, also on
 * `break` or an exception.
 *
 *     for await (const d of listen({ group: "224.1.1.5", port: 50001, on: "127.0.0.1", timeoutMs: 5000 }))
 *       console.log(d.from, d.message)
 */
export function listen(options: ReceiveOptions): AsyncGenerator<Datagram, void, undefined> {
  // Checked here, not inside the generator, so a bad option throws at the call.
  return stream(checkReceiveOptions("listen", options, Number.POSITIVE_INFINITY));
}

async function* stream(s: Settings): AsyncGenerator<Datagram, void, undefined> {
  if (s.signal?.aborted) throw abortError(s.signal.reason);
  const receiver = await open({ ...s, signal: undefined });
  const d = deadline(s.timeoutMs, s.signal);
  try {
    for (let n = 0; n < s.count; n++) {
      const [datagram] = await receiver.take(1, d);
      if (!datagram) return;
      yield datagram;
    }
  } finally {
    d.dispose();
    await receiver.close();
  }
}

function onText(s: Settings): string {
  return isAnyInterface(s.on) ? "INADDR_ANY" : s.on;
}

function summarize(s: Settings, got: number, count: number, timeoutMs: number, waitedMs: number, timedOut: boolean): string {
  const joined = [s.on, ...s.alsoOn].map((on) => onText({ ...s, on })).join(" and ");
  const where = `on ${s.group}:${s.port} (joined on ${joined}${s.source ? `, from ${s.source} only` : ""})`;
  const plural = (n: number) => `${n} datagram${n === 1 ? "" : "s"}`;
  if (!timedOut) return `${plural(got)} received ${where} in ${waitedMs.toFixed(1)} ms`;
  if (got === 0) return `nothing received after ${timeoutMs} ms ${where}`;
  return `${got} of ${plural(count)} received ${where} before the ${timeoutMs} ms timeout`;
}

/** A system error with what we were doing in front, keeping its code (e.g. "ENODEV") and the original as cause. */
function systemError(error: unknown, doing: string, advice = ""): Error {
  const original = error as NodeJS.ErrnoException;
  const code = original?.code;
  const wrapped = new Error(`${doing}: ${original?.message ?? String(error)}${advice ? `. ${advice}` : ""}`) as NodeJS.ErrnoException & { cause?: unknown };
  if (code) wrapped.code = code;
  wrapped.cause = error;
  return wrapped;
}

/** A source for a source-specific join: a unicast IPv4 address (the sender's). */
function checkSource(value: unknown): string {
  const n = typeof value === "string" ? tryParseIPv4(value) : null;
  if (n === null || n === 0 || isMulticastNumber(n) || n >>> 24 === 127 || n === 0xffffffff) {
    throw new ArgumentError("source", value, "a sender's unicast IPv4 address, such as \"192.168.56.103\"", "only that sender's datagrams to the group get through");
  }
  return value as string;
}

/** Turns a failed IP_ADD_MEMBERSHIP into the cause and the fix. */
function joinError(error: unknown, s: Settings): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  const here = localAddresses();
  const nics = here.map((a) => `${a.address} (${a.name})`);
  // Name the NICs to choose from; loopback only in a bare namespace.
  const real = here.filter((a) => !a.internal).map((a) => a.name);
  const dev = real.length === 1 ? real[0] : real.length > 1 ? `IFACE (the one the group's traffic arrives on: ${real.join(" or ")})` : (here[0]?.name ?? "IFACE");
  if (isAnyInterface(s.on)) {
    const doing = `could not join ${s.group} with INADDR_ANY`;
    if (code === "ENODEV") {
      return systemError(
        error,
        doing,
        `With INADDR_ANY the kernel joins on the interface of its route to the group, and this host has no route to ${s.group}. ` +
          `Join on an interface's address instead (on: one of ${nics.join(", ") || "this host's addresses"}), ` +
          `or route multicast to an interface: ip route add 224.0.0.0/4 dev ${dev}`,
      );
    }
    return systemError(error, doing);
  }
  const doing = `could not join ${s.group} on ${s.on}`;
  if (code === "ENODEV" || code === "EADDRNOTAVAIL") {
    return systemError(error, doing, `Is ${s.on} still an address of an interface that is up? Addresses here: ${localAddresses().map((a) => a.address).join(", ")}`);
  }
  if (code === "ENOBUFS") {
    return systemError(error, doing, "Too many memberships (net.ipv4.igmp_max_memberships); close receivers you no longer use");
  }
  return systemError(error, doing);
}
