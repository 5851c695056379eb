// A function of the student's run in a lab host while tcpdump watches the
// host's interfaces and the checker watches its socket table: what left by
// which interface, with which TTL and source, and whether the function left
// a socket open. Notebook 3 uses it to read a sender's defaults off the wire,
// and the lab-send check judges from it.
import type { Host } from "../lab/host";
import type { Packet } from "./dissect";
import { sniff } from "./sniff";

/** What watchCall() captures around a call: filter, interfaces and deadline. */
export interface WatchOptions {
  /** A tcpdump filter for what to catch, e.g. "udp and dst host 224.1.1.5". */
  filter: string;
  /** The host's interfaces to capture on (default eth0 and eth1). */
  interfaces?: string[];
  /** The function must finish within this (default 2000 ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A call watched from outside: what it returned, the packets it caused, the sockets it left open. */
export interface Watched {
  /** What the function returned. */
  value: unknown;
  /** The packets caught, in time order, each knowing its interface. */
  packets: Packet[];
  /** Sockets in the host that the function opened and did not close. */
  leftOpen: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Note the host's UDP sockets now; the function returned counts the sockets
 * opened since that are still open (the host's /proc/net/udp, any process).
 */
export async function socketsOpenedFrom(host: Host): Promise<() => Promise<number>> {
  const before = new Set((await host.udpSockets()).map((s) => s.inode));
  return async () => (await host.udpSockets()).filter((s) => !before.has(s.inode)).length;
}

/** Run `fn(...args)` in `host` (Host.call) with captures running; rejects with the function's own error. */
export async function watchCall(host: Host, fn: ((...args: never[]) => unknown) | string, args: unknown[], options: WatchOptions): Promise<Watched> {
  const interfaces = options.interfaces ?? ["eth0", "eth1"];
  const timeoutMs = options.timeoutMs ?? 2000;
  const captures = interfaces.map((iface) => sniff(host, { iface, filter: options.filter, timeoutMs: timeoutMs + 8000, signal: options.signal }));
  try {
    await Promise.all(captures.map((c) => c.ready));
    const opened = await socketsOpenedFrom(host);
    // The process stays a second after the result, so its sockets are still there to be counted.
    const calling = host.call(fn, args, { timeoutMs, holdMs: 1000, signal: options.signal });
    let value: unknown;
    let leftOpen: number;
    try {
      value = (await calling).value;
      leftOpen = await opened();
    } finally {
      calling.cancel();
    }
    await sleep(200); // the last packet from tcpdump's buffer to its file
    for (const c of captures) c.stop();
    const packets = (await Promise.all(captures)).flatMap((c) => c.packets).sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
    return { value, packets, leftOpen };
  } finally {
    for (const c of captures) c.stop();
  }
}
