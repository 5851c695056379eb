// The door of every topology: resolveTopology() checks it field by field,
// naming the field that is wrong and what it may be, and derives what up()
// builds from (each network's range, each interface's MAC and peer name, the
// namespaces). topologyRows() prints a resolved topology as a table.
import { ipv4Problem, tryParseIPv4 } from "../addresses/address";
import { isMulticastNumber } from "../addresses/blocks";
import { cidrOf, contains, formatCidr, parseCidr } from "../addresses/cidr";
import { ArgumentError } from "../util/errors";
import { HostSpec, InterfaceSpec, NetworkSpec, QuerierSpec, SWITCH_NAMESPACE, Topology, lectureTopology } from "./topology";

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
  querier?: ResolvedQuerier;
}

/** A querier with every timer filled in, in seconds, and what the RFC derives from them. */
export interface ResolvedQuerier {
  address: string;
  igmpVersion: 2 | 3;
  queryIntervalS: number;
  queryResponseIntervalS: number;
  robustness: number;
  lastMemberIntervalS: number;
  /** robustness × query interval + response interval: how long a group lasts after its last report. */
  membershipIntervalS: number;
  /** robustness × query interval + response interval / 2: how long another querier is presumed to be there. */
  otherQuerierIntervalS: number;
  /** query interval / 4: the first queries' spacing. */
  startupQueryIntervalS: number;
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
    const network = resolveNetwork(n, `${argument}.networks[${i}]`, networks);
    networks.set(network.name, network);
  });
  const seen: Seen = { hosts: new Set(), macs: new Map(), addresses: new Map() };
  // A querier's own address is taken, like a gateway's (which is checked by name below).
  for (const n of networks.values()) if (n.querier && n.querier.address !== n.gateway) seen.addresses.set(`${n.name}/${n.querier.address}`, `the querier of ${n.name}`);
  const hosts = t.hosts.map((h, i) => resolveHost(h, `${argument}.hosts[${i}]`, networks, seen, argument));
  return { topology: t, networks: [...networks.values()], hosts, namespaces: [SWITCH_NAMESPACE, ...hosts.map((h) => h.name)] };
}

/** What the hosts resolved so far have taken: names, MACs, and "network/address" keys (each with who has it). */
interface Seen {
  hosts: Set<string>;
  macs: Map<string, string>;
  addresses: Map<string, string>;
}

function resolveNetwork(n: NetworkSpec, at: string, networks: ReadonlyMap<string, ResolvedNetwork>): ResolvedNetwork {
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
  if (n.querier !== undefined && n.querier !== false) resolved.querier = resolveQuerier(n.querier, `${at}.querier`, resolved);
  return resolved;
}

function resolveQuerier(q: true | QuerierSpec, at: string, net: ResolvedNetwork): ResolvedQuerier {
  need(q === true || (typeof q === "object" && q !== null && !Array.isArray(q)), at, q, "true, false or a querier object { address, igmpVersion, queryIntervalS, ... } (or left out)");
  need(net.snooping, at, q, "left out unless snooping is true", "a querier matters to a bridge that snoops: without snooping it floods every group anyway");
  need(!net.isolated, at, q, "left out on an isolated network", "an isolated network has no bridge to be the querier");
  const spec: QuerierSpec = q === true ? {} : q;
  for (const key of Object.keys(spec)) {
    need(["address", "igmpVersion", "queryIntervalS", "queryResponseIntervalS", "robustness", "lastMemberIntervalS"].includes(key), `${at}.${key}`, (spec as Record<string, unknown>)[key],
      "one of address, igmpVersion, queryIntervalS, queryResponseIntervalS, robustness, lastMemberIntervalS");
  }
  const address = spec.address ?? net.gateway;
  need(address !== undefined, `${at}.address`, spec.address, "an address on the network for the queries' source", "the network has no gateway to send them from");
  const seconds = (key: "queryIntervalS" | "queryResponseIntervalS" | "lastMemberIntervalS", fallback: number, min: number, max: number) => {
    const v = spec[key] ?? fallback;
    need(typeof v === "number" && Number.isFinite(v) && v >= min && v <= max && Math.round(v * 100) === v * 100, `${at}.${key}`, v, `seconds from ${min} to ${max}, in hundredths at most`);
    return v;
  };
  const igmpVersion = spec.igmpVersion ?? 3;
  need(igmpVersion === 2 || igmpVersion === 3, `${at}.igmpVersion`, igmpVersion, "2 or 3 (or left out for 3)");
  const queryIntervalS = seconds("queryIntervalS", 5, 1, 3600);
  // IGMP's Max Response Time is a byte of tenths of a second in v2 (25.5 s at most), and must be below the query interval.
  const queryResponseIntervalS = seconds("queryResponseIntervalS", 1, 0.1, 25.5);
  need(queryResponseIntervalS < queryIntervalS, `${at}.queryResponseIntervalS`, queryResponseIntervalS, `less than the query interval, ${queryIntervalS} s`, "RFC 3376 section 8.3");
  const robustness = spec.robustness ?? 2;
  need(Number.isInteger(robustness) && robustness >= 1 && robustness <= 7, `${at}.robustness`, robustness, "a whole number from 1 to 7 (the RFC's default is 2)");
  const lastMemberIntervalS = seconds("lastMemberIntervalS", 1, 0.1, 25.5);
  const resolved: ResolvedQuerier = {
    address: hostAddress(address!, net, spec.address !== undefined ? `${at}.address` : `${at} (the network's gateway)`),
    igmpVersion,
    queryIntervalS,
    queryResponseIntervalS,
    robustness,
    lastMemberIntervalS,
    membershipIntervalS: robustness * queryIntervalS + queryResponseIntervalS,
    otherQuerierIntervalS: robustness * queryIntervalS + queryResponseIntervalS / 2,
    startupQueryIntervalS: queryIntervalS / 4,
  };
  return resolved;
}

function resolveHost(h: HostSpec, at: string, networks: ReadonlyMap<string, ResolvedNetwork>, seen: Seen, argument: string): ResolvedHost {
  need(typeof h === "object" && h !== null, at, h, "a host object { name, interfaces }");
  need(typeof h.name === "string" && HOST_NAME.test(h.name) && h.name.length <= 32, `${at}.name`, h.name,
    "lower-case letters, digits and \"-\", starting with a letter, at most 32", "it is also the host's hostname and namespace name");
  need(h.name !== SWITCH_NAMESPACE, `${at}.name`, h.name, `a name other than "${SWITCH_NAMESPACE}"`, "the switch namespace holds the bridges");
  need(!seen.hosts.has(h.name), `${at}.name`, h.name, "a name no other host has");
  seen.hosts.add(h.name);
  need(Array.isArray(h.interfaces) && h.interfaces.length <= 16, `${at}.interfaces`, h.interfaces, "an array of at most 16 interfaces");
  const names = new Set<string>();
  const interfaces = h.interfaces.map((f, j) => resolveInterface(f, `${at}.interfaces[${j}]`, h.name, names, networks, seen, argument));
  checkRoutes(h, at, interfaces, names);
  if (h.forwarding !== undefined) need(typeof h.forwarding === "boolean", `${at}.forwarding`, h.forwarding, "true or false (or left out)");
  if (h.sysctls !== undefined) checkSysctls(h.sysctls, `${at}.sysctls`);
  checkMulticastRouting(h, at, names);
  const shared = interfaces.find((f) => !f.network.isolated);
  return { spec: h, name: h.name, interfaces, address: shared?.address };
}

function resolveInterface(f: InterfaceSpec, fat: string, host: string, names: Set<string>, networks: ReadonlyMap<string, ResolvedNetwork>, seen: Seen, argument: string): ResolvedInterface {
  need(typeof f === "object" && f !== null, fat, f, "an interface object { name, network, address }");
  need(typeof f.name === "string" && INTERFACE_NAME.test(f.name) && f.name !== "lo", `${fat}.name`, f.name, "an interface name such as \"eth1\" (letters, digits, \"_\", \".\"; not \"lo\")");
  need(!names.has(f.name), `${fat}.name`, f.name, `a name no other interface of ${host} has`);
  names.add(f.name);
  const peer = `${host}-${f.name}`;
  need(peer.length <= IFNAME_MAX, `${fat}.name`, f.name, `short enough that "${host}-" + it has at most ${IFNAME_MAX} characters`,
    `the other end of the link is named "${peer}", and Linux limits interface names to ${IFNAME_MAX}`);
  const net = networks.get(f.network);
  need(net !== undefined, `${fat}.network`, f.network, `the name of a network in ${argument}.networks (${[...networks.keys()].map((k) => JSON.stringify(k)).join(", ") || "none"})`);
  const address = hostAddress(f.address, net!, `${fat}.address`);
  need(address !== net!.gateway, `${fat}.address`, f.address, `an address other than the network's gateway ${net!.gateway}`);
  const key = `${net!.name}/${address}`;
  need(!seen.addresses.has(key), `${fat}.address`, f.address, "an address no other interface on this network has", `${seen.addresses.get(key)} has it`);
  seen.addresses.set(key, `${host} ${f.name}`);
  let mac: string;
  if (f.mac === undefined) mac = derivedMac(host, f.name);
  else {
    need(typeof f.mac === "string" && MAC.test(f.mac.toLowerCase()), `${fat}.mac`, f.mac, "an Ethernet address such as \"08:00:27:a1:33:b4\" (or left out)");
    mac = f.mac.toLowerCase();
    need((parseInt(mac.slice(0, 2), 16) & 1) === 0, `${fat}.mac`, f.mac, "a unicast Ethernet address (the first byte even)", "odd first bytes are group addresses");
  }
  need(!seen.macs.has(mac), `${fat}.mac`, f.mac ?? mac, "an Ethernet address no other interface has", `${seen.macs.get(mac)} has it`);
  seen.macs.set(mac, `${host} ${f.name}`);
  return { name: f.name, network: net!, address, prefix: net!.prefix, mac, peer };
}

/** The default route and extra routes of a host: each next hop on one of its networks, each dev one of its interfaces. */
function checkRoutes(h: HostSpec, at: string, interfaces: ResolvedInterface[], names: ReadonlySet<string>): void {
  const onLink = (address: string) => interfaces.some((f) => sameNetwork(address, f));
  if (h.defaultRoute !== undefined) {
    const via = checkAddress(h.defaultRoute, `${at}.defaultRoute`);
    need(onLink(via), `${at}.defaultRoute`, h.defaultRoute, `an address on one of ${h.name}'s networks`, "the next hop must be reachable directly");
  }
  if (h.routes === undefined) return;
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

/** A router's multicast routes and TTL thresholds: its own interfaces, groups, and forwarding on. */
function checkMulticastRouting(h: HostSpec, at: string, names: ReadonlySet<string>): void {
  const ifaces = [...names].join(", ");
  if (h.multicastRoutes !== undefined) {
    need(Array.isArray(h.multicastRoutes) && h.multicastRoutes.length <= 64, `${at}.multicastRoutes`, h.multicastRoutes, "an array of at most 64 routes { group, from, to, source? } (or left out)");
    need(h.forwarding === true, `${at}.multicastRoutes`, h.multicastRoutes, "left out unless forwarding is true", "only a router forwards");
    h.multicastRoutes.forEach((r, i) => {
      const rat = `${at}.multicastRoutes[${i}]`;
      need(typeof r === "object" && r !== null, rat, r, "a route { group, from, to, source? }");
      for (const key of Object.keys(r)) need(["group", "from", "to", "source"].includes(key), `${rat}.${key}`, (r as unknown as Record<string, unknown>)[key], "one of group, from, to, source");
      checkAddress(r.group, `${rat}.group`);
      need(isMulticastNumber(tryParseIPv4(r.group)), `${rat}.group`, r.group, "a group in 224.0.0.0/4");
      need(names.has(r.from), `${rat}.from`, r.from, `one of ${h.name}'s interfaces: ${ifaces}`);
      need(Array.isArray(r.to) && r.to.length > 0, `${rat}.to`, r.to, "a non-empty array of interfaces");
      for (const to of r.to) {
        need(names.has(to), `${rat}.to`, to, `one of ${h.name}'s interfaces: ${ifaces}`);
        need(to !== r.from, `${rat}.to`, to, `an interface other than the one it arrives on (${r.from})`);
      }
      if (r.source !== undefined) {
        checkAddress(r.source, `${rat}.source`);
        need(!isMulticastNumber(tryParseIPv4(r.source)), `${rat}.source`, r.source, "a unicast address (a sender's)");
      }
    });
  }
  if (h.ttlThresholds !== undefined) {
    need(typeof h.ttlThresholds === "object" && h.ttlThresholds !== null && !Array.isArray(h.ttlThresholds), `${at}.ttlThresholds`, h.ttlThresholds, "an object of interface: TTL (or left out)");
    need(h.forwarding === true && (h.multicastRoutes?.length ?? 0) > 0, `${at}.ttlThresholds`, h.ttlThresholds, "left out unless the host routes multicast (forwarding and multicastRoutes)");
    for (const [iface, ttl] of Object.entries(h.ttlThresholds)) {
      need(names.has(iface), `${at}.ttlThresholds`, iface, `one of ${h.name}'s interfaces: ${ifaces}`);
      need(Number.isInteger(ttl) && ttl >= 1 && ttl <= 255, `${at}.ttlThresholds.${iface}`, ttl, "a whole TTL from 1 to 255");
    }
  }
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
