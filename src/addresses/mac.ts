// Multicast groups on Ethernet: a datagram to a group goes in a frame to
// 01:00:5e followed by the group's low 23 bits (RFC 1112, section 6.4). The
// 5 bits after 1110 are dropped, so 32 groups share each MAC address, and a
// NIC filtering by MAC may pass a group nobody joined: the kernel filters
// again by IP address.
import { formatIPv4, IPv4, markBits } from "./address";
import { groupNumber, MULTICAST_BASE } from "./blocks";
import { ArgumentError } from "../util/errors";

const MAC_TEXT = 'a MAC address: six two-digit hex bytes separated by ":" or "-", such as "01:00:5e:01:01:05"';
const GROUP_MAC = "an IPv4 multicast MAC address, 01:00:5e:00:00:00 to 01:00:5e:7f:ff:ff";

/**
 * MAC text to its 6 bytes. Accepts "01:00:5e:01:01:05" and "01-00-5E-01-01-05"
 * (either case, one separator throughout: what ip, tcpdump and Windows
 * print); refuses the dotted "0100.5e01.0105" form and single-digit bytes.
 */
export function parseMac(text: string, argument = "mac"): Uint8Array {
  if (typeof text !== "string") throw new ArgumentError(argument, text, MAC_TEXT);
  const separator = text.match(/[:-]/)?.[0];
  const parts = separator ? text.split(separator) : [text];
  let why: string | undefined;
  if (!separator) why = 'there is no ":" or "-" between the bytes';
  else if (text.includes(separator === ":" ? "-" : ":")) why = 'it mixes ":" and "-"';
  else if (parts.length !== 6) why = `it has ${parts.length} parts, not 6`;
  else {
    const bad = parts.findIndex((p) => !/^[0-9a-f]{2}$/i.test(p));
    if (bad >= 0) why = `byte ${bad + 1} ${JSON.stringify(parts[bad])} is not two hex digits`;
  }
  if (why) throw new ArgumentError(argument, text, MAC_TEXT, why);
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

/** 6 bytes as lower-case, colon-separated text, the way ip and tcpdump print them. */
export function formatMac(bytes: Uint8Array | ReadonlyArray<number>, argument = "mac"): string {
  if (!isMacBytes(bytes)) throw new ArgumentError(argument, bytes, "6 bytes (a Uint8Array or an array of integers 0..255)");
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(":");
}

/** The Ethernet destination of a group: groupToMac("224.1.1.5") === "01:00:5e:01:01:05". */
export function groupToMac(group: IPv4): string {
  const low23 = groupNumber(group) & 0x7fffff;
  return formatMac([0x01, 0x00, 0x5e, low23 >>> 16, (low23 >>> 8) & 255, low23 & 255]);
}

/** The 32 groups that share a multicast MAC address, in address order. */
export function macToGroups(mac: string | Uint8Array): string[] {
  const bytes = typeof mac === "string" ? parseMac(mac) : mac;
  if (!isMacBytes(bytes)) throw new ArgumentError("mac", mac, MAC_TEXT);
  if (bytes[0] !== 0x01 || bytes[1] !== 0x00 || bytes[2] !== 0x5e) {
    throw new ArgumentError("mac", textOf(mac), GROUP_MAC, "it does not start with 01:00:5e, so it carries no IPv4 group");
  }
  if (bytes[3] & 0x80) {
    throw new ArgumentError("mac", textOf(mac), GROUP_MAC, "IPv4 fills only 23 bits after 01:00:5e, so the bit after the prefix is always 0");
  }
  const low23 = (bytes[3] << 16) | (bytes[4] << 8) | bytes[5];
  const groups: string[] = [];
  // The 5 dropped bits take every value 0..31 between the 1110 prefix and the kept 23 bits.
  for (let dropped = 0; dropped < 32; dropped++) groups.push(formatIPv4((MULTICAST_BASE | (dropped << 23) | low23) >>> 0));
  return groups;
}

/** One step of explainGroupToMac(): its text and its bits. */
export interface MacRow {
  step: string;
  text: string;
  bits: string;
}

/**
 * groupToMac() bit by bit, as rows for a notebook table: the group with its
 * 1110 prefix and its 5 dropped bits marked off, the MAC with its fixed 25
 * bits marked off, and what the drop means.
 */
export function explainGroupToMac(group: IPv4): MacRow[] {
  const g = groupNumber(group);
  const mac = groupToMac(g);
  const dropped = ((g >>> 23) & 31).toString(2).padStart(5, "0");
  const macBits = Array.from(parseMac(mac), (b) => b.toString(2).padStart(8, "0")).join("");
  const others = macToGroups(mac).filter((x) => x !== formatIPv4(g));
  return [
    { step: "group", text: formatIPv4(g), bits: markBits(g.toString(2).padStart(32, "0"), ".", [4, 9]) },
    { step: "MAC", text: mac, bits: markBits(macBits, ":", [25]) },
    {
      step: "lost",
      text: `5 bits (${dropped})`,
      bits: `the 5 bits after 1110 do not reach the MAC: 32 groups share it, e.g. ${others.slice(0, 3).join(", ")}`,
    },
  ];
}

function isMacBytes(bytes: unknown): bytes is Uint8Array | ReadonlyArray<number> {
  return (bytes instanceof Uint8Array || Array.isArray(bytes)) && bytes.length === 6 &&
    Array.prototype.every.call(bytes, (b: unknown) => Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255);
}

function textOf(mac: string | Uint8Array): string {
  return typeof mac === "string" ? mac : formatMac(mac);
}
