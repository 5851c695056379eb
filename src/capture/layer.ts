// A header read from a frame: a Header's table applied to bytes of the frame,
// with nothing copied, linked to the layers below and above it, and carrying
// what is wrong with it (truncation, a bad checksum).
import { reprField } from "./layer-print";
import { FieldValue, LayersFormat } from "./formats";
import { Field, Header } from "./header";

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
