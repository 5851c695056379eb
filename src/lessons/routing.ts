// Notebook 7's measurements, across routers: how far a datagram gets for
// each TTL it is sent with (and the TTL it carries on each network), what a
// router's multicast forwarding table holds, and a datagram with a forged
// source arriving on the wrong side of a router (reverse-path forwarding).
// Every answer comes from captures and the kernel's own counters.
import { sniff } from "../capture/sniff";
import { checkGroup } from "../sockets/endpoint";
import { tryParseIPv4 } from "../addresses/address";
import { isMulticastNumber } from "../addresses/blocks";
import { Lab } from "../lab/lab";
import type { Host } from "../lab/host";
import { HostSpec, Topology } from "../lab/topology";
import { checkTopology } from "../lab/resolve-topology";
import { parseSnmp } from "../lab/views";
import { ArgumentError, checkInteger } from "../util/errors";
import { Plot } from "../util/plot-library";
import { plot } from "../util/display";
import { say } from "../i18n/lang";

/** How long a capture keeps listening after the last send: ample for a lab's hops, even on a busy machine. */
const SETTLE_MS = 300;

/** One network, for one TTL sent: the TTL the datagram carried there, or null when it never got there. */
export interface ReachRow {
  sent: number;
  network: string;
  ttl: number | null;
}

/** What ttlReach sends: from which host, to which group, with which TTLs, to which port. */
export interface TtlReachOptions {
  /** The sender; default midwood. */
  from?: string;
  /** Default 224.1.1.5. */
  group?: string;
  /** The TTLs to send with, one datagram each; default 0 to 4. */
  ttls?: number[];
  port?: number;
}

/** Where a network is watched from: a host on it other than the sender (an end host if it has one, else a router), and that host's interface there. */
function watchPoints(topology: Topology, from: string): Array<{ network: string; host: string; iface: string }> {
  const points: Array<{ network: string; host: string; iface: string }> = [];
  for (const net of topology.networks) {
    const on = topology.hosts.filter((h) => h.name !== from && h.interfaces.some((f) => f.network === net.name));
    const host = on.find((h) => !h.forwarding) ?? on[0];
    if (host) points.push({ network: net.name, host: host.name, iface: host.interfaces.find((f) => f.network === net.name)!.name });
  }
  return points;
}

function senderAddress(topology: Topology, from: string): string {
  const address = topology.hosts.find((h) => h.name === from)?.interfaces.find((f) => f.address)?.address;
  if (!address) throw new ArgumentError("options.from", from, `a host of the lab with an address: ${topology.hosts.map((h) => h.name).join(", ")}`);
  return address;
}

/**
 * Send one datagram for each TTL of `ttls` from `from`, while one host on
 * every network captures; a row per TTL and network. TTL 0 never leaves the
 * sender's host; each router takes one off, and forwards only what arrives
 * with more than its outgoing interface's threshold.
 */
export async function ttlReach(lab: Lab, options: TtlReachOptions = {}): Promise<ReachRow[]> {
  if (!(lab instanceof Lab)) throw new ArgumentError("lab", lab, "a lab, as up() returns it");
  if (options === null || typeof options !== "object") throw new ArgumentError("options", options, 'an options object { from, group, ttls, port }');
  const from = options.from ?? "midwood";
  lab.host(from);
  const group = checkGroup("options.group", options.group ?? "224.1.1.5");
  const ttls = options.ttls ?? [0, 1, 2, 3, 4];
  if (!Array.isArray(ttls) || ttls.length < 1 || ttls.length > 16 || new Set(ttls).size !== ttls.length) throw new ArgumentError("options.ttls", ttls, "an array of 1 to 16 different TTLs");
  ttls.forEach((t, i) => checkInteger(`options.ttls[${i}]`, t, 0, 255));
  const port = options.port === undefined ? 50001 : checkInteger("options.port", options.port, 1, 65535);
  const address = senderAddress(lab.topology, from);
  const points = watchPoints(lab.topology, from);
  // Each capture stops SETTLE_MS after the last send, or at this deadline, whichever is first.
  const deadline = 1200 + ttls.length * 60;
  const captures = points.map((p) => sniff(lab.host(p.host), { iface: p.iface, filter: `udp and dst port ${port} and src host ${address}`, timeoutMs: deadline }));
  try {
    await Promise.all(captures.map((c) => c.ready));
    for (const ttl of ttls) await lab.host(from).send({ group, port, from: address, message: `sent with TTL ${ttl}`, ttl });
    // Two routers take well under a millisecond; stop once the last datagram has had time to arrive.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    for (const c of captures) c.stop();
  } finally {
    // Nothing left running on any path: each capture ends at its deadline.
    await Promise.allSettled(captures);
  }
  const results = await Promise.all(captures);
  const rows: ReachRow[] = [];
  for (const ttl of ttls) {
    for (const [i, p] of points.entries()) {
      const packet = results[i].packets.find((q) => q.layer("Raw") && Buffer.from(q.layer("Raw")!.bytes("load")).toString("utf8") === `sent with TTL ${ttl}`);
      rows.push({ sent: ttl, network: p.network, ttl: packet ? packet.layer("IP")!.num("ttl") : null });
    }
  }
  return rows;
}

/** TTL sent down, networks across (in the lab's order): the TTL the datagram carried on each network, blank where it never got. */
export function reachFigure(rows: ReachRow[], options: { title?: string; width?: number } = {}): SVGSVGElement | HTMLElement {
  if (!Array.isArray(rows) || rows.length === 0 || rows.some((r) => typeof r !== "object" || r === null || typeof r.network !== "string" || !Number.isInteger(r.sent))) {
    throw new ArgumentError("rows", rows, "the rows of mc.ttlReach(...)");
  }
  const networks = [...new Set(rows.map((r) => r.network))];
  const sent = [...new Set(rows.map((r) => r.sent))].sort((a, b) => a - b);
  const reached = say("reached", "도달");
  const missed = say("not reached", "도달 못 함");
  const cells = rows.map((r) => ({ ...r, sentText: say(`sent with TTL ${r.sent}`, `TTL ${r.sent}로 보냄`), state: r.ttl === null ? missed : reached, label: r.ttl === null ? "—" : `TTL ${r.ttl}` }));
  return plot({
    title: options.title ?? say("How far each TTL gets: the TTL the datagram carried on each network", "TTL마다 어디까지 가는가: 네트워크마다 데이터그램이 지닌 TTL"),
    width: options.width ?? Math.max(420, 170 + 150 * networks.length),
    height: 70 + 44 * sent.length,
    marginLeft: 130,
    marginTop: 36,
    padding: 0.05,
    x: { label: say("network (midwood's first)", "네트워크(midwood의 것부터)"), axis: "top", domain: networks },
    y: { label: null, domain: cells.filter((c, i, all) => all.findIndex((d) => d.sent === c.sent) === i).sort((a, b) => a.sent - b.sent).map((c) => c.sentText) },
    color: { type: "ordinal", domain: [reached, missed], range: ["#2a9d8f", "#eeeeee"], legend: true },
    marks: [
      Plot.cell(cells, { x: "network", y: "sentText", fill: "state", inset: 1 }),
      Plot.text(cells, { x: "network", y: "sentText", text: "label", fontSize: 13, fontWeight: "bold", fill: (d: { ttl: number | null }) => (d.ttl === null ? "#888888" : "white") }),
    ],
  });
}

/**
 * A copy of `topology` with TTL thresholds on routers' interfaces, e.g.
 * `withThresholds(mc.routedTopology, { router2: { eth2: 4 } })`: router2 then
 * forwards out of eth2 only what arrives with a TTL above 4.
 */
export function withThresholds(topology: Topology, thresholds: Record<string, Record<string, number>>): Topology {
  checkTopology(topology);
  if (thresholds === null || typeof thresholds !== "object" || Array.isArray(thresholds)) throw new ArgumentError("thresholds", thresholds, "an object { router: { interface: threshold } }, such as { router2: { eth2: 4 } }");
  const t = structuredClone(topology);
  for (const [router, ifaces] of Object.entries(thresholds)) {
    const host: HostSpec | undefined = t.hosts.find((h) => h.name === router);
    const routers = t.hosts.filter((h) => h.multicastRoutes?.length).map((h) => h.name);
    if (!host || !host.multicastRoutes?.length) throw new ArgumentError("thresholds", router, `a router of ${t.name}: ${routers.join(", ") || "it has none"}`);
    if (ifaces === null || typeof ifaces !== "object") throw new ArgumentError(`thresholds.${router}`, ifaces, "an object { interface: threshold }, such as { eth2: 4 }");
    for (const [iface, value] of Object.entries(ifaces)) {
      if (!host.interfaces.some((f) => f.name === iface)) throw new ArgumentError(`thresholds.${router}`, iface, `an interface of ${router}: ${host.interfaces.map((f) => f.name).join(", ")}`);
      checkInteger(`thresholds.${router}.${iface}`, value, 1, 255);
    }
    host.ttlThresholds = { ...host.ttlThresholds, ...ifaces };
  }
  t.name = `${t.name}-thresholds`;
  return t;
}

/** One (source, group) route in a router's multicast forwarding cache: where it came in, where it goes out, and how much went through. */
export interface MrouteRow {
  source: string;
  group: string;
  in: string;
  out: string;
  packets: number;
}

/** A router's multicast forwarding cache (`ip mroute show`): the (S,G) entries its routing daemon installed and the kernel used. */
export async function mroutes(host: Host): Promise<MrouteRow[]> {
  const rows = JSON.parse(await host.cmd("ip -s -j mroute show")) as Array<{ src: string; dst: string; iif: string; multipath?: Array<{ oif: string }>; packets?: number }>;
  return rows.map((r) => ({ source: r.src, group: r.dst, in: r.iif, out: (r.multipath ?? []).map((m) => m.oif).join(" ") || "—", packets: r.packets ?? 0 }));
}

/** What forgedSend sends: from which host, under which address, to which group, with which TTL. */
export interface ForgedSendOptions {
  /** The host that sends; default bushwick. */
  from?: string;
  /** The source address it forges; default midwood's, 192.168.56.103. */
  as?: string;
  group?: string;
  ttl?: number;
  port?: number;
}

/** What a forged datagram did: the networks it reached (with its TTL there), and each router's reverse-path drops before and after. */
export interface ForgedSendResult {
  reached: Array<{ network: string; ttl: number | null }>;
  drops: Array<{ router: string; before: number; after: number }>;
}

/**
 * `from` sends one datagram whose source address is `as` (added to its
 * interface for the send, removed after). A router that receives it on an
 * interface that is not its way back to `as` drops it (reverse-path
 * forwarding, rp_filter) and counts it in IPReversePathFilter.
 */
export async function forgedSend(lab: Lab, options: ForgedSendOptions = {}): Promise<ForgedSendResult> {
  if (!(lab instanceof Lab)) throw new ArgumentError("lab", lab, "a lab, as up() returns it");
  if (options === null || typeof options !== "object") throw new ArgumentError("options", options, "an options object { from, as, group, ttl }");
  const from = options.from ?? "bushwick";
  const sender = lab.host(from);
  const spec = lab.topology.hosts.find((h) => h.name === from)!;
  const as = options.as ?? "192.168.56.103";
  if (tryParseIPv4(as) === null || isMulticastNumber(tryParseIPv4(as))) throw new ArgumentError("options.as", as, "a unicast IPv4 address, such as 192.168.56.103");
  if (spec.interfaces.some((f) => f.address === as)) throw new ArgumentError("options.as", as, `an address that is not ${from}'s own`);
  const group = checkGroup("options.group", options.group ?? "224.1.1.5");
  const ttl = options.ttl === undefined ? 8 : checkInteger("options.ttl", options.ttl, 1, 255);
  const port = options.port === undefined ? 50001 : checkInteger("options.port", options.port, 1, 65535);
  const iface = spec.interfaces[0].name;
  const routers = lab.topology.hosts.filter((h) => h.multicastRoutes?.length).map((h) => h.name);
  const dropsNow = async () => Promise.all(routers.map(async (r) => parseSnmp(await lab.host(r).cmd("cat /proc/net/netstat")).TcpExt.IPReversePathFilter ?? 0));
  const points = watchPoints(lab.topology, from);
  const before = await dropsNow();
  await sender.cmd(`ip addr add ${as}/32 dev ${iface}`);
  const captures = points.map((p) => sniff(lab.host(p.host), { iface: p.iface, filter: `udp and dst port ${port} and src host ${as}`, timeoutMs: 1500 }));
  try {
    await Promise.all(captures.map((c) => c.ready));
    await sender.send({ group, port, from: as, message: `forged, from ${as}`, ttl });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    for (const c of captures) c.stop();
  } finally {
    await Promise.allSettled(captures);
    await sender.cmd(`ip addr del ${as}/32 dev ${iface}`);
  }
  const results = await Promise.all(captures);
  const after = await dropsNow();
  return {
    reached: points.map((p, i) => ({ network: p.network, ttl: results[i].packets[0]?.layer("IP")!.num("ttl") ?? null })),
    drops: routers.map((router, i) => ({ router, before: before[i], after: after[i] })),
  };
}
