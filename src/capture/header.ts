// The field-table machinery. A header is described once, as a table of
// fields (name, offset, width, format), the way scapy's fields_desc describes
// a protocol; reading a field, show()'s listing and the notebook's per-field
// rows (layer-print.ts) are all derived from that table, so they cannot disagree.
import { ArgumentError } from "../util/errors";
import { FieldValue, Format, HEX, INT, IPV4, IPV4_LIST, LOAD, MAC } from "./formats";
import { Layer } from "./layer";

/** A field's width: whole bytes, computed from earlier fields (variable length), or everything to the layer's end. */
export type Width = number | "rest" | ((layer: Layer) => number);

/** One row of a header's table, as written in ether.ts, ipv4.ts, ... */
export interface FieldSpec {
  /** scapy's field name, so show() reads like scapy's. */
  name: string;
  /** Bytes from the header's first byte; a function of earlier fields when it follows a variable-length field. */
  offset: number | ((layer: Layer) => number);
  /** Width in whole bytes (numbers of 1 to 4 bytes, or bytes); leave out for a bit field. */
  bytes?: Width;
  /** Width in bits, for a field inside a byte or across two (version, ihl, flags, frag). */
  bits?: number;
  /** A bit field's first bit, counted from the most significant bit of the byte at `offset`. */
  bit?: number;
  format: Format;
  /** Leave the field out when this is false (scapy's ConditionalField). */
  when?: (layer: Layer) => boolean;
  /** What the value means, in words, for the notebook's per-field table. */
  meaning?: (value: never, layer: Layer) => string;
  /** How the width reads in the header's table when it is variable, e.g. "ihl × 4 − 20". */
  widthText?: string;
  /** How the offset reads in the table when it is variable. */
  offsetText?: string;
}

/** A compiled field: where its bytes are and how to read them. */
export class Field {
  readonly name: string;
  /** The offset, NaN when it varies (see offsetIn). */
  readonly offset: number;
  readonly offsetText: string;
  private readonly offsetOf?: (layer: Layer) => number;
  readonly format: Format;
  readonly when?: (layer: Layer) => boolean;
  readonly meaning?: (value: never, layer: Layer) => string;
  /** For a number: its width in bits, the bytes it spans, the shift and mask that take it out. */
  readonly bits: number;
  /** A bit field's first bit (0 = the most significant bit of the byte at `offset`). */
  readonly bit: number;
  readonly span: number;
  private readonly shift: number;
  private readonly mask: number;
  /** For bytes and lists: a fixed width, or how to work it out. */
  private readonly width: Width;
  readonly widthText: string;

  constructor(spec: FieldSpec) {
    this.name = spec.name;
    if (typeof spec.offset === "number") this.offset = spec.offset;
    else {
      this.offset = NaN;
      this.offsetOf = spec.offset;
    }
    this.offsetText = spec.offsetText ?? (typeof spec.offset === "number" ? String(spec.offset) : "variable");
    this.format = spec.format;
    this.when = spec.when;
    this.meaning = spec.meaning;
    if (spec.format.kind === "number") {
      const bit = spec.bit ?? 0;
      const bits = spec.bits ?? (typeof spec.bytes === "number" ? spec.bytes * 8 : NaN);
      if (!(bits >= 1 && bit + bits <= 32)) throw new Error(`field ${spec.name}: a number needs 1 to 32 bits within 4 bytes`);
      this.bits = bits;
      this.bit = bit;
      this.span = Math.ceil((bit + bits) / 8);
      this.shift = this.span * 8 - bit - bits;
      this.mask = bits === 32 ? 0xffffffff : 2 ** bits - 1;
      this.width = this.span;
      this.widthText = spec.bits !== undefined ? `${bits} bit${bits === 1 ? "" : "s"}` : `${this.span} byte${this.span === 1 ? "" : "s"}`;
    } else {
      if (spec.bytes === undefined) throw new Error(`field ${spec.name}: bytes and lists need a width in bytes`);
      this.bits = NaN;
      this.bit = 0;
      this.span = typeof spec.bytes === "number" ? spec.bytes : NaN;
      this.shift = 0;
      this.mask = 0;
      this.width = spec.bytes;
      this.widthText = typeof spec.bytes === "number" ? `${spec.bytes} byte${spec.bytes === 1 ? "" : "s"}` : spec.widthText ?? (spec.bytes === "rest" ? "the rest" : "variable");
    }
  }

  get fixed(): boolean {
    return typeof this.width === "number" && !this.offsetOf;
  }

  /** Where the field starts, from the header's first byte (NaN when that depends on fields not captured). */
  offsetIn(layer: Layer): number {
    if (!this.offsetOf) return this.offset;
    const n = this.offsetOf(layer);
    return Number.isFinite(n) && n >= 0 ? n : NaN;
  }

  /** The bytes this field covers in a layer (NaN when it depends on fields that were not captured). */
  widthIn(layer: Layer): number {
    const w = this.width;
    if (typeof w === "number") return w;
    if (w === "rest") return Math.max(0, layer.limit - layer.start - this.offsetIn(layer));
    const n = w(layer);
    return Number.isFinite(n) && n >= 0 ? n : NaN;
  }

  /** The value in a layer, or undefined when its bytes were not captured. */
  read(layer: Layer): FieldValue | undefined {
    const at = layer.start + (this.offsetOf ? this.offsetIn(layer) : this.offset);
    if (Number.isNaN(at)) return undefined; // it follows a field whose length was not captured
    const data = layer.data;
    if (this.format.kind === "number") {
      const span = this.span;
      if (at + span > layer.limit) return undefined;
      let v: number;
      if (span === 1) v = data[at];
      else if (span === 2) v = (data[at] << 8) | data[at + 1];
      else if (span === 3) v = (data[at] << 16) | (data[at + 1] << 8) | data[at + 2];
      else v = ((data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3]) >>> 0;
      return this.shift === 0 && this.bits === span * 8 ? v : Math.floor(v / 2 ** this.shift) & this.mask;
    }
    const width = this.widthIn(layer);
    if (!(at + width <= layer.limit)) return undefined;
    if (this.format.kind === "bytes") return data.subarray(at, at + width);
    return layer.sublayers(this, at, at + width);
  }
}

/** How a header is written down: its names and its table. */
export interface HeaderSpec {
  /** The name show() prints in `###[ ... ]###` (scapy's Packet.name). */
  name: string;
  /** The name summary() prints (scapy's class name). */
  className: string;
  fields: FieldSpec[];
  /** The layer's own words in summary() (scapy's mysummary); "" or absent to let the class name stand. */
  summary?: (layer: Layer) => string;
}

/** A header's table, compiled. */
export class Header {
  readonly name: string;
  readonly className: string;
  readonly fields: ReadonlyArray<Field>;
  /** Bytes of the fixed part (before any variable-length field). */
  readonly fixedSize: number;
  private readonly variable: Field[];
  private readonly byName = new Map<string, Field>();
  private readonly mysummary?: (layer: Layer) => string;

  constructor(spec: HeaderSpec) {
    this.name = spec.name;
    this.className = spec.className;
    this.mysummary = spec.summary;
    this.fields = spec.fields.map((f) => new Field(f));
    let covered = 0; // bits of the fixed part covered so far, to catch a mistyped offset in a table
    for (const f of this.fields) {
      this.byName.set(f.name, f);
      if (!f.fixed) continue;
      const first = f.offset * 8 + f.bit;
      const width = f.format.kind === "number" ? f.bits : f.span * 8;
      if (first !== covered && !f.when) throw new Error(`${spec.className}.${f.name} starts at bit ${first}, but the fields before it end at bit ${covered}`);
      covered = Math.max(covered, first + width);
    }
    this.fixedSize = Math.ceil(covered / 8);
    this.variable = this.fields.filter((f) => !f.fixed);
  }

  field(name: string): Field {
    const f = this.byName.get(name);
    if (!f) throw new ArgumentError("name", name, `a field of ${this.className}: ${this.fields.map((x) => x.name).join(", ")}`);
    return f;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The size this header says it has, in a given layer (its fixed part when a length was not captured). */
  size(layer: Layer): number {
    let size = this.fixedSize;
    for (const f of this.variable) {
      if (f.when && !f.when(layer)) continue;
      const w = f.widthIn(layer);
      const at = f.offsetIn(layer);
      if (Number.isFinite(w) && Number.isFinite(at)) size = Math.max(size, at + w);
    }
    return size;
  }

  summary(layer: Layer): string {
    return this.mysummary ? this.mysummary(layer) : "";
  }

  /** The table itself, for a notebook cell: field, offset, width, format. */
  table(): Array<{ field: string; offset: string; width: string; format: string }> {
    return this.fields.map((f) => ({
      field: f.name,
      offset: f.format.kind === "number" && f.span * 8 !== f.bits ? `${f.offset} (bit ${f.bit})` : f.offsetText,
      width: f.widthText,
      format: formatName(f.format),
    }));
  }
}

function formatName(format: Format): string {
  if (format === INT) return "integer";
  if (format === HEX) return "hex";
  if (format === IPV4) return "IPv4 address";
  if (format === MAC) return "MAC address";
  if (format === LOAD) return "bytes";
  if (format === IPV4_LIST) return "IPv4 addresses";
  if (format.kind === "layers") return "sub-headers";
  return format.kind === "number" ? "named number" : "bytes";
}

export function defineHeader(spec: HeaderSpec): Header {
  return new Header(spec);
}
