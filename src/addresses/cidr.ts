// CIDR ranges ("224.0.0.0/4"): a network, a prefix length and the mask that
// keeps the prefix bits. Membership is the lecture's definition written out:
// an address is in the range when (address AND mask) equals the network.
import { addressNumber, binary, formatIPv4, ipv4Problem, IPv4, tryParseIPv4 } from "./address";
import { ArgumentError } from "../util/errors";

/** A CIDR range: the address as written, its network, prefix length, mask and last address. */
export interface Cidr {
  /** The address as written; it may have host bits set ("224.1.1.5/4"). */
  address: number;
  /** The address with the host bits cleared: the first address of the range. */
  network: number;
  /** How many leading bits are fixed, 0..32. */
  prefix: number;
  /** prefix ones followed by 32 - prefix zeros, e.g. 0xffffff00 for /24. */
  mask: number;
  /** The last address of the range (the broadcast address of a unicast subnet). */
  broadcast: number;
}

const CIDR_TEXT = 'CIDR notation: a dotted-decimal IPv4 address, "/" and a prefix length 0..32, such as "224.0.0.0/4"';

/** The mask of a prefix length: prefixMask(24) === 0xffffff00, prefixMask(0) === 0. */
export function prefixMask(prefix: number): number {
  checkPrefix("prefix", prefix);
  // JS shifts count mod 32, so 0xffffffff << 32 is 0xffffffff, not 0: /0 is its own case.
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * Parse "a.b.c.d/n". Host bits are allowed, as in an interface address
 * ("192.168.56.101/24", or the lecture's "224.1.1.5/4"): `address` keeps what
 * was written and `network` clears the host bits. With `strict: true` host
 * bits are refused, for when the text is meant to name a range.
 */
export function parseCidr(text: string, options: { strict?: boolean } = {}, argument = "cidr"): Cidr {
  if (typeof text !== "string") throw new ArgumentError(argument, text, CIDR_TEXT);
  const slash = text.indexOf("/");
  if (slash < 0) throw new ArgumentError(argument, text, CIDR_TEXT, 'there is no "/": a range needs its prefix length');
  const addressPart = text.slice(0, slash);
  const prefixPart = text.slice(slash + 1);
  const address = tryParseIPv4(addressPart);
  if (address < 0) throw new ArgumentError(argument, text, CIDR_TEXT, `the address: ${ipv4Problem(addressPart)}`);
  const prefixProblem = !/^\d+$/.test(prefixPart)
    ? `the prefix length ${JSON.stringify(prefixPart)} is not a number`
    : prefixPart.length > 1 && prefixPart[0] === "0"
      ? `the prefix length ${JSON.stringify(prefixPart)} has a leading zero`
      : Number(prefixPart) > 32
        ? `the prefix length ${prefixPart} is over 32: an IPv4 address has 32 bits`
        : undefined;
  if (prefixProblem) throw new ArgumentError(argument, text, CIDR_TEXT, prefixProblem);
  const cidr = rangeOf(address, Number(prefixPart));
  if (options.strict && cidr.network !== address) {
    const fixed = `${formatIPv4(cidr.network)}/${cidr.prefix}`;
    throw new ArgumentError(argument, text, `a range with no host bits set (${CIDR_TEXT})`, `host bits are set; did you mean "${fixed}"?`);
  }
  return cidr;
}

/** The range of prefix length `prefix` around an address: cidrOf("224.1.1.5", 4) is 224.0.0.0/4. */
export function cidrOf(address: IPv4, prefix: number): Cidr {
  return rangeOf(addressNumber(address), checkPrefix("prefix", prefix));
}

/** "224.0.0.0/4": the network, not the address as written. */
export function formatCidr(cidr: Cidr | string): string {
  const c = toCidr(cidr);
  return `${formatIPv4(c.network)}/${c.prefix}`;
}

/** Is the address in the range? Literally (address AND mask) === network, on unsigned numbers. */
export function contains(cidr: Cidr | string, address: IPv4): boolean {
  const c = toCidr(cidr);
  const a = addressNumber(address);
  return ((a & c.mask) >>> 0) === c.network;
}

/** One step of explainContains(): a value in dotted decimal and in binary. */
export interface ContainsRow {
  step: string;
  dotted: string;
  binary: string;
}

/**
 * contains() shown step by step, as rows for a notebook table: the address,
 * the mask, their AND, the network, and the verdict, with a "|" after the
 * prefix bits in every row so the columns line up where it matters.
 */
export function explainContains(cidr: Cidr | string, address: IPv4): ContainsRow[] {
  const c = toCidr(cidr);
  const a = addressNumber(address);
  const and = (a & c.mask) >>> 0;
  const range = formatCidr(c);
  const bits = (n: number) => binary(n, c.prefix);
  const differ = (and ^ c.network) >>> 0;
  const verdict = differ === 0
    ? { dotted: "in", binary: `AND equals the network: ${formatIPv4(a)} is in ${range}` }
    : {
        dotted: "not in",
        binary: `AND differs from the network at bit ${Math.clz32(differ) + 1} (counting from 1 on the left): ${formatIPv4(a)} is not in ${range}`,
      };
  return [
    { step: "address", dotted: formatIPv4(a), binary: bits(a) },
    { step: `mask /${c.prefix}`, dotted: formatIPv4(c.mask), binary: bits(c.mask) },
    { step: "address AND mask", dotted: formatIPv4(and), binary: bits(and) },
    { step: "network", dotted: formatIPv4(c.network), binary: bits(c.network) },
    { step: "verdict", ...verdict },
  ];
}

function rangeOf(address: number, prefix: number): Cidr {
  const mask = prefixMask(prefix);
  const network = (address & mask) >>> 0;
  return { address, network, prefix, mask, broadcast: (network | ~mask) >>> 0 };
}

function checkPrefix(argument: string, prefix: unknown): number {
  if (typeof prefix !== "number" || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw new ArgumentError(argument, prefix, "an integer from 0 to 32", "an IPv4 address has 32 bits");
  }
  return prefix;
}

/** A range given as text or as a Cidr object (checked, since a hand-made object may not add up). */
function toCidr(cidr: Cidr | string): Cidr {
  if (typeof cidr === "string") return parseCidr(cidr);
  if (typeof cidr !== "object" || cidr === null) throw new ArgumentError("cidr", cidr, `${CIDR_TEXT}, or a Cidr from parseCidr`);
  const prefix = checkPrefix("cidr.prefix", cidr.prefix);
  const network = addressNumber(cidr.network, "cidr.network");
  const mask = prefixMask(prefix);
  if (cidr.mask !== mask) throw new ArgumentError("cidr.mask", cidr.mask, `${mask} (0x${mask.toString(16)}), the mask of /${prefix}`);
  if (((network & mask) >>> 0) !== network) {
    throw new ArgumentError("cidr.network", formatIPv4(network), `an address with no bits set after the first ${prefix}`);
  }
  return cidr;
}
