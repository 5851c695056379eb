// A lab described as data: networks, hosts, their interfaces and routes. A
// reader can print it; up() realizes it (plan.ts turns it into `ip`
// commands). Nothing here touches the kernel.
import { formatIPv4, ipv4Problem, tryParseIPv4 } from "../addresses/address";
import { isMulticastNumber } from "../addresses/blocks";
import { cidrOf, contains, formatCidr, parseCidr } from "../addresses/cidr";
import { ArgumentError } from "../util/errors";

/** A network: one Ethernet segment (a bridge), or one per host when isolated. */
export interface NetworkSpec {
  /** Also the bridge's name in the switch namespace: lower-case letters and digits, at most 15. */
  name: string;
  /** The network's range, e.g. "192.168.56.0/24"; every address on it must be inside. */
  cidr: string;
  /**
   * An address the network itself answers on, in the switch namespace (on the
   * bridge, or on an isolated network at the far end of each host's link),
   * e.g. VirtualBox NAT's 10.0.2.2.
   */
  gateway?: string;
  /**
   * Each host attached gets a link of its own, alone with the gateway, the
   * way VirtualBox gives every VM its own NAT engine: hosts on an isolated
   * network never see each other's frames (there is no bridge, and the
   * switch namespace does not forward).
   */
  isolated?: boolean;
  /**
   * IGMP snooping on the bridge. Off (the default) the bridge floods every
   * multicast frame to every port, as VirtualBox's host-only network does.
   */
  snooping?: boolean;
  /** One line for a reader. */
  about?: string;
}

/** One interface of a host: its name, the network it plugs into, its address and MAC. */
export interface InterfaceSpec {
  /** The name inside the host, e.g. "eth1". */
  name: string;
  /** The network it plugs into (a NetworkSpec name). */
  network: string;
  /** Its IPv4 address; the prefix length is the network's. */
  address: string;
  /** Its Ethernet address; derived from the names (in VirtualBox's 08:00:27 block) if left out. */
  mac?: string;
}

/** One extra route of a host: a destination and the interface or gateway it goes by. */
export interface RouteSpec {
  /** "default", a range such as "224.0.0.0/4", or one address. */
  to: string;
  /** A next hop on one of the host's networks. */
  via?: string;
  /** One of the host's interfaces. */
  dev?: string;
}

/** One host of a topology: its name, interfaces, default route and extra routes. */
export interface HostSpec {
  /** Also its hostname and its namespace's name: lower-case letters, digits and "-". */
  name: string;
  interfaces: InterfaceSpec[];
  /** The next hop of the default route, an address on one of the host's networks. */
  defaultRoute?: string;
  routes?: RouteSpec[];
  /** Forward IPv4 between interfaces (a router). */
  forwarding?: boolean;
  /** Per-namespace sysctls (net.*), e.g. { "net.ipv4.conf.all.force_igmp_version": 2 }. */
  sysctls?: Record<string, string | number>;
  about?: string;
}

/** A lab as data: its networks and hosts (lectureTopology() is the lecture's four VMs). */
export interface Topology {
  name: string;
  /** The user shown in transcripts' prompts ("brooklyn@flatbush:~$"). */
  user?: string;
  networks: NetworkSpec[];
  hosts: HostSpec[];
  /**
   * IPv6 on the lab's interfaces. Off by default so that captures hold only
   * what the lesson is about (no router solicitations, no MLD reports).
   */
  ipv6?: boolean;
  about?: string;
}

/**
 * The lecture's four VirtualBox machines. Each has a host-only NIC (eth1,
 * 192.168.56.10x: the addresses its commands and its captured packet use,
 * not the .1/.3/.4/.5 of its table) and a NAT NIC (eth0) that holds the
 * default route via 10.0.2.2. VirtualBox gives every VM a NAT engine of its
 * own (and the same 10.0.2.15); here each eth0 is alone on its link too, but
 * with its own address, 10.0.2.10x, so that one gateway can answer them all.
 */
export const lectureTopology: Topology = {
  name: "lecture",
  user: "brooklyn",
  about: "the lecture's four VirtualBox VMs: a host-only network, and a NAT NIC each holding the default route",
  networks: [
    { name: "hostonly", cidr: "192.168.56.0/24", about: "VirtualBox host-only network: one segment that floods multicast to every VM" },
    { name: "nat", cidr: "10.0.2.0/24", gateway: "10.0.2.2", isolated: true, about: "VirtualBox NAT: each VM alone on its link with the gateway 10.0.2.2" },
  ],
  hosts: [
    lectureHost("eastny", "101", "08:00:27:3e:5a:01", "08:00:27:5c:e1:01"),
    lectureHost("midwood", "103", "08:00:27:3e:5a:03", "08:00:27:a1:33:b4"), // eth1: the captured frame's source MAC
    lectureHost("flatbush", "104", "08:00:27:3e:5a:04", "08:00:27:5c:e1:04"),
    lectureHost("bushwick", "105", "08:00:27:3e:5a:05", "08:00:27:5c:e1:05"),
  ],
};

function lectureHost(name: string, last: string, natMac: string, hostonlyMac: string): HostSpec {
  return {
    name,
    interfaces: [
      { name: "eth0", network: "nat", address: `10.0.2.${last}`, mac: natMac },
      { name: "eth1", network: "hostonly", address: `192.168.56.${last}`, mac: hostonlyMac },
    ],
    defaultRoute: "10.0.2.2",
  };
}

/**
 * The namespace that holds the bridges, the gateways and the far end of every
 * link; it is also where the lab's supervisor runs.
 */
export const SWITCH_NAMESPACE = "switch";

/** Linux limits interface names to 15 characters (IFNAMSIZ - 1). */
const IFNAME_MAX = 15;
const NETWORK_NAME = /^[a-z][a-z0-9]*$/;
const HOST_NAME = /^[a-z][a-z0-9-]*$/;
const INTERFACE_NAME = /^[A-Za-z][A-Za-z0-9_.]*$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const SYSCTL_NAME = /^net\.[A-Za-z0-9_.-]+$/;
const SYSCTL_VALUE = /^[A-Za-z0-9_.: -]*$/;
export const MAX_HOSTS = 64;

/** A validated topology with everything derived: prefixes, MACs, port and namespace names. */
export interface Resolved {
  topology: Topology;
  networks: ResolvedNetwork[];
  hosts: ResolvedHost[];
  /** Every namespace of the lab: the switch's, then the hosts'. */
  namespaces: string[];
}

export interface ResolvedNetwork {
  spec: NetworkSpec;
  name: string;
  network: number;
  prefix: number;
  gateway?: string;
  isolated: boolean;
  snooping: boolean;
}

export interface ResolvedInterface {
  name: string;
  network: ResolvedNetwork;
  address: string;
  prefix: number;
  mac: string;
  /** The other end of the link, in the switch namespace: a bridge port, or alone (isolated). */
  peer: string;
}

export interface ResolvedHost {
  spec: HostSpec;
  name: string;
  interfaces: ResolvedInterface[];
  /** The address other hosts reach it by (its first on a network that is not isolated), for /etc/hosts. */
  address?: string;
}

/**
 * Check a topology at the door and derive what up() needs. Every problem is an
 * ArgumentError naming the field, e.g. `topology.hosts[2].interfaces[0].address`.
 */
export function resolveTopology(topology: unknown, argument = "topology"): Resolved {
  const t = topology as Topology;
  need(typeof t === "object" && t !== null && !Array.isArray(t), argument, topology, "a topology object { name, networks, hosts }");
  need("name" in t || "networks" in t || "hosts" in t, argument, topology, "a topology object { name, networks, hosts } (or left out for the lecture's)",
    "to give only options, write up(undefined, options)");
  need(typeof t.name === "string" && t.name.length > 0, `${argument}.name`, t.name, "a non-empty string");
  if (t.user !== undefined) need(typeof t.user === "string" && /^[a-z_][a-z0-9_-]*$/.test(t.user), `${argument}.user`, t.user, "a user name such as \"brooklyn\" (or left out)");
  if (t.ipv6 !== undefined) need(typeof t.ipv6 === "boolean", `${argument}.ipv6`, t.ipv6, "true or false (or left out)");
  need(Array.isArray(t.networks), `${argument}.networks`, t.networks, "an array of networks");
  need(Array.isArray(t.hosts) && t.hosts.length > 0 && t.hosts.length <= MAX_HOSTS, `${argument}.hosts`, t.hosts, `an array of 1 to ${MAX_HOSTS} hosts`);

  const networks = new Map<string, ResolvedNetwork>();
  t.networks.forEach((n, i) => {
    const at = `${argument}.networks[${i}]`;
    need(typeof n === "object" && n !== null, at, n, "a network object { name, cidr }");
    need(typeof n.name === "string" && NETWORK_NAME.test(n.name) && n.name.length <= IFNAME_MAX, `${at}.name`, n.name,
      `lower-case letters and digits, starting with a letter, at most ${IFNAME_MAX}`, "it is also the bridge's interface name");
    need(!networks.has(n.name), `${at}.name`, n.name, "a name no other network has");
    const [network, prefix] = parseRange(n.cidr, `${at}.cidr`);
    need(prefix >= 8 && prefix <= 30, `${at}.cidr`, n.cidr, "a range with a prefix length from 8 to 30", "a network needs room for its hosts");
    for (const flag of ["isolated", "snooping"] as const) {
      if (n[flag] !== undefined) need(typeof n[flag] === "boolean", `${at}.${flag}`, n[flag], "true or false (or left out)");
    }
    need(!isMulticastNumber(network), `${at}.cidr`, n.cidr, "a unicast range", "224.0.0.0/4 holds groups, and no interface can have a group as its address");
    const range = cidrOf(network, prefix);
    for (const other of networks.values()) {
      const theirs = cidrOf(other.network, other.prefix);
      const overlap = contains(theirs, range.network) || contains(range, theirs.network);
      need(!overlap, `${at}.cidr`, n.cidr, `a range apart from network ${other.name}'s ${formatCidr(theirs)}`,
        "the switch namespace holds every network's gateway, so their ranges must not overlap");
    }
    const resolved: ResolvedNetwork = { spec: n, name: n.name, network, prefix, isolated: n.isolated === true, snooping: n.snooping === true };
    if (n.gateway !== undefined) resolved.gateway = hostAddress(n.gateway, resolved, `${at}.gateway`);
    networks.set(n.name, resolved);
  });

  const hostNames = new Set<string>();
  const macs = new Map<string, string>();
  const taken = new Map<string, string>(); // "network/address" -> which interface has it
  const hosts: ResolvedHost[] = t.hosts.map((h, i) => {
    const at = `${argument}.hosts[${i}]`;
    need(typeof h === "object" && h !== null, at, h, "a host object { name, interfaces }");
    need(typeof h.name === "string" && HOST_NAME.test(h.name) && h.name.length <= 32, `${at}.name`, h.name,
      "lower-case letters, digits and \"-\", starting with a letter, at most 32", "it is also the host's hostname and namespace name");
    need(h.name !== SWITCH_NAMESPACE, `${at}.name`, h.name, `a name other than "${SWITCH_NAMESPACE}"`, "the switch namespace holds the bridges");
    need(!hostNames.has(h.name), `${at}.name`, h.name, "a name no other host has");
    hostNames.add(h.name);
    need(Array.isArray(h.interfaces) && h.interfaces.length <= 16, `${at}.interfaces`, h.interfaces, "an array of at most 16 interfaces");
    const names = new Set<string>();
    const interfaces = h.interfaces.map((f, j): ResolvedInterface => {
      const fat = `${at}.interfaces[${j}]`;
      need(typeof f === "object" && f !== null, fat, f, "an interface object { name, network, address }");
      need(typeof f.name === "string" && INTERFACE_NAME.test(f.name) && f.name !== "lo", `${fat}.name`, f.name, "an interface name such as \"eth1\" (letters, digits, \"_\", \".\"; not \"lo\")");
      need(!names.has(f.name), `${fat}.name`, f.name, `a name no other interface of ${h.name} has`);
      names.add(f.name);
      const peer = `${h.name}-${f.name}`;
      need(peer.length <= IFNAME_MAX, `${fat}.name`, f.name, `short enough that "${h.name}-" + it has at most ${IFNAME_MAX} characters`,
        `the other end of the link is named "${peer}", and Linux limits interface names to ${IFNAME_MAX}`);
      const net = networks.get(f.network);
      need(net !== undefined, `${fat}.network`, f.network, `the name of a network in ${argument}.networks (${[...networks.keys()].map((k) => JSON.stringify(k)).join(", ") || "none"})`);
      const address = hostAddress(f.address, net!, `${fat}.address`);
      need(address !== net!.gateway, `${fat}.address`, f.address, `an address other than the network's gateway ${net!.gateway}`);
      const key = `${net!.name}/${address}`;
      need(!taken.has(key), `${fat}.address`, f.address, "an address no other interface on this network has", `${taken.get(key)} has it`);
      taken.set(key, `${h.name} ${f.name}`);
      let mac: string;
      if (f.mac === undefined) mac = derivedMac(h.name, f.name);
      else {
        need(typeof f.mac === "string" && MAC.test(f.mac.toLowerCase()), `${fat}.mac`, f.mac, "an Ethernet address such as \"08:00:27:a1:33:b4\" (or left out)");
        mac = f.mac.toLowerCase();
        need((parseInt(mac.slice(0, 2), 16) & 1) === 0, `${fat}.mac`, f.mac, "a unicast Ethernet address (the first byte even)", "odd first bytes are group addresses");
      }
      need(!macs.has(mac), `${fat}.mac`, f.mac ?? mac, "an Ethernet address no other interface has", `${macs.get(mac)} has it`);
      macs.set(mac, `${h.name} ${f.name}`);
      return { name: f.name, network: net!, address, prefix: net!.prefix, mac, peer };
    });
    const onLink = (address: string) => interfaces.some((f) => sameNetwork(address, f));
    if (h.defaultRoute !== undefined) {
      const via = checkAddress(h.defaultRoute, `${at}.defaultRoute`);
      need(onLink(via), `${at}.defaultRoute`, h.defaultRoute, `an address on one of ${h.name}'s networks`, "the next hop must be reachable directly");
    }
    if (h.routes !== undefined) {
      need(Array.isArray(h.routes), `${at}.routes`, h.routes, "an array of routes { to, via?, dev? }");
      h.routes.forEach((r, k) => {
        const rat = `${at}.routes[${k}]`;
        need(typeof r === "object" && r !== null, rat, r, "a route object { to, via?, dev? }");
        if (r.to !== "default") {
          if (typeof r.to === "string" && r.to.includes("/")) parseRange(r.to, `${rat}.to`);
          else checkAddress(r.to, `${rat}.to`);
        }
        need(r.via !== undefined || r.dev !== undefined, rat, r, "a route with a next hop (via), an interface (dev), or both");
        if (r.via !== undefined) {
          checkAddress(r.via, `${rat}.via`);
          need(onLink(r.via), `${rat}.via`, r.via, `an address on one of ${h.name}'s networks`);
        }
        if (r.dev !== undefined) need(names.has(r.dev), `${rat}.dev`, r.dev, `one of ${h.name}'s interfaces (${[...names].join(", ")})`);
      });
    }
    if (h.forwarding !== undefined) need(typeof h.forwarding === "boolean", `${at}.forwarding`, h.forwarding, "true or false (or left out)");
    if (h.sysctls !== undefined) checkSysctls(h.sysctls, `${at}.sysctls`);
    const shared = interfaces.find((f) => !f.network.isolated);
    return { spec: h, name: h.name, interfaces, address: shared?.address };
  });

  return { topology: t, networks: [...networks.values()], hosts, namespaces: [SWITCH_NAMESPACE, ...hosts.map((h) => h.name)] };
}

/** Throws if the topology is not valid; returns it unchanged. */
export function checkTopology(topology: unknown, argument = "topology"): Topology {
  resolveTopology(topology, argument);
  return topology as Topology;
}

export function checkSysctls(sysctls: unknown, argument: string): Record<string, string | number> {
  need(typeof sysctls === "object" && sysctls !== null && !Array.isArray(sysctls), argument, sysctls, "an object of sysctl names and values");
  for (const [name, value] of Object.entries(sysctls as object)) {
    need(SYSCTL_NAME.test(name), `${argument} key`, name, "a per-namespace sysctl name starting with \"net.\", e.g. \"net.ipv4.conf.all.force_igmp_version\"");
    need((typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && SYSCTL_VALUE.test(value)),
      `${argument}[${JSON.stringify(name)}]`, value, "a number or a plain string value");
  }
  return sysctls as Record<string, string | number>;
}

/** The topology as rows (host, interface, network, address, MAC) for table(). */
export function topologyRows(topology: Topology = lectureTopology): Array<Record<string, string>> {
  const r = resolveTopology(topology);
  return r.hosts.flatMap((h) =>
    h.interfaces.map((f) => ({
      host: h.name,
      interface: f.name,
      network: f.network.name,
      address: `${f.address}/${f.prefix}`,
      mac: f.mac,
      "default route": h.spec.defaultRoute !== undefined && sameNetwork(h.spec.defaultRoute, f) ? `via ${h.spec.defaultRoute}` : "",
    })),
  );
}

// --- small helpers -------------------------------------------------------

function need(ok: boolean, argument: string, value: unknown, allowed: string, why?: string): void {
  if (!ok) throw new ArgumentError(argument, value, allowed, why);
}

function checkAddress(value: unknown, argument: string): string {
  const n = tryParseIPv4(value);
  if (n < 0) throw new ArgumentError(argument, value, "a dotted-decimal IPv4 address such as \"192.168.56.101\"", ipv4Problem(value));
  return value as string;
}

function parseRange(value: unknown, argument: string): [number, number] {
  const range = parseCidr(value as string, { strict: true }, argument);
  return [range.network, range.prefix];
}

function hostAddress(value: unknown, net: ResolvedNetwork, argument: string): string {
  checkAddress(value, argument);
  const n = tryParseIPv4(value);
  const range = cidrOf(net.network, net.prefix);
  need(contains(range, n), argument, value, `an address inside ${net.name}'s ${formatCidr(range)}`);
  need(n !== range.network && n !== range.broadcast, argument, value, `a host address of ${formatCidr(range)}, not its first or last`,
    "those are the network's own address and its broadcast address");
  return value as string;
}

function sameNetwork(address: string, f: ResolvedInterface): boolean {
  return contains(cidrOf(f.network.network, f.prefix), address);
}

/** A stable MAC in VirtualBox's block 08:00:27 from the host and interface names (FNV-1a). */
export function derivedMac(host: string, iface: string): string {
  let hash = 0x811c9dc5;
  for (const ch of `${host}/${iface}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return ["08", "00", "27", ...[16, 8, 0].map((s) => ((hash >>> s) & 255).toString(16).padStart(2, "0"))].join(":");
}
