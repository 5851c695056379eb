// Notebook 5, the lecture's exercise: a receiver that joins with INADDR_ANY
// ("any") never gets the datagram. INADDR_ANY does not mean "every
// interface": Linux joins on the interface of its route to the group, which
// in the lecture's VMs is the NAT NIC holding the default route, while the
// datagrams arrive on the host-only NIC. These helpers run that experiment
// in the lab and answer its questions from packets and from the kernel.
import { parseIPv4 } from "../addresses/address";
import { groupNumber } from "../addresses/blocks";
import { Packet } from "../capture/dissect";
import { packetKind } from "../capture/kind";
import { sniff } from "../capture/sniff";
import { ArgumentError, checkTimeout } from "../util/errors";
import { Host, LabReceiveResult } from "../lab/host";
import { currentLab } from "../lab/up";
import { Lab } from "../lab/lab";
import { labIsDown } from "../lab/lab-error";
import { contains, parseCidr } from "../addresses/cidr";

/** The lab that is up, or a clear error saying which cell to run. */
export function requireLab(): Lab {
  const lab = currentLab();
  if (!lab) throw new Error(labIsDown());
  return lab;
}

/** One line of a routing table: a destination ("default" or a prefix) and its interface. */
export interface RouteEntry {
  /** "default", or a prefix such as "224.0.0.0/4" or "192.168.56.0/24". */
  destination: string;
  /** The interface it sends out of. */
  dev: string;
  via?: string;
}

/** A host's IPv4 routing table (`ip -j route show`). */
export async function routeTable(host: Host): Promise<RouteEntry[]> {
  const rows = JSON.parse(await host.cmd("ip -j -4 route show")) as Array<{ dst: string; dev: string; gateway?: string }>;
  return rows.map((r) => {
    const entry: RouteEntry = { destination: r.dst === "default" || r.dst.includes("/") ? r.dst : `${r.dst}/32`, dev: r.dev };
    if (r.gateway) entry.via = r.gateway;
    return entry;
  });
}

/** The route a lookup picks: the longest prefix holding the address ("default" is /0). */
export function longestMatch(routes: ReadonlyArray<RouteEntry>, address: string): RouteEntry | undefined {
  const a = parseIPv4(address);
  let best: RouteEntry | undefined;
  let bestPrefix = -1;
  for (const r of routes) {
    const range = parseCidr(r.destination === "default" ? "0.0.0.0/0" : r.destination, {}, "a route's destination");
    if (contains(range, a) && range.prefix > bestPrefix) [best, bestPrefix] = [r, range.prefix];
  }
  return best;
}

/**
 * Run `fn` with extra routes in a host (`ip route replace ...` lines such as
 * "224.0.0.0/4 dev eth1"), and take them out again afterwards, on every path.
 */
export async function withRoutes<T>(host: Host, routes: string[], fn: () => Promise<T>): Promise<T> {
  for (const [i, r] of routes.entries()) {
    if (typeof r !== "string" || !/^[0-9./]+ dev [A-Za-z0-9_.-]{1,15}$/.test(r)) throw new ArgumentError(`routes[${i}]`, r, 'a route such as "224.0.0.0/4 dev eth1"');
  }
  const added: string[] = [];
  try {
    for (const r of routes) {
      await host.cmd(`ip route replace ${r}`);
      added.push(r);
    }
    return await fn();
  } finally {
    for (const r of added.reverse()) await host.run(`ip route del ${r}`).exited;
  }
}

/** Join `group` with INADDR_ANY in a host and report the interface the kernel chose. */
export async function kernelJoinInterface(host: Host, group: string, port = 50009): Promise<string> {
  groupNumber(group);
  const receiving = host.receive({ group, port, on: "any", timeoutMs: 2000 });
  try {
    return (await receiving.joined).interface;
  } finally {
    receiving.cancel();
    await receiving.run.exited;
  }
}

/** What interfaceExperiment() saw: the packets captured, whether the receiver got the datagram, and the interface it joined on. */
export interface InterfaceRun {
  /** Every packet caught on the receiver's eth0 and eth1, in time order, each with its `iface`. */
  packets: Packet[];
  /** What the receiver got (nothing, when the join went the wrong way). */
  received: LabReceiveResult;
  /** Where the kernel put the receiver's join. */
  joinedOn: string;
}

/** Notebook 5's run: which host receives, on which interface it joins, and the lab. */
export interface InterfaceRunOptions {
  /** The host that receives (default flatbush). */
  receiver?: string;
  /** Where it joins: "any" (the lecture's revision) or one of its addresses. */
  on?: string;
  group?: string;
  port?: number;
  /** How long the receiver waits (default 2000 ms). */
  timeoutMs?: number;
  /** The lab to run in (default: the one up() returned). */
  lab?: Lab;
}

/**
 * The lecture's exercise as one experiment: capture on both interfaces of the
 * receiver while it joins and midwood sends "Hello, World!" out of eth1.
 */
export async function interfaceExperiment(options: InterfaceRunOptions = {}): Promise<InterfaceRun> {
  const lab = options.lab ?? requireLab();
  const host = lab.host(options.receiver ?? "flatbush");
  const group = options.group ?? "224.1.1.5";
  groupNumber(group);
  const port = options.port ?? 50001;
  const timeoutMs = checkTimeout("options.timeoutMs", options.timeoutMs ?? 2000, 30_000);
  const captures = ["eth0", "eth1"].map((iface) => sniff(host, { iface, filter: `igmp or udp port ${port}`, timeoutMs: timeoutMs + 1500 }));
  try {
    await Promise.all(captures.map((c) => c.ready));
    const receiving = host.receive({ group, port, on: options.on ?? "any", timeoutMs });
    const joinedOn = (await receiving.joined).interface;
    await lab.host("midwood").send({ group, port, message: "Hello, World!", from: "192.168.56.103" });
    const received = await receiving;
    // Let the reports that follow a join (and the leave) reach the captures.
    await new Promise((r) => setTimeout(r, 300));
    for (const c of captures) c.stop();
    const packets = (await Promise.all(captures)).flatMap((c) => c.packets);
    packets.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
    return { packets, received, joinedOn };
  } finally {
    for (const c of captures) c.stop();
  }
}

/** Reference answer: where the membership report for `group` left and where the datagram to it arrived. */
export function reportAndDatagram(packets: ReadonlyArray<Packet>, group = "224.1.1.5"): { report: string | null; datagram: string | null } {
  const g = groupNumber(group);
  let report: string | null = null;
  let datagram: string | null = null;
  for (const p of packets) {
    const kind = packetKind(p);
    if (report === null && kind === "IGMP report" && reportsGroup(p, g)) report = p.iface ?? null;
    if (datagram === null && kind === "UDP to a group" && p.layer("IP")!.num("dst") === g) datagram = p.iface ?? null;
  }
  return { report, datagram };
}

function reportsGroup(p: Packet, group: number): boolean {
  const v2 = p.layer("IGMP");
  if (v2 && v2.num("gaddr") === group) return true;
  return (p.layer("IGMPv3mr")?.list("records") ?? []).some((r) => r.num("maddr") === group);
}
