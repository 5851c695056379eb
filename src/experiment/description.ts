// A delivery experiment as data: who sends to which group (how many, how
// fast, how big, with which TTL, out of which interface), who joins which
// group on which interface (with what receive buffer), and how long the whole
// run may take. checkExperiment() is the door: it names the field that is
// wrong and fills in the defaults; realize.ts realizes the description in a lab.
import { ArgumentError, checkInteger, checkTimeout } from "../util/errors";
import { checkGroup, checkPort, MAX_UDP_PAYLOAD } from "../sockets/endpoint";
import { checkOptions } from "../util/options";
import { checkBoolean } from "../util/errors";
import { tryParseIPv4 } from "../addresses/address";
import { HEADER_BYTES } from "./datagram";
import { checkImpair, ImpairSpec, ResolvedImpair } from "../lab/impair";

/** One sender of an experiment: the host, the group, how many datagrams, how fast, how big, TTL and interface. */
export interface SenderSpec {
  /** The lab host that sends, e.g. "midwood". */
  host: string;
  group: string;
  /** How many datagrams, 1 to 5,000,000. */
  count: number;
  /** Datagrams per second, or "max" (as fast as it can); default "max". */
  rate?: number | "max";
  /** Payload bytes, 24 (the experiment's header) to 65,507; default 64. */
  size?: number;
  /** IP_MULTICAST_TTL, 0 to 255; default 1. */
  ttl?: number;
  /**
   * The interface it sends out of (IP_MULTICAST_IF), by name ("eth1") or
   * address, or "any" to let the kernel pick by its routes. Default: the host's
   * interface on the shared network (eth1 in the lecture's lab).
   */
  on?: string;
  /** IP_MULTICAST_LOOP: whether its own host's receivers get a copy; default true. */
  loopback?: boolean;
  /** Its name in the results; default the host's name. */
  name?: string;
}

/** One receiver of an experiment: the host, the group it joins, the interface and its receive buffer. */
export interface ReceiverSpec {
  /** The lab host that receives, e.g. "flatbush". */
  host: string;
  /** The group its socket binds to and joins. */
  group: string;
  /** The interface it joins on, by name ("eth1") or address, or "any" (INADDR_ANY); default as for senders. */
  on?: string;
  /** SO_RCVBUF in bytes (the kernel caps it at net.core.rmem_max and reports twice it); default the kernel's (net.core.rmem_default). */
  receiveBuffer?: number;
  /** Its name in the results (rows, figures); default the host's name (with the group when a host has two). */
  name?: string;
}

/** A delivery experiment as data: senders, receivers, port and deadline. */
export interface Experiment {
  senders: SenderSpec[];
  receivers: ReceiverSpec[];
  /** The UDP port every socket uses; default 50001, the lecture's. */
  port?: number;
  /** The whole run ends by then, results in hand, whatever happens; default 10,000 ms. */
  deadlineMs?: number;
  /** How long senders wait for receivers to join; default the smaller of 3,000 ms and half the deadline. */
  joinTimeoutMs?: number;
  /** How long receivers keep listening after the last sender is done; default 100 ms. */
  graceMs?: number;
  /**
   * Links made lossy or slow for the run (lab.impair): loss on the wire,
   * before any receive buffer. Taken off again when the run ends.
   */
  impair?: ImpairSpec[];
}

export interface ResolvedSender extends Required<Omit<SenderSpec, "on">> {
  index: number;
  /** Filled in by realize.ts from the lab's topology when left out. */
  on?: string;
}

export interface ResolvedReceiver extends Omit<ReceiverSpec, "on" | "name" | "receiveBuffer"> {
  name: string;
  on?: string;
  receiveBuffer?: number;
}

export interface ResolvedExperiment {
  senders: ResolvedSender[];
  receivers: ResolvedReceiver[];
  port: number;
  deadlineMs: number;
  joinTimeoutMs: number;
  graceMs: number;
  impair: ResolvedImpair[];
}

export const MAX_COUNT = 5_000_000;
export const MAX_SENDERS = 64;
export const MAX_RECEIVERS = 64;
export const DEFAULT_SIZE = 64;
export const DEFAULT_PORT = 50001;
export const DEFAULT_DEADLINE_MS = 10_000;
export const DEFAULT_GRACE_MS = 100;

const EXPERIMENT_FIELDS = ["senders", "receivers", "port", "deadlineMs", "joinTimeoutMs", "graceMs", "impair"] as const;
const SENDER_FIELDS = ["host", "group", "count", "rate", "size", "ttl", "on", "loopback", "name"] as const;
const RECEIVER_FIELDS = ["host", "group", "on", "receiveBuffer", "name"] as const;
const HOST = /^[a-z][a-z0-9-]*$/;
const IFNAME = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
const NAME = /^[^\s,"]{1,40}$/;
const EXAMPLE = `{ senders: [{ host: "midwood", group: "224.1.1.5", count: 1000 }], receivers: [{ host: "eastny", group: "224.1.1.5" }] }`;

/** Checks an experiment's description, naming any bad field, and returns it with its defaults filled in. */
export function checkExperiment(description: unknown, argument = "experiment"): ResolvedExperiment {
  const d = checkOptions<Experiment>(argument, description, EXPERIMENT_FIELDS, EXAMPLE);
  const port = d.port === undefined ? DEFAULT_PORT : checkPort(`${argument}.port`, d.port);
  const deadlineMs = d.deadlineMs === undefined ? DEFAULT_DEADLINE_MS : checkTimeout(`${argument}.deadlineMs`, d.deadlineMs, 120_000);
  if (deadlineMs < 500) throw new ArgumentError(`${argument}.deadlineMs`, deadlineMs, "at least 500 ms (starting the hosts' processes alone takes ~100 ms)");
  const joinTimeoutMs = d.joinTimeoutMs === undefined ? Math.min(3000, deadlineMs / 2) : checkTimeout(`${argument}.joinTimeoutMs`, d.joinTimeoutMs, deadlineMs);
  const graceMs = d.graceMs === undefined ? DEFAULT_GRACE_MS : checkInteger(`${argument}.graceMs`, d.graceMs, 0, deadlineMs);

  const senders = checkList(`${argument}.senders`, d.senders, MAX_SENDERS, 0).map((s, i) => checkSender(`${argument}.senders[${i}]`, s, i));
  const receiverSpecs = checkList(`${argument}.receivers`, d.receivers, MAX_RECEIVERS, 1).map((r, i) => checkReceiver(`${argument}.receivers[${i}]`, r));
  const receivers = nameReceivers(receiverSpecs, `${argument}.receivers`);
  const senderNames = new Set<string>();
  for (const [i, s] of senders.entries()) {
    if (senderNames.has(s.name)) throw new ArgumentError(`${argument}.senders[${i}].name`, s.name, "a name no other sender has (give each sender of a host a name)");
    senderNames.add(s.name);
  }
  const impair = d.impair === undefined ? [] : checkList(`${argument}.impair`, d.impair, 16, 0).map((x, i) => checkImpair(`${argument}.impair[${i}]`, x));
  const links = new Set<string>();
  for (const [i, x] of impair.entries()) {
    if (links.has(`${x.host} ${x.iface}`)) throw new ArgumentError(`${argument}.impair[${i}]`, d.impair![i], "one impairment per link (give lossPercent and rateKbit together)");
    links.add(`${x.host} ${x.iface}`);
  }
  return { senders, receivers, port, deadlineMs, joinTimeoutMs, graceMs, impair };
}

function checkList(argument: string, value: unknown, max: number, min: number): unknown[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    throw new ArgumentError(argument, value, `an array of ${min} to ${max} entries`);
  }
  return value;
}

function checkSender(at: string, value: unknown, index: number): ResolvedSender {
  const s = checkOptions<SenderSpec>(at, value, SENDER_FIELDS, `{ host: "midwood", group: "224.1.1.5", count: 1000, rate: 10000 }`);
  const host = checkHost(`${at}.host`, s.host);
  const group = checkGroup(`${at}.group`, s.group);
  const count = checkInteger(`${at}.count`, s.count, 1, MAX_COUNT);
  let rate: number | "max" = "max";
  if (s.rate !== undefined && s.rate !== "max") {
    if (typeof s.rate !== "number" || !Number.isFinite(s.rate) || s.rate < 1 || s.rate > 10_000_000) {
      throw new ArgumentError(`${at}.rate`, s.rate, 'datagrams per second, from 1 to 10,000,000, or "max"');
    }
    rate = s.rate;
  }
  const size = s.size === undefined ? DEFAULT_SIZE : checkInteger(`${at}.size`, s.size, HEADER_BYTES, MAX_UDP_PAYLOAD);
  const ttl = s.ttl === undefined ? 1 : checkInteger(`${at}.ttl`, s.ttl, 0, 255);
  const on = s.on === undefined ? undefined : checkOn(`${at}.on`, s.on);
  const loopback = s.loopback === undefined ? true : checkBoolean(`${at}.loopback`, s.loopback);
  const name = s.name === undefined ? host : checkName(`${at}.name`, s.name);
  return { index, host, group, count, rate, size, ttl, loopback, name, ...(on !== undefined ? { on } : {}) };
}

function checkReceiver(at: string, value: unknown): ReceiverSpec {
  const r = checkOptions<ReceiverSpec>(at, value, RECEIVER_FIELDS, `{ host: "flatbush", group: "224.1.1.5", on: "eth1" }`);
  const out: ReceiverSpec = { host: checkHost(`${at}.host`, r.host), group: checkGroup(`${at}.group`, r.group) };
  if (r.on !== undefined) out.on = checkOn(`${at}.on`, r.on);
  if (r.receiveBuffer !== undefined) out.receiveBuffer = checkInteger(`${at}.receiveBuffer`, r.receiveBuffer, 1024, 256 * 1024 * 1024);
  if (r.name !== undefined) out.name = checkName(`${at}.name`, r.name);
  return out;
}

/** Every receiver gets a unique name: its own, else its host's, else "host group" when a host has two. */
function nameReceivers(specs: ReceiverSpec[], at: string): ResolvedReceiver[] {
  const perHost = new Map<string, number>();
  for (const r of specs) if (r.name === undefined) perHost.set(r.host, (perHost.get(r.host) ?? 0) + 1);
  const taken = new Set<string>();
  return specs.map((r, i) => {
    const name = r.name ?? ((perHost.get(r.host) ?? 0) > 1 ? `${r.host} ${r.group}` : r.host);
    if (taken.has(name)) throw new ArgumentError(`${at}[${i}].name`, name, "a name no other receiver has (give each receiver of a host that joins a group twice a name)");
    taken.add(name);
    const { name: _, ...rest } = r;
    return { ...rest, name };
  });
}

function checkHost(argument: string, value: unknown): string {
  if (typeof value !== "string" || !HOST.test(value)) throw new ArgumentError(argument, value, 'a host name such as "midwood"');
  return value;
}

function checkOn(argument: string, value: unknown): string {
  if (value === "any" || value === "0.0.0.0") return "any";
  if (typeof value === "string" && (IFNAME.test(value) || tryParseIPv4(value) >= 0)) return value;
  throw new ArgumentError(argument, value, 'an interface name such as "eth1", one of the host\'s IPv4 addresses, or "any"');
}

function checkName(argument: string, value: unknown): string {
  if (typeof value !== "string" || !NAME.test(value)) throw new ArgumentError(argument, value, "a short name without spaces, commas or quotes");
  return value;
}

/** The description as rows a notebook can show: who sends what, who joins what. */
export function describeRows(description: Experiment): Array<Record<string, string | number>> {
  const d = checkExperiment(description);
  const senders = d.senders.map((s) => ({
    role: "sends",
    name: s.name,
    host: s.host,
    group: s.group,
    on: s.on ?? "its NIC on the shared network",
    what: `${s.count.toLocaleString("en-US")} × ${s.size} B, ${s.rate === "max" ? "as fast as it can" : `${s.rate.toLocaleString("en-US")}/s`}, TTL ${s.ttl}${s.loopback ? "" : ", no loopback"}`,
  }));
  const receivers = d.receivers.map((r) => ({
    role: "joins",
    name: r.name,
    host: r.host,
    group: r.group,
    on: r.on ?? "its NIC on the shared network",
    what: r.receiveBuffer === undefined ? "default receive buffer" : `receive buffer ${r.receiveBuffer.toLocaleString("en-US")} B`,
  }));
  const links = d.impair.map((i) => ({
    role: "impairs",
    name: `the link to ${i.host}`,
    host: i.host,
    group: "every group",
    on: i.iface,
    what: [i.lossPercent !== null ? `${i.lossPercent}% lost` : "", i.rateKbit !== null ? `at most ${i.rateKbit.toLocaleString("en-US")} kbit/s` : ""].filter(Boolean).join(", "),
  }));
  return [...senders, ...receivers, ...links];
}
