// Printing layers from their tables: show()'s indented listing, as scapy
// prints it, and the notebook's per-field rows (offset, bytes, value, meaning).
import { Field } from "./header";
import { Layer } from "./layer";

const NOT_CAPTURED = "<not captured>";

export function reprField(layer: Layer, field: Field): string {
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
