// A lab's topology as data, the way Mininet's Topo describes one: networks
// (Ethernet segments), hosts and their interfaces, addresses and routes. The
// lecture's four VirtualBox VMs are lectureTopology. Checking one and deriving
// what up() needs (prefixes, MACs, link names) is resolve-topology.ts.


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
  /**
   * The bridge as IGMP querier (snooping networks only): it sends general
   * queries from `querier.address` (or the network's gateway), and once it
   * has waited the other-querier-present interval, it stops flooding the
   * groups someone joined to ports where no one did. `true` takes the lab's
   * short timers (below); without a querier a snooping bridge floods every group.
   */
  querier?: boolean | QuerierSpec;
  /** One line for a reader. */
  about?: string;
}

/**
 * An IGMP querier's settings (RFC 2236 section 8, RFC 3376 section 8). The
 * lab's defaults are short, so that a lesson sees a membership expire in
 * seconds rather than minutes: a query every 5 s (the RFC's 125 s), answers
 * within 1 s (its 10 s), robustness 2 and a last member interval of 1 s (as
 * in the RFC), so a group is forgotten 11 s after its last report and
 * another querier is presumed gone after 10.5 s.
 */
export interface QuerierSpec {
  /** The queries' source: an address on the network that no host has (the network's gateway if left out). */
  address?: string;
  /** IGMP version of the queries: 2, or 3 (the default). */
  igmpVersion?: 2 | 3;
  /** Seconds between general queries (default 5; RFC 125). */
  queryIntervalS?: number;
  /** The Max Response Time a query asks for, in seconds (default 1; RFC 10). */
  queryResponseIntervalS?: number;
  /** How many lost messages the timers allow for (default 2, as in the RFC). */
  robustness?: number;
  /** Seconds between the group-specific queries sent after a leave (default 1, as in the RFC). */
  lastMemberIntervalS?: number;
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

/**
 * A router's static multicast route (smcroute's `mroute`): datagrams to
 * `group` that arrive on `from` are forwarded out of each interface in `to`
 * (from `source` only, when given; from any source otherwise).
 */
export interface MulticastRouteSpec {
  group: string;
  from: string;
  to: string[];
  source?: string;
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
  /**
   * Multicast routes, for a host with forwarding: the lab runs smcrouted in
   * its namespace (one instance per router, `-i NAME`), which installs them.
   */
  multicastRoutes?: MulticastRouteSpec[];
  /**
   * Per interface of a router, its TTL threshold (smcroute's ttl-threshold,
   * default 1): a datagram goes out of it only if it arrived with a TTL
   * greater than this (the kernel's test), so 1 lets all through that can live.
   */
  ttlThresholds?: Record<string, number>;
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

/**
 * The lecture's lab with a second network beside the host-only one: eastny
 * has a NIC on each (eth2 on the second), and greenpoint, a fifth host, is on
 * the second only. One socket on eastny can join a group on both.
 */
export const twoNetworkTopology: Topology = {
  ...lectureTopology,
  name: "two-networks",
  about: "the lecture's four VMs, and a second network shared by eastny and greenpoint",
  networks: [...lectureTopology.networks, { name: "second", cidr: "192.168.60.0/24", about: "a second network: eastny's eth2 and greenpoint" }],
  hosts: [
    ...lectureTopology.hosts.map((h) => (h.name !== "eastny" ? h : { ...h, interfaces: [...h.interfaces, { name: "eth2", network: "second", address: "192.168.60.101", mac: "08:00:27:60:00:01" }] })),
    { name: "greenpoint", interfaces: [{ name: "eth1", network: "second", address: "192.168.60.106", mac: "08:00:27:60:00:06" }], defaultRoute: "192.168.60.101" },
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
 * A host's interface on its first network that is not isolated: the one a
 * lesson sends and joins on when none is named (eth1, host-only, in the
 * lecture's lab); undefined without a description.
 */
export function sharedInterface(topology: Topology | undefined, host: HostSpec | undefined): InterfaceSpec | undefined {
  const isolated = new Set((topology?.networks ?? []).filter((n) => n.isolated).map((n) => n.name));
  return host?.interfaces.find((f) => !isolated.has(f.network));
}

/**
 * The namespace that holds the bridges, the gateways and the far end of every
 * link; it is also where the lab's supervisor runs.
 */
export const SWITCH_NAMESPACE = "switch";

/**
 * The lecture's sender two routers away from the receivers: three networks
 * in a row. midwood is on the host-only network; router1 joins it to the
 * middle network, where bushwick is; router2 joins the middle network to the
 * far one, where eastny and flatbush are. Both routers forward 224.1.1.5 and
 * 234.3.2.1 away from midwood (and 224.0.0.251, which no router forwards
 * whatever its routes say: 224.0.0.0/24 stays on its link).
 */
export const routedTopology: Topology = {
  name: "routed",
  user: "brooklyn",
  about: "midwood, then two routers, then the receivers: three networks in a row",
  networks: [
    { name: "hostonly", cidr: "192.168.56.0/24", about: "midwood's network, as in the lecture" },
    { name: "middle", cidr: "192.168.57.0/24", about: "between the two routers; bushwick is here" },
    { name: "far", cidr: "192.168.58.0/24", about: "two routers from midwood: eastny and flatbush" },
  ],
  hosts: [
    { name: "midwood", interfaces: [{ name: "eth1", network: "hostonly", address: "192.168.56.103", mac: "08:00:27:a1:33:b4" }], defaultRoute: "192.168.56.1" },
    routedRouter("router1", ["hostonly", "192.168.56.1"], ["middle", "192.168.57.1"], { routes: [{ to: "192.168.58.0/24", via: "192.168.57.2" }] }),
    { name: "bushwick", interfaces: [{ name: "eth1", network: "middle", address: "192.168.57.105" }], defaultRoute: "192.168.57.1" },
    routedRouter("router2", ["middle", "192.168.57.2"], ["far", "192.168.58.1"], { defaultRoute: "192.168.57.1" }),
    { name: "eastny", interfaces: [{ name: "eth1", network: "far", address: "192.168.58.101" }], defaultRoute: "192.168.58.1" },
    { name: "flatbush", interfaces: [{ name: "eth1", network: "far", address: "192.168.58.104" }], defaultRoute: "192.168.58.1" },
  ],
};

function routedRouter(name: string, upstream: [string, string], downstream: [string, string], rest: Partial<HostSpec>): HostSpec {
  return {
    name,
    forwarding: true,
    interfaces: [
      { name: "eth1", network: upstream[0], address: upstream[1] },
      { name: "eth2", network: downstream[0], address: downstream[1] },
    ],
    multicastRoutes: ["224.1.1.5", "234.3.2.1", "224.0.0.251"].map((group) => ({ group, from: "eth1", to: ["eth2"] })),
    ...rest,
  };
}

/**
 * The lecture's four hosts on a host-only network that snoops IGMP, as a
 * managed switch would, instead of flooding as VirtualBox's does. With a
 * querier (the default) the bridge sends the queries itself, from
 * 192.168.56.1 (where VirtualBox puts the host machine on this network);
 * `querier` may also give the querier's timers.
 */
export function snoopingTopology(querier: boolean | QuerierSpec = true): Topology {
  const t = structuredClone(lectureTopology);
  t.name = querier === false ? "snooping" : "snooping-querier";
  t.about = `the lecture's four VMs on a switch that snoops IGMP, ${querier === false ? "with no querier" : "the switch its own querier"}`;
  t.networks[0] = {
    ...t.networks[0],
    snooping: true,
    about: querier === false ? "a switch that snoops IGMP, with no querier on the network" : "a switch that snoops IGMP and is the network's querier (192.168.56.1)",
    ...(querier === false ? {} : { querier: { address: "192.168.56.1", ...(querier === true ? {} : querier) } }),
  };
  return t;
}
