// What a host's kernel says about itself, read from `ip -j` and /proc, as
// rows a notebook can show with table(). Only parsing here: host.ts runs the
// commands inside the host's namespace (/proc/net/* is per namespace too).
import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import { groupToMac } from "../addresses/mac";

/** One address of a host's interface, from `ip -j address`. */
export interface AddressRow {
  interface: string;
  address: string;
  prefix: number;
  mac: string;
  /** The kernel's operstate: "UP", "DOWN", "UNKNOWN" (loopback)... */
  state: string;
}

/** `ip -j addr show`: one row per IPv4 address. */
export function parseAddresses(json: string): AddressRow[] {
  const links = JSON.parse(json) as Array<{
    ifname: string;
    address?: string;
    operstate?: string;
    addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
  }>;
  return links.flatMap((link) =>
    (link.addr_info ?? [])
      .filter((a) => a.family === "inet")
      .map((a) => ({ interface: link.ifname, address: a.local, prefix: a.prefixlen, mac: link.address ?? "", state: link.operstate ?? "" })),
  );
}

/** The route the kernel picks for an address, from `ip -j route get`. */
export interface RouteRow {
  destination: string;
  /** "unicast", "multicast", "local", "broadcast"... */
  type: string;
  /** The interface a datagram to it leaves by. */
  interface: string;
  /** The source address the kernel would pick. */
  source: string;
  /** The next hop, when there is one. */
  via?: string;
}

/** `ip -j route get ADDRESS`. */
export function parseRouteGet(json: string): RouteRow {
  const [r] = JSON.parse(json) as Array<{ type?: string; dst: string; dev: string; prefsrc?: string; gateway?: string }>;
  const row: RouteRow = { destination: r.dst, type: r.type ?? "unicast", interface: r.dev, source: r.prefsrc ?? "" };
  if (r.gateway) row.via = r.gateway;
  return row;
}

/** One group a host's interface has joined, from `ip -j maddress`. */
export interface GroupRow {
  interface: string;
  group: string;
  /** The Ethernet address the group maps to (01:00:5e and its low 23 bits). */
  mac: string;
}

/** `ip -j maddr show`: the IPv4 groups each interface belongs to. */
export function parseGroups(json: string): GroupRow[] {
  const links = JSON.parse(json) as Array<{ ifname: string; maddr?: Array<{ family?: string; address?: string }> }>;
  return links.flatMap((link) =>
    (link.maddr ?? [])
      .filter((m) => m.family === "inet" && m.address)
      .map((m) => ({ interface: link.ifname, group: m.address!, mac: groupToMac(m.address!) })),
  );
}

/** How many sockets of this host (network namespace) hold the group, per interface, from /proc/net/igmp. */
export function groupUsers(group: string): Map<string, number> {
  const users = new Map<string, number>();
  for (const row of parseIgmp(readFileSync("/proc/net/igmp", "utf8"))) if (row.group === group) users.set(row.interface, row.users);
  return users;
}

/** /proc/net/igmp: the groups per device, with the kernel's own counts. */
export function parseIgmp(text: string): Array<{ interface: string; group: string; users: number }> {
  const rows: Array<{ interface: string; group: string; users: number }> = [];
  let device = "";
  for (const line of text.split("\n").slice(1)) {
    const head = /^\d+\s+(\S+)\s*:/.exec(line);
    if (head) {
      device = head[1];
      continue;
    }
    const entry = /^\s+([0-9A-Fa-f]{8})\s+(\d+)/.exec(line);
    if (entry && device) {
      // The kernel prints the address's four bytes as one number in its own byte order.
      const bytes = entry[1].match(/../g)!.map((h) => parseInt(h, 16));
      if (endianness() === "LE") bytes.reverse();
      rows.push({ interface: device, group: bytes.join("."), users: Number(entry[2]) });
    }
  }
  return rows;
}

/** One UDP socket of a host's kernel (/proc/net/udp). */
export interface UdpSocketRow {
  /** The address it is bound to ("0.0.0.0" for any). */
  address: string;
  port: number;
  /** The socket's inode: the same socket keeps it. */
  inode: number;
}

/** /proc/net/udp: every UDP socket of the namespace, open in any process. */
export function parseUdpSockets(text: string): UdpSocketRow[] {
  const rows: UdpSocketRow[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = /^([0-9A-Fa-f]{8}):([0-9A-Fa-f]{4})$/.exec(f[1] ?? "");
    if (!local || f.length < 10) continue;
    const bytes = local[1].match(/../g)!.map((h) => parseInt(h, 16));
    if (endianness() === "LE") bytes.reverse();
    rows.push({ address: bytes.join("."), port: parseInt(local[2], 16), inode: Number(f[9]) });
  }
  return rows;
}

/** A host's UDP counters from /proc/net/snmp (datagrams in and out, buffer errors). */
export interface UdpCounters {
  /** Datagrams handed to a socket. */
  InDatagrams: number;
  /** Datagrams to a port no socket was bound to (unicast only; multicast is counted nowhere). */
  NoPorts: number;
  InErrors: number;
  OutDatagrams: number;
  /** Datagrams dropped because a socket's receive buffer was full. */
  RcvbufErrors: number;
  SndbufErrors: number;
  InCsumErrors: number;
  /** Broadcast and multicast datagrams no socket wanted. */
  IgnoredMulti: number;
  MemErrors: number;
  [name: string]: number;
}

/** /proc/net/snmp: every protocol's counters, { Ip: {...}, Udp: {...}, ... }. */
export function parseSnmp(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const lines = text.split("\n").filter((l) => l.includes(":"));
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [proto, ...names] = lines[i].split(/\s+/).filter(Boolean);
    const values = lines[i + 1].split(/\s+/).filter(Boolean).slice(1).map(Number);
    const row: Record<string, number> = {};
    names.forEach((name, k) => (row[name] = values[k]));
    out[proto.replace(/:$/, "")] = row;
  }
  return out;
}

/** One entry of a bridge's multicast database: a port (a host's interface) that joined a group. */
export interface MdbRow {
  /** The network (the bridge). */
  network: string;
  /** The host whose link the port is, or "(bridge)" for the bridge's own membership. */
  host: string;
  interface: string;
  group: string;
  /** "temp" (learned from reports, it expires) or "permanent" (added by hand). */
  state: string;
  /** Seconds until the entry expires without a new report; null for a permanent one. */
  expiresInS: number | null;
}

/**
 * `bridge -j -s mdb show` in the switch namespace, IPv4 groups only, each port
 * named by the host and interface at its other end (`ports`: "eastny-eth1" →
 * eastny, eth1).
 */
export function parseMdb(json: string, ports: ReadonlyMap<string, { host: string; interface: string }>): MdbRow[] {
  const bridges = JSON.parse(json || "[]") as Array<{ mdb?: Array<{ dev: string; port: string; grp: string; state: string; timer?: string }> }>;
  return bridges.flatMap((b) =>
    (b.mdb ?? [])
      .filter((e) => !e.grp.includes(":"))
      .map((e) => {
        const at = e.port === e.dev ? { host: "(bridge)", interface: e.dev } : (ports.get(e.port) ?? { host: "?", interface: e.port });
        const timer = e.timer === undefined ? NaN : Number(e.timer.trim());
        return { network: e.dev, host: at.host, interface: at.interface, group: e.grp, state: e.state, expiresInS: e.state === "permanent" || !Number.isFinite(timer) ? null : timer };
      }),
  );
}
