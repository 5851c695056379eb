// How a field's value reads: a number (decimal, hex, an address, a name from
// a table, flags), bytes (a MAC, a payload, a list of addresses) or a list of
// sub-headers. Each format's repr() is how scapy's show() prints the value.
import { formatIPv4 } from "../addresses/address";
import { formatMac } from "../addresses/mac";
import { Layer } from "./layer";
import { pythonRepr } from "./python-repr";

/** A decoded field: a number (at most 32 bits), raw bytes, or a list of sub-headers (IP options, IGMPv3 group records). */
export type FieldValue = number | Uint8Array | Layer[];

/** A field holding an unsigned number of at most 32 bits; repr() is how scapy's show() prints it. */
export interface NumberFormat {
  readonly kind: "number";
  repr(value: number): string;
}

/** A field holding bytes (a MAC address, a payload, a list of addresses). */
export interface BytesFormat {
  readonly kind: "bytes";
  repr(value: Uint8Array): string;
}

/** A field holding a list of sub-headers, each described by its own table. */
export interface LayersFormat {
  readonly kind: "layers";
  /** Split bytes [start, end) of the frame into sub-headers. */
  parse(data: Uint8Array, start: number, end: number): Layer[];
}

export type Format = NumberFormat | BytesFormat | LayersFormat;

export const INT: NumberFormat = { kind: "number", repr: (v) => String(v) };

/** scapy's XByteField/XShortField: "0x0", "0x91e7". */
export const HEX: NumberFormat = { kind: "number", repr: (v) => "0x" + v.toString(16) };

export const IPV4: NumberFormat = { kind: "number", repr: (v) => formatIPv4(v) };

export const MAC: BytesFormat = { kind: "bytes", repr: (v) => formatMac(v) };

/** A payload, printed the way scapy prints a StrField: Python's repr of the bytes read as UTF-8. */
export const LOAD: BytesFormat = { kind: "bytes", repr: (v) => pythonRepr(v) };

/** A run of IPv4 addresses (IGMPv3 sources), printed as scapy prints a FieldListField of IPField. */
export const IPV4_LIST: BytesFormat = { kind: "bytes", repr: (v) => `[${addressList(v).join(", ")}]` };

/** A number with names for some values (scapy's EnumField); others print as `otherwise` does. */
export function enumOf(names: Readonly<Record<number, string>>, otherwise: NumberFormat = INT): NumberFormat {
  return { kind: "number", repr: (v) => names[v] ?? otherwise.repr(v) };
}

/** Bits with names, least significant first (scapy's FlagsField): IP's 3 flag bits are ["MF", "DF", "evil"]. */
export function flagsOf(names: readonly string[]): NumberFormat {
  return {
    kind: "number",
    repr: (v) => names.filter((_, i) => (v >>> i) & 1).join("+"),
  };
}

export function layersOf(parse: (data: Uint8Array, start: number, end: number) => Layer[]): LayersFormat {
  return { kind: "layers", parse };
}

/** The addresses in a run of 4-byte IPv4 addresses. */
export function addressList(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    out.push(formatIPv4(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0));
  }
  return out;
}
