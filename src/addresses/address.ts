// IPv4 addresses as 32-bit unsigned numbers: strict dotted-decimal text in and
// out, and the bits printed so a cell can show why an address is where it is.
// Knows nothing of multicast, sockets or notebooks.
import { ArgumentError } from "../util/errors";

/** An IPv4 address as dotted-decimal text ("224.1.1.5") or as its number (0xe0010105). */
export type IPv4 = string | number;

const IPV4_TEXT = 'dotted-decimal IPv4: four numbers 0..255 without leading zeros, such as "224.1.1.5"';
const IPV4_ANY = 'an IPv4 address, as dotted-decimal text such as "224.1.1.5" or as an integer from 0 to 4294967295 (0xffffffff)';

/**
 * Dotted-decimal text to its 32-bit unsigned number. Strict: exactly four
 * parts of ASCII digits, each 0..255, no leading zeros, signs or spaces, so
 * that one text means one address (inet_aton would read "010" as octal 8).
 */
export function parseIPv4(text: string, argument = "address"): number {
  const value = tryParseIPv4(text);
  if (value < 0) throw new ArgumentError(argument, text, IPV4_TEXT, ipv4Problem(text));
  return value;
}

/**
 * The parser's fast path: the number, or -1 for anything not strictly valid.
 * One pass over the characters; the reason for a refusal is worked out only
 * when there is one (ipv4Problem), so valid input pays nothing for it.
 */
export function tryParseIPv4(text: unknown): number {
  if (typeof text !== "string") return -1;
  const n = text.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      dots++;
      part = 0;
      digits = 0;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9) return -1;
      if (digits === 1 && part === 0) return -1; // a leading zero
      part = part * 10 + d;
      if (part > 255) return -1;
      digits++;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** Why a text is not strict dotted-decimal IPv4, one rule at a time (undefined if it is). */
export function ipv4Problem(text: unknown): string | undefined {
  if (typeof text === "number") return "a number, not text; formatIPv4 turns a number into text";
  if (text == null) return `${text}, not text`;
  if (typeof text !== "string") return `${/^[aeiou]/.test(typeof text) ? "an" : "a"} ${typeof text}, not text`;
  if (text === "") return "the text is empty";
  if (/\s/.test(text)) return "it contains white space; an address has none, trim the text first";
  if (text.includes("/")) return 'it has a "/": that is CIDR notation, for parseCidr';
  const parts = text.split(".");
  const empty = parts.indexOf("");
  if (empty >= 0) {
    if (empty === parts.length - 1) return `a trailing dot leaves part ${empty + 1} empty`;
    if (empty === 0) return "a leading dot leaves part 1 empty";
    return `part ${empty + 1} is empty (two dots in a row)`;
  }
  if (parts.length !== 4) {
    const aton = parts.length < 4 ? atonReading(parts) : undefined;
    const reading = aton === undefined ? "" : `; inet_aton would still read it, as ${aton}`;
    return `it has ${parts.length} part${parts.length === 1 ? "" : "s"}, not 4${reading}`;
  }
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    const name = `part ${i + 1} ${JSON.stringify(part)}`;
    if (/^[+-]/.test(part)) return `${name} has a sign`;
    if (/^0x/i.test(part)) {
      const hex = /^0x[0-9a-f]+$/i.test(part) ? ` as hexadecimal ${parseInt(part.slice(2), 16)}` : "";
      return `${name} is hexadecimal notation; inet_aton would read it${hex}`;
    }
    const bad = part.match(/[^0-9]/u);
    if (bad) {
      const ch = bad[0];
      const code = "U+" + ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
      const kind = /\p{Nd}/u.test(ch) ? "is a digit, but not an ASCII one" : "is not a digit";
      return `${name}: ${JSON.stringify(ch)} (${code}) ${kind}; only 0-9 are allowed`;
    }
    if (part.length > 1 && part[0] === "0") {
      const reading = /^[0-7]+$/.test(part)
        ? `inet_aton would read it as octal ${parseInt(part, 8)}`
        : "inet_aton would refuse it as a bad octal number";
      return `${name} has a leading zero; ${reading}`;
    }
    if (Number(part) > 255) return `${name} is over 255: a part is one byte`;
  }
  return undefined;
}

/**
 * What inet_aton makes of 1 to 3 plain decimal parts: the last part fills all
 * the bytes left ("224.1.5" is 224.1.0.5), the surprise a strict parser spares.
 */
function atonReading(parts: string[]): string | undefined {
  if (!parts.every((p) => /^(0|[1-9][0-9]{0,9})$/.test(p))) return undefined;
  const numbers = parts.map(Number);
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 2 ** (8 * (4 - numbers.length))) return undefined;
  return formatIPv4(numbers.reduce((sum, n, i) => sum + n * 2 ** (8 * (3 - i)), 0) + last);
}

/** A 32-bit unsigned number to dotted-decimal text. */
export function formatIPv4(value: number, argument = "address"): string {
  checkIPv4Number(argument, value);
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/**
 * An address given either way (text or number) as its unsigned number; the
 * door every higher-level function goes through.
 */
export function addressNumber(address: IPv4, argument = "address"): number {
  if (typeof address === "number") return checkIPv4Number(argument, address);
  if (typeof address === "string") return parseIPv4(address, argument);
  throw new ArgumentError(argument, address, IPV4_ANY);
}

/** An address given either way as dotted-decimal text (normalized through its number). */
export function addressText(address: IPv4, argument = "address"): string {
  return formatIPv4(addressNumber(address, argument));
}

function checkIPv4Number(argument: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new ArgumentError(argument, value, "an integer from 0 to 4294967295 (0xffffffff)", "an IPv4 address is 32 bits, unsigned");
  }
  return value >>> 0; // also turns -0 into 0
}

/**
 * The address in binary, octets separated by ".", and, given a prefix
 * length, a "|" right after the prefix bits:
 * binary("224.1.1.5", 4) === "1110|0000.00000001.00000001.00000101".
 */
export function binary(address: IPv4, prefix?: number): string {
  const value = addressNumber(address);
  if (prefix !== undefined && (typeof prefix !== "number" || !Number.isInteger(prefix) || prefix < 0 || prefix > 32)) {
    throw new ArgumentError("prefix", prefix, "an integer from 0 to 32 (or left out)", "an IPv4 address has 32 bits");
  }
  return markBits(value.toString(2).padStart(32, "0"), ".", prefix === undefined ? [] : [prefix]);
}

/**
 * Bits as text, a separator between bytes and a "|" after each marked bit
 * count (a mark at a byte boundary comes before the separator). Shared by
 * the address and MAC explanations so they read alike.
 */
export function markBits(bits: string, separator: string, marks: readonly number[]): string {
  let out = "";
  for (let i = 0; i <= bits.length; i++) {
    if (marks.includes(i)) out += "|";
    if (i === bits.length) break;
    if (i > 0 && i % 8 === 0) out += separator;
    out += bits[i];
  }
  return out;
}
