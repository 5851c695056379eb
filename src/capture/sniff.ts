// Capture in a lab host with tcpdump, the way the lecture ran scapy's sniff()
// on bushwick. tcpdump writes its pcap (-U: flushed after every packet) to a
// file in a folder of ours, which the lab's hosts share with this process;
// we read the file as it grows, so each packet is dissected as soon as
// tcpdump has it. (A host's stdout reaches us as text, which would mangle
// binary pcap bytes.) The capture stops at `count` packets, at its deadline,
// on stop(), or when aborted; tcpdump is always stopped and the folder removed.
import { shellQuote } from "../util/shell";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open, FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArgumentError, checkInteger, checkSignal, checkTimeout } from "../util/errors";
import { dissectRecord, Packet } from "./dissect";
import { PcapReader, PcapRecord } from "./pcap";

/** What sniff() needs of a host: lab.host("bushwick") has it. */
export interface SniffHost {
  readonly name: string;
  run(command: string, options: { timeoutMs?: number }): SniffRun;
}

export interface SniffRun {
  readonly running: boolean;
  readonly stderr: string;
  readonly exited: Promise<{ code: number | null; signal: string | null; timedOut: boolean; stdout: string; stderr: string; error?: string }>;
  kill(signal?: "SIGINT" | "SIGTERM" | "SIGKILL"): void;
}

/** A capture: the interface, the tcpdump filter, how many packets, the deadline, and a pcap file to keep. */
export interface SniffOptions {
  /** The interface to capture on ("eth1"), or "any" (default). */
  iface?: string;
  /** A tcpdump filter, such as "udp port 50001" or "igmp" (default: everything). */
  filter?: string;
  /** Stop after this many packets (default: at the deadline). */
  count?: number;
  /** Stop at this deadline, in milliseconds (default 5000). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Also keep the capture in this pcap file (Wireshark opens it). */
  file?: string;
}

/** What a capture caught: the host and interface, its packets dissected, the pcap bytes, and whether it timed out. */
export interface SniffResult {
  host: string;
  iface: string;
  /** The packets, dissected, each with its time and interface. */
  packets: Packet[];
  /** The capture as tcpdump wrote it (cut after `count` packets): a pcap file's bytes. */
  pcap: Uint8Array;
  /** True when the deadline ended it (before `count` packets, if a count was given). */
  timedOut: boolean;
  /** Where the pcap was kept, when `file` was given. */
  file?: string;
}

/** A capture in progress: await it for the result. */
export interface Sniffing extends PromiseLike<SniffResult> {
  /** Resolves once tcpdump is listening, so the packets to catch can be sent. */
  readonly ready: Promise<void>;
  readonly result: Promise<SniffResult>;
  /** The packets so far, dissected as they arrive. */
  readonly packets: ReadonlyArray<Packet>;
  /** End the capture now; the result has what was caught. */
  stop(): void;
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** The lab kills tcpdump itself this long after our own deadline, should we fail to. */
const BACKSTOP_MS = 3_000;
const POLL_MS = 5;
const IFACE = /^[A-Za-z0-9_.:-]{1,15}$/;

/** Capture in a lab host: `const c = sniff(lab.host("bushwick"), { iface: "eth1", filter: "udp port 50001", count: 1 }); await c.ready; ...; (await c).packets`. */
export function sniff(host: SniffHost, options: SniffOptions = {}): Sniffing {
  if (host === null || typeof host !== "object" || typeof host.run !== "function") {
    throw new ArgumentError("host", host, 'a lab host, such as lab.host("bushwick")');
  }
  if (options === null || typeof options !== "object") throw new ArgumentError("options", options, "an options object { iface, filter, count, timeoutMs, file } (or left out)");
  const iface = options.iface ?? "any";
  if (typeof iface !== "string" || !IFACE.test(iface)) throw new ArgumentError("options.iface", iface, 'an interface name such as "eth1", or "any"');
  const filter = options.filter ?? "";
  if (typeof filter !== "string" || /[\0\n]/.test(filter)) throw new ArgumentError("options.filter", filter, 'a tcpdump filter on one line, such as "udp port 50001"');
  const count = options.count === undefined ? Infinity : checkInteger("options.count", options.count, 1, 1_000_000);
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : checkTimeout("options.timeoutMs", options.timeoutMs);
  const signal = checkSignal("options.signal", options.signal);
  if (options.file !== undefined && (typeof options.file !== "string" || options.file === "")) throw new ArgumentError("options.file", options.file, "a path for the pcap file (or left out)");
  if (signal?.aborted) throw abortError(signal);

  // Named for this process: what is left behind says whose it was.
  const dir = mkdtempSync(join(tmpdir(), `mcast-sniff-${process.pid}-`));
  const path = join(dir, "capture.pcap");
  // tcpdump started as root gives up root after opening its file; as real
  // root it must be told to stay root (-Z root), but in a user namespace it
  // may change neither, so -Z only where uid 0 is this machine's own root.
  const command = [
    `Z=; if [ "$(id -u)" = 0 ] && grep -qE '^ *0 +0 +4294967295' /proc/self/uid_map; then Z='-Z root'; fi;`,
    `exec tcpdump -i ${iface} -n -U --immediate-mode $Z -w ${shellQuote(path)}${filter ? " " + shellQuote(filter) : ""}`,
  ].join(" ");
  let run: SniffRun;
  try {
    run = host.run(command, { timeoutMs: timeoutMs + BACKSTOP_MS });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const packets: Packet[] = [];
  let stopped = false;
  let onReady!: () => void;
  let readyFailed!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => ((onReady = resolve), (readyFailed = reject)));
  ready.catch(() => undefined); // a cell that never awaits it must not crash the kernel

  const result = (async (): Promise<SniffResult> => {
    const reader = new PcapReader();
    const raw: Uint8Array[] = [];
    let handle: FileHandle | undefined;
    let offset = 0;
    let kept = 24; // bytes of the file up to the end of the last packet kept (the file header, at first)
    let listening = false;
    let timedOut = false;
    const names = new Map<number, string>();
    const pull = async (): Promise<void> => {
      if (!handle) {
        try {
          handle = await open(path, "r");
        } catch {
          return; // tcpdump has not created it yet
        }
      }
      for (;;) {
        const buf = new Uint8Array(65536);
        const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
        if (bytesRead === 0) return;
        const chunk = buf.subarray(0, bytesRead);
        offset += bytesRead;
        raw.push(chunk);
        const records = reader.push(chunk);
        for (const r of records) {
          if (packets.length >= count) break;
          kept += 16 + r.data.length;
          packets.push(packetOf(r, iface, names));
        }
      }
    };
    const deadline = Date.now() + timeoutMs;
    const aborted = () => signal?.aborted === true;
    try {
      for (;;) {
        if (!listening && /listening on/.test(run.stderr)) {
          listening = true;
          onReady();
        }
        await pull();
        if (packets.length >= count || stopped || aborted() || !run.running) break;
        if (Date.now() >= deadline) {
          timedOut = true;
          break;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      if (run.running) run.kill("SIGINT"); // tcpdump flushes and exits on Ctrl-C
      const end = await run.exited;
      if (!listening && /listening on/.test(end.stderr)) {
        listening = true;
        onReady();
      }
      await pull();
      if (aborted()) throw abortError(signal!);
      if (!listening) throw startFailure(host.name, iface, end);
      if (iface === "any" && packets.length) await nameInterfaces(host, packets, names);
      const all = concat(raw);
      const pcap = all.subarray(0, kept);
      if (options.file) writeFileSync(options.file, pcap);
      const out: SniffResult = { host: host.name, iface, packets, pcap, timedOut };
      if (options.file) out.file = options.file;
      return out;
    } catch (error) {
      readyFailed(error as Error);
      throw error;
    } finally {
      if (run.running) run.kill("SIGKILL");
      await handle?.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  result.catch(() => undefined);

  return {
    ready,
    result,
    packets,
    stop: () => {
      stopped = true;
    },
    then: (onFulfilled, onRejected) => result.then(onFulfilled, onRejected),
  };
}

function packetOf(record: PcapRecord, iface: string, names: Map<number, string>): Packet {
  const p = dissectRecord(record, iface);
  // With -i any, each packet names its interface by index (Linux cooked v2).
  if (iface === "any" && p.layers[0]?.name === "CookedLinuxV2") {
    const index = p.layers[0].num("ifindex");
    p.iface = names.get(index) ?? `if${index}`;
  }
  return p;
}

/** Turn "if3" into "eth1": ask the host for its interfaces' indexes. */
async function nameInterfaces(host: SniffHost, packets: Packet[], names: Map<number, string>): Promise<void> {
  try {
    const end = await host.run("ip -o link show", { timeoutMs: 2_000 }).exited;
    for (const line of end.stdout.split("\n")) {
      const m = /^(\d+): ([^:@\s]+)/.exec(line);
      if (m) names.set(Number(m[1]), m[2]);
    }
  } catch {
    return; // the indexes stay as names
  }
  for (const p of packets) {
    const m = /^if(\d+)$/.exec(p.iface ?? "");
    if (m && names.has(Number(m[1]))) p.iface = names.get(Number(m[1]));
  }
}

function startFailure(host: string, iface: string, end: { code: number | null; stderr: string; error?: string; timedOut: boolean }): Error {
  const said = end.stderr.trim();
  let hint = "";
  if (/No such device/.test(said)) hint = ` (is ${iface} an interface of ${host}? host.addresses() lists them)`;
  else if (/Couldn't change|Operation not permitted/.test(said)) hint = " (as root, bring the lab up without a user namespace: up(topology, { userNamespace: false }))";
  else if (/syntax error|parse error/i.test(said)) hint = ' (a tcpdump filter reads like "udp port 50001" or "igmp or udp")';
  else if (/not found/.test(said)) hint = " (install tcpdump: sudo apt-get install tcpdump)";
  return new Error(`tcpdump did not start on ${host}${end.error ? `: ${end.error}` : ""}${said ? `: ${said}` : ""}${hint}`);
}

function abortError(signal: AbortSignal): Error {
  const e = new Error("The capture was aborted") as Error & { cause?: unknown };
  e.name = "AbortError";
  e.cause = signal.reason;
  return e;
}


function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** What waitForQuiet() waits for: an interface, a filter, how long it must stay quiet, and a deadline. */
export interface QuietOptions {
  /** The interface to listen on (default "any"). */
  iface?: string;
  /** What counts as traffic (default "igmp"). */
  filter?: string;
  /** Quiet for this long ends the wait (default 1200 ms: longer than IGMPv3's 1 s between a report and its repeat). */
  quietMs?: number;
  /** Give up waiting after this long, quiet or not (default 6000 ms). */
  timeoutMs?: number;
}

/**
 * Wait until a host's interface has been quiet for a while, so the next
 * capture does not catch the tail of what came before (a host repeats its
 * reports and leaves up to a second after the first one). Resolves to
 * whether it got quiet before the deadline.
 */
export async function waitForQuiet(host: SniffHost, options: QuietOptions = {}): Promise<boolean> {
  const quietMs = options.quietMs === undefined ? 1200 : checkTimeout("options.quietMs", options.quietMs, 60_000);
  const timeoutMs = options.timeoutMs === undefined ? 6000 : checkTimeout("options.timeoutMs", options.timeoutMs, 60_000);
  const capture = sniff(host, { iface: options.iface, filter: options.filter ?? "igmp", timeoutMs: timeoutMs + 1000 });
  try {
    await capture.ready;
    const started = Date.now();
    let seen = 0;
    let lastChange = started;
    while (Date.now() - started < timeoutMs) {
      if (capture.packets.length !== seen) {
        seen = capture.packets.length;
        lastChange = Date.now();
      }
      if (Date.now() - lastChange >= quietMs) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  } finally {
    capture.stop();
    await capture.result.catch(() => undefined);
  }
}
