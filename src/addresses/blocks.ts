// The multicast space 224.0.0.0/4 and the named blocks IANA divides it into
// (the "IPv4 Multicast Address Space Registry", after RFC 5771). The blocks
// are data: one table, from which lookup and describe() are derived.
import { addressNumber, formatIPv4, IPv4, parseIPv4 } from "./address";
import { ArgumentError } from "../util/errors";

/**
 * The lecture's definition of 224.0.0.0/4, {a | a AND F0000000h = E0000000h}:
 * the top 4 bits are 1110.
 */
export function isMulticast(address: IPv4): boolean {
  return isMulticastNumber(addressNumber(address));
}

/** 224.0.0.0, the first group: the prefix 1110 followed by 28 bits that pick the group. */
export const MULTICAST_BASE = 0xe0000000;
const MULTICAST_MASK = 0xf0000000;

/** isMulticast for an address already a 32-bit number (the dissector's and the lab's fields). */
export function isMulticastNumber(a: number): boolean {
  return ((a & MULTICAST_MASK) >>> 0) === MULTICAST_BASE;
}

/** Why an address is not a group, in the words of the definition above. */
export function notMulticastNote(a: number): string {
  return `its top 4 bits are ${(a >>> 28).toString(2).padStart(4, "0")}, not 1110`;
}

/** What a group argument must be, said the same way by every function that takes one. */
export const GROUP_EXPECTED = "a multicast address in 224.0.0.0/4 (top 4 bits 1110: 224.0.0.0 to 239.255.255.255)";

/** A named block of 224.0.0.0/4 from IANA's registry: its range, reference and what it means for a sender. */
export interface MulticastBlock {
  name: string;
  first: string;
  last: string;
  /** The range as one prefix, when it is one ("224.0.0.0/24"), else "". */
  cidr: string;
  reference: string;
  /** What choosing a group here means for a sender. */
  forSender: string;
}

const RESERVED = "not assigned by IANA; works on a LAN, but a group of your own belongs in 239.0.0.0/8";
const AD_HOC = "IANA assigns these to particular applications; they may be routed across the Internet, so do not pick one yourself";

// In address order, covering 224.0.0.0/4 without gaps or overlaps (the tests check).
const TABLE: ReadonlyArray<Omit<MulticastBlock, "cidr">> = [
  { first: "224.0.0.0", last: "224.0.0.255", name: "Local Network Control Block", reference: "RFC 5771",
    forSender: "never forwarded by routers: reaches only the local link whatever the TTL; for protocols (IGMP, OSPF, mDNS), not applications" },
  { first: "224.0.1.0", last: "224.0.1.255", name: "Internetwork Control Block", reference: "RFC 5771",
    forSender: "protocol control traffic that may be forwarded across the Internet (224.0.1.1 is NTP); assigned by IANA" },
  { first: "224.0.2.0", last: "224.0.255.255", name: "AD-HOC Block I", reference: "RFC 5771", forSender: AD_HOC },
  { first: "224.1.0.0", last: "224.1.255.255", name: "RESERVED", reference: "RFC 5771",
    forSender: `${RESERVED}. Once ST Multicast Groups (RFC 1190). The lecture's 224.1.1.5 is here: fine in its lab, with TTL 1` },
  { first: "224.2.0.0", last: "224.2.255.255", name: "SDP/SAP Block", reference: "RFC 2974",
    forSender: "for sessions announced with SAP; the session directory picks the group, not you" },
  { first: "224.3.0.0", last: "224.4.255.255", name: "AD-HOC Block II", reference: "RFC 5771", forSender: AD_HOC },
  { first: "224.5.0.0", last: "224.251.255.255", name: "RESERVED", reference: "RFC 5771", forSender: RESERVED },
  { first: "224.252.0.0", last: "224.255.255.255", name: "DIS Transient Groups", reference: "IANA registry",
    forSender: "for Distributed Interactive Simulation (DIS) exercises" },
  { first: "225.0.0.0", last: "231.255.255.255", name: "RESERVED", reference: "RFC 5771", forSender: RESERVED },
  { first: "232.0.0.0", last: "232.255.255.255", name: "Source-Specific Multicast Block", reference: "RFC 4607",
    forSender: "source-specific: receivers join (source, group) with IGMPv3, and routers forward only from the sources joined" },
  { first: "233.0.0.0", last: "233.251.255.255", name: "GLOP Block", reference: "RFC 3180",
    forSender: "233.X.Y.0/24 belongs to the domain with the 16-bit AS number X*256+Y" },
  { first: "233.252.0.0", last: "233.255.255.255", name: "AD-HOC Block III", reference: "RFC 5771", forSender: AD_HOC },
  { first: "234.0.0.0", last: "234.255.255.255", name: "Unicast-Prefix-based IPv4 Multicast Addresses", reference: "RFC 6034",
    forSender: "234.a.b.c belongs to whoever holds the unicast prefix a.b.c.0/24. The lecture's 234.3.2.1 borrows one: harmless with TTL 1 in a lab" },
  { first: "235.0.0.0", last: "238.255.255.255", name: "RESERVED", reference: "RFC 5771", forSender: RESERVED },
  { first: "239.0.0.0", last: "239.255.255.255", name: "Administratively Scoped Block", reference: "RFC 2365",
    forSender: "private to an organization: border routers keep it in; the place for a group of your own" },
];

// Smaller ranges and single addresses worth naming inside the blocks, most specific first.
const NAMED: ReadonlyArray<{ first: string; last: string; name: string; reference: string }> = [
  { first: "224.0.0.0", last: "224.0.0.0", name: "Base Address (reserved)", reference: "RFC 1112" },
  { first: "224.0.0.1", last: "224.0.0.1", name: "All Systems on this Subnet", reference: "RFC 1112" },
  { first: "224.0.0.2", last: "224.0.0.2", name: "All Routers on this Subnet", reference: "RFC 1112" },
  { first: "224.0.0.5", last: "224.0.0.5", name: "OSPF All Routers", reference: "RFC 2328" },
  { first: "224.0.0.6", last: "224.0.0.6", name: "OSPF Designated Routers", reference: "RFC 2328" },
  { first: "224.0.0.9", last: "224.0.0.9", name: "RIPv2 Routers", reference: "RFC 2453" },
  { first: "224.0.0.13", last: "224.0.0.13", name: "All PIM Routers", reference: "RFC 7761" },
  { first: "224.0.0.22", last: "224.0.0.22", name: "IGMPv3 membership reports", reference: "RFC 3376" },
  { first: "224.0.0.251", last: "224.0.0.251", name: "mDNS", reference: "RFC 6762" },
  { first: "224.0.0.252", last: "224.0.0.252", name: "LLMNR", reference: "RFC 4795" },
  { first: "224.0.1.1", last: "224.0.1.1", name: "NTP", reference: "RFC 5905" },
  { first: "239.255.255.250", last: "239.255.255.250", name: "SSDP (UPnP discovery)", reference: "UPnP Device Architecture" },
  { first: "233.252.0.0", last: "233.252.0.255", name: "MCAST-TEST-NET, for documentation", reference: "RFC 5771" },
  { first: "239.255.0.0", last: "239.255.255.255", name: "IPv4 Local Scope", reference: "RFC 2365" },
  { first: "239.192.0.0", last: "239.195.255.255", name: "IPv4 Organization Local Scope", reference: "RFC 2365" },
];

interface Span<T> { lo: number; hi: number; entry: T }

function spans<T extends { first: string; last: string }>(rows: ReadonlyArray<T>): Span<T>[] {
  return rows.map((entry) => ({ lo: parseIPv4(entry.first), hi: parseIPv4(entry.last), entry }));
}

/** The range as one prefix if it is one: aligned and a power of two long. */
function asPrefix(lo: number, hi: number): string {
  const size = hi - lo + 1;
  const prefix = 32 - Math.log2(size);
  return Number.isInteger(prefix) && lo % size === 0 ? `${formatIPv4(lo)}/${prefix}` : "";
}

/** IANA's blocks of 224.0.0.0/4, in address order; `table(MULTICAST_BLOCKS)` shows the registry. */
export const MULTICAST_BLOCKS: ReadonlyArray<MulticastBlock> = spans(TABLE).map(({ lo, hi, entry }) => ({
  name: entry.name,
  first: entry.first,
  last: entry.last,
  cidr: asPrefix(lo, hi),
  reference: entry.reference,
  forSender: entry.forSender,
}));

const BLOCK_SPANS = MULTICAST_BLOCKS.map((block) => ({ lo: parseIPv4(block.first), hi: parseIPv4(block.last), entry: block }));
const NAMED_SPANS = spans(NAMED);

/** The IANA block an address is in, or undefined if it is not multicast. */
export function blockOf(address: IPv4): MulticastBlock | undefined {
  const a = addressNumber(address);
  for (const span of BLOCK_SPANS) if (a >= span.lo && a <= span.hi) return span.entry;
  return undefined;
}

/** One row of describe(): everything a notebook table needs, all plain text. */
export interface Description {
  address: string;
  multicast: boolean;
  block: string;
  range: string;
  reference: string;
  /** Named groups or scopes it falls in (most specific first), or what its block derives from it. */
  note: string;
  forSender: string;
}

/** Where an address sits in the multicast space and what that means for a sender. */
export function describe(address: IPv4): Description {
  const a = addressNumber(address);
  const text = formatIPv4(a);
  const span = BLOCK_SPANS.find((s) => a >= s.lo && a <= s.hi);
  if (!span) {
    return {
      address: text, multicast: false, block: "not multicast", range: "outside 224.0.0.0/4", reference: "",
      note: notMulticastNote(a),
      forSender: "not a group: a datagram to it goes to one host (or is a broadcast), not to a group's members",
    };
  }
  const block = span.entry;
  const notes = NAMED_SPANS.filter((s) => a >= s.lo && a <= s.hi)
    .sort((x, y) => x.hi - x.lo - (y.hi - y.lo))
    .map((s) => `${s.entry.name} (${s.entry.reference})`);
  const derived = derivedNote(block.name, a);
  if (derived) notes.push(derived);
  return {
    address: text,
    multicast: true,
    block: block.name,
    range: block.cidr || `${block.first} - ${block.last}`,
    reference: block.reference,
    note: notes.join("; "),
    forSender: block.forSender,
  };
}

/** What GLOP and unicast-prefix-based addresses encode: their owner. */
function derivedNote(block: string, a: number): string {
  const b1 = (a >>> 16) & 255, b2 = (a >>> 8) & 255, b3 = a & 255;
  if (block === "GLOP Block") return `GLOP range 233.${b1}.${b2}.0/24 of AS ${b1 * 256 + b2}`;
  if (block.startsWith("Unicast-Prefix-based")) return `for the holder of unicast ${b1}.${b2}.${b3}.0/24 (or a shorter prefix holding it)`;
  return "";
}

/** A group's number, refusing an address outside 224.0.0.0/4: the door of every function that takes a group. */
export function groupNumber(group: IPv4, argument = "group"): number {
  const g = addressNumber(group, argument);
  if (!isMulticastNumber(g)) throw new ArgumentError(argument, group, GROUP_EXPECTED, notMulticastNote(g));
  return g;
}

/**
 * 224.0.0.0/24, the local network control block: groups no router forwards
 * (whatever the TTL) and a snooping switch floods to every port, because the
 * protocols that use them (IGMP itself, mDNS, OSPF...) must reach every host.
 */
export function isLinkLocalGroup(address: IPv4): boolean {
  return (groupNumber(address, "address") & 0xffffff00) >>> 0 === MULTICAST_BASE;
}
