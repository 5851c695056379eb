// The field-table machinery. A header is described once, as a table of
// fields (name, offset, width, format), the way scapy's fields_desc describes
// a protocol; reading a field, show()'s listing and the notebook's per-field
// rows are all derived from that table here, so they cannot disagree.
import { formatIPv4 } from "../addresses/address";
import { ArgumentError } from "../util/errors";
import { formatMac } from "../addresses/mac";

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

/**
 * How a checksum turned out: good, bad, absent (UDP's 0), not checkable
 * (bytes missing), or offloaded (left to the NIC, so not filled in yet).
 */
export interface ChecksumCheck {
  field: string;
  status: "good" | "bad" | "none" | "unverified" | "offloaded";
  /** The value in the packet. */
  found: number;
  /** The value the bytes call for (when they were all captured). */
  expected?: number;
}

const NO_PROBLEMS: ReadonlyArray<string> = Object.freeze([]);

/** A header read from a frame: the table applied to bytes [start, ...) of `data`, with nothing copied. */
export class Layer {
  /** The layer under this one (IP under UDP), and the one above. */
  below?: Layer;
  above?: Layer;
  /** The checksum verdict, for headers that carry one. */
  check?: ChecksumCheck;
  /** What is wrong with this layer, in words ("truncated: 4 of 8 bytes"). */
  problems: ReadonlyArray<string> = NO_PROBLEMS;
  /** The bytes the header says it covers (it may run past `limit` when truncated). */
  readonly size: number;
  private lists?: Map<string, Layer[]>;

  constructor(
    readonly header: Header,
    /** The whole frame. */
    readonly data: Uint8Array,
    /** Where this header starts in the frame. */
    readonly start: number,
    /** Where the bytes available to it end (the frame's end, or the end of the payload its parent declares). */
    readonly limit: number,
  ) {
    this.size = header.size(this);
    if (start + this.size > limit) this.addProblem(`truncated: ${Math.max(0, limit - start)} of ${this.size} bytes`);
  }

  /** Note something wrong with this layer (a bad checksum, a truncation). */
  addProblem(text: string): void {
    // Most layers have none: they share one empty list instead of allocating their own.
    this.problems = [...this.problems, text];
  }

  /** scapy's class name: "Ether", "IP", "UDP", "IGMP", "Raw", "Padding"... */
  get name(): string {
    return this.header.className;
  }

  /** Where the header's captured bytes end. */
  get end(): number {
    return Math.min(this.start + this.size, this.limit);
  }

  get truncated(): boolean {
    return this.start + this.size > this.limit;
  }

  /** A field's value, or undefined if its bytes were not captured. */
  get(name: string): FieldValue | undefined {
    return this.header.field(name).read(this);
  }

  /** A number field's value, NaN if not captured. */
  num(name: string): number {
    const v = this.header.field(name).read(this);
    return typeof v === "number" ? v : NaN;
  }

  /** A bytes field's value (empty if not captured). */
  bytes(name: string): Uint8Array {
    const v = this.header.field(name).read(this);
    return v instanceof Uint8Array ? v : new Uint8Array(0);
  }

  /** A list field's sub-headers (empty if not captured). */
  list(name: string): Layer[] {
    const v = this.header.field(name).read(this);
    return Array.isArray(v) ? v : [];
  }

  /** A field as show() prints it. */
  repr(name: string): string {
    return reprField(this, this.header.field(name));
  }

  /** Parsed once per layer: sub-headers are read only when someone asks. */
  sublayers(field: Field, start: number, end: number): Layer[] {
    this.lists ??= new Map();
    let list = this.lists.get(field.name);
    if (!list) {
      list = (field.format as LayersFormat).parse(this.data, start, end);
      this.lists.set(field.name, list);
    }
    return list;
  }

  /** For JSON.stringify (the layers link to each other, so the default would fail). */
  toJSON(): { name: string; start: number; size: number; problems: ReadonlyArray<string> } {
    return { name: this.name, start: this.start, size: this.size, problems: this.problems };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Layer ${this.name} (${this.size} bytes at 0x${this.start.toString(16).padStart(2, "0")}${this.problems.length ? `; ${this.problems.join("; ")}` : ""})`;
  }

  /** Fields that apply to this layer (ConditionalField's `when`). */
  fieldsShown(): Field[] {
    return this.header.fields.filter((f) => !f.when || f.when(this));
  }
}

const NOT_CAPTURED = "<not captured>";

function reprField(layer: Layer, field: Field): string {
  const value = field.read(layer);
  if (value === undefined) return NOT_CAPTURED;
  let text: string;
  if (field.format.kind === "number") text = field.format.repr(value as number);
  else if (field.format.kind === "bytes") text = field.format.repr(value as Uint8Array);
  else text = `[${(value as Layer[]).map((l) => l.name).join(", ")}]`;
  const check = layer.check;
  if (check && check.field === field.name && check.status === "bad") text += ` [bad: expected 0x${check.expected!.toString(16)}]`;
  if (check && check.field === field.name && check.status === "offloaded") text += " [not filled in: checksum offload]";
  return text;
}

/**
 * scapy's show(): `###[ Name ]###`, then one `name = value` line per field,
 * each layer indented 3 more than the one below it, and sub-header lists
 * drawn with `\name\` and `|`.
 */
export function showLayers(layers: ReadonlyArray<Layer>): string {
  let out = "";
  let lvl = "";
  for (const layer of layers) {
    out += showLayer(layer, lvl, "");
    lvl += "   ";
  }
  return out;
}

function showLayer(layer: Layer, lvl: string, labelLvl: string): string {
  let s = `${labelLvl}###[ ${layer.header.name} ]### \n`;
  for (const field of layer.fieldsShown()) {
    const pad = " ".repeat(Math.max(0, 10 - field.name.length));
    if (field.format.kind === "layers") {
      s += `${labelLvl}${lvl}  \\${field.name}${pad}\\\n`;
      const value = field.read(layer);
      if (Array.isArray(value)) for (const sub of value) s += showLayer(sub, "", labelLvl + lvl + "   |");
    } else {
      s += `${labelLvl}${lvl}  ${field.name}${pad}= ${reprField(layer, field)}\n`;
    }
  }
  return s;
}

/** One row of the per-field table a notebook shows under a hexdump. */
export interface FieldRow {
  /** The header ("IP"), or a sub-header ("IP.options[0]"). */
  layer: string;
  /** Offset of the field's first byte in the frame, "0x0e". */
  offset: string;
  /** The field's bytes in hex, "45". */
  bytes: string;
  /** The field's name; fields sharing bytes share a row: "version/ihl". */
  field: string;
  /** The value as show() prints it: "4/5". */
  value: string;
  /** What it means: "IPv4, a 20-byte header". */
  meaning: string;
}

const ROW_BYTES = 32; // longer fields (a payload) show their first bytes and "…"

/** The per-field rows of a layer, fields that share a byte merged into one row. */
export function fieldRows(layer: Layer, label = layer.name): FieldRow[] {
  const rows: FieldRow[] = [];
  let group: { from: number; to: number; fields: Field[] } | undefined;
  const flush = () => {
    if (!group) return;
    const g = group;
    group = undefined;
    rows.push({
      layer: label,
      offset: "0x" + g.from.toString(16).padStart(2, "0"),
      bytes: hexBytes(layer.data, g.from, Math.min(g.to, layer.limit)),
      field: g.fields.map((f) => f.name).join("/"),
      value: g.fields.map((f) => reprField(layer, f)).join("/"),
      meaning: g.fields.map((f) => meaningOf(layer, f)).filter((m) => m !== "").join(", "),
    });
  };
  for (const field of layer.fieldsShown()) {
    const offset = field.offsetIn(layer);
    const from = layer.start + (Number.isFinite(offset) ? offset : 0);
    const width = field.widthIn(layer);
    const to = from + (Number.isFinite(width) ? width : 0);
    if (field.format.kind === "layers") {
      flush();
      const subs = field.read(layer);
      if (Array.isArray(subs)) subs.forEach((sub, i) => rows.push(...fieldRows(sub, `${label}.${field.name}[${i}]`)));
      if (!Array.isArray(subs) || subs.length === 0) {
        rows.push({ layer: label, offset: hexOffset(from), bytes: hexBytes(layer.data, from, Math.min(to, layer.limit)), field: field.name, value: subs === undefined ? NOT_CAPTURED : "[]", meaning: subs === undefined ? "not captured" : "none" });
      }
      continue;
    }
    if (group && from < group.to) {
      group.fields.push(field);
      group.to = Math.max(group.to, to);
    } else {
      flush();
      group = { from, to, fields: [field] };
    }
  }
  flush();
  return rows;
}

function meaningOf(layer: Layer, field: Field): string {
  const value = field.read(layer);
  if (value === undefined) return "not captured";
  const check = layer.check;
  if (check && check.field === field.name) {
    const expected = check.expected === undefined ? "" : `0x${check.expected.toString(16).padStart(4, "0")}`;
    if (check.status === "good") return "correct: matches the bytes it covers";
    if (check.status === "bad") return `wrong: the bytes call for ${expected}`;
    if (check.status === "none") return "none: 0 means the sender did not compute one";
    if (check.status === "offloaded") return `not filled in: the sender left it to the NIC (checksum offload) and the capture saw it first; complete, it would be ${expected}`;
    return "not checked: some of the bytes it covers were not captured";
  }
  return field.meaning ? field.meaning(value as never, layer) : "";
}

function hexOffset(at: number): string {
  return "0x" + at.toString(16).padStart(2, "0");
}

function hexBytes(data: Uint8Array, from: number, to: number): string {
  const parts: string[] = [];
  for (let i = from; i < to && i < from + ROW_BYTES; i++) parts.push(data[i].toString(16).padStart(2, "0"));
  return parts.join(" ") + (to - from > ROW_BYTES ? " …" : "");
}

/**
 * Python's repr() of bytes read as UTF-8 with undecodable bytes kept as
 * "\xNN" text (scapy's plain_str), which is what scapy's show() prints for a
 * payload: 'Hello, World!', '\x00\x00\x00\x00\x00'.
 */
export function pythonRepr(bytes: Uint8Array): string {
  const text = decodeBackslashReplace(bytes);
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && NON_PRINTABLE.test(ch))) {
      if (c < 0x100) out += "\\x" + c.toString(16).padStart(2, "0");
      else if (c < 0x10000) out += "\\u" + c.toString(16).padStart(4, "0");
      else out += "\\U" + c.toString(16).padStart(8, "0");
    } else out += ch;
  }
  return out + quote;
}

// Python's str.isprintable() is false for these categories (and true for the plain space).
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** UTF-8 decoding that turns each byte of an invalid sequence into the four characters "\xNN", as Python's errors="backslashreplace". */
function decodeBackslashReplace(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0x0f; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 0x07; min = 0x10000; }
    let ok = need > 0 && i + need < n;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const c = bytes[i + k];
        if (c === undefined || (c & 0xc0) !== 0x80) { ok = false; break; }
        cp = (cp << 6) | (c & 0x3f);
      }
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += "\\x" + b.toString(16).padStart(2, "0");
      i++;
    }
  }
  return out;
}
